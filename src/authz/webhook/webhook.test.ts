import test from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ensurePki, issueClientCert } from '../../server/certs/pki.js';
import { loadWebhookKubeconfig } from './kubeconfig.js';
import { newWebhookAuthorizer } from './webhook.js';
import { pathAttrs, resourceAttrs, testUser } from '../testing.js';

interface Received {
  body: Record<string, unknown>;
  clientCN: string;
  auth: string;
}

/** A real HTTPS SubjectAccessReview server; `answer` decides per request. */
async function startWebhook(dir: string, answer: (review: Record<string, unknown>) => { code: number; status?: Record<string, unknown> }) {
  const pki = await ensurePki({ certDir: join(dir, 'pki'), extraSans: [] });
  const received: Received[] = [];
  const server: Server = createServer({ cert: pki.servingCertPem, key: pki.servingKeyPem, ca: pki.caCertPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      received.push({ body, clientCN: String(peer?.subject?.CN ?? ''), auth: req.headers.authorization ?? '' });
      const a = answer(body);
      res.writeHead(a.code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: body.apiVersion, kind: 'SubjectAccessReview', status: a.status ?? {} }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const client = await issueClientCert(pki, 'kube-apiserver', []);
  writeFileSync(join(dir, 'client.crt'), client.certPem);
  const kubeconfig = join(dir, 'webhook.kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: authz',
      '  cluster:',
      `    server: https://127.0.0.1:${port}/authorize`,
      `    certificate-authority-data: ${Buffer.from(pki.caCertPem).toString('base64')}`,
      'users:',
      '- name: apiserver',
      '  user:',
      '    client-certificate: client.crt',
      `    client-key-data: ${Buffer.from(client.keyPem).toString('base64')}`,
      'contexts:',
      '- name: webhook',
      '  context: {cluster: authz, user: apiserver}',
      'current-context: webhook',
      '',
    ].join('\n'),
  );
  return { server, received, kubeconfig, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const quick = { initialMs: 5, factor: 1, steps: 2 };

test('webhook authorizer against a real HTTPS server', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'authz-webhook-'));
  const wh = await startWebhook(dir, (review) => {
    const spec = review.spec as Record<string, Record<string, string>>;
    const ra = spec.resourceAttributes ?? {};
    if (ra.resource === 'pods') return { code: 200, status: { allowed: true, reason: 'pods are fine' } };
    if (ra.resource === 'secrets') return { code: 200, status: { allowed: false, denied: true, reason: 'never secrets' } };
    if (ra.resource === 'broken') return { code: 500 };
    return { code: 200, status: { allowed: false, reason: 'no idea' } };
  });
  try {
    const client = loadWebhookKubeconfig(wh.kubeconfig);
    const alice = { ...testUser('alice', ['devs']), uid: 'u-1', extra: { scopes: ['a'] } };

    await t.test('v1 review carries the request attributes and the client certificate', async () => {
      const authz = newWebhookAuthorizer({ client, version: 'v1', retryBackoff: quick });
      const r = await authz.authorize(resourceAttrs(alice, 'get', 'pods', { namespace: 'ns', name: 'p', apiVersion: 'v1' }));
      assert.deepEqual(r, { decision: 'Allow', reason: 'pods are fine' });
      const last = wh.received.at(-1);
      assert.equal(last?.clientCN, 'kube-apiserver');
      assert.deepEqual(last?.body, {
        kind: 'SubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: {
          resourceAttributes: { namespace: 'ns', verb: 'get', version: 'v1', resource: 'pods', name: 'p' },
          user: 'alice',
          groups: ['devs', 'system:authenticated'],
          extra: { scopes: ['a'] },
          uid: 'u-1',
        },
        status: { allowed: false },
      });
    });

    await t.test('denied is Deny, neither is NoOpinion, both keep the reason', async () => {
      const authz = newWebhookAuthorizer({ client, version: 'v1', retryBackoff: quick });
      assert.deepEqual(await authz.authorize(resourceAttrs(alice, 'get', 'secrets', { namespace: 'ns' })), { decision: 'Deny', reason: 'never secrets' });
      assert.deepEqual(await authz.authorize(resourceAttrs(alice, 'get', 'nodes')), { decision: 'NoOpinion', reason: 'no idea' });
    });

    await t.test('answers are cached by request', async () => {
      const authz = newWebhookAuthorizer({ client, version: 'v1', retryBackoff: quick, unauthorizedTTLMs: 0 });
      const before = wh.received.length;
      await authz.authorize(resourceAttrs(alice, 'list', 'pods', { namespace: 'c' }));
      await authz.authorize(resourceAttrs(alice, 'list', 'pods', { namespace: 'c' }));
      assert.equal(wh.received.length, before + 1, 'authorized answers are cached');
      await authz.authorize(resourceAttrs(alice, 'list', 'nodes'));
      await authz.authorize(resourceAttrs(alice, 'list', 'nodes'));
      assert.equal(wh.received.length, before + 3, 'unauthorized TTL 0 disables caching');
    });

    await t.test('v1beta1 sends groups as "group" and non-resource attributes', async () => {
      const authz = newWebhookAuthorizer({ client, retryBackoff: quick });
      await authz.authorize(pathAttrs(alice, 'get', '/healthz'));
      const body = wh.received.at(-1)?.body as { apiVersion: string; spec: Record<string, unknown> };
      assert.equal(body.apiVersion, 'authorization.k8s.io/v1beta1');
      assert.deepEqual(body.spec.group, ['devs', 'system:authenticated']);
      assert.deepEqual(body.spec.nonResourceAttributes, { path: '/healthz', verb: 'get' });
    });

    await t.test('server errors are retried, then NoOpinion with an error', async () => {
      const authz = newWebhookAuthorizer({ client, version: 'v1', retryBackoff: { initialMs: 5, factor: 1, steps: 3 } });
      const before = wh.received.length;
      const r = await authz.authorize(resourceAttrs(alice, 'get', 'broken'));
      assert.equal(r.decision, 'NoOpinion');
      assert.match(r.error ?? '', /status code 500/);
      assert.equal(wh.received.length, before + 3);
    });
  } finally {
    await wh.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
