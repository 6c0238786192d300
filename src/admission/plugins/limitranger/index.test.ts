import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../runtime/object.js';
import { FakeDeps, attributesFor } from '../../testing.js';
import { newLimitRanger } from './index.js';

function withLimits(limits: unknown[]): FakeDeps {
  const deps = new FakeDeps();
  deps.put('', 'limitranges', { metadata: { name: 'lr', namespace: 'ns' }, spec: { limits } });
  return deps;
}

async function run(deps: FakeDeps, obj: KubeObject, kind = 'Pod', resource = 'pods'): Promise<KubeObject> {
  const plugin = newLimitRanger(deps);
  const attrs = attributesFor({ operation: 'CREATE', kind, resource, namespace: 'ns', object: obj });
  await plugin.admit?.(attrs);
  await plugin.validate?.(attrs);
  return obj;
}

test('LimitRanger: container defaults and the annotation', async () => {
  const deps = withLimits([{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } }]);
  const pod = await run(deps, {
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'a', image: 'i' }, { name: 'b', image: 'i', resources: { limits: { cpu: '1' } } }], initContainers: [{ name: 'i', image: 'i' }] },
  });
  const spec = pod.spec as { containers: { resources: unknown }[]; initContainers: { resources: unknown }[] };
  assert.deepEqual(spec.containers[0].resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
  // b's own limit stands, and (as API defaulting does first) it requests what it limits.
  assert.deepEqual(spec.containers[1].resources, { limits: { cpu: '1', memory: '256Mi' }, requests: { cpu: '1', memory: '256Mi' } });
  assert.equal(
    pod.metadata?.annotations?.['kubernetes.io/limit-ranger'],
    'LimitRanger plugin set: cpu, memory request for container a; cpu, memory limit for container a; memory request for container b; memory limit for container b; cpu, memory request for init container i; cpu, memory limit for init container i',
  );
});

const violations: { name: string; limits: unknown[]; resources?: unknown; obj?: KubeObject; kind?: string; resource?: string; message: string }[] = [
  { name: 'container min on request', limits: [{ type: 'Container', min: { cpu: '100m' } }], resources: { requests: { cpu: '50m' }, limits: { cpu: '1' } }, message: 'pods "p" is forbidden: minimum cpu usage per Container is 100m, but request is 50m' },
  { name: 'container max on limit', limits: [{ type: 'Container', max: { memory: '1Gi' } }], resources: { limits: { memory: '2Gi' } }, message: 'pods "p" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi' },
  {
    name: 'two violations are aggregated',
    limits: [{ type: 'Container', min: { cpu: '100m' }, max: { cpu: '200m' } }],
    resources: { requests: { cpu: '50m' }, limits: { cpu: '300m' } },
    message: 'pods "p" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, maximum cpu usage per Container is 200m, but limit is 300m]',
  },
  {
    name: 'limit/request ratio',
    limits: [{ type: 'Container', maxLimitRequestRatio: { cpu: '2' } }],
    resources: { requests: { cpu: '100m' }, limits: { cpu: '300m' } },
    message: 'pods "p" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 3.000000',
  },
  {
    name: 'pod max',
    limits: [{ type: 'Pod', max: { cpu: '1' } }],
    resources: { limits: { cpu: '800m' } },
    obj: { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'i', resources: { limits: { cpu: '800m' } } }, { name: 'b', image: 'i', resources: { limits: { cpu: '800m' } } }] } },
    message: 'pods "p" is forbidden: maximum cpu usage per Pod is 1, but limit is 1600m',
  },
  {
    name: 'PVC min',
    limits: [{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' } }],
    obj: { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '500Mi' } } } },
    kind: 'PersistentVolumeClaim',
    resource: 'persistentvolumeclaims',
    message: 'persistentvolumeclaims "data" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi',
  },
  {
    name: 'PVC max',
    limits: [{ type: 'PersistentVolumeClaim', max: { storage: '1Gi' } }],
    obj: { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '2Gi' } } } },
    kind: 'PersistentVolumeClaim',
    resource: 'persistentvolumeclaims',
    message: 'persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 1Gi, but request is 2Gi',
  },
];
for (const c of violations) {
  test(`LimitRanger refuses: ${c.name}`, async () => {
    const obj = c.obj ?? { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'i', resources: c.resources }] } };
    await assert.rejects(run(withLimits(c.limits), obj, c.kind, c.resource), { message: c.message });
  });
}

test('LimitRanger: pod updates and other kinds are left alone', async () => {
  const deps = withLimits([{ type: 'Container', min: { cpu: '1' } }]);
  const plugin = newLimitRanger(deps);
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'i' }] } };
  await plugin.validate?.(attributesFor({ operation: 'UPDATE', kind: 'Pod', resource: 'pods', namespace: 'ns', object: pod, oldObject: pod }));
  await plugin.validate?.(attributesFor({ operation: 'CREATE', kind: 'ConfigMap', resource: 'configmaps', namespace: 'ns', object: { metadata: { name: 'c' } } }));
});
