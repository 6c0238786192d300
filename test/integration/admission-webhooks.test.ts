/**
 * Admission webhooks end to end: a real kapi process calls real HTTPS
 * webhook servers started by the test (certificates from a test CA). A
 * mutating webhook adds a label, a validating webhook denies with a message
 * kubectl prints, a slow webhook trips `timeoutSeconds` and the failure
 * policy decides, an unreachable `Fail` webhook blocks writes with
 * Kubernetes' error text, webhooks must be side-effect free and see dry runs
 * as such, and `service` references and v1beta1-only webhooks work. kubectl
 * runs asynchronously: the webhook servers live in this process. Configurations are
 * created while the server runs: changes apply without a restart.
 *
 * Each test uses its own namespace and scopes its webhooks to it with a
 * namespaceSelector, so the tests do not see each other's webhooks.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKapi, type KapiClient, type KapiProcess, type Response } from '../support/server.js';
import { Kubectl } from '../support/kubectl.js';
import { kubectlAsync } from '../support/webhook-kubectl.js';
import { waitFor } from '../support/wait.js';
import { allow, deny, makeWebhookPki, patchResponse, startWebhookServer, unusedPort, untilAbandoned, type WebhookPki, type WebhookServer } from '../support/webhook-server.js';

const admissionV1 = '/apis/admissionregistration.k8s.io/v1';

let kapi: KapiProcess;
let admin: KapiClient;
let kubectl: Kubectl;
let pki: WebhookPki;
let hooks: WebhookServer;

before(async () => {
  pki = await makeWebhookPki(['webhook.webhooks.svc']);
  hooks = await startWebhookServer(pki);
  kapi = await startKapi();
  admin = kapi.client;
  kubectl = new Kubectl(33, kapi.kubeconfig);
  await createNamespace('webhooks');
});

after(async () => {
  await kapi?.stop();
  await hooks?.close();
  pki?.cleanup();
});

async function createNamespace(name: string): Promise<void> {
  const res = await admin.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'webhook-test': name } } } });
  assert.equal(res.status, 201, res.body);
}

/** A webhook entry scoped to the test namespace `ns`, for pod creation. */
function webhook(name: string, ns: string, path: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    clientConfig: { url: hooks.url(path), caBundle: pki.caBundle },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    namespaceSelector: { matchLabels: { 'webhook-test': ns } },
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...extra,
  };
}

async function createConfig(kind: 'Mutating' | 'Validating', name: string, webhooks: Record<string, unknown>[]): Promise<void> {
  const resource = kind === 'Mutating' ? 'mutatingwebhookconfigurations' : 'validatingwebhookconfigurations';
  const res = await admin.request('POST', `${admissionV1}/${resource}`, { body: { apiVersion: 'admissionregistration.k8s.io/v1', kind: `${kind}WebhookConfiguration`, metadata: { name }, webhooks } });
  assert.equal(res.status, 201, res.body);
}

async function deleteConfig(kind: 'Mutating' | 'Validating', name: string): Promise<void> {
  const resource = kind === 'Mutating' ? 'mutatingwebhookconfigurations' : 'validatingwebhookconfigurations';
  const res = await admin.request('DELETE', `${admissionV1}/${resource}/${name}`);
  assert.equal(res.status, 200, res.body);
}

function podBody(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
}

function createPod(ns: string, name: string, query = ''): Promise<Response> {
  return admin.request('POST', `/api/v1/namespaces/${ns}/pods${query}`, { body: podBody(name) });
}

