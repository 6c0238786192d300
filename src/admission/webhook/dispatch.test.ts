/**
 * The webhook plugins against real HTTPS webhook servers (test CA from the
 * server's PKI helpers), fed by an in-memory configuration source.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { allow, deny, makeWebhookPki, patchResponse, startWebhookServer, unusedPort, untilAbandoned, type WebhookPki, type WebhookServer } from '../../../test/support/webhook-server.js';
import { newMutatingWebhookPlugin } from './mutating.js';
import { newValidatingWebhookPlugin } from './validating.js';
import { attributes, FakeListWatch, requestContext } from './testing.js';
import { specResourceMapper } from './equivalent.js';
import { closeWebhookConnections } from './client.js';
import type { KubeObject } from '../../runtime/object.js';
import type { StatusError } from '../../runtime/errors.js';
import type { LifecycleAdmissionPlugin } from './plugin.js';
import { newAdmissionChain } from '../chain.js';

let pki: WebhookPki;
let otherPki: WebhookPki;
let server: WebhookServer;
const plugins: LifecycleAdmissionPlugin[] = [];

const namespaces = new Map<string, KubeObject>([
  ['prod', { metadata: { name: 'prod', labels: { env: 'prod' } } }],
  ['dev', { metadata: { name: 'dev', labels: { env: 'dev' } } }],
]);
const getNamespace = async (n: string) => namespaces.get(n) ?? null;

before(async () => {
  pki = await makeWebhookPki(['hooks.webhooks.svc']);
  otherPki = await makeWebhookPki();
  server = await startWebhookServer(pki);
});

after(async () => {
  for (const p of plugins) p.stop();
  closeWebhookConnections();
  await server.close();
  pki.cleanup();
  otherPki.cleanup();
});

function config(kind: 'Mutating' | 'Validating', name: string, hooks: Record<string, unknown>[]): KubeObject {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind: `${kind}WebhookConfiguration`, metadata: { name }, webhooks: hooks };
}

function hook(name: string, path: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    clientConfig: { url: server.url(path), caBundle: pki.caBundle },
    rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    timeoutSeconds: 5,
    ...extra,
  };
}

function mutating(configs: KubeObject[], extra: Partial<Parameters<typeof newMutatingWebhookPlugin>[0]> = {}) {
  const source = new FakeListWatch(configs);
  const p = newMutatingWebhookPlugin({ configurations: source, getNamespace, ...extra });
  plugins.push(p);
  return { plugin: p, source };
}

function validating(configs: KubeObject[]) {
  const source = new FakeListWatch(configs);
  const p = newValidatingWebhookPlugin({ configurations: source, getNamespace });
  plugins.push(p);
  return { plugin: p, source };
}

const pod = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'prod', labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

function createPod(obj: KubeObject, ns = 'prod', dryRun = false) {
  const ctx = requestContext();
  return { attrs: attributes({ operation: 'CREATE', resource: 'pods', kind: 'Pod', namespace: ns, object: obj, dryRun }, ctx), ctx };
}

async function rejection(p: Promise<void>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    return err as StatusError;
  }
  assert.fail('expected the request to be rejected');
}

test('a mutating webhook patches the object in place and its warnings reach the response', async () => {
  server.handle('/label', () => patchResponse([{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }], { warnings: ['labelled by webhook'] }));
  const { plugin } = mutating([config('Mutating', 'label', [hook('label.example.com', '/label')])]);
  const obj = pod('p1');
  const { attrs, ctx } = createPod(obj);
  await plugin.admit?.(attrs);
  assert.equal(obj.metadata?.labels?.mutated, 'yes');
  assert.deepEqual(ctx.warnings, ['labelled by webhook']);
  const review = server.received.filter((r) => r.path === '/label').at(-1)?.review;
  assert.equal(review?.apiVersion, 'admission.k8s.io/v1');
  assert.equal(review?.request.operation, 'CREATE');
  assert.equal(review?.request.namespace, 'prod');
  assert.equal(review?.request.name, 'p1');
  assert.deepEqual(review?.request.kind, { group: '', version: 'v1', kind: 'Pod' });
  assert.deepEqual(review?.request.userInfo, { username: 'alice', uid: 'u-1', groups: ['system:authenticated'] });
  assert.equal(review?.request.oldObject, null);
  assert.deepEqual(review?.request.options, { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' });
});

test('a validating webhook denial carries the webhook name and message', async () => {
  server.handle('/deny', () => deny('pods named evil are not allowed'));
  const { plugin } = validating([config('Validating', 'deny', [hook('deny.example.com', '/deny')])]);
  const err = await rejection(plugin.validate?.(createPod(pod('evil')).attrs) as Promise<void>);
  assert.equal(err.status.code, 403);
  assert.equal(err.status.message, 'admission webhook "deny.example.com" denied the request: pods named evil are not allowed');
});

test('a slow webhook trips timeoutSeconds: Fail rejects with Kubernetes text, Ignore lets the request through', async () => {
  server.handle('/slow', async (_review, req) => {
    await untilAbandoned(req);
    return allow();
  });
  const failing = validating([config('Validating', 'slow', [hook('slow.example.com', '/slow', { timeoutSeconds: 1 })])]).plugin;
  const started = Date.now();
  const err = await rejection(failing.validate?.(createPod(pod('p2')).attrs) as Promise<void>);
  assert.ok(Date.now() - started < 4000, 'gave up after about a second');
  assert.equal(err.status.code, 500);
  assert.equal(err.status.reason, 'InternalError');
  assert.equal(err.status.message, `Internal error occurred: failed calling webhook "slow.example.com": failed to call webhook: Post "${server.url('/slow')}?timeout=1s": context deadline exceeded`);
  const ignoring = validating([config('Validating', 'slow', [hook('slow.example.com', '/slow', { timeoutSeconds: 1, failurePolicy: 'Ignore' })])]).plugin;
  await ignoring.validate?.(createPod(pod('p3')).attrs);
});

test('an unreachable webhook with failurePolicy Fail blocks the write', async () => {
  const port = await unusedPort();
  const { plugin } = mutating([config('Mutating', 'down', [{ ...hook('down.example.com', '/'), clientConfig: { url: `https://127.0.0.1:${port}/mutate`, caBundle: pki.caBundle } }])]);
  const err = await rejection(plugin.admit?.(createPod(pod('p4')).attrs) as Promise<void>);
  assert.equal(err.status.code, 500);
  assert.equal(err.status.message, `Internal error occurred: failed calling webhook "down.example.com": failed to call webhook: Post "https://127.0.0.1:${port}/mutate?timeout=5s": dial tcp 127.0.0.1:${port}: connect: connection refused`);
});

test('a certificate from another CA is refused', async () => {
  server.handle('/ok', () => allow());
  const { plugin } = validating([config('Validating', 'ca', [{ ...hook('ca.example.com', '/ok'), clientConfig: { url: server.url('/ok'), caBundle: otherPki.caBundle } }])]);
  const err = await rejection(plugin.validate?.(createPod(pod('p5')).attrs) as Promise<void>);
  assert.match(err.status.message ?? '', /failed to call webhook: Post ".*": tls: failed to verify certificate: x509: certificate signed by unknown authority$/);
});

test('dry run: webhooks with side effects refuse, NoneOnDryRun ones are called with dryRun true', async () => {
  server.handle('/dry', () => allow());
  const unknown = validating([config('Validating', 'se', [hook('se.example.com', '/dry', { sideEffects: 'Unknown' })])]).plugin;
  const err = await rejection(unknown.validate?.(createPod(pod('p6'), 'prod', true).attrs) as Promise<void>);
  assert.equal(err.status.code, 400);
  assert.equal(err.status.message, 'admission webhook "se.example.com" does not support dry run');
  const fine = validating([config('Validating', 'se2', [hook('nodry.example.com', '/dry', { sideEffects: 'NoneOnDryRun' })])]).plugin;
  await fine.validate?.(createPod(pod('p7'), 'prod', true).attrs);
  const review = server.received.filter((r) => r.path === '/dry').at(-1)?.review;
  assert.equal(review?.request.dryRun, true);
  assert.deepEqual(review?.request.options, { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1', dryRun: ['All'] });
});

test('selectors and match conditions decide which requests a webhook sees', async () => {
  let calls = 0;
  server.handle('/count', () => {
    calls++;
    return allow();
  });
  const { plugin } = validating([
    config('Validating', 'sel', [
      hook('sel.example.com', '/count', {
        namespaceSelector: { matchLabels: { env: 'prod' } },
        objectSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] },
        matchConditions: [{ name: 'not-system', expression: '!request.userInfo.username.startsWith("system:")' }],
      }),
    ]),
  ]);
  await plugin.validate?.(createPod(pod('a')).attrs);
  assert.equal(calls, 1);
  await plugin.validate?.(createPod(pod('b'), 'dev').attrs);
  await plugin.validate?.(createPod(pod('c', { skip: 'true' })).attrs);
  const system = attributes({ operation: 'CREATE', resource: 'pods', kind: 'Pod', namespace: 'prod', object: pod('d'), user: { name: 'system:admin', uid: '', groups: [], extra: {} } });
  await plugin.validate?.(system);
  assert.equal(calls, 1);
});

test('a match condition that fails to evaluate rejects with 403 under Fail', async () => {
  const { plugin } = validating([config('Validating', 'mc', [hook('mc.example.com', '/count', { matchConditions: [{ name: 'broken', expression: 'object.spec.nothing == 1' }] })])]);
  const err = await rejection(plugin.validate?.(createPod(pod('e')).attrs) as Promise<void>);
  assert.equal(err.status.code, 403);
  assert.equal(err.status.message, `pods "e" is forbidden: expression 'object.spec.nothing == 1' resulted in error: no such key: nothing`);
});

test('configuration changes apply to the next request', async () => {
  server.handle('/late', () => deny('late webhook says no'));
  const { plugin, source } = validating([]);
  await plugin.validate?.(createPod(pod('f')).attrs);
  source.set(config('Validating', 'late', [hook('late.example.com', '/late')]));
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await plugin.validate?.(createPod(pod('f')).attrs);
    } catch (err) {
      assert.equal((err as StatusError).status.message, 'admission webhook "late.example.com" denied the request: late webhook says no');
      break;
    }
    assert.ok(Date.now() < deadline, 'the new configuration was never used');
    await new Promise((r) => setImmediate(r));
  }
  source.delete('late');
  const until = Date.now() + 5000;
  for (;;) {
    try {
      await plugin.validate?.(createPod(pod('f')).attrs);
      break;
    } catch {
      assert.ok(Date.now() < until, 'the deleted configuration stayed in use');
      await new Promise((r) => setImmediate(r));
    }
  }
});

test('IfNeeded webhooks are called again after a later webhook changed the object', async () => {
  let firstCalls = 0;
  server.handle('/first', (review) => {
    firstCalls++;
    const labels = (review.request.object?.metadata as { labels?: Record<string, string> }).labels ?? {};
    return labels.first ? allow() : patchResponse([{ op: 'add', path: '/metadata/labels/first', value: String(Object.keys(labels).length) }]);
  });
  server.handle('/second', () => patchResponse([{ op: 'add', path: '/metadata/labels/second', value: 'x' }]));
  const { plugin } = mutating([
    config('Mutating', 'a-first', [hook('first.example.com', '/first', { reinvocationPolicy: 'IfNeeded' })]),
    config('Mutating', 'b-second', [hook('second.example.com', '/second')]),
  ]);
  const obj = pod('g', { app: 'web' });
  await plugin.admit?.(createPod(obj).attrs);
  assert.equal(firstCalls, 2);
  assert.deepEqual(obj.metadata?.labels, { app: 'web', first: '1', second: 'x' });
});

test('through the admission chain, reinvocation is a second round of the chain', async () => {
  let firstCalls = 0;
  server.handle('/first2', (review) => {
    firstCalls++;
    const labels = (review.request.object?.metadata as { labels?: Record<string, string> }).labels ?? {};
    return labels.first ? allow() : patchResponse([{ op: 'add', path: '/metadata/labels/first', value: String(Object.keys(labels).length) }]);
  });
  server.handle('/second2', () => patchResponse([{ op: 'add', path: '/metadata/labels/second', value: 'x' }]));
  const { plugin } = mutating([
    config('Mutating', 'a-first', [hook('first.example.com', '/first2', { reinvocationPolicy: 'IfNeeded' })]),
    config('Mutating', 'b-second', [hook('second.example.com', '/second2')]),
  ]);
  const obj = pod('g2', { app: 'web' });
  await newAdmissionChain([plugin]).admit(createPod(obj).attrs);
  assert.equal(firstCalls, 2);
  assert.deepEqual(obj.metadata?.labels, { app: 'web', first: '1', second: 'x' });
});

test('service references are resolved and verified against <name>.<namespace>.svc', async () => {
  server.handle('/svc', () => deny('via service'));
  const source = new FakeListWatch([config('Validating', 'svc', [{ ...hook('svc.example.com', '/'), clientConfig: { service: { namespace: 'webhooks', name: 'hooks', path: '/svc', port: 443 }, caBundle: pki.caBundle } }])]);
  const resolver = { resolveEndpoint: async () => ({ host: '127.0.0.1', port: server.port }) };
  const p = newValidatingWebhookPlugin({ configurations: source, getNamespace, serviceResolver: resolver });
  plugins.push(p);
  const err = await rejection(p.validate?.(createPod(pod('h')).attrs) as Promise<void>);
  assert.equal(err.status.message, 'admission webhook "svc.example.com" denied the request: via service');
  const missing = newValidatingWebhookPlugin({ configurations: source, getNamespace, serviceResolver: { resolveEndpoint: async () => Promise.reject(new Error('no endpoints available for service "hooks"')) } });
  plugins.push(missing);
  const err2 = await rejection(missing.validate?.(createPod(pod('h')).attrs) as Promise<void>);
  assert.equal(err2.status.message, 'Internal error occurred: failed calling webhook "svc.example.com": failed to call webhook: Post "https://hooks.webhooks.svc:443/svc?timeout=5s": no endpoints available for service "hooks"');
});

test('matchPolicy Equivalent sends a v2 request to a v1 webhook, converted', async () => {
  server.handle('/hpa', () => patchResponse([{ op: 'replace', path: '/spec/targetCPUUtilizationPercentage', value: 50 }]));
  const hpaHook = { ...hook('hpa.example.com', '/hpa'), rules: [{ operations: ['CREATE'], apiGroups: ['autoscaling'], apiVersions: ['v1'], resources: ['horizontalpodautoscalers'] }] };
  const { plugin } = mutating([config('Mutating', 'hpa', [hpaHook])], { resourceMapper: specResourceMapper() });
  const hpa: KubeObject = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'prod' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
  };
  const attrs = attributes({ operation: 'CREATE', group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespace: 'prod', object: hpa }, requestContext());
  await plugin.admit?.(attrs);
  const review = server.received.filter((r) => r.path === '/hpa').at(-1)?.review;
  assert.deepEqual(review?.request.kind, { group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' });
  assert.deepEqual(review?.request.requestKind, { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' });
  assert.equal((review?.request.object?.spec as { targetCPUUtilizationPercentage?: number }).targetCPUUtilizationPercentage, 80);
  assert.equal(hpa.apiVersion, 'autoscaling/v2');
  const metrics = (hpa.spec as { metrics: { resource: { target: { averageUtilization: number } } }[] }).metrics;
  assert.equal(metrics[0].resource.target.averageUtilization, 50);
});
