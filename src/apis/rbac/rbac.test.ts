import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { runCreate, runUpdate, stored } from '../testing.js';

const roles = strategyFor('rbac.authorization.k8s.io', 'v1', 'Role', true);
const clusterRoles = strategyFor('rbac.authorization.k8s.io', 'v1', 'ClusterRole', false);
const bindings = strategyFor('rbac.authorization.k8s.io', 'v1', 'RoleBinding', true);
const clusterBindings = strategyFor('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', false);
const group = 'rbac.authorization.k8s.io';

function role(rules: unknown, name = 'reader'): KubeObject {
  return { apiVersion: `${group}/v1`, kind: 'Role', metadata: { name, namespace: 'default' }, rules } as KubeObject;
}

test('rbac: PUT may create, and an empty role serializes rules: null', () => {
  assert.equal(roles.allowCreateOnUpdate(), true);
  const { obj, errs } = runCreate(roles, { apiVersion: `${group}/v1`, kind: 'Role', metadata: { name: 'empty', namespace: 'default' } });
  assert.deepEqual(errs, []);
  assert.equal(obj.rules, null);
});

test('rbac: names only need to be path segments', () => {
  assert.deepEqual(runCreate(roles, role([], 'system:controller:Weird_Name')).errs, []);
  assert.deepEqual(
    runCreate(roles, role([], 'a/b')).errs.map((e) => e.message()),
    ["metadata.name: Invalid value: \"a/b\": may not contain '/'"],
  );
});

const ruleCases: { name: string; strategy: 'role' | 'cluster'; rules: unknown[]; want: string[] }[] = [
  { name: 'valid resource rule', strategy: 'role', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], want: [] },
  { name: 'verbs required', strategy: 'role', rules: [{ apiGroups: [''], resources: ['pods'] }], want: ['rules[0].verbs: Required value: verbs must contain at least one value'] },
  {
    name: 'resource rules need groups and resources',
    strategy: 'role',
    rules: [{ verbs: ['get'] }],
    want: ['rules[0].apiGroups: Required value: resource rules must supply at least one api group', 'rules[0].resources: Required value: resource rules must supply at least one resource'],
  },
  {
    name: 'namespaced rules cannot use non-resource URLs',
    strategy: 'role',
    rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }],
    want: ['rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs'],
  },
  { name: 'cluster roles may use non-resource URLs', strategy: 'cluster', rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }], want: [] },
  {
    name: 'non-resource URLs mixed with resources',
    strategy: 'cluster',
    rules: [{ nonResourceURLs: ['/metrics'], resources: ['pods'], verbs: ['get'] }],
    want: ['rules[0].nonResourceURLs: Invalid value: []string{"/metrics"}: rules cannot apply to both regular resources and non-resource URLs'],
  },
];

for (const c of ruleCases) {
  test(`rbac rules: ${c.name}`, () => {
    const obj = c.strategy === 'role' ? role(c.rules) : { apiVersion: `${group}/v1`, kind: 'ClusterRole', metadata: { name: 'r' }, rules: c.rules };
    assert.deepEqual(runCreate(c.strategy === 'role' ? roles : clusterRoles, obj as KubeObject).errs.map((e) => e.message()), c.want);
  });
}

test('clusterrole: aggregationRule needs selectors', () => {
  const obj = { apiVersion: `${group}/v1`, kind: 'ClusterRole', metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [] } } as KubeObject;
  assert.deepEqual(runCreate(clusterRoles, obj).errs.map((e) => e.message()), [
    'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
  ]);
});

function binding(roleRef: Record<string, unknown>, subjects: Record<string, unknown>[]): KubeObject {
  return { apiVersion: `${group}/v1`, kind: 'RoleBinding', metadata: { name: 'b', namespace: 'default' }, roleRef, subjects } as KubeObject;
}

test('rolebinding: roleRef and User/Group subjects default to the RBAC group, ServiceAccounts to the core group', () => {
  const { obj, errs } = runCreate(
    bindings,
    binding({ kind: 'Role', name: 'reader' }, [
      { kind: 'User', name: 'alice' },
      { kind: 'Group', name: 'devs' },
      { kind: 'ServiceAccount', name: 'default', namespace: 'default' },
    ]),
  );
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.roleRef, { kind: 'Role', name: 'reader', apiGroup: group });
  assert.deepEqual(
    (obj.subjects as { apiGroup?: string }[]).map((s) => s.apiGroup),
    [group, group, undefined],
  );
});

const bindingCases: { name: string; cluster?: boolean; roleRef: Record<string, unknown>; subjects: Record<string, unknown>[]; want: string[] }[] = [
  { name: 'roleRef name required', roleRef: { kind: 'Role' }, subjects: [], want: ['roleRef.name: Required value'] },
  {
    name: 'roleRef kind',
    roleRef: { kind: 'Deployment', name: 'x' },
    subjects: [],
    want: ['roleRef.kind: Unsupported value: "Deployment": supported values: "Role", "ClusterRole"'],
  },
  {
    name: 'cluster bindings refer to ClusterRoles only',
    cluster: true,
    roleRef: { kind: 'Role', name: 'x' },
    subjects: [],
    want: ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"'],
  },
  {
    name: 'unknown subject kind',
    roleRef: { kind: 'Role', name: 'x' },
    subjects: [{ kind: 'Robot', name: 'r2' }],
    want: ['subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"'],
  },
  {
    name: 'ServiceAccount subjects of cluster bindings need a namespace',
    cluster: true,
    roleRef: { kind: 'ClusterRole', name: 'x' },
    subjects: [{ kind: 'ServiceAccount', name: 'default' }],
    want: ['subjects[0].namespace: Required value'],
  },
  {
    name: 'User subject in another API group',
    roleRef: { kind: 'Role', name: 'x' },
    subjects: [{ kind: 'User', name: 'alice', apiGroup: 'example.com' }],
    want: ['subjects[0].apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io"'],
  },
];

for (const c of bindingCases) {
  test(`rbac bindings: ${c.name}`, () => {
    const obj = binding(c.roleRef, c.subjects);
    if (c.cluster) {
      obj.kind = 'ClusterRoleBinding';
      delete obj.metadata?.namespace;
    }
    assert.deepEqual(runCreate(c.cluster ? clusterBindings : bindings, obj).errs.map((e) => e.message()), c.want);
  });
}

test('rolebinding: roleRef cannot change', () => {
  const old = stored(runCreate(bindings, binding({ kind: 'Role', name: 'reader' }, [])).obj);
  const next = JSON.parse(JSON.stringify(old)) as KubeObject;
  next.roleRef = { kind: 'ClusterRole', name: 'admin', apiGroup: group };
  assert.deepEqual(runUpdate(bindings, old, next).errs.map((e) => e.message()), [
    'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"admin"}: cannot change roleRef',
  ]);
});
