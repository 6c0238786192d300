import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../runtime/object.js';
import { StatusError } from '../../../runtime/errors.js';
import { FakeDeps, attributesFor } from '../../testing.js';
import type { Operation } from '../../interfaces.js';
import { newResourceQuota, recalculateQuotaUsage, resyncAllQuotas, syncQuotaStatus } from './index.js';

function quota(name: string, hard: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name, namespace: 'ns' }, spec: { hard, ...extra } };
}

function pod(name: string, resources?: unknown, spec: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name, namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'i', ...(resources ? { resources } : {}) }], ...spec } };
}

function attrs(obj: KubeObject, resource = 'pods', kind = 'Pod', op: Operation = 'CREATE', group = '', old: KubeObject | null = null) {
  return attributesFor({ operation: op, group, kind, resource, namespace: 'ns', object: obj, oldObject: old });
}

async function usedOf(deps: FakeDeps, name = 'q'): Promise<Record<string, string>> {
  return ((await deps.get('', 'resourcequotas', 'ns', name))?.status as { used: Record<string, string> }).used;
}

test('ResourceQuota: the first charge syncs status (hard from spec, used from what exists) and counts the new object', async () => {
  const deps = new FakeDeps();
  deps.put('', 'resourcequotas', quota('q', { pods: '5', 'requests.cpu': '1', 'count/configmaps': '3' }));
  deps.put('', 'pods', pod('existing', { requests: { cpu: '200m' } }));
  deps.put('', 'pods', { ...pod('done', { requests: { cpu: '500m' } }), status: { phase: 'Succeeded' } });
  const plugin = newResourceQuota(deps);
  await plugin.validate?.(attrs(pod('new', { requests: { cpu: '300m' }, limits: { cpu: '300m' } })));
  const q = await deps.get('', 'resourcequotas', 'ns', 'q');
  assert.deepEqual(q?.status, { hard: { 'count/configmaps': '3', pods: '5', 'requests.cpu': '1' }, used: { 'count/configmaps': '0', pods: '2', 'requests.cpu': '500m' } });
});

const refusals: { name: string; hard: Record<string, string>; scopes?: Record<string, unknown>; existing?: KubeObject[]; obj: KubeObject; resource?: string; kind?: string; group?: string; message?: string }[] = [
  {
    name: 'pods count',
    hard: { pods: '1' },
    existing: [pod('a')],
    obj: pod('b'),
    message: 'pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1',
  },
  {
    name: 'cpu and memory requests',
    hard: { 'requests.cpu': '1', 'requests.memory': '1Gi' },
    existing: [pod('a', { requests: { cpu: '800m', memory: '512Mi' } })],
    obj: pod('b', { requests: { cpu: '500m', memory: '1Gi' } }),
    message: 'pods "b" is forbidden: exceeded quota: q, requested: requests.cpu=500m,requests.memory=1Gi, used: requests.cpu=800m,requests.memory=512Mi, limited: requests.cpu=1,requests.memory=1Gi',
  },
  {
    name: 'a pod without the tracked requests and limits',
    hard: { 'requests.cpu': '2', 'limits.memory': '2Gi' },
    obj: pod('b', { requests: { memory: '1Gi' } }),
    message: 'pods "b" is forbidden: failed quota: q: must specify limits.memory for: c; requests.cpu for: c',
  },
  {
    name: 'object count of a group resource',
    hard: { 'count/deployments.apps': '1' },
    existing: [],
    obj: { metadata: { name: 'd2', namespace: 'ns' } },
    resource: 'deployments',
    kind: 'Deployment',
    group: 'apps',
    message: 'deployments.apps "d2" is forbidden: exceeded quota: q, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1',
  },
  {
    name: 'services of type LoadBalancer',
    hard: { 'services.loadbalancers': '0' },
    obj: { metadata: { name: 'lb', namespace: 'ns' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } },
    resource: 'services',
    kind: 'Service',
    message: 'services "lb" is forbidden: exceeded quota: q, requested: services.loadbalancers=1, used: services.loadbalancers=0, limited: services.loadbalancers=0',
  },
  {
    name: 'storage requests of a class',
    hard: { 'requests.storage': '10Gi', 'gold.storageclass.storage.k8s.io/requests.storage': '1Gi' },
    obj: { metadata: { name: 'data', namespace: 'ns' }, spec: { storageClassName: 'gold', resources: { requests: { storage: '2Gi' } } } },
    resource: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    message:
      'persistentvolumeclaims "data" is forbidden: exceeded quota: q, requested: gold.storageclass.storage.k8s.io/requests.storage=2Gi, used: gold.storageclass.storage.k8s.io/requests.storage=0, limited: gold.storageclass.storage.k8s.io/requests.storage=1Gi',
  },
  { name: 'a BestEffort-scoped quota ignores pods with requests', hard: { pods: '0' }, scopes: { scopes: ['BestEffort'] }, obj: pod('b', { requests: { cpu: '1m' } }) },
  { name: 'a BestEffort-scoped quota counts pods without', hard: { pods: '0' }, scopes: { scopes: ['BestEffort'] }, obj: pod('b'), message: 'pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0' },
  {
    name: 'a PriorityClass scope selector',
    hard: { pods: '0' },
    scopes: { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } },
    obj: pod('b', undefined, { priorityClassName: 'high' }),
    message: 'pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0',
  },
  { name: 'scoped quotas never match other kinds', hard: { 'count/configmaps': '0' }, scopes: { scopes: ['BestEffort'] }, obj: { metadata: { name: 'c', namespace: 'ns' } }, resource: 'configmaps', kind: 'ConfigMap' },
];
for (const c of refusals) {
  test(`ResourceQuota: ${c.name}`, async () => {
    const deps = new FakeDeps();
    deps.put('', 'resourcequotas', quota('q', c.hard, c.scopes));
    for (const e of c.existing ?? []) deps.put(c.group ?? '', c.resource ?? 'pods', e);
    if (c.resource === 'deployments') deps.put('apps', 'deployments', { metadata: { name: 'd1', namespace: 'ns' } });
    const run = Promise.resolve(newResourceQuota(deps).validate?.(attrs(c.obj, c.resource, c.kind, 'CREATE', c.group)));
    if (!c.message) return void (await run);
    await assert.rejects(run, (err: unknown) => err instanceof StatusError && err.code === 403 && err.status.message === c.message);
  });
}

