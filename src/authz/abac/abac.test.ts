import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAbacPolicyFile, newAbacAuthorizer, parseAbacPolicies } from './abac.js';
import { pathAttrs, resourceAttrs, testUser } from '../testing.js';
import type { AuthorizationAttributes, AuthorizerResult } from '../interfaces.js';

const file = [
  '# comments and blank lines are skipped',
  '',
  '{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "alice", "namespace": "*", "resource": "*", "apiGroup": "*"}}',
  '{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "bob", "namespace": "projectCaribou", "resource": "pods", "readonly": true}}',
  '{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"group": "system:authenticated", "readonly": true, "nonResourcePath": "*"}}',
  '{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "*", "readonly": true, "namespace": "*", "resource": "deployments", "apiGroup": "apps"}}',
  '{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "ops", "nonResourcePath": "/logs/*"}}',
  '{"user": "legacy"}',
  '{"user": "legacy-ro", "readonly": true, "resource": "events"}',
].join('\n');

const policies = parseAbacPolicies(file, 'policy.jsonl');
const authz = newAbacAuthorizer(policies);
const decide = (a: AuthorizationAttributes) => authz.authorize(a) as AuthorizerResult;

test('ABAC parses versioned and legacy lines', () => {
  assert.equal(policies.length, 7);
  assert.deepEqual(policies[3], { user: '', group: 'system:authenticated', readonly: true, apiGroup: 'apps', resource: 'deployments', namespace: '*', nonResourcePath: '' });
  assert.deepEqual(policies[5], { user: 'legacy', group: '', readonly: false, apiGroup: '*', resource: '*', namespace: '*', nonResourcePath: '*' });
  assert.deepEqual(policies[6], { user: 'legacy-ro', group: '', readonly: true, apiGroup: '*', resource: 'events', namespace: '*', nonResourcePath: '' });
});

const cases: { name: string; attrs: AuthorizationAttributes; allowed: boolean }[] = [
  { name: 'alice may do anything on resources', attrs: resourceAttrs(testUser('alice'), 'delete', 'nodes', { name: 'n' }), allowed: true },
  { name: 'bob reads pods in his namespace', attrs: resourceAttrs(testUser('bob'), 'list', 'pods', { namespace: 'projectCaribou' }), allowed: true },
  { name: 'bob cannot write (readonly)', attrs: resourceAttrs(testUser('bob'), 'create', 'pods', { namespace: 'projectCaribou' }), allowed: false },
  { name: 'bob: other namespace', attrs: resourceAttrs(testUser('bob'), 'get', 'pods', { namespace: 'other' }), allowed: false },
  { name: 'bob: empty apiGroup only matches the core group', attrs: resourceAttrs(testUser('bob'), 'get', 'pods', { namespace: 'projectCaribou', apiGroup: 'metrics.k8s.io' }), allowed: false },
  { name: 'authenticated users read any path', attrs: pathAttrs(testUser('zoe'), 'get', '/version'), allowed: true },
  { name: 'but may not post to it', attrs: pathAttrs(testUser('zoe'), 'post', '/version'), allowed: false },
  { name: 'user * means all authenticated users', attrs: resourceAttrs(testUser('zoe'), 'watch', 'deployments', { namespace: 'a', apiGroup: 'apps' }), allowed: true },
  { name: 'unauthenticated users are not all users', attrs: resourceAttrs({ name: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], extra: {} }, 'get', 'deployments', { namespace: 'a', apiGroup: 'apps' }), allowed: false },
  { name: 'nonResourcePath prefix', attrs: pathAttrs(testUser('ops'), 'post', '/logs/kube.log'), allowed: true },
  { name: 'nonResourcePath prefix does not match the parent', attrs: pathAttrs(testUser('ops'), 'post', '/logs'), allowed: false },
  { name: 'legacy line without resource allows everything', attrs: resourceAttrs(testUser('legacy'), 'delete', 'deployments', { namespace: 'x', apiGroup: 'apps' }), allowed: true },
  { name: 'legacy line allows paths', attrs: pathAttrs(testUser('legacy'), 'put', '/anything'), allowed: true },
  { name: 'legacy readonly resource line', attrs: resourceAttrs(testUser('legacy-ro'), 'list', 'events', { namespace: 'x' }), allowed: true },
  { name: 'legacy readonly resource line refuses writes', attrs: resourceAttrs(testUser('legacy-ro'), 'create', 'events', { namespace: 'x' }), allowed: false },
];

for (const c of cases) {
  test(`ABAC: ${c.name}`, () => {
    const r = decide(c.attrs);
    assert.equal(r.decision, c.allowed ? 'Allow' : 'NoOpinion');
    if (!c.allowed) assert.equal(r.reason, 'No policy matched.');
  });
}

test('ABAC rulesFor lists the rules of matching policies', async () => {
  const r = await authz.rulesFor(testUser('bob'), 'projectCaribou');
  assert.deepEqual(r.resourceRules, [
    { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'], resourceNames: [] },
    { verbs: ['get', 'list', 'watch'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: [] },
  ]);
  // As in kube-apiserver, a policy only lists rules when its namespace is "*" or the asked one,
  // so the namespace-less nonResourcePath policy lists nothing.
  assert.deepEqual(r.nonResourceRules, []);
  assert.equal(r.incomplete, false);
  const ops = await authz.rulesFor(testUser('legacy'), 'x');
  assert.deepEqual(ops.nonResourceRules, [{ verbs: ['*'], nonResourceURLs: ['*'] }]);
});

test('ABAC policy file errors name the line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'abac-'));
  try {
    const p = join(dir, 'policy.jsonl');
    writeFileSync(p, '{"user":"a"}\n{not json\n');
    assert.throws(() => loadAbacPolicyFile(p), (err: Error) => err.message.startsWith(`error reading policy file ${p}, line 2: {not json: `));
    assert.throws(() => loadAbacPolicyFile(join(dir, 'missing')), /error reading policy file .*missing/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
