import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDeps, attributesFor } from '../../testing.js';
import { newDefaultStorageClass } from './index.js';

const cases = [
  { name: 'no class: the newest default', spec: {}, want: 'fast' },
  { name: 'an explicit class stays', spec: { storageClassName: 'slow' }, want: 'slow' },
  { name: 'an explicit empty class stays', spec: { storageClassName: '' }, want: '' },
];
for (const c of cases) {
  test(`DefaultStorageClass: ${c.name}`, async () => {
    const deps = new FakeDeps();
    const def = { 'storageclass.kubernetes.io/is-default-class': 'true' };
    deps.put('storage.k8s.io', 'storageclasses', { metadata: { name: 'old', annotations: def, creationTimestamp: '2024-01-01T00:00:00Z' } });
    deps.put('storage.k8s.io', 'storageclasses', { metadata: { name: 'fast', annotations: def, creationTimestamp: '2024-06-01T00:00:00Z' } });
    deps.put('storage.k8s.io', 'storageclasses', { metadata: { name: 'slow', creationTimestamp: '2025-01-01T00:00:00Z' } });
    const pvc = { metadata: { name: 'd' }, spec: { ...c.spec } };
    await newDefaultStorageClass(deps).admit?.(attributesFor({ operation: 'CREATE', kind: 'PersistentVolumeClaim', resource: 'persistentvolumeclaims', namespace: 'ns', object: pvc }));
    assert.equal((pvc.spec as { storageClassName?: string }).storageClassName, c.want);
  });
}

test('DefaultStorageClass: without a default class nothing is set', async () => {
  const pvc = { metadata: { name: 'd' }, spec: {} };
  await newDefaultStorageClass(new FakeDeps()).admit?.(attributesFor({ operation: 'CREATE', kind: 'PersistentVolumeClaim', resource: 'persistentvolumeclaims', namespace: 'ns', object: pvc }));
  assert.deepEqual(pvc.spec, {});
});
