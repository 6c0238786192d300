/**
 * Audit logging of a real kapi process (`--audit-policy-file`,
 * `--audit-log-path`): every request the policy selects is in the JSON-lines
 * log — allowed, denied (403), failed (404, 422) and unauthenticated (401) —
 * with the Audit-Id the client saw, the decision annotations, and bodies by
 * level (Secret data never at Metadata).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KapiClient, startKapi, type KapiProcess } from '../support/server.js';
import { waitFor } from '../support/wait.js';
import { issueClientCert, type PkiMaterial } from '../../src/server/certs/pki.js';

const dir = mkdtempSync(join(tmpdir(), 'kapi-audit-it-'));
const policyFile = join(dir, 'policy.yaml');
const logFile = join(dir, 'audit', 'audit.log');
let kapi: KapiProcess;
let admin: KapiClient;
let eve: KapiClient;
let anonymous: KapiClient;

writeFileSync(
  policyFile,
  `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  nonResourceURLs: ["/healthz*", "/livez*", "/readyz*"]
- level: None
  users: ["system:apiserver"]
- level: Metadata
  resources: [{group: "", resources: ["secrets"]}]
- level: RequestResponse
  resources: [{group: "", resources: ["configmaps"]}]
  namespaces: ["audited"]
- level: Metadata
`,
);

interface Event {
  level: string;
  auditID: string;
  stage: string;
  requestURI: string;
  verb: string;
  user: { username?: string; groups?: string[] };
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: Record<string, string>;
  responseStatus?: { code?: number; reason?: string; status?: string; message?: string };
  requestObject?: Record<string, unknown>;
  responseObject?: Record<string, unknown>;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

function events(): Event[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Event);
}

/** The events of one request, once its last stage is in the log. */
function eventsOf(auditID: string, lastStage = 'ResponseComplete'): Promise<Event[]> {
  return waitFor(`audit events of ${auditID}`, () => {
    const evs = events().filter((e) => e.auditID === auditID);
    return evs.some((e) => e.stage === lastStage) ? evs : undefined;
  });
}

before(async () => {
  kapi = await startKapi({ args: [`--audit-policy-file=${policyFile}`, `--audit-log-path=${logFile}`, '--audit-log-maxsize=1'] });
  admin = kapi.client;
  const pki = { caCertPem: readFileSync(join(kapi.dataDir, 'pki', 'ca.crt'), 'utf8'), caKeyPem: readFileSync(join(kapi.dataDir, 'pki', 'ca.key'), 'utf8') } as PkiMaterial;
  const cert = await issueClientCert(pki, 'eve', ['developers']);
  eve = new KapiClient(kapi.url, kapi.kubeconfig, { cert: cert.certPem, key: cert.keyPem });
  anonymous = KapiClient.anonymous(kapi.url, kapi.kubeconfig);
  const ns = await admin.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'audited' } } });
  assert.equal(ns.status, 201, ns.body);
});

