import test from 'node:test';
import assert from 'node:assert/strict';
import { compactString, covers, describeMissing } from './covers.js';
import { policyRuleFromJson, type PolicyRule } from './rule.js';

const r = (o: Record<string, unknown>): PolicyRule => policyRuleFromJson(o);

const cases: { name: string; owner: PolicyRule[]; servant: PolicyRule[]; covered: boolean; missing?: string }[] = [
  { name: 'identical rules', owner: [r({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })], servant: [r({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })], covered: true },
  { name: 'star covers everything', owner: [r({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] })], servant: [r({ verbs: ['create', 'delete'], apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'] })], covered: true },
  {
    name: 'missing verbs are listed compactly',
    owner: [r({ verbs: ['get'], apiGroups: [''], resources: ['secrets'] })],
    servant: [r({ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['secrets'] })],
    covered: false,
    missing: '{APIGroups:[""], Resources:["secrets"], Verbs:["list" "watch"]}',
  },
  {
    name: 'resource names are kept',
    owner: [],
    servant: [r({ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] })],
    covered: false,
    missing: '{APIGroups:[""], Resources:["configmaps"], ResourceNames:["a"], Verbs:["get"]}',
  },
  { name: 'owner with names does not cover all names', owner: [r({ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] })], servant: [r({ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] })], covered: false },
  { name: '*/scale covers deployments/scale', owner: [r({ verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] })], servant: [r({ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] })], covered: true },
  { name: 'url prefix covers', owner: [r({ verbs: ['get'], nonResourceURLs: ['/api/*'] })], servant: [r({ verbs: ['get'], nonResourceURLs: ['/api/v1'] })], covered: true },
  { name: 'url missing', owner: [], servant: [r({ verbs: ['get'], nonResourceURLs: ['/metrics'] })], covered: false, missing: '{NonResourceURLs:["/metrics"], Verbs:["get"]}' },
  {
    name: 'several resources, sorted lines',
    owner: [],
    servant: [r({ verbs: ['get'], apiGroups: [''], resources: ['secrets', 'configmaps'] })],
    covered: false,
    missing: '{APIGroups:[""], Resources:["configmaps"], Verbs:["get"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
  },
];

for (const c of cases) {
  test(`covers: ${c.name}`, () => {
    const res = covers(c.owner, c.servant);
    assert.equal(res.covered, c.covered);
    if (c.missing !== undefined) assert.equal(describeMissing(res.missing), c.missing);
  });
}

test('compactString leaves out empty lists', () => {
  assert.equal(compactString(r({ verbs: ['delete'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] })), '{APIGroups:["rbac.authorization.k8s.io"], Resources:["roles"], Verbs:["delete"]}');
});
