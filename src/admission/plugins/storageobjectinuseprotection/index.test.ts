import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributesFor } from '../../testing.js';
import { newStorageObjectInUseProtection } from './index.js';

const cases = [
  { name: 'PVC', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', finalizers: undefined, want: ['kubernetes.io/pvc-protection'] },
  { name: 'PV', resource: 'persistentvolumes', kind: 'PersistentVolume', finalizers: ['a'], want: ['a', 'kubernetes.io/pv-protection'] },
  { name: 'already there', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', finalizers: ['kubernetes.io/pvc-protection'], want: ['kubernetes.io/pvc-protection'] },
  { name: 'other kinds', resource: 'configmaps', kind: 'ConfigMap', finalizers: undefined, want: undefined },
];
for (const c of cases) {
  test(`StorageObjectInUseProtection: ${c.name}`, () => {
    const obj = { metadata: { name: 'x', ...(c.finalizers ? { finalizers: [...c.finalizers] } : {}) } };
    newStorageObjectInUseProtection().admit?.(attributesFor({ operation: 'CREATE', kind: c.kind, resource: c.resource, object: obj }));
    assert.deepEqual(obj.metadata.finalizers, c.want);
  });
}
