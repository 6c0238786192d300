import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAuthorizerOptions, newAuthorizerFromModes, parseAuthorizationModes, validateAuthorizerOptions, type AuthorizerOptions } from './modes.js';
import { selfSubjectRulesReview } from './rulesreview.js';
import { bindingObject, MemoryRbacStore, pathAttrs, resourceAttrs, roleObject, testUser } from './testing.js';
import { forbiddenMessage } from './interfaces.js';
import { StatusError } from '../runtime/errors.js';

const opts = (o: Partial<AuthorizerOptions>): AuthorizerOptions => ({ ...defaultAuthorizerOptions(), ...o });

const validation: { name: string; o: AuthorizerOptions; errs: string[] }[] = [
  { name: 'default Node,RBAC', o: opts({}), errs: [] },
  { name: 'no mode', o: opts({ modes: [] }), errs: ['at least one authorization-mode must be passed'] },
  { name: 'unknown mode', o: opts({ modes: ['RBAC', 'Magic'] }), errs: ['authorization-mode "Magic" is not a valid mode'] },
  { name: 'ABAC without file', o: opts({ modes: ['ABAC'] }), errs: ["authorization-mode ABAC's authorization policy file not passed"] },
  { name: 'Webhook without file', o: opts({ modes: ['Webhook'] }), errs: ["authorization-mode Webhook's authorization config file not passed"] },
  { name: 'policy file without ABAC', o: opts({ modes: ['RBAC'], policyFile: '/p' }), errs: ['cannot specify --authorization-policy-file without mode ABAC'] },
  { name: 'webhook file without Webhook', o: opts({ modes: ['RBAC'], webhookConfigFile: '/w' }), errs: ['cannot specify --authorization-webhook-config-file without mode Webhook'] },
  { name: 'repeated mode', o: opts({ modes: ['RBAC', 'Node', 'RBAC'] }), errs: ['authorization-mode ["RBAC" "Node" "RBAC"] has mode specified more than once'] },
];

for (const c of validation) {
  test(`--authorization-mode validation: ${c.name}`, () => {
    assert.deepEqual(validateAuthorizerOptions(c.o), c.errs);
  });
}

test('parseAuthorizationModes splits the comma list', () => {
  assert.deepEqual(parseAuthorizationModes('Node, RBAC,'), ['Node', 'RBAC']);
});

test('system:masters is always allowed; AlwaysDeny gives its reason', async () => {
  const chain = newAuthorizerFromModes(opts({ modes: ['AlwaysDeny'] }));
  assert.equal((await chain.authorize(resourceAttrs(testUser('root', ['system:masters']), 'delete', 'nodes'))).decision, 'Allow');
  const a = resourceAttrs(testUser('bob'), 'get', 'pods', { namespace: 'default' });
  const r = await chain.authorize(a);
  assert.deepEqual(r, { decision: 'NoOpinion', reason: 'Everything is forbidden.' });
  assert.equal(forbiddenMessage(a, r.reason), 'User "bob" cannot get resource "pods" in API group "" in the namespace "default": Everything is forbidden.');
});

test('Node,RBAC chain with rules reviews', async () => {
  const store = new MemoryRbacStore();
  await store.seed('clusterroles', roleObject('reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]));
  await store.seed('clusterroles', roleObject('discovery', [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }]));
  await store.seed('rolebindings', bindingObject('alice', 'ClusterRole', 'reader', ['User:alice'], 'team'));
  await store.seed('clusterrolebindings', bindingObject('discovery', 'ClusterRole', 'discovery', ['Group:system:authenticated']));
  const chain = newAuthorizerFromModes(opts({}), { rbacSource: store });
  await chain.start();
  try {
    const alice = testUser('alice');
    assert.equal((await chain.authorize(resourceAttrs(alice, 'list', 'pods', { namespace: 'team' }))).decision, 'Allow');
    assert.equal((await chain.authorize(resourceAttrs(alice, 'list', 'pods', { namespace: 'other' }))).decision, 'NoOpinion');
    assert.equal((await chain.authorize(pathAttrs(alice, 'get', '/api/v1'))).decision, 'Allow');
    const kubelet = { name: 'system:node:n1', uid: '', groups: ['system:nodes', 'system:authenticated'], extra: {} };
    assert.equal((await chain.authorize(resourceAttrs(kubelet, 'create', 'events', { namespace: 'x' }))).decision, 'Allow');

    const review = await selfSubjectRulesReview(chain.ruleResolver, alice, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'team' } });
    assert.deepEqual(review.status, {
      resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }],
      incomplete: false,
    });
    const kubeletReview = await selfSubjectRulesReview(chain.ruleResolver, kubelet, { spec: { namespace: 'team' } });
    assert.equal((kubeletReview.status as { incomplete: boolean }).incomplete, true);
    assert.equal((kubeletReview.status as { evaluationError: string }).evaluationError, 'node authorizer does not support user rule resolution');
    await assert.rejects(selfSubjectRulesReview(chain.ruleResolver, alice, { spec: {} }), (err: StatusError) => err.code === 400 && err.message === 'no namespace on request');
  } finally {
    chain.stop();
  }
});

test('ABAC and Webhook modes read their files; rules of a webhook are incomplete', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'authz-modes-'));
  try {
    const policy = join(dir, 'abac.jsonl');
    writeFileSync(policy, '{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"carl","namespace":"*","resource":"*","apiGroup":"*"}}\n');
    const kubeconfig = join(dir, 'wh.kubeconfig');
    writeFileSync(kubeconfig, 'clusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1/authorize"}\nusers:\n- name: u\n  user: {token: abc}\n');
    const chain = newAuthorizerFromModes(opts({ modes: ['ABAC', 'Webhook'], policyFile: policy, webhookConfigFile: kubeconfig }));
    assert.equal((await chain.authorize(resourceAttrs(testUser('carl'), 'delete', 'pods', { namespace: 'x' }))).decision, 'Allow');
    const rules = await chain.ruleResolver.rulesFor(testUser('carl'), 'x');
    assert.equal(rules.incomplete, true);
    assert.equal(rules.error, 'webhook authorizer does not support user rule resolution');
    assert.deepEqual(rules.resourceRules, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [] }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('invalid options throw', () => {
  assert.throws(() => newAuthorizerFromModes(opts({ modes: ['Bogus'] })), /authorization-mode "Bogus" is not a valid mode/);
});
