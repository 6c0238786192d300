import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../runtime/object.js';
import { FakeDeps, attributesFor } from '../../testing.js';
import { newRuntimeClass } from './index.js';
import { newPersistentVolumeClaimResize } from '../persistentvolumeclaimresize/index.js';

test('RuntimeClass: overhead and scheduling come from the class; unknown classes are refused', async () => {
  const deps = new FakeDeps();
  deps.put('node.k8s.io', 'runtimeclasses', { metadata: { name: 'kata' }, handler: 'kata', overhead: { podFixed: { cpu: '250m' } }, scheduling: { nodeSelector: { sandbox: 'yes' }, tolerations: [{ key: 'sandbox', operator: 'Exists' }] } });
  const plugin = newRuntimeClass(deps);
  const pod = { metadata: { name: 'p' }, spec: { runtimeClassName: 'kata', containers: [{ name: 'c', image: 'i' }] } };
  const attrs = attributesFor({ operation: 'CREATE', kind: 'Pod', resource: 'pods', namespace: 'ns', object: pod });
  await plugin.admit?.(attrs);
  await plugin.validate?.(attrs);
  assert.deepEqual(pod.spec, { runtimeClassName: 'kata', containers: [{ name: 'c', image: 'i' }], overhead: { cpu: '250m' }, nodeSelector: { sandbox: 'yes' }, tolerations: [{ key: 'sandbox', operator: 'Exists' }] });
  const missing = attributesFor({ operation: 'CREATE', kind: 'Pod', resource: 'pods', namespace: 'ns', object: { metadata: { name: 'q' }, spec: { runtimeClassName: 'gvisor' } } });
  await assert.rejects(Promise.resolve(plugin.admit?.(missing)), { message: 'pods "q" is forbidden: pod rejected: RuntimeClass "gvisor" not found' });
});

test('PersistentVolumeClaimResize: growth needs a bound claim and an expandable class', async () => {
  const deps = new FakeDeps();
  deps.put('storage.k8s.io', 'storageclasses', { metadata: { name: 'grow' }, allowVolumeExpansion: true });
  deps.put('storage.k8s.io', 'storageclasses', { metadata: { name: 'fixed' } });
  const plugin = newPersistentVolumeClaimResize(deps);
  const pvc = (cls: string, size: string, phase = 'Bound') => ({ metadata: { name: 'd' }, spec: { storageClassName: cls, resources: { requests: { storage: size } } }, status: { phase } });
  const attrs = (obj: KubeObject, old: KubeObject) => attributesFor({ operation: 'UPDATE', kind: 'PersistentVolumeClaim', resource: 'persistentvolumeclaims', namespace: 'ns', object: obj, oldObject: old });
  await plugin.validate?.(attrs(pvc('grow', '2Gi'), pvc('grow', '1Gi')));
  await assert.rejects(Promise.resolve(plugin.validate?.(attrs(pvc('fixed', '2Gi'), pvc('fixed', '1Gi')))), {
    message: 'persistentvolumeclaims "d" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
  });
  await assert.rejects(Promise.resolve(plugin.validate?.(attrs(pvc('grow', '2Gi'), pvc('grow', '1Gi', 'Pending')))), { message: 'persistentvolumeclaims "d" is forbidden: Only bound persistent volume claims can be expanded' });
});
