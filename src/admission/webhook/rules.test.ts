import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isExemptAdmissionConfigurationResource, ruleMatches, rulesFrom, type RuleTarget } from './rules.js';
import { matchNamespaceSelector, matchObjectSelector, parseSelector } from './selectors.js';
import { attributes } from './testing.js';
import { StatusError } from '../../runtime/errors.js';

const pods: RuleTarget = { operation: 'CREATE', resource: { group: '', version: 'v1', resource: 'pods' }, subresource: '', namespace: 'default' };
const podStatus: RuleTarget = { ...pods, operation: 'UPDATE', subresource: 'status' };
const deployments: RuleTarget = { operation: 'UPDATE', resource: { group: 'apps', version: 'v1', resource: 'deployments' }, subresource: '', namespace: 'prod' };
const namespaces: RuleTarget = { operation: 'CREATE', resource: { group: '', version: 'v1', resource: 'namespaces' }, subresource: '', namespace: '' };
const nodes: RuleTarget = { operation: 'DELETE', resource: { group: '', version: 'v1', resource: 'nodes' }, subresource: '', namespace: '' };

const cases: { name: string; rule: Parameters<typeof ruleMatches>[0]; target: RuleTarget; want: boolean }[] = [
  { name: 'exact pods', rule: { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }, target: pods, want: true },
  { name: 'operation mismatch', rule: { operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }, target: pods, want: false },
  { name: 'operation wildcard', rule: { operations: ['*'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }, target: pods, want: true },
  { name: 'main resource rule misses subresource', rule: { operations: ['*'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }, target: podStatus, want: false },
  { name: 'pods/status', rule: { operations: ['*'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods/status'] }, target: podStatus, want: true },
  { name: 'star misses subresources', rule: { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }, target: podStatus, want: false },
  { name: 'star/status', rule: { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/status'] }, target: podStatus, want: true },
  { name: 'star/star', rule: { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'] }, target: deployments, want: true },
  { name: 'pods/star matches the main resource too', rule: { operations: ['*'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods/*'] }, target: pods, want: true },
  { name: 'group mismatch', rule: { operations: ['*'], apiGroups: [''], apiVersions: ['v1'], resources: ['deployments'] }, target: deployments, want: false },
  { name: 'version mismatch', rule: { operations: ['*'], apiGroups: ['apps'], apiVersions: ['v1beta1'], resources: ['deployments'] }, target: deployments, want: false },
  { name: 'Namespaced scope matches namespaced', rule: { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: 'Namespaced' }, target: pods, want: true },
  { name: 'Namespaced scope misses namespaces', rule: { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: 'Namespaced' }, target: namespaces, want: false },
  { name: 'Cluster scope matches namespaces', rule: { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: 'Cluster' }, target: namespaces, want: true },
  { name: 'Cluster scope matches nodes', rule: { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: 'Cluster' }, target: nodes, want: true },
  { name: 'Cluster scope misses pods', rule: { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: 'Cluster' }, target: pods, want: false },
  { name: 'empty operations match nothing', rule: { apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }, target: pods, want: false },
];

for (const c of cases) {
  test(`rule: ${c.name}`, () => assert.equal(ruleMatches(c.rule, c.target), c.want));
}

test('rulesFrom keeps well-formed fields', () => {
  assert.deepEqual(rulesFrom([{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }, 'junk']), [
    { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], resourceNames: undefined, scope: 'Namespaced' },
  ]);
});

test('admission configuration kinds are exempt', () => {
  assert.equal(isExemptAdmissionConfigurationResource('admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'), true);
  assert.equal(isExemptAdmissionConfigurationResource('admissionregistration.k8s.io', 'ValidatingAdmissionPolicyBinding'), true);
  assert.equal(isExemptAdmissionConfigurationResource('', 'Pod'), false);
});

const namespaces_ = new Map([['prod', { metadata: { name: 'prod', labels: { env: 'prod' } } }], ['dev', { metadata: { name: 'dev', labels: { env: 'dev' } } }]]);
const getNamespace = async (n: string) => namespaces_.get(n) ?? null;
const prodSelector = parseSelector({ matchLabels: { env: 'prod' } });

const nsCases: { name: string; attrs: ReturnType<typeof attributes>; want: boolean | 'notfound' }[] = [
  { name: 'namespace labels match', attrs: attributes({ operation: 'CREATE', resource: 'pods', kind: 'Pod', namespace: 'prod' }), want: true },
  { name: 'namespace labels differ', attrs: attributes({ operation: 'CREATE', resource: 'pods', kind: 'Pod', namespace: 'dev' }), want: false },
  { name: 'cluster-scoped objects always match', attrs: attributes({ operation: 'CREATE', resource: 'nodes', kind: 'Node' }), want: true },
  { name: 'a new namespace is matched on its own labels', attrs: attributes({ operation: 'CREATE', resource: 'namespaces', kind: 'Namespace', name: 'x', object: { metadata: { name: 'x', labels: { env: 'prod' } } } }), want: true },
  { name: 'a missing namespace is 404', attrs: attributes({ operation: 'CREATE', resource: 'pods', kind: 'Pod', namespace: 'gone' }), want: 'notfound' },
];

for (const c of nsCases) {
  test(`namespaceSelector: ${c.name}`, async () => {
    if (c.want === 'notfound') {
      await assert.rejects(matchNamespaceSelector(prodSelector, c.attrs, getNamespace), (err: StatusError) => err.code === 404 && err.message === 'namespaces "gone" not found');
      return;
    }
    assert.equal(await matchNamespaceSelector(prodSelector, c.attrs, getNamespace), c.want);
  });
}

test('objectSelector matches the new or the old object', () => {
  const sel = parseSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] });
  const web = { metadata: { name: 'a', labels: { app: 'web' } } };
  const db = { metadata: { name: 'a', labels: { app: 'db' } } };
  assert.equal(matchObjectSelector(sel, attributes({ operation: 'UPDATE', resource: 'pods', kind: 'Pod', object: db, oldObject: web })), true);
  assert.equal(matchObjectSelector(sel, attributes({ operation: 'DELETE', resource: 'pods', kind: 'Pod', oldObject: web })), true);
  assert.equal(matchObjectSelector(sel, attributes({ operation: 'CREATE', resource: 'pods', kind: 'Pod', object: db })), false);
  assert.equal(matchObjectSelector(parseSelector({}), attributes({ operation: 'CREATE', resource: 'pods', kind: 'Pod', object: db })), true);
});
