import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../runtime/errors.js';
import { FakeDeps, attributesFor } from '../../testing.js';
import type { Operation } from '../../interfaces.js';
import { newNamespaceLifecycle } from './index.js';

const deps = new FakeDeps();
deps.put('', 'namespaces', { metadata: { name: 'active' }, status: { phase: 'Active' } });
deps.put('', 'namespaces', { metadata: { name: 'dying', deletionTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Terminating' } });
const plugin = newNamespaceLifecycle(deps);

const cases: { name: string; op: Operation; kind: string; resource: string; group?: string; namespace: string; objName: string; code?: number; message?: string }[] = [
  { name: 'create in an active namespace', op: 'CREATE', kind: 'ConfigMap', resource: 'configmaps', namespace: 'active', objName: 'c' },
  { name: 'create in a missing namespace', op: 'CREATE', kind: 'ConfigMap', resource: 'configmaps', namespace: 'nope', objName: 'c', code: 404, message: 'namespaces "nope" not found' },
  { name: 'update in a missing namespace', op: 'UPDATE', kind: 'ConfigMap', resource: 'configmaps', namespace: 'nope', objName: 'c', code: 404, message: 'namespaces "nope" not found' },
  {
    name: 'create in a terminating namespace',
    op: 'CREATE',
    kind: 'ConfigMap',
    resource: 'configmaps',
    namespace: 'dying',
    objName: 'c',
    code: 403,
    message: 'configmaps "c" is forbidden: unable to create new content in namespace dying because it is being terminated',
  },
  { name: 'update in a terminating namespace', op: 'UPDATE', kind: 'ConfigMap', resource: 'configmaps', namespace: 'dying', objName: 'c' },
  { name: 'delete in a missing namespace', op: 'DELETE', kind: 'ConfigMap', resource: 'configmaps', namespace: 'nope', objName: 'c' },
  { name: 'cluster-scoped objects', op: 'CREATE', kind: 'ClusterRole', resource: 'clusterroles', group: 'rbac.authorization.k8s.io', namespace: '', objName: 'r' },
  { name: 'access reviews in a missing namespace', op: 'CREATE', kind: 'LocalSubjectAccessReview', resource: 'localsubjectaccessreviews', group: 'authorization.k8s.io', namespace: 'nope', objName: '' },
  { name: 'deleting kube-system', op: 'DELETE', kind: 'Namespace', resource: 'namespaces', namespace: 'kube-system', objName: 'kube-system', code: 403, message: 'namespaces "kube-system" is forbidden: this namespace may not be deleted' },
  { name: 'deleting default', op: 'DELETE', kind: 'Namespace', resource: 'namespaces', namespace: 'default', objName: 'default', code: 403, message: 'namespaces "default" is forbidden: this namespace may not be deleted' },
  { name: 'deleting kube-public', op: 'DELETE', kind: 'Namespace', resource: 'namespaces', namespace: 'kube-public', objName: 'kube-public', code: 403, message: 'namespaces "kube-public" is forbidden: this namespace may not be deleted' },
  { name: 'deleting kube-node-lease is allowed', op: 'DELETE', kind: 'Namespace', resource: 'namespaces', namespace: 'kube-node-lease', objName: 'kube-node-lease' },
  { name: 'creating a namespace', op: 'CREATE', kind: 'Namespace', resource: 'namespaces', namespace: 'new', objName: 'new' },
];

for (const c of cases) {
  test(`NamespaceLifecycle: ${c.name}`, async () => {
    const attrs = attributesFor({ operation: c.op, kind: c.kind, resource: c.resource, group: c.group, namespace: c.namespace, name: c.objName, object: c.op === 'DELETE' ? null : { metadata: { name: c.objName } } });
    const run = plugin.admit?.(attrs);
    if (c.code === undefined) return void (await run);
    await assert.rejects(Promise.resolve(run), (err: unknown) => err instanceof StatusError && err.code === c.code && err.status.message === c.message);
  });
}

test('NamespaceLifecycle: the terminating refusal carries the NamespaceTerminating cause', async () => {
  const attrs = attributesFor({ operation: 'CREATE', kind: 'Pod', resource: 'pods', namespace: 'dying', object: { metadata: { generateName: 'web-' } } });
  await assert.rejects(Promise.resolve(plugin.admit?.(attrs)), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.equal(err.status.message, 'pods "web-" is forbidden: unable to create new content in namespace dying because it is being terminated');
    assert.deepEqual(err.status.details?.causes, [{ reason: 'NamespaceTerminating', message: 'namespace dying is being terminated', field: 'metadata.namespace' }]);
    return true;
  });
});