after(async () => {
  eve?.close();
  anonymous?.close();
  await kapi?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit log of a real server', () => {
  test('an allowed create at RequestResponse: bodies, objectRef, Audit-Id, allow annotations', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { mode: 'fast' } };
    const r = await admin.request('POST', '/api/v1/namespaces/audited/configmaps', { body: cm, headers: { 'user-agent': 'audit-test/1.0' } });
    assert.equal(r.status, 201, r.body);
    const auditID = String(r.headers['audit-id']);
    const evs = await eventsOf(auditID);
    // RequestReceived is omitted by the policy; a create is not long-running.
    assert.deepEqual(evs.map((e) => e.stage), ['ResponseComplete']);
    const ev = evs[0];
    assert.equal(ev.level, 'RequestResponse');
    assert.equal(ev.verb, 'create');
    assert.equal(ev.requestURI, '/api/v1/namespaces/audited/configmaps');
    assert.equal(ev.user.username, 'kapi-admin');
    assert.ok(ev.user.groups?.includes('system:masters'));
    assert.deepEqual(ev.sourceIPs, ['127.0.0.1']);
    assert.equal(ev.userAgent, 'audit-test/1.0');
    assert.equal(ev.objectRef?.resource, 'configmaps');
    assert.equal(ev.objectRef?.namespace, 'audited');
    assert.equal(ev.objectRef?.name, 'app-config');
    assert.equal(ev.objectRef?.apiVersion, 'v1');
    assert.deepEqual(ev.responseStatus, { metadata: {}, code: 201 });
    assert.deepEqual((ev.requestObject as { data: unknown }).data, { mode: 'fast' });
    assert.equal((ev.responseObject as { metadata: { uid?: string } }).metadata.uid, r.json().metadata.uid);
    assert.equal(ev.annotations?.['authorization.k8s.io/decision'], 'allow');
    assert.ok('authorization.k8s.io/reason' in (ev.annotations ?? {}));
    assert.match(ev.stageTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  test('a Secret at Metadata level: no data in the log', async () => {
    const r = await admin.request('POST', '/api/v1/namespaces/audited/secrets', {
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: Buffer.from('s3cr3t-value').toString('base64') } },
    });
    assert.equal(r.status, 201, r.body);
    const [ev] = await eventsOf(String(r.headers['audit-id']));
    assert.equal(ev.level, 'Metadata');
    assert.equal(ev.requestObject, undefined);
    assert.equal(ev.responseObject, undefined);
    assert.ok(!readFileSync(logFile, 'utf8').includes(Buffer.from('s3cr3t-value').toString('base64')));
  });

  test('a denied request (403) is audited with decision forbid', async () => {
    const r = await eve.request('GET', '/api/v1/namespaces/audited/configmaps/app-config');
    assert.equal(r.status, 403, r.body);
    const [ev] = await eventsOf(String(r.headers['audit-id']));
    assert.equal(ev.user.username, 'eve');
    assert.equal(ev.verb, 'get');
    assert.equal(ev.responseStatus?.code, 403);
    assert.equal(ev.responseStatus?.reason, 'Forbidden');
    assert.equal(ev.annotations?.['authorization.k8s.io/decision'], 'forbid');
    assert.ok('authorization.k8s.io/reason' in (ev.annotations ?? {}));
    // A 403 answer is an error Status: at RequestResponse it is also the responseObject.
    assert.equal((ev.responseObject as { kind?: string }).kind, 'Status');
  });

  test('failed requests (404, 422) are audited with their Status', async () => {
    const missing = await admin.request('GET', '/api/v1/namespaces/audited/configmaps/missing');
    assert.equal(missing.status, 404);
    const [nf] = await eventsOf(String(missing.headers['audit-id']));
    assert.deepEqual(nf.responseStatus, {
      metadata: {},
      status: 'Failure',
      message: 'configmaps "missing" not found',
      reason: 'NotFound',
      details: { name: 'missing', kind: 'configmaps' },
      code: 404,
    });
    const invalid = await admin.request('POST', '/api/v1/namespaces/audited/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } } });
    assert.equal(invalid.status, 422);
    const [inv] = await eventsOf(String(invalid.headers['audit-id']));
    assert.equal(inv.responseStatus?.code, 422);
    assert.equal(inv.responseStatus?.reason, 'Invalid');
    assert.equal(inv.objectRef?.name, 'Bad_Name');
  });

  test('unauthenticated requests (401: no credentials, a bad token) are one ResponseStarted event without a user', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-valid-token' }] as Record<string, string>[]) {
      const r = await anonymous.request('GET', '/api/v1/namespaces', { headers });
      assert.equal(r.status, 401);
      const evs = await eventsOf(String(r.headers['audit-id']), 'ResponseStarted');
      assert.equal(evs.length, 1);
      assert.deepEqual(evs[0].user, {});
      assert.equal(evs[0].level, 'Metadata');
      assert.equal(evs[0].verb, 'list');
      assert.deepEqual(evs[0].responseStatus, { metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
  });

  test('a watch logs ResponseStarted and, when it ends, ResponseComplete', async () => {
    const evs = await admin.watch('/api/v1/namespaces/audited/configmaps?watch=true&timeoutSeconds=1', () => false, 5_000);
    assert.ok(evs.length >= 1);
    const watches = await waitFor('watch events', () => {
      const w = events().filter((e) => e.verb === 'watch' && e.requestURI.startsWith('/api/v1/namespaces/audited/configmaps'));
      return w.some((e) => e.stage === 'ResponseComplete') ? w : undefined;
    });
    assert.deepEqual(watches.map((e) => e.stage), ['ResponseStarted', 'ResponseComplete']);
  });

  test('health checks (level None) are not logged', async () => {
    const r = await admin.request('GET', '/healthz');
    assert.equal(r.status, 200);
    // The request below is logged after it; the health check before it never is.
    const c = await admin.request('GET', '/api/v1/namespaces/audited');
    await eventsOf(String(c.headers['audit-id']));
    assert.equal(events().filter((e) => e.requestURI === '/healthz').length, 0);
  });
});
