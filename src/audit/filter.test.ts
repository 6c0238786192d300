/**
 * The audit filters in the real filter chain (chain.ts's filters with the
 * audit filters spliced in by withAuditFilters), over a real HTTP server.
 * The test handler calls the hooks the way the lead wires them into the
 * response writer and the body decoders.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildHandlerChain, defaultFilters, type Filter } from '../server/chain.js';
import { contextOf } from '../endpoints/request/context.js';
import { writeObject } from '../endpoints/handlers/responsewriters.js';
import { newNotFound } from '../runtime/errors.js';
import type { HttpHandler } from '../server/http.js';
import { auditRequestObject, auditResponseObject, recordAuthorizationDecision } from './context.js';
import { withAuditFilters } from './filter.js';
import { newPolicyRuleEvaluator, parsePolicy } from './policy.js';
import type { AuditBackend } from './sink.js';
import type { AuditEvent } from './types.js';

const events: AuditEvent[] = [];
const backend: AuditBackend = { name: 'test', processEvents: (e) => (events.push(...e), true), shutdown: async () => undefined };

const policy = parsePolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitManagedFields: true
rules:
- level: None
  nonResourceURLs: ["/healthz*"]
- level: Metadata
  resources: [{group: "", resources: ["secrets"]}]
- level: RequestResponse
  resources: [{group: "", resources: ["configmaps"]}]
- level: Request
  resources: [{group: "", resources: ["pods"]}]
  omitStages: [RequestReceived]
- level: Metadata
`);

const json = { format: 'json' as const, contentType: 'application/json' };

/** A stand-in for the API handler, calling the hooks as the real handlers will. */
const api: HttpHandler = async (req, res) => {
  const ctx = contextOf(req);
  const info = ctx.requestInfo;
  const respond = (code: number, obj: unknown) => {
    auditResponseObject(req, obj); // the lead's one-line hook in writeObject
    writeObject(req, res, code, obj, json, ctx.query);
  };
  if (info?.resource === 'configmaps' && req.method === 'POST') {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const obj = JSON.parse(Buffer.concat(chunks).toString());
    auditRequestObject(ctx, obj); // the lead's hook after decoding a body
    respond(201, { ...obj, metadata: { ...obj.metadata, uid: 'u-1', resourceVersion: '7', managedFields: [{ manager: 'kubectl' }] } });
    return;
  }
  if (info?.resource === 'secrets') {
    respond(200, { apiVersion: 'v1', kind: 'Secret', metadata: { name: info.name, namespace: info.namespace }, data: { password: 'aHVudGVyMg==' } });
    return;
  }
  if (info?.resource === 'pods' && info.verb === 'watch') {
    const w = res as ServerResponse;
    w.writeHead(200, { 'Content-Type': 'application/json' });
    w.write('{"type":"ADDED","object":{}}\n');
    await new Promise((r) => setTimeout(r, 5));
    res.end();
    return;
  }
  if (info?.resource === 'pods' && info.name === 'boom') throw new Error('boom');
  if (info?.resource === 'pods') throw newNotFound({ group: '', resource: 'pods' }, info.name);
  respond(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 });
};

/** Test stand-in for the lead's change to withAuthorization: record the decision, then authorize. */
const recordDecision: Filter = {
  name: 'record-decision',
  build: (next, config) => async (req, res) => {
    const ctx = contextOf(req);
    const info = ctx.requestInfo;
    if (info && ctx.user) {
      const d = await config.authorizer.authorize({ ...info, user: ctx.user });
      recordAuthorizationDecision(ctx, d.decision === 'Allow' ? 'allow' : 'forbid', d.reason);
    }
    await next(req, res);
  },
};

let server: Server;
let port = 0;

before(async () => {
  const filters = withAuditFilters(defaultFilters, { evaluator: newPolicyRuleEvaluator(policy), backend });
  const i = filters.findIndex((f) => f.name === 'authorization');
  filters.splice(i, 0, recordDecision);
  const handler = buildHandlerChain(api, {
    authenticator: { authenticate: (req) => (req.headers['x-user'] ? { user: { name: String(req.headers['x-user']), uid: 'uid-1', groups: ['dev', 'system:authenticated'], extra: { scope: ['a'] } } } : null) },
    authorizer: { authorize: (a) => (a.user.name === 'bob' ? { decision: 'NoOpinion', reason: '' } : { decision: 'Allow', reason: 'RBAC: allowed by test' }) },
    publicPaths: (p) => p.startsWith('/healthz'),
    shutdownSignal: new AbortController().signal,
    requestTimeoutMs: 0,
    inFlight: { add: () => undefined, done: () => undefined },
  }, filters);
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
  events.length = 0;
});