function podYaml(ns: string, name: string): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n`;
}

function warningsOf(res: Response): string[] {
  const h = res.headers.warning;
  const list = Array.isArray(h) ? h : h ? [h] : [];
  return list.flatMap((v) => [...v.matchAll(/299 - "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1')));
}

describe('mutating webhooks', () => {
  test('a mutating webhook adds a label, and the AdmissionReview carries the request', async () => {
    const ns = 'wh-mutate';
    await createNamespace(ns);
    hooks.handle('/mutate', () => patchResponse([{ op: 'add', path: '/metadata/labels/mutated-by', value: 'webhook' }], { warnings: ['pod labelled by mutate.kapi.test'], auditAnnotations: { labelled: 'true' } }));
    await createConfig('Mutating', 'mutate', [webhook('mutate.kapi.test', ns, '/mutate')]);
    // The configuration takes effect without a restart: probe with dry runs until the label shows.
    await waitFor('the mutating webhook to be in use', async () => {
      const probe = await createPod(ns, 'probe', '?dryRun=All');
      return probe.status === 201 && probe.json().metadata.labels?.['mutated-by'] === 'webhook';
    });
    const res = await createPod(ns, 'web');
    assert.equal(res.status, 201, res.body);
    assert.equal(res.json().metadata.labels['mutated-by'], 'webhook');
    assert.deepEqual(warningsOf(res), ['pod labelled by mutate.kapi.test']);
    const stored = (await admin.request('GET', `/api/v1/namespaces/${ns}/pods/web`)).json();
    assert.equal(stored.metadata.labels['mutated-by'], 'webhook');

    const review = hooks.received.filter((r) => r.path === '/mutate' && r.review.request.name === 'web').at(-1)?.review;
    assert.ok(review, 'the webhook saw the create');
    assert.equal(review.apiVersion, 'admission.k8s.io/v1');
    assert.equal(review.kind, 'AdmissionReview');
    const req = review.request;
    assert.match(req.uid, /^[0-9a-f-]{36}$/);
    assert.deepEqual(req.kind, { group: '', version: 'v1', kind: 'Pod' });
    assert.deepEqual(req.resource, { group: '', version: 'v1', resource: 'pods' });
    assert.deepEqual(req.requestKind, { group: '', version: 'v1', kind: 'Pod' });
    assert.deepEqual(req.requestResource, { group: '', version: 'v1', resource: 'pods' });
    assert.equal(req.namespace, ns);
    assert.equal(req.operation, 'CREATE');
    assert.equal(req.userInfo.username, 'kapi-admin');
    assert.ok(req.userInfo.groups?.includes('system:masters'));
    assert.equal((req.object?.metadata as { name: string }).name, 'web');
    assert.equal(req.oldObject, null);
    assert.equal(req.dryRun, false);
    assert.equal(req.options?.kind, 'CreateOptions');
    assert.equal(req.options?.apiVersion, 'meta.k8s.io/v1');
    await deleteConfig('Mutating', 'mutate');
  });
});

describe('validating webhooks', () => {
  test('a denial reaches kubectl with the webhook name and message', async () => {
    const ns = 'wh-deny';
    await createNamespace(ns);
    hooks.handle('/deny', (review) => ((review.request.object?.metadata as { name: string }).name.startsWith('forbidden') ? deny('pods named forbidden-* are not allowed', 403, 'Forbidden') : allow()));
    await createConfig('Validating', 'deny', [webhook('deny.kapi.test', ns, '/deny')]);
    await waitFor('the validating webhook to be in use', async () => (await createPod(ns, 'forbidden-probe', '?dryRun=All')).status === 403);

    const res = await createPod(ns, 'forbidden-one');
    assert.equal(res.status, 403, res.body);
    assert.deepEqual(res.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'admission webhook "deny.kapi.test" denied the request: pods named forbidden-* are not allowed',
      reason: 'Forbidden',
      code: 403,
    });
    const out = await kubectlAsync(kubectl, ['create', '-f', '-'], podYaml(ns, 'forbidden-two'));
    assert.notEqual(out.code, 0);
    assert.equal(out.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": admission webhook "deny.kapi.test" denied the request: pods named forbidden-* are not allowed');
    assert.equal((await kubectlAsync(kubectl, ['create', '-f', '-'], podYaml(ns, 'allowed'))).code, 0);

    // Deleting the configuration lets the same request through again.
    await deleteConfig('Validating', 'deny');
    await waitFor('the deleted webhook to be gone', async () => (await createPod(ns, 'forbidden-probe', '?dryRun=All')).status === 201);
  });

  test('a slow webhook trips timeoutSeconds; failurePolicy decides', async () => {
    const ns = 'wh-slow';
    await createNamespace(ns);
    hooks.handle('/slow', async (_review, req) => {
      await untilAbandoned(req);
      return allow();
    });
    await createConfig('Validating', 'slow', [webhook('slow.kapi.test', ns, '/slow', { timeoutSeconds: 1, failurePolicy: 'Fail' })]);
    const expected = `Internal error occurred: failed calling webhook "slow.kapi.test": failed to call webhook: Post "${hooks.url('/slow')}?timeout=1s": context deadline exceeded`;
    const res = await waitFor('the slow webhook to time out', async () => {
      const r = await createPod(ns, 'slow-pod');
      return r.status === 500 ? r : undefined;
    });
    assert.deepEqual(res.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: expected,
      reason: 'InternalError',
      details: { causes: [{ message: `failed calling webhook "slow.kapi.test": failed to call webhook: Post "${hooks.url('/slow')}?timeout=1s": context deadline exceeded` }] },
      code: 500,
    });

    // Ignore: the same slow webhook no longer blocks the write.
    const upd = await admin.request('GET', `${admissionV1}/validatingwebhookconfigurations/slow`);
    const cfg = upd.json();
    cfg.webhooks[0].failurePolicy = 'Ignore';
    assert.equal((await admin.request('PUT', `${admissionV1}/validatingwebhookconfigurations/slow`, { body: cfg })).status, 200);
    const ok = await waitFor('failurePolicy Ignore to apply', async () => {
      const r = await createPod(ns, 'slow-pod');
      return r.status === 201 ? r : undefined;
    });
    assert.equal(ok.json().metadata.name, 'slow-pod');
    await deleteConfig('Validating', 'slow');
  });

  test('an unreachable webhook with failurePolicy Fail blocks writes', async () => {
    const ns = 'wh-down';
    await createNamespace(ns);
    const port = await unusedPort();
    await createConfig('Validating', 'down', [{ ...webhook('down.kapi.test', ns, '/'), clientConfig: { url: `https://127.0.0.1:${port}/validate`, caBundle: pki.caBundle } }]);
    const res = await waitFor('the unreachable webhook to block writes', async () => {
      const r = await createPod(ns, 'blocked');
      return r.status === 500 ? r : undefined;
    });
    assert.equal(res.json().message, `Internal error occurred: failed calling webhook "down.kapi.test": failed to call webhook: Post "https://127.0.0.1:${port}/validate?timeout=10s": dial tcp 127.0.0.1:${port}: connect: connection refused`);
    const out = await kubectlAsync(kubectl, ['create', '-f', '-'], podYaml(ns, 'blocked'));
    assert.equal(out.stderr.trim(), `Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "down.kapi.test": failed to call webhook: Post "https://127.0.0.1:${port}/validate?timeout=10s": dial tcp 127.0.0.1:${port}: connect: connection refused`);
    await deleteConfig('Validating', 'down');
  });

  test('dry run: webhooks must be side-effect free; NoneOnDryRun ones see dryRun', async () => {
    const ns = 'wh-dryrun';
    await createNamespace(ns);
    // admissionregistration.k8s.io/v1 refuses webhooks with side effects, so a dry run can never reach one
    // (kapi refuses a dry run that meets such a webhook, as kube-apiserver does: see dispatch.test.ts).
    const refused = await admin.request('POST', `${admissionV1}/validatingwebhookconfigurations`, {
      body: { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'effects' }, webhooks: [webhook('effects.kapi.test', ns, '/effects', { sideEffects: 'Unknown' })] },
    });
    assert.equal(refused.status, 422, refused.body);
    assert.equal(refused.json().message, 'ValidatingWebhookConfiguration.admissionregistration.k8s.io "effects" is invalid: webhooks[0].sideEffects: Unsupported value: "Unknown": supported values: "None", "NoneOnDryRun"');

    hooks.handle('/dry', () => deny('saw a dry run', 403, 'Forbidden'));
    await createConfig('Validating', 'dry', [webhook('dry.kapi.test', ns, '/dry', { sideEffects: 'NoneOnDryRun' })]);
    await waitFor('the dry-run webhook to be in use', async () => (await createPod(ns, 'probe', '?dryRun=All')).status === 403);
    const out = await kubectlAsync(kubectl, ['create', '--dry-run=server', '-f', '-'], podYaml(ns, 'dry'));
    assert.equal(out.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": admission webhook "dry.kapi.test" denied the request: saw a dry run');
    const review = hooks.received.filter((r) => r.path === '/dry' && r.review.request.name === 'dry').at(-1)?.review;
    assert.equal(review?.request.dryRun, true);
    assert.deepEqual((review?.request.options as { dryRun?: string[] } | null)?.dryRun, ['All']);
    await deleteConfig('Validating', 'dry');
  });

  test('a service reference is resolved and the certificate checked for <service>.<namespace>.svc', async () => {
    const ns = 'wh-service';
    await createNamespace(ns);
    hooks.handle('/via-service', () => deny('denied via the webhook service', 403, 'Forbidden'));
    const svc = await admin.request('POST', '/api/v1/namespaces/webhooks/services', {
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'webhook' }, spec: { type: 'ExternalName', externalName: 'localhost' } },
    });
    assert.equal(svc.status, 201, svc.body);
    await createConfig('Validating', 'service', [
      { ...webhook('service.kapi.test', ns, '/'), clientConfig: { service: { namespace: 'webhooks', name: 'webhook', path: '/via-service', port: hooks.port }, caBundle: pki.caBundle } },
    ]);
    const res = await waitFor('the service webhook to be in use', async () => {
      const r = await createPod(ns, 'svc-pod');
      return r.status === 403 ? r : undefined;
    });
    assert.equal(res.json().message, 'admission webhook "service.kapi.test" denied the request: denied via the webhook service');
    // A service that does not exist fails the call with Kubernetes' words.
    const cfg = (await admin.request('GET', `${admissionV1}/validatingwebhookconfigurations/service`)).json();
    cfg.webhooks[0].clientConfig.service.name = 'missing';
    assert.equal((await admin.request('PUT', `${admissionV1}/validatingwebhookconfigurations/service`, { body: cfg })).status, 200);
    const missing = await waitFor('the missing service to be reported', async () => {
      const r = await createPod(ns, 'svc-pod');
      return r.status === 500 ? r : undefined;
    });
    assert.equal(missing.json().message, `Internal error occurred: failed calling webhook "service.kapi.test": failed to call webhook: Post "https://missing.webhooks.svc:${hooks.port}/via-service?timeout=10s": service "missing" not found`);
    await deleteConfig('Validating', 'service');
  });

  test('a webhook listing only v1beta1 receives an admission.k8s.io/v1beta1 review', async () => {
    const ns = 'wh-beta';
    await createNamespace(ns);
    hooks.handle('/beta', () => allow());
    await createConfig('Validating', 'beta', [webhook('beta.kapi.test', ns, '/beta', { admissionReviewVersions: ['v1beta1'] })]);
    await waitFor('the v1beta1 webhook to be called', async () => {
      await createPod(ns, 'beta', '?dryRun=All');
      return hooks.received.some((r) => r.path === '/beta');
    });
    const review = hooks.received.filter((r) => r.path === '/beta').at(-1)?.review;
    assert.equal(review?.apiVersion, 'admission.k8s.io/v1beta1');
    assert.equal(review?.request.dryRun, true);
    await deleteConfig('Validating', 'beta');
  });

  test('requests on webhook configurations themselves are never sent to webhooks', async () => {
    hooks.handle('/everything', () => deny('everything is denied'));
    await createConfig('Validating', 'lockout', [
      {
        name: 'lockout.kapi.test',
        clientConfig: { url: hooks.url('/everything'), caBundle: pki.caBundle },
        rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }],
        objectSelector: { matchLabels: { lockout: 'yes' } },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
      },
    ]);
    const cfg = (await admin.request('GET', `${admissionV1}/validatingwebhookconfigurations/lockout`)).json();
    cfg.metadata.labels = { lockout: 'yes' };
    const res = await admin.request('PUT', `${admissionV1}/validatingwebhookconfigurations/lockout`, { body: cfg });
    assert.equal(res.status, 200, res.body);
    await deleteConfig('Validating', 'lockout');
    assert.equal(hooks.received.filter((r) => r.path === '/everything').length, 0);
  });
});
