/** Audit policy: evaluation (first matching rule) and kube-apiserver's validation messages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFile, newPolicyRuleEvaluator, parsePolicy } from './policy.js';
import type { AuditAttributes } from './types.js';

const policy = parsePolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: None
  users: ["system:kube-proxy"]
  verbs: ["watch"]
  resources: [{group: "", resources: ["endpoints", "services"]}]
- level: None
  nonResourceURLs: ["/healthz*", "/version"]
- level: RequestResponse
  resources: [{group: "", resources: ["pods/log"]}]
- level: Request
  resources: [{group: "", resources: ["*/status"]}]
- level: Metadata
  resources: [{group: "", resources: ["secrets", "configmaps"]}]
  omitStages: ["ResponseStarted"]
- level: Request
  userGroups: ["system:serviceaccounts"]
  namespaces: ["kube-system"]
- level: RequestResponse
  resources: [{group: "apps", resources: ["deployments", "deployments/scale"], resourceNames: ["web"]}]
  omitManagedFields: false
- level: Request
  resources: [{group: "batch", resources: ["jobs/*"]}]
- level: Metadata
  namespaces: [""]
- level: Request
  verbs: ["create"]
  resources: [{group: "rbac.authorization.k8s.io"}]
- level: Metadata
omitManagedFields: true
`);

const user = (name: string, ...groups: string[]) => ({ name, groups: [...groups, 'system:authenticated'] });
const res = (verb: string, group: string, resource: string, o: Partial<AuditAttributes> = {}): AuditAttributes => ({
  user: user('jane'),
  verb,
  isResourceRequest: true,
  namespace: 'default',
  apiGroup: group,
  resource,
  subresource: '',
  name: '',
  path: '',
  ...o,
});
const nonRes = (verb: string, path: string, o: Partial<AuditAttributes> = {}): AuditAttributes => ({
  user: user('jane'),
  verb,
  isResourceRequest: false,
  namespace: '',
  apiGroup: '',
  resource: '',
  subresource: '',
  name: '',
  path,
  ...o,
});

const cases: { name: string; attrs: AuditAttributes; level: string; omit?: string[]; omitManagedFields?: boolean }[] = [
  { name: 'kube-proxy watching services', attrs: res('watch', '', 'services', { user: user('system:kube-proxy') }), level: 'None', omit: ['RequestReceived'] },
  { name: 'kube-proxy listing services (verb differs)', attrs: res('list', '', 'services', { user: user('system:kube-proxy') }), level: 'Metadata' },
  { name: '/healthz/etcd by prefix', attrs: nonRes('get', '/healthz/etcd'), level: 'None' },
  { name: '/version exactly', attrs: nonRes('get', '/version'), level: 'None' },
  { name: '/versions is not /version', attrs: nonRes('get', '/versions'), level: 'Metadata' },
  { name: 'pods/log subresource', attrs: res('get', '', 'pods', { subresource: 'log' }), level: 'RequestResponse' },
  { name: 'pods alone does not match pods/log', attrs: res('get', '', 'pods'), level: 'Metadata' },
  { name: '*/status matches any status', attrs: res('update', '', 'nodes', { subresource: 'status', namespace: '' }), level: 'Request' },
  { name: 'secrets at Metadata with the rule stage unioned', attrs: res('get', '', 'secrets'), level: 'Metadata', omit: ['RequestReceived', 'ResponseStarted'] },
  { name: 'service account in kube-system', attrs: res('get', '', 'pods', { namespace: 'kube-system', user: user('system:serviceaccount:kube-system:x', 'system:serviceaccounts') }), level: 'Request' },
  { name: 'same user in another namespace', attrs: res('get', '', 'pods', { namespace: 'other', user: user('system:serviceaccount:other:x', 'system:serviceaccounts') }), level: 'Metadata' },
  { name: 'named deployment', attrs: res('get', 'apps', 'deployments', { name: 'web' }), level: 'RequestResponse', omitManagedFields: false },
  { name: 'scale of the named deployment', attrs: res('update', 'apps', 'deployments', { name: 'web', subresource: 'scale' }), level: 'RequestResponse' },
  { name: 'another deployment name', attrs: res('get', 'apps', 'deployments', { name: 'db' }), level: 'Metadata' },
  { name: 'jobs/* matches jobs and its subresources', attrs: res('get', 'batch', 'jobs', { subresource: 'status' }), level: 'Request' },
  { name: 'jobs/* matches jobs itself', attrs: res('get', 'batch', 'jobs'), level: 'Request' },
  { name: 'cluster-scoped via namespaces [""]', attrs: res('get', 'storage.k8s.io', 'storageclasses', { namespace: '' }), level: 'Metadata' },
  { name: 'group with no resources = the whole group', attrs: res('create', 'rbac.authorization.k8s.io', 'roles'), level: 'Request', omitManagedFields: true },
  { name: 'catch-all', attrs: res('delete', 'apps', 'daemonsets'), level: 'Metadata' },
  { name: 'unauthenticated (401) requests have no user: user rules do not match', attrs: { ...res('watch', '', 'services'), user: undefined }, level: 'Metadata' },
];

const ev = newPolicyRuleEvaluator(policy);
for (const c of cases) {
  test(`policy: ${c.name}`, () => {
    const got = ev.evaluate(c.attrs);
    assert.equal(got.level, c.level);
    if (c.omit) assert.deepEqual([...got.omitStages].sort(), [...c.omit].sort());
    if (c.omitManagedFields !== undefined) assert.equal(got.omitManagedFields, c.omitManagedFields);
  });
}

test('no matching rule → None', () => {
  const p = newPolicyRuleEvaluator(parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  verbs: [get]\n'));
  assert.equal(p.evaluate(res('list', '', 'pods')).level, 'None');
});

const invalid: { name: string; text: string; error: string }[] = [
  { name: 'no rules', text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n', error: 'loaded illegal policy with 0 rules' },
  { name: 'bad level', text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Everything\n', error: 'rules[0].level: Unsupported value: "Everything": supported values: "None", "Metadata", "Request", "RequestResponse"' },
  { name: 'missing level', text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- verbs: [get]\n', error: 'rules[0].level: Required value' },
  {
    name: 'resources and non-resource URLs together',
    text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  nonResourceURLs: ["/x"]\n  namespaces: [a]\n',
    error: 'rules[0].nonResourceURLs: Invalid value: []string{"/x"}: rules cannot apply to both regular resources and non-resource URLs',
  },
  {
    name: 'bad URLs',
    text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  nonResourceURLs: ["healthz", "/a*/b"]\n',
    error: `[rules[0].nonResourceURLs[0]: Invalid value: "healthz": non-resource URL rules must begin with a '/' character, rules[0].nonResourceURLs[1]: Invalid value: "/a*/b": non-resource URL wildcards '*' must be the final character of the rule]`,
  },
  { name: 'bad stage', text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  omitStages: [Started]\n', error: 'rules[0].omitStages[0]: Invalid value: "Started": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic' },
  { name: 'group with version', text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources: [{group: rbac.authorization.k8s.io/v1}]\n', error: /^rules\[0\]\.resources\.group: Invalid value: "rbac\.authorization\.k8s\.io\/v1": a lowercase RFC 1123 subdomain/.source },
  { name: 'resourceNames without resources', text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources: [{group: "", resourceNames: [x]}]\n', error: 'rules[0].resources.resourceNames: Invalid value: []string{"x"}: using resourceNames requires at least one resource' },
  { name: 'old version', text: 'apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules:\n- level: Metadata\n', error: 'failed decoding: no kind "Policy" is registered for version "audit.k8s.io/v1beta1"' },
];
for (const c of invalid) {
  test(`invalid policy: ${c.name}`, () => {
    assert.throws(() => parsePolicy(c.text), (err: Error) => {
      if (c.error.startsWith('^')) assert.match(err.message, new RegExp(c.error));
      else assert.equal(err.message, c.error);
      return true;
    });
  });
}

test('policy files: JSON works, errors name the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kapi-policy-'));
  try {
    const f = join(dir, 'policy.json');
    writeFileSync(f, JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] }));
    assert.equal(loadPolicyFile(f).rules[0].level, 'Metadata');
    writeFileSync(f, JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [] }));
    assert.throws(() => loadPolicyFile(f), { message: `loaded illegal policy with 0 rules: from file ${f}` });
    assert.throws(() => loadPolicyFile(join(dir, 'nope')), /^Error: failed to read file path ".*nope": ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