test('ResourceQuota: 20 concurrent creates into pods=10 — exactly 10 are admitted and status.used.pods is 10', async () => {
  const deps = new FakeDeps();
  deps.put('', 'resourcequotas', quota('q', { pods: '10' }));
  const plugin = newResourceQuota(deps);
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => Promise.resolve(plugin.validate?.(attrs(pod(`p${i}`))))));
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.equal(ok, 10);
  assert.equal(refused.length, 10);
  for (const r of refused) assert.match((r.reason as Error).message, /^pods "p\d+" is forbidden: exceeded quota: q, requested: pods=1, used: pods=10, limited: pods=10$/);
  assert.deepEqual(await usedOf(deps), { pods: '10' });
});

test('ResourceQuota: a refusal by a second quota gives the first quota its charge back', async () => {
  const deps = new FakeDeps();
  deps.put('', 'resourcequotas', quota('a', { pods: '10' }));
  deps.put('', 'resourcequotas', quota('b', { 'count/pods': '0' }));
  await assert.rejects(Promise.resolve(newResourceQuota(deps).validate?.(attrs(pod('p')))), /exceeded quota: b/);
  assert.deepEqual(await usedOf(deps, 'a'), { pods: '0' });
});

test('ResourceQuota: dry runs are checked but not charged', async () => {
  const deps = new FakeDeps();
  deps.put('', 'resourcequotas', quota('q', { pods: '1' }));
  const plugin = newResourceQuota(deps);
  await plugin.validate?.({ ...attrs(pod('a')), dryRun: true });
  assert.deepEqual(await usedOf(deps), { pods: '0' });
  await plugin.validate?.(attrs(pod('a')));
  await assert.rejects(Promise.resolve(plugin.validate?.({ ...attrs(pod('b')), dryRun: true })), /exceeded quota/);
});

test('ResourceQuota: updates are charged by their growth only', async () => {
  const deps = new FakeDeps();
  deps.put('', 'resourcequotas', quota('q', { 'services.nodeports': '2' }));
  const old = { metadata: { name: 's', namespace: 'ns', resourceVersion: '5' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } };
  deps.put('', 'services', old);
  const plugin = newResourceQuota(deps);
  const grown = { metadata: { name: 's', namespace: 'ns', resourceVersion: '5' }, spec: { type: 'NodePort', ports: [{ port: 80 }, { port: 81 }] } };
  await plugin.validate?.(attrs(grown, 'services', 'Service', 'UPDATE', '', old));
  assert.deepEqual(await usedOf(deps), { 'services.nodeports': '2' });
});

test('ResourceQuota: limitedResources require a covering quota', async () => {
  const deps = new FakeDeps();
  const plugin = newResourceQuota(deps, { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'ResourceQuotaConfiguration', limitedResources: [{ resource: 'pods', matchContains: ['requests.cpu'] }] });
  await assert.rejects(Promise.resolve(plugin.validate?.(attrs(pod('p', { requests: { cpu: '1' } })))), { message: 'pods "p" is forbidden: insufficient quota to consume: requests.cpu' });
  await plugin.validate?.(attrs(pod('p')));
});

test('ResourceQuota: replenishment recalculates usage after deletes', async () => {
  const deps = new FakeDeps();
  deps.put('', 'resourcequotas', quota('q', { pods: '2' }));
  await syncQuotaStatus(deps, 'ns', 'q');
  const plugin = newResourceQuota(deps);
  for (const n of ['a', 'b']) {
    await plugin.validate?.(attrs(pod(n)));
    deps.put('', 'pods', pod(n));
  }
  assert.deepEqual(await usedOf(deps), { pods: '2' });
  await recalculateQuotaUsage(deps, 'ns', { group: '', resource: 'pods' });
  assert.deepEqual(await usedOf(deps), { pods: '2' });
  deps.put('', 'pods', { ...pod('a'), status: { phase: 'Failed' } });
  await recalculateQuotaUsage(deps, 'ns', { group: '', resource: 'pods' });
  assert.deepEqual(await usedOf(deps), { pods: '1' });
  // A charge whose object never got stored is corrected by the periodic resync.
  await plugin.validate?.(attrs(pod('lost')));
  assert.deepEqual(await usedOf(deps), { pods: '2' });
  await resyncAllQuotas(deps);
  assert.deepEqual(await usedOf(deps), { pods: '1' });
});
