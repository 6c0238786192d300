import test from 'node:test';
import assert from 'node:assert/strict';
import { bindingObject, MemoryRbacStore, pathAttrs, resourceAttrs, roleObject, testUser } from '../testing.js';
import { RbacCache } from './cache.js';
import { RbacRuleResolver } from './resolver.js';
import { newRbacAuthorizer } from './authorizer.js';
import type { AuthorizationAttributes, AuthorizerResult } from '../interfaces.js';

async function setup(): Promise<{ store: MemoryRbacStore; cache: RbacCache; authorize: (a: AuthorizationAttributes) => AuthorizerResult }> {
  const store = new MemoryRbacStore();
  await store.seed('clusterroles', roleObject('pod-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]));
  await store.seed('clusterroles', roleObject('healthz', [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/healthz/*'] }]));
  await store.seed('roles', roleObject('secret-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['s1'] }], { namespace: 'team' }));
  await store.seed('clusterrolebindings', bindingObject('alice-pods', 'ClusterRole', 'pod-reader', ['User:alice']));
  await store.seed('clusterrolebindings', bindingObject('devs-healthz', 'ClusterRole', 'healthz', ['Group:devs']));
  await store.seed('rolebindings', bindingObject('bob-secrets', 'Role', 'secret-reader', ['User:bob'], 'team'));
  await store.seed('rolebindings', bindingObject('sa-pods', 'ClusterRole', 'pod-reader', ['ServiceAccount::builder'], 'team'));
  await store.seed('rolebindings', bindingObject('dangling', 'Role', 'missing', ['User:carol'], 'team'));
  await store.seed('clusterrolebindings', bindingObject('dangling-cluster', 'ClusterRole', 'gone', ['User:carol']));
  const cache = new RbacCache();
  await cache.start(store);
  const authz = newRbacAuthorizer(new RbacRuleResolver(cache));
  return { store, cache, authorize: (a) => authz.authorize(a) as AuthorizerResult };
}

const cases: { name: string; attrs: AuthorizationAttributes; decision: string; reason?: string }[] = [
  {
    name: 'user bound cluster-wide reads pods anywhere',
    attrs: resourceAttrs(testUser('alice'), 'list', 'pods', { namespace: 'x' }),
    decision: 'Allow',
    reason: 'RBAC: allowed by ClusterRoleBinding "alice-pods" of ClusterRole "pod-reader" to User "alice"',
  },
  { name: 'but cannot delete them', attrs: resourceAttrs(testUser('alice'), 'delete', 'pods', { namespace: 'x', name: 'p' }), decision: 'NoOpinion', reason: '' },
  { name: 'group subject, non-resource URL prefix', attrs: pathAttrs(testUser('dave', ['devs']), 'get', '/healthz/etcd'), decision: 'Allow' },
  { name: 'role binding applies in its namespace', attrs: resourceAttrs(testUser('bob'), 'get', 'secrets', { namespace: 'team', name: 's1' }), decision: 'Allow', reason: 'RBAC: allowed by RoleBinding "bob-secrets/team" of Role "secret-reader" to User "bob"' },
  { name: 'role binding does not apply elsewhere', attrs: resourceAttrs(testUser('bob'), 'get', 'secrets', { namespace: 'other', name: 's1' }), decision: 'NoOpinion' },
  { name: 'resourceNames limit the role', attrs: resourceAttrs(testUser('bob'), 'get', 'secrets', { namespace: 'team', name: 's2' }), decision: 'NoOpinion' },
  {
    name: 'service account subject defaults to the binding namespace',
    attrs: resourceAttrs(testUser('system:serviceaccount:team:builder', ['system:serviceaccounts', 'system:serviceaccounts:team']), 'get', 'pods', { namespace: 'team', name: 'p' }),
    decision: 'Allow',
    reason: 'RBAC: allowed by RoleBinding "sa-pods/team" of ClusterRole "pod-reader" to ServiceAccount "builder/team"',
  },
  { name: 'a rolebinding to a clusterrole grants nothing at cluster scope', attrs: resourceAttrs(testUser('system:serviceaccount:team:builder'), 'list', 'pods'), decision: 'NoOpinion' },
  {
    name: 'missing roles are the reason',
    attrs: resourceAttrs(testUser('carol'), 'get', 'pods', { namespace: 'team' }),
    decision: 'NoOpinion',
    reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "missing" not found]',
  },
  { name: 'one missing role at cluster scope', attrs: resourceAttrs(testUser('carol'), 'get', 'nodes'), decision: 'NoOpinion', reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found' },
  { name: 'unknown user', attrs: resourceAttrs(testUser('mallory'), 'get', 'pods', { namespace: 'team' }), decision: 'NoOpinion', reason: '' },
];

test('RBAC authorizer decisions', async (t) => {
  const { cache, authorize } = await setup();
  try {
    for (const c of cases) {
      await t.test(c.name, () => {
        const r = authorize(c.attrs);
        assert.equal(r.decision, c.decision);
        if (c.reason !== undefined) assert.equal(r.reason, c.reason);
      });
    }
  } finally {
    cache.stop();
  }
});

test('RBAC authorizer follows watch events', async () => {
  const { store, cache, authorize } = await setup();
  try {
    const attrs = resourceAttrs(testUser('erin'), 'get', 'pods', { namespace: 'x', name: 'p' });
    assert.equal(authorize(attrs).decision, 'NoOpinion');
    await store.create('clusterrolebindings', bindingObject('erin', 'ClusterRole', 'pod-reader', ['User:erin']));
    await cache.waitUntil((c) => c.clusterRoleBindingsFor(testUser('erin')).length > 0);
    assert.equal(authorize(attrs).decision, 'Allow');
    const role = await store.get('clusterroles', '', 'pod-reader');
    assert.ok(role);
    await store.update('clusterroles', { ...role, rules: [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }] });
    await cache.waitUntil((c) => c.getClusterRole('pod-reader')?.rules[0].verbs[0] === 'list');
    assert.equal(authorize(attrs).decision, 'NoOpinion');
    await store.delete('clusterrolebindings', '', 'erin');
    await cache.waitUntil((c) => c.clusterRoleBindingsFor(testUser('erin')).length === 0);
  } finally {
    cache.stop();
  }
});

test('RBAC rulesFor lists resource and non-resource rules', async () => {
  const { cache } = await setup();
  try {
    const authz = newRbacAuthorizer(new RbacRuleResolver(cache));
    const r = await authz.rulesFor(testUser('bob', ['devs']), 'team');
    assert.deepEqual(r.resourceRules, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['s1'] }]);
    assert.deepEqual(r.nonResourceRules, [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/healthz/*'] }]);
    assert.equal(r.incomplete, false);
  } finally {
    cache.stop();
  }
});

test('100 roles and 100 bindings keep decisions fast', async () => {
  const cache = new RbacCache();
  const roles = [];
  const bindings = [];
  for (let i = 0; i < 100; i++) {
    roles.push(roleObject(`role-${i}`, [{ verbs: ['get'], apiGroups: [''], resources: [`res${i}`] }]));
    bindings.push(bindingObject(`binding-${i}`, 'ClusterRole', `role-${i}`, [`User:user-${i}`, 'Group:everyone']));
  }
  cache.replace('clusterroles', roles);
  cache.replace('clusterrolebindings', bindings);
  const authz = newRbacAuthorizer(new RbacRuleResolver(cache));
  const attrs = resourceAttrs(testUser('user-7'), 'get', 'res7', { namespace: 'x' });
  assert.equal((authz.authorize(attrs) as AuthorizerResult).decision, 'Allow');
  const denied = resourceAttrs(testUser('nobody'), 'get', 'res7', { namespace: 'x' });
  const start = process.hrtime.bigint();
  for (let i = 0; i < 2000; i++) authz.authorize(i % 2 ? attrs : denied);
  const perCallUs = Number(process.hrtime.bigint() - start) / 1000 / 2000;
  assert.ok(perCallUs < 200, `${perCallUs.toFixed(1)} µs per decision`);
});
