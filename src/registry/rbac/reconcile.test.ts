import test from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapPolicy } from '../../authz/rbac/bootstrappolicy/index.js';
import { MemoryRbacStore } from '../../authz/testing.js';
import { RbacCache, type RbacResource } from '../../authz/rbac/cache.js';
import { newNotFound } from '../../runtime/errors.js';
import { computeReconciledBinding, computeReconciledRole, reconcileBootstrapPolicy } from './reconcile.js';
import { startRbacControllers } from './setup.js';
import type { StoreLike } from './client.js';

test('a fresh cluster gets every default object', async () => {
  const store = new MemoryRbacStore();
  const results = await reconcileBootstrapPolicy(store);
  const policy = bootstrapPolicy();
  const total = policy.clusterRoles.length + policy.clusterRoleBindings.length + policy.roles.length + policy.roleBindings.length;
  assert.equal(results.length, total);
  assert.ok(results.every((r) => r.operation === 'create'));
  assert.ok(await store.get('clusterroles', '', 'cluster-admin'));
  assert.ok(await store.get('rolebindings', 'kube-system', 'system::extension-apiserver-authentication-reader'));
  // A second run changes nothing.
  store.writes.length = 0;
  const again = await reconcileBootstrapPolicy(store);
  assert.ok(again.every((r) => r.operation === 'none'));
  assert.deepEqual(store.writes, []);
});

test('missing rules, labels and subjects are added back; extras are kept', async () => {
  const store = new MemoryRbacStore();
  await reconcileBootstrapPolicy(store);
  const basic = await store.get('clusterroles', '', 'system:basic-user');
  assert.ok(basic);
  await store.update('clusterroles', { ...basic, metadata: { ...basic.metadata, labels: { mine: 'yes' } }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] });
  const crb = await store.get('clusterrolebindings', '', 'system:discovery');
  assert.ok(crb);
  await store.update('clusterrolebindings', { ...crb, subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'extra' }] });
  store.writes.length = 0;
  const results = await reconcileBootstrapPolicy(store);
  assert.deepEqual(
    results.filter((r) => r.operation !== 'none').map((r) => `${r.operation} ${r.resource} ${r.name}`),
    ['update clusterroles system:basic-user', 'update clusterrolebindings system:discovery'],
  );
  const fixed = await store.get('clusterroles', '', 'system:basic-user');
  assert.deepEqual(fixed?.metadata?.labels, { 'kubernetes.io/bootstrapping': 'rbac-defaults', mine: 'yes' });
  assert.deepEqual(fixed?.rules, [
    { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], verbs: ['create'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectrulesreviews'], verbs: ['create'] },
    { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
  ]);
  const fixedBinding = await store.get('clusterrolebindings', '', 'system:discovery');
  assert.deepEqual(
    (fixedBinding?.subjects as { name: string }[]).map((s) => s.name),
    ['extra', 'system:authenticated'],
  );
});

test('autoupdate "false" protects an object', async () => {
  const store = new MemoryRbacStore();
  await reconcileBootstrapPolicy(store);
  const edit = await store.get('clusterroles', '', 'system:aggregate-to-edit');
  assert.ok(edit);
  await store.update('clusterroles', { ...edit, metadata: { ...edit.metadata, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } }, rules: [] });
  store.writes.length = 0;
  const results = await reconcileBootstrapPolicy(store);
  const r = results.find((x) => x.name === 'system:aggregate-to-edit');
  assert.deepEqual(r, { resource: 'clusterroles', namespace: '', name: 'system:aggregate-to-edit', operation: 'update', protected: true });
  assert.deepEqual(store.writes, []);
  assert.deepEqual((await store.get('clusterroles', '', 'system:aggregate-to-edit'))?.rules, []);
});

test('a binding with another roleRef is recreated', () => {
  const expected = bootstrapPolicy().clusterRoleBindings.find((o) => o.metadata?.name === 'cluster-admin');
  assert.ok(expected);
  const existing = { ...expected, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } };
  assert.equal(computeReconciledBinding(existing, expected).operation, 'recreate');
  assert.equal(computeReconciledBinding(expected, expected).operation, 'none');
});

test('aggregation selectors are added back', () => {
  const admin = bootstrapPolicy().clusterRoles.find((o) => o.metadata?.name === 'admin');
  assert.ok(admin);
  const existing = { ...admin, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { custom: 'true' } }] }, rules: [] };
  const r = computeReconciledRole(existing, admin);
  assert.equal(r.changed, true);
  assert.deepEqual(r.object.aggregationRule, {
    clusterRoleSelectors: [{ matchLabels: { custom: 'true' } }, { matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }],
  });
});

test('startRbacControllers reconciles and aggregates admin, edit and view', async () => {
  const store = new MemoryRbacStore();
  const cache = new RbacCache();
  await cache.start(store);
  // A store-like adapter over the memory store (what GenericStore gives the lead).
  const storeFor = (resource: RbacResource): StoreLike => ({
    get: async (sc, name) => {
      const o = await store.get(resource, sc.namespace, name);
      if (!o) throw newNotFound({ group: 'rbac.authorization.k8s.io', resource }, name);
      return o;
    },
    list: async () => ({ ...(await store.list(resource)), continue: '' }),
    watch: async () => store.watch(resource),
    create: (_s, obj) => store.create(resource, obj),
    update: async (sc, name, _sub, compute) => {
      const cur = await store.get(resource, sc.namespace, name);
      return { object: await store.update(resource, await compute(cur)), created: false };
    },
    delete: (sc, name) => store.delete(resource, sc.namespace, name),
  });
  const controllers = await startRbacControllers({ cache, storeFor });
  try {
    const view = cache.getClusterRole('view');
    const admin = cache.getClusterRole('admin');
    assert.ok(view && admin);
    assert.ok(view.rules.some((r) => r.resources.includes('pods') && r.verbs.includes('list')));
    assert.ok(!view.rules.some((r) => r.resources.includes('secrets')));
    assert.ok(admin.rules.some((r) => r.resources.includes('rolebindings') && r.verbs.includes('create')));
    assert.ok(admin.rules.some((r) => r.resources.includes('secrets') && r.verbs.includes('delete')), 'admin includes edit');
  } finally {
    controllers.stop();
    cache.stop();
  }
});
