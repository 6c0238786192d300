/** The webhook backend against a real HTTPS server requiring client certificates. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type PkiMaterial } from '../server/certs/pki.js';
import { loadWebhookKubeconfig, newWebhookBackend, type WebhookTarget } from './webhook.js';
import { auditMetrics } from './sink.js';
import type { AuditEvent, AuditEventList } from './types.js';

let dir: string;
let pki: PkiMaterial;
let server: Server;
let target: WebhookTarget;
/** What the server answers next (status codes, consumed in order; then 200). */
const script: number[] = [];
const received: { list: AuditEventList; cn: string; status: number }[] = [];
let waiters: (() => void)[] = [];

function untilReceived(n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} POSTs, got ${received.length}`)), 10_000);
    const check = () => {
      if (received.length >= n) {
        clearTimeout(timer);
        resolve();
      } else waiters.push(check);
    };
    check();
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kapi-webhook-'));
  pki = await ensurePki({ certDir: join(dir, 'pki'), extraSans: [] });
  server = createServer({ cert: pki.servingCertPem, key: pki.servingKeyPem, ca: pki.caCertPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = script.shift() ?? 200;
      const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '';
      assert.equal(req.method, 'POST');
      assert.equal(req.headers['content-type'], 'application/json');
      received.push({ list: JSON.parse(Buffer.concat(chunks).toString()), cn: String(cn), status });
      res.statusCode = status;
      res.end(status === 200 ? '{}' : 'nope');
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const kubeconfig = join(dir, 'webhook.kubeconfig');
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  writeFileSync(join(dir, 'client.crt'), pki.adminCertPem);
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters:
- name: sink
  cluster:
    server: https://127.0.0.1:${port}/audit
    certificate-authority-data: ${b64(pki.caCertPem)}
users:
- name: apiserver
  user:
    client-certificate: client.crt
    client-key-data: ${b64(pki.adminKeyPem)}
contexts:
- name: default
  context: {cluster: sink, user: apiserver}
current-context: default
`,
  );
  target = loadWebhookKubeconfig(kubeconfig);
});

after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const event = (id: number): AuditEvent => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: `id-${id}`,
  stage: 'ResponseComplete',
  requestURI: '/api/v1/pods',
  verb: 'list',
  user: { username: 'jane' },
  requestReceivedTimestamp: '2025-01-01T00:00:00.000000Z',
  stageTimestamp: '2025-01-01T00:00:00.000100Z',
});

test('the kubeconfig is read: server URL, CA, client certificate (file relative to the kubeconfig) and key', () => {
  assert.equal(target.url.pathname, '/audit');
  assert.equal(target.ca, pki.caCertPem);
  assert.equal(target.cert, pki.adminCertPem);
  assert.equal(target.key, pki.adminKeyPem);
});

test('events are batched by size and by wait time, and POSTed as an EventList with the client certificate', async () => {
  received.length = 0;
  const lines: string[] = [];
  const b = newWebhookBackend({ target, mode: 'batch', backoff: { initialMs: 10, factor: 1.5, jitter: 0.2, steps: 5 }, batch: { bufferSize: 100, maxBatchSize: 3, maxBatchWaitMs: 100 } }, (l) => lines.push(l));
  for (let i = 0; i < 7; i++) b.processEvents([event(i)]);
  // Two full batches leave at once; the seventh event waits for maxBatchWait.
  await untilReceived(3);
  assert.deepEqual(received.map((r) => r.list.items.map((e) => e.auditID)), [['id-0', 'id-1', 'id-2'], ['id-3', 'id-4', 'id-5'], ['id-6']]);
  for (const r of received) {
    assert.equal(r.list.kind, 'EventList');
    assert.equal(r.list.apiVersion, 'audit.k8s.io/v1');
    assert.deepEqual(r.list.metadata, {});
    assert.equal(r.cn, 'kapi-admin');
  }
  await b.shutdown();
  assert.deepEqual(lines, []);
});

test('a 500 is retried with backoff; a 400 is not, and is counted and logged', async () => {
  received.length = 0;
  const lines: string[] = [];
  const b = newWebhookBackend({ target, mode: 'batch', backoff: { initialMs: 10, factor: 1.5, jitter: 0.2, steps: 5 }, batch: { bufferSize: 100, maxBatchSize: 2, maxBatchWaitMs: 10_000 } }, (l) => lines.push(l));
  script.push(500, 500);
  b.processEvents([event(1), event(2)]);
  await untilReceived(3);
  assert.deepEqual(received.map((r) => r.status), [500, 500, 200]);
  assert.deepEqual(received[2].list.items.map((e) => e.auditID), ['id-1', 'id-2']);
  const before = auditMetrics.errorTotal.get('webhook') ?? 0;
  script.push(400);
  b.processEvents([event(3), event(4)]);
  await b.shutdown();
  assert.equal(received.length, 4);
  assert.equal(auditMetrics.errorTotal.get('webhook'), before + 2);
  assert.match(lines.join('\n'), /error in audit plugin 'webhook' affecting 2 audit events: the server responded with the status code 400: nope/);
});

test('the buffer is bounded: overflowing events are dropped and reported; shutdown delivers the rest', async () => {
  received.length = 0;
  const lines: string[] = [];
  const b = newWebhookBackend({ target, mode: 'batch', backoff: { initialMs: 10, factor: 1.5, jitter: 0.2, steps: 5 }, batch: { bufferSize: 2, maxBatchSize: 10, maxBatchWaitMs: 60_000 } }, (l) => lines.push(l));
  b.processEvents([1, 2, 3, 4, 5].map(event));
  assert.match(lines.join('\n'), /affecting 3 audit events: audit buffer queue blocked/);
  await b.shutdown();
  assert.deepEqual(received.map((r) => r.list.items.map((e) => e.auditID)), [['id-1', 'id-2']]);
});
