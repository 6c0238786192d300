import test from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapPolicy } from './index.js';
import { aggregatedRules } from '../aggregation.js';
import { roleEntryOf, type RoleEntry } from '../cache.js';
import { rulesAllow, type PolicyRule } from '../rule.js';
import { resourceAttrs, pathAttrs, testUser } from '../../testing.js';

const policy = bootstrapPolicy();

/** The cluster roles with aggregation applied until nothing changes (admin includes edit includes view). */
function aggregatedClusterRoles(): Map<string, PolicyRule[]> {
  let entries: RoleEntry[] = policy.clusterRoles.map(roleEntryOf);
  for (let round = 0; round < 5; round++) {
    entries = entries.map((e) => {
      const rules = aggregatedRules(e, entries);
      return rules ? { ...e, rules } : e;
    });
  }
  return new Map(entries.map((e) => [e.name, e.rules]));
}

const roles = aggregatedClusterRoles();
const u = testUser('someone');

test('every default object carries the bootstrapping label and autoupdate annotation', () => {
  for (const o of [...policy.clusterRoles, ...policy.clusterRoleBindings, ...policy.roles, ...policy.roleBindings]) {
    assert.equal(o.metadata?.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', o.metadata?.name);
    assert.equal(o.metadata?.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true', o.metadata?.name);
  }
});

test('the default ClusterRoles of 1.33 are there', () => {
  const names = new Set(policy.clusterRoles.map((o) => o.metadata?.name));
  for (const n of [
    'cluster-admin',
    'admin',
    'edit',
    'view',
    'system:basic-user',
    'system:discovery',
    'system:public-info-viewer',
    'system:monitoring',
    'system:node',
    'system:node-proxier',
    'system:kube-scheduler',
    'system:kube-controller-manager',
    'system:volume-scheduler',
    'system:auth-delegator',
    'system:heapster',
    'system:kube-aggregator',
    'system:aggregate-to-admin',
    'system:aggregate-to-edit',
    'system:aggregate-to-view',
    'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
    'system:certificates.k8s.io:kube-apiserver-client-approver',
    'system:service-account-issuer-discovery',
    'system:controller:deployment-controller',
    'system:controller:clusterrole-aggregation-controller',
  ]) {
    assert.ok(names.has(n), n);
  }
  assert.equal(names.size, policy.clusterRoles.length, 'names are unique');
});

test('aggregation labels and rules of admin, edit and view', () => {
  const byName = new Map(policy.clusterRoles.map((o) => [o.metadata?.name, o]));
  assert.deepEqual(byName.get('admin')?.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }] });
  assert.equal(byName.get('edit')?.metadata?.labels?.['rbac.authorization.k8s.io/aggregate-to-admin'], 'true');
  assert.equal(byName.get('view')?.metadata?.labels?.['rbac.authorization.k8s.io/aggregate-to-edit'], 'true');
  assert.equal(byName.get('system:aggregate-to-view')?.metadata?.labels?.['rbac.authorization.k8s.io/aggregate-to-view'], 'true');
  assert.equal(byName.get('admin')?.rules, null);
});

const decisions: { role: string; attrs: ReturnType<typeof resourceAttrs>; allowed: boolean }[] = [
  { role: 'view', attrs: resourceAttrs(u, 'list', 'pods', { namespace: 'ns' }), allowed: true },
  { role: 'view', attrs: resourceAttrs(u, 'get', 'secrets', { namespace: 'ns', name: 's' }), allowed: false },
  { role: 'view', attrs: resourceAttrs(u, 'create', 'pods', { namespace: 'ns' }), allowed: false },
  { role: 'view', attrs: resourceAttrs(u, 'get', 'pods/log', { namespace: 'ns' }), allowed: true },
  { role: 'edit', attrs: resourceAttrs(u, 'get', 'secrets', { namespace: 'ns', name: 's' }), allowed: true },
  { role: 'edit', attrs: resourceAttrs(u, 'create', 'deployments', { namespace: 'ns', apiGroup: 'apps' }), allowed: true },
  { role: 'edit', attrs: resourceAttrs(u, 'create', 'rolebindings', { namespace: 'ns', apiGroup: 'rbac.authorization.k8s.io' }), allowed: false },
  { role: 'edit', attrs: resourceAttrs(u, 'create', 'pods/exec', { namespace: 'ns' }), allowed: true },
  { role: 'admin', attrs: resourceAttrs(u, 'create', 'rolebindings', { namespace: 'ns', apiGroup: 'rbac.authorization.k8s.io' }), allowed: true },
  { role: 'admin', attrs: resourceAttrs(u, 'delete', 'secrets', { namespace: 'ns', name: 's' }), allowed: true },
  { role: 'admin', attrs: resourceAttrs(u, 'create', 'resourcequotas', { namespace: 'ns' }), allowed: false },
  { role: 'cluster-admin', attrs: resourceAttrs(u, 'delete', 'nodes', { name: 'n' }), allowed: true },
  { role: 'system:basic-user', attrs: resourceAttrs(u, 'create', 'selfsubjectrulesreviews', { apiGroup: 'authorization.k8s.io' }), allowed: true },
  { role: 'system:basic-user', attrs: resourceAttrs(u, 'create', 'selfsubjectreviews', { apiGroup: 'authentication.k8s.io' }), allowed: true },
];

for (const d of decisions) {
  test(`${d.role}: ${d.attrs.verb} ${d.attrs.resource}${d.attrs.subresource ? '/' + d.attrs.subresource : ''} → ${d.allowed}`, () => {
    assert.equal(rulesAllow(d.attrs, roles.get(d.role) ?? []), d.allowed);
  });
}

test('discovery and public info paths', () => {
  assert.equal(rulesAllow(pathAttrs(u, 'get', '/apis/apps/v1'), roles.get('system:discovery') ?? []), true);
  assert.equal(rulesAllow(pathAttrs(u, 'get', '/metrics'), roles.get('system:discovery') ?? []), false);
  assert.equal(rulesAllow(pathAttrs(u, 'get', '/readyz'), roles.get('system:public-info-viewer') ?? []), true);
  assert.equal(rulesAllow(pathAttrs(u, 'get', '/metrics'), roles.get('system:monitoring') ?? []), true);
});

test('default bindings', () => {
  const byName = new Map(policy.clusterRoleBindings.map((o) => [o.metadata?.name, o]));
  assert.deepEqual(byName.get('cluster-admin')?.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }]);
  assert.deepEqual(byName.get('system:public-info-viewer')?.subjects, [
    { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' },
    { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:unauthenticated' },
  ]);
  assert.equal(byName.get('system:node')?.subjects, undefined);
  assert.deepEqual(byName.get('system:controller:job-controller')?.subjects, [{ kind: 'ServiceAccount', name: 'job-controller', namespace: 'kube-system' }]);
  const rb = policy.roleBindings.find((o) => o.metadata?.name === 'system::extension-apiserver-authentication-reader');
  assert.equal(rb?.metadata?.namespace, 'kube-system');
});
