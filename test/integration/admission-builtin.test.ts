/**
 * kube-apiserver's built-in admission plugins end to end against a real kapi
 * started with the admission flags: default ServiceAccount and its
 * projected token volume, LimitRange defaults, ResourceQuota under a race of
 * concurrent creates, PodSecurity enforce/warn with Kubernetes' texts,
 * immortal namespaces, and `--enable/--disable-admission-plugins`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKapi, type KapiClient, type KapiProcess, type Response } from '../support/server.js';
import { waitFor } from '../support/wait.js';

let kapi: KapiProcess;
let c: KapiClient;

before(async () => {
  // AlwaysPullImages on, DefaultTolerationSeconds off: both visible on every pod.
  kapi = await startKapi({ args: ['--enable-admission-plugins=AlwaysPullImages', '--disable-admission-plugins=DefaultTolerationSeconds'] });
  c = kapi.client;
});

after(async () => {
  await kapi?.stop();
});

async function createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  const res = await c.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } } });
  assert.equal(res.status, 201, res.body);
  // The default ServiceAccount appears with the namespace (a controller's job on a real cluster).
  await waitFor(`serviceaccount ${name}/default`, async () => (await c.request('GET', `/api/v1/namespaces/${name}/serviceaccounts/default`)).status === 200);
}

function pod(name: string, spec: Record<string, unknown> = {}): object {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
}

async function createPod(ns: string, body: object): Promise<Response> {
  return c.request('POST', `/api/v1/namespaces/${ns}/pods`, { body });
}

function assertForbidden(res: Response, message: string): void {
  assert.equal(res.status, 403, res.body);
  const s = res.json();
  assert.equal(s.kind, 'Status');
  assert.equal(s.reason, 'Forbidden');
  assert.equal(s.code, 403);
  assert.equal(s.message, message);
}

function warnings(res: Response): string[] {
  const h = res.headers.warning;
  const list = h === undefined ? [] : Array.isArray(h) ? h : [h];
  return list.flatMap((v) => [...v.matchAll(/299 - "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1')));
}

describe('ServiceAccount', () => {
  test('a pod gets the default ServiceAccount and the kube-api-access projected volume', async () => {
    await createNamespace('adm-sa');
    const res = await createPod('adm-sa', pod('p'));
    assert.equal(res.status, 201, res.body);
    const spec = res.json().spec;
    assert.equal(spec.serviceAccountName, 'default');
    assert.equal(spec.serviceAccount, 'default');
    const vol = spec.volumes.find((v: { name: string }) => v.name.startsWith('kube-api-access-'));
    assert.match(vol.name, /^kube-api-access-[a-z0-9]{5}$/);
    assert.deepEqual(vol.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    assert.deepEqual(spec.containers[0].volumeMounts, [{ name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    // The flags: AlwaysPullImages is on, DefaultTolerationSeconds is off.
    assert.equal(spec.containers[0].imagePullPolicy, 'Always');
    assert.equal(spec.tolerations, undefined);
    assert.equal(spec.priority, 0);
  });

  test('a pod naming a missing ServiceAccount is refused', async () => {
    const res = await createPod('adm-sa', pod('ghost', { serviceAccountName: 'ghost' }));
    assertForbidden(res, 'pods "ghost" is forbidden: error looking up service account adm-sa/ghost: serviceaccount "ghost" not found');
  });

  test('automountServiceAccountToken: false adds no volume', async () => {
    const res = await createPod('adm-sa', pod('nomount', { automountServiceAccountToken: false }));
    assert.equal(res.status, 201, res.body);
    assert.equal(res.json().spec.volumes, undefined);
  });
});

describe('LimitRanger', () => {
  test('containers get the LimitRange defaults and violations are refused', async () => {
    await createNamespace('adm-lr');
    const lr = await c.request('POST', '/api/v1/namespaces/adm-lr/limitranges', {
      body: { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '100m' }, min: { cpu: '50m' } }] } },
    });
    assert.equal(lr.status, 201, lr.body);
    const res = await createPod('adm-lr', pod('defaults'));
    assert.equal(res.status, 201, res.body);
    const created = res.json();
    assert.deepEqual(created.spec.containers[0].resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    assert.equal(created.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c');
    const small = await createPod('adm-lr', pod('small', { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '10m' } } }] }));
    assertForbidden(small, 'pods "small" is forbidden: minimum cpu usage per Container is 50m, but request is 10m');
  });
});

describe('ResourceQuota', () => {
  test('20 clients racing to create pods into a quota of 10: exactly 10 succeed', async () => {
    await createNamespace('adm-quota');
    const q = await c.request('POST', '/api/v1/namespaces/adm-quota/resourcequotas', { body: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'pods' }, spec: { hard: { pods: '10' } } } });
    assert.equal(q.status, 201, q.body);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => createPod('adm-quota', pod(`p${i}`))));
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    assert.equal(created.length, 10, results.map((r) => `${r.status} ${r.status === 201 ? '' : r.json().message}`).join('\n'));
    assert.equal(refused.length, 10);
    for (const r of refused) {
      assert.equal(r.status, 403, r.body);
      assert.match(r.json().message, /^pods "p\d+" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=10, limited: pods=10$/);
    }
    const quota = (await c.request('GET', '/api/v1/namespaces/adm-quota/resourcequotas/pods')).json();
    assert.deepEqual(quota.status.hard, { pods: '10' });
    assert.equal(quota.status.used.pods, '10');
    const list = (await c.request('GET', '/api/v1/namespaces/adm-quota/pods')).json();
    assert.equal(list.items.length, 10);
  });

  test('a quota on cpu requires pods to request cpu', async () => {
    await createNamespace('adm-quota-cpu');
    const q = await c.request('POST', '/api/v1/namespaces/adm-quota-cpu/resourcequotas', { body: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute' }, spec: { hard: { 'requests.cpu': '1' } } } });
    assert.equal(q.status, 201, q.body);
    assertForbidden(await createPod('adm-quota-cpu', pod('bare')), 'pods "bare" is forbidden: failed quota: compute: must specify requests.cpu for: c');
    const ok = await createPod('adm-quota-cpu', pod('sized', { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '600m' } } }] }));
    assert.equal(ok.status, 201, ok.body);
    const over = await createPod('adm-quota-cpu', pod('over', { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '600m' } } }] }));
    assertForbidden(over, 'pods "over" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1');
  });
});

describe('PodSecurity', () => {
  const privileged = (name: string) => pod(name, { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] });

  test('enforce=restricted refuses a privileged pod with Kubernetes\' message', async () => {
    await createNamespace('adm-psa-enforce', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const res = await createPod('adm-psa-enforce', privileged('priv'));
    assertForbidden(
      res,
      'pods "priv" is forbidden: violates PodSecurity "restricted:latest": privileged (container "c" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  test('warn=baseline admits the pod with a Warning header', async () => {
    await createNamespace('adm-psa-warn', { 'pod-security.kubernetes.io/warn': 'baseline' });
    const res = await createPod('adm-psa-warn', privileged('priv'));
    assert.equal(res.status, 201, res.body);
    assert.deepEqual(warnings(res), ['would violate PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)']);
  });

  test('invalid PodSecurity labels on a namespace are refused', async () => {
    const res = await c.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'adm-psa-bad', labels: { 'pod-security.kubernetes.io/enforce': 'strict' } } } });
    assert.equal(res.status, 422, res.body);
    assert.equal(res.json().message, 'Namespace "adm-psa-bad" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted');
  });
});

describe('NamespaceLifecycle', () => {
  for (const ns of ['kube-system', 'default', 'kube-public']) {
    test(`deleting ${ns} is refused`, async () => {
      assertForbidden(await c.request('DELETE', `/api/v1/namespaces/${ns}`), `namespaces "${ns}" is forbidden: this namespace may not be deleted`);
      assert.equal((await c.request('GET', `/api/v1/namespaces/${ns}`)).status, 200);
    });
  }

  test('creating in a missing namespace is 404', async () => {
    const res = await createPod('adm-missing', pod('p'));
    assert.equal(res.status, 404, res.body);
    assert.equal(res.json().message, 'namespaces "adm-missing" not found');
  });
});

describe('flags', () => {
  test('an unknown plugin name stops the server with kube-apiserver\'s error', async () => {
    await assert.rejects(startKapi({ args: ['--enable-admission-plugins=NoSuchPlugin'] }), /enable-admission-plugins plugin "NoSuchPlugin" is unknown/);
  });
});
