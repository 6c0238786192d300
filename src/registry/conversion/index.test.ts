import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { openSqliteKV } from '../../storage/sqlite/index.js';
import { newKvStorage } from '../../storage/kvstore/index.js';
import { builtinResources, defineResource, storagePrefixOf, type ResourceSpec } from '../definitions.js';
import { GenericStore, type RequestScope } from '../generic/store.js';
import { builtinConverters, conversionHooksFor, converterFor, ConverterRegistry } from './index.js';
import { MetricSpecsAnnotation } from './autoscaling.js';

const spec = (group: string, version: string, resource: string): ResourceSpec => {
  const s = builtinResources.find((r) => r.group === group && r.version === version && r.resource === resource);
  assert.ok(s, `${group}/${version}/${resource}`);
  return s;
};

test('every built-in spec stored in another version has a converter', () => {
  for (const s of builtinResources) {
    if (s.createOnly) continue;
    assert.doesNotThrow(() => converterFor(s), `${s.group}/${s.version}/${s.resource}`);
  }
});

test('conversionHooksFor: none for a resource served as stored, hooks for converted ones, an error when a converter is missing', () => {
  assert.equal(conversionHooksFor(spec('apps', 'v1', 'deployments')), undefined);
  assert.equal(conversionHooksFor(spec('', 'v1', 'bindings')), undefined);
  assert.ok(conversionHooksFor(spec('autoscaling', 'v1', 'horizontalpodautoscalers'))?.toStored);
  assert.ok(conversionHooksFor(spec('events.k8s.io', 'v1', 'events'))?.toServed);
  const orphan: ResourceSpec = { group: 'example.com', version: 'v1beta1', kind: 'Widget', resource: 'widgets', namespaced: true, storageVersion: 'v1' };
  assert.throws(() => conversionHooksFor(orphan, new ConverterRegistry()), /no conversion registered from example.com\/v1beta1 Widget to storage version example.com\/v1/);
});

const sameSchemaCases = [
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy', served: 'v1beta1', stored: 'v1' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding', served: 'v1beta1', stored: 'v1' },
  { group: 'networking.k8s.io', kind: 'ServiceCIDR', served: 'v1beta1', stored: 'v1' },
];
for (const c of sameSchemaCases) {
  test(`${c.group}/${c.served} ${c.kind} ↔ ${c.stored}: only apiVersion changes, both ways`, () => {
    const conv = builtinConverters.lookup({ group: c.group, version: c.served, kind: c.kind }, { group: c.group, version: c.stored, kind: c.kind });
    assert.ok(conv);
    const body = {
      metadata: { name: 'p' },
      spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'] }] }, validations: [{ expression: 'object.spec.replicas <= 5' }] },
      status: { observedGeneration: 1 },
    };
    const served: KubeObject = { apiVersion: `${c.group}/${c.served}`, kind: c.kind, ...body };
    const stored = conv.toStorage(served);
    assert.deepEqual(stored, { apiVersion: `${c.group}/${c.stored}`, kind: c.kind, ...body });
    assert.deepEqual(conv.fromStorage(stored), served);
    assert.equal(served.apiVersion, `${c.group}/${c.served}`);
  });
}

test('events.k8s.io/v1 ↔ core v1 Event renames the fields both ways', () => {
  const conv = builtinConverters.lookup({ group: 'events.k8s.io', version: 'v1', kind: 'Event' }, { group: '', version: 'v1', kind: 'Event' });
  assert.ok(conv);
  const ev: KubeObject = {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' },
    regarding: { kind: 'Pod', name: 'p' }, note: 'pulled', reason: 'Pulled', type: 'Normal', reportingController: 'kubelet', reportingInstance: 'n1', action: 'Pull',
    deprecatedCount: 2,
  };
  const core = conv.toStorage(ev);
  assert.deepEqual(core, {
    apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p' }, message: 'pulled', reason: 'Pulled', type: 'Normal', reportingComponent: 'kubelet', reportingInstance: 'n1', action: 'Pull', count: 2,
  });
  assert.deepEqual(conv.fromStorage(core), ev);
});

// ---- two served versions over one storage, as the API server wires them -----------------------

const kv = openSqliteKV({ path: ':memory:' });
after(() => kv.close());
const storage = newKvStorage(kv);
const scope: RequestScope = { namespace: 'default', dryRun: false };

function storeFor(s: ResourceSpec): GenericStore {
  return new GenericStore(defineResource(s), storage, async () => 'Active', conversionHooksFor(s) ?? {}, storagePrefixOf(s));
}

test('HPAs written through autoscaling/v1 and v2 share one storage and read back in each version', async () => {
  const v1 = storeFor(spec('autoscaling', 'v1', 'horizontalpodautoscalers'));
  const v2 = storeFor(spec('autoscaling', 'v2', 'horizontalpodautoscalers'));
  assert.equal(v1.prefix, v2.prefix);
  const watch = await v1.watch(scope, { predicate: { empty: true, matches: () => true } });

  const created = await v1.create(scope, {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 60 },
  });
  assert.equal(created.apiVersion, 'autoscaling/v1');
  assert.equal((created.spec as Record<string, unknown>).targetCPUUtilizationPercentage, 60);

  const asV2 = await v2.get(scope, 'web');
  assert.equal(asV2.apiVersion, 'autoscaling/v2');
  assert.deepEqual((asV2.spec as Record<string, unknown>).metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);

  // A v2 client adds a memory metric; a v1 client then edits maxReplicas: the memory metric survives.
  const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1Gi' } } };
  await v2.update(scope, 'web', '', (cur) => {
    const o = structuredClone(cur as KubeObject);
    (o.spec as { metrics: unknown[] }).metrics.unshift(memory);
    return o;
  });
  const seenByV1 = await v1.get(scope, 'web');
  assert.match(seenByV1.metadata?.annotations?.[MetricSpecsAnnotation] ?? '', /"name":"memory","targetAverageValue":"1Gi"/);
  await v1.update(scope, 'web', '', (cur) => ({ ...(cur as KubeObject), spec: { ...((cur as KubeObject).spec as object), maxReplicas: 8 } }));
  const final = await v2.get(scope, 'web');
  assert.equal((final.spec as Record<string, unknown>).maxReplicas, 8);
  assert.deepEqual((final.spec as { metrics: unknown[] }).metrics, [memory, { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
  assert.equal(final.metadata?.annotations, undefined);

  // The v1 watch saw every write, in v1.
  const seen: KubeObject[] = [];
  for await (const ev of watch) {
    if (ev.type === 'ADDED' || ev.type === 'MODIFIED') seen.push(ev.object);
    if (seen.length === 3) break;
  }
  watch.stop();
  assert.deepEqual(seen.map((o) => o.apiVersion), ['autoscaling/v1', 'autoscaling/v1', 'autoscaling/v1']);
  assert.deepEqual(seen.map((o) => (o.spec as Record<string, unknown>).maxReplicas), [4, 4, 8]);
});