function call(method: string, path: string, opts: { user?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'user-agent': 'kubectl/v1.33.0 (linux/amd64)', ...(opts.headers ?? {}) };
    if (opts.user) headers['x-user'] = opts.user;
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    if (body) headers['content-type'] = 'application/json';
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const stagesOf = (auditID: string) => events.filter((e) => e.auditID === auditID).map((e) => e.stage);

test('an allowed request: RequestReceived then ResponseComplete, every metadata field, decision annotations, no body at Metadata', async () => {
  const r = await call('GET', '/api/v1/namespaces/default/secrets/db?pretty=false', { user: 'jane', headers: { 'x-forwarded-for': '10.0.0.5' } });
  assert.equal(r.status, 200);
  const id = String(r.headers['audit-id']);
  assert.deepEqual(stagesOf(id), ['RequestReceived', 'ResponseComplete']);
  const ev = events[1];
  assert.deepEqual(Object.keys(ev), ['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'sourceIPs', 'userAgent', 'objectRef', 'responseStatus', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations']);
  assert.equal(ev.level, 'Metadata');
  assert.equal(ev.requestURI, '/api/v1/namespaces/default/secrets/db?pretty=false');
  assert.equal(ev.verb, 'get');
  assert.deepEqual(ev.user, { username: 'jane', uid: 'uid-1', groups: ['dev', 'system:authenticated'], extra: { scope: ['a'] } });
  assert.deepEqual(ev.sourceIPs, ['10.0.0.5', '127.0.0.1']);
  assert.equal(ev.userAgent, 'kubectl/v1.33.0 (linux/amd64)');
  assert.deepEqual(ev.objectRef, { resource: 'secrets', namespace: 'default', name: 'db', apiVersion: 'v1' });
  assert.deepEqual(ev.responseStatus, { metadata: {}, code: 200 });
  assert.deepEqual(ev.annotations, { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by test' });
  assert.match(ev.requestReceivedTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.match(ev.stageTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.equal(events[0].stageTimestamp, events[0].requestReceivedTimestamp);
  // Metadata level: the Secret's data appears nowhere.
  assert.ok(!JSON.stringify(events).includes('aHVudGVyMg=='));
});

test('RequestResponse: request and response bodies, objectRef completed from the body, managed fields omitted', async () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', managedFields: [{ manager: 'x' }] }, data: { a: 'b' } };
  const r = await call('POST', '/api/v1/namespaces/default/configmaps', { user: 'jane', body: cm });
  assert.equal(r.status, 201);
  const ev = events.find((e) => e.stage === 'ResponseComplete');
  assert.ok(ev);
  assert.equal(ev.verb, 'create');
  assert.deepEqual(ev.objectRef, { resource: 'configmaps', namespace: 'default', name: 'cfg', apiVersion: 'v1' });
  assert.deepEqual(ev.requestObject, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: 'b' } });
  assert.deepEqual(ev.responseObject, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', uid: 'u-1', resourceVersion: '7' }, data: { a: 'b' } });
  assert.deepEqual(ev.responseStatus, { metadata: {}, code: 201 });
});

test('a denied request (403) is audited with the forbid decision and the Status', async () => {
  const r = await call('GET', '/api/v1/namespaces/default/secrets/db', { user: 'bob' });
  assert.equal(r.status, 403);
  const ev = events.find((e) => e.stage === 'ResponseComplete');
  assert.ok(ev);
  assert.deepEqual(ev.annotations, { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' });
  assert.equal(ev.responseStatus?.code, 403);
  assert.equal(ev.responseStatus?.reason, 'Forbidden');
  assert.equal(ev.responseStatus?.status, 'Failure');
  assert.match(ev.responseStatus?.message ?? '', /^secrets "db" is forbidden: User "bob" cannot get resource "secrets"/);
});

test('a failed request (404) at Request level with RequestReceived omitted', async () => {
  const r = await call('GET', '/api/v1/namespaces/default/pods/missing', { user: 'jane' });
  assert.equal(r.status, 404);
  assert.deepEqual(events.map((e) => e.stage), ['ResponseComplete']);
  assert.deepEqual(events[0].responseStatus, {
    metadata: {},
    status: 'Failure',
    message: 'pods "missing" not found',
    reason: 'NotFound',
    details: { name: 'missing', kind: 'pods' },
    code: 404,
  });
});

test('an unauthenticated request (401) gives one ResponseStarted event with no user', async () => {
  const r = await call('GET', '/api/v1/namespaces/default/secrets/db');
  assert.equal(r.status, 401);
  assert.equal(JSON.parse(r.body).reason, 'Unauthorized');
  assert.equal(events.length, 1);
  const ev = events[0];
  assert.equal(ev.stage, 'ResponseStarted');
  assert.equal(ev.level, 'Metadata');
  assert.deepEqual(ev.user, {});
  assert.equal(ev.auditID, r.headers['audit-id']);
  assert.deepEqual(ev.responseStatus, { metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
});

test('a watch (long-running) gets ResponseStarted when headers go out, then ResponseComplete', async () => {
  const r = await call('GET', '/api/v1/namespaces/default/pods?watch=true', { user: 'jane' });
  assert.equal(r.status, 200);
  assert.deepEqual(events.map((e) => e.stage), ['ResponseStarted', 'ResponseComplete']);
  assert.equal(events[0].verb, 'watch');
  assert.deepEqual(events[0].responseStatus, { metadata: {}, code: 200 });
});

test('a handler crash is recorded at stage Panic and still answered 500 by the panic filter', async () => {
  const r = await call('GET', '/api/v1/namespaces/default/pods/boom', { user: 'jane' });
  assert.equal(r.status, 500);
  assert.deepEqual(events.map((e) => e.stage), ['Panic']);
  assert.deepEqual(events[0].responseStatus, { metadata: {}, status: 'Failure', message: "APIServer panic'd: boom", reason: 'InternalError', code: 500 });
});

test('level None records nothing; a client Audit-ID is reused', async () => {
  await call('GET', '/healthz');
  assert.equal(events.length, 0);
  const r = await call('GET', '/version', { user: 'jane', headers: { 'audit-id': 'my-id-1' } });
  assert.equal(r.headers['audit-id'], 'my-id-1');
  assert.deepEqual(stagesOf('my-id-1'), ['RequestReceived', 'ResponseComplete']);
  assert.equal(events[1].verb, 'get');
  assert.equal(events[1].objectRef, undefined);
});
