import test from 'node:test';
import assert from 'node:assert/strict';
import { NodeGraph, podReferences } from './graph.js';
import { fieldSelectorRequires, newNodeAuthorizer } from './node.js';
import { resourceAttrs, testUser } from '../testing.js';
import type { AuthorizationAttributes, AuthorizerResult } from '../interfaces.js';

const pod = {
  metadata: { name: 'web', namespace: 'app' },
  spec: {
    nodeName: 'n1',
    serviceAccountName: 'web-sa',
    imagePullSecrets: [{ name: 'pull' }],
    containers: [{ name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'k' } } }], envFrom: [{ configMapRef: { name: 'env-cm' } }] }],
    volumes: [
      { name: 'v1', secret: { secretName: 'vol-secret' } },
      { name: 'v2', configMap: { name: 'vol-cm' } },
      { name: 'v3', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'v4', projected: { sources: [{ secret: { name: 'proj-secret' } }, { configMap: { name: 'proj-cm' } }] } },
      { name: 'scratch', ephemeral: { volumeClaimTemplate: {} } },
    ],
  },
};

test('pod references', () => {
  const refs = podReferences(pod).map((r) => `${r.type}/${r.name}`).sort();
  assert.deepEqual(refs, [
    'configmap/env-cm',
    'configmap/proj-cm',
    'configmap/vol-cm',
    'pvc/data',
    'pvc/web-scratch',
    'secret/env-secret',
    'secret/proj-secret',
    'secret/pull',
    'secret/vol-secret',
    'serviceaccount/web-sa',
  ]);
});

const graph = new NodeGraph();
graph.replacePods([pod, { metadata: { name: 'other', namespace: 'app' }, spec: { nodeName: 'n2', volumes: [{ name: 'v', secret: { secretName: 'n2-secret' } }] } }]);
const authz = newNodeAuthorizer(graph);
const kubelet = (node: string) => ({ name: `system:node:${node}`, uid: '', groups: ['system:nodes', 'system:authenticated'], extra: {} });
const n1 = kubelet('n1');

const cases: { name: string; attrs: AuthorizationAttributes; decision: string; reason?: string }[] = [
  { name: 'not a node: no opinion', attrs: resourceAttrs(testUser('alice'), 'get', 'secrets', { namespace: 'app', name: 'vol-secret' }), decision: 'NoOpinion', reason: '' },
  { name: 'node name without the nodes group is not a node', attrs: resourceAttrs(testUser('system:node:n1'), 'get', 'nodes', { name: 'n1' }), decision: 'NoOpinion', reason: '' },
  { name: 'secret of a pod on the node', attrs: resourceAttrs(n1, 'get', 'secrets', { namespace: 'app', name: 'vol-secret' }), decision: 'Allow' },
  { name: 'watch of one related configmap', attrs: resourceAttrs(n1, 'watch', 'configmaps', { namespace: 'app', name: 'proj-cm' }), decision: 'Allow' },
  { name: 'secret of a pod on another node', attrs: resourceAttrs(n1, 'get', 'secrets', { namespace: 'app', name: 'n2-secret' }), decision: 'NoOpinion', reason: "no relationship found between node 'n1' and this object" },
  { name: 'list of all secrets', attrs: resourceAttrs(n1, 'list', 'secrets', { namespace: 'app' }), decision: 'NoOpinion', reason: 'No Object name found' },
  { name: 'writing a secret', attrs: resourceAttrs(n1, 'update', 'secrets', { namespace: 'app', name: 'vol-secret' }), decision: 'NoOpinion', reason: 'can only read resources of this type' },
  { name: 'pvc of a pod on the node', attrs: resourceAttrs(n1, 'get', 'persistentvolumeclaims', { namespace: 'app', name: 'data' }), decision: 'Allow' },
  { name: 'pvc status update', attrs: resourceAttrs(n1, 'patch', 'persistentvolumeclaims/status', { namespace: 'app', name: 'web-scratch' }), decision: 'Allow' },
  { name: 'service account token for its pod', attrs: resourceAttrs(n1, 'create', 'serviceaccounts/token', { namespace: 'app', name: 'web-sa' }), decision: 'Allow' },
  { name: 'service account itself', attrs: resourceAttrs(n1, 'get', 'serviceaccounts', { namespace: 'app', name: 'web-sa' }), decision: 'NoOpinion', reason: 'can only create tokens for individual service accounts' },
  { name: 'own node', attrs: resourceAttrs(n1, 'get', 'nodes', { name: 'n1' }), decision: 'Allow' },
  { name: 'other node', attrs: resourceAttrs(n1, 'get', 'nodes', { name: 'n2' }), decision: 'NoOpinion', reason: "node 'n1' cannot read 'n2', only its own Node object" },
  { name: 'all nodes', attrs: resourceAttrs(n1, 'list', 'nodes'), decision: 'NoOpinion', reason: "node 'n1' cannot read all nodes, only its own Node object" },
  { name: 'node status', attrs: resourceAttrs(n1, 'patch', 'nodes/status', { name: 'n1' }), decision: 'Allow' },
  { name: 'pods bound to it', attrs: resourceAttrs(n1, 'get', 'pods', { namespace: 'app', name: 'web' }), decision: 'Allow' },
  { name: 'pods bound elsewhere', attrs: resourceAttrs(n1, 'get', 'pods', { namespace: 'app', name: 'other' }), decision: 'NoOpinion' },
  { name: 'pod list with its node selector', attrs: resourceAttrs(n1, 'list', 'pods', { fieldSelector: 'spec.nodeName=n1' }), decision: 'Allow' },
  { name: 'pod list without selector', attrs: resourceAttrs(n1, 'watch', 'pods'), decision: 'NoOpinion', reason: 'can only list/watch pods with spec.nodeName field selector' },
  { name: 'pod status', attrs: resourceAttrs(n1, 'update', 'pods/status', { namespace: 'app', name: 'web' }), decision: 'Allow' },
  { name: 'mirror pod create', attrs: resourceAttrs(n1, 'create', 'pods', { namespace: 'app' }), decision: 'Allow' },
  { name: 'own lease', attrs: resourceAttrs(n1, 'update', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'n1' }), decision: 'Allow' },
  { name: 'lease of another node', attrs: resourceAttrs(n1, 'update', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'n2' }), decision: 'NoOpinion', reason: 'can only access node lease with the same name as the requesting node' },
  { name: 'lease elsewhere', attrs: resourceAttrs(n1, 'get', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'default', name: 'n1' }), decision: 'NoOpinion', reason: 'can only access leases in the "kube-node-lease" system namespace' },
  { name: 'static rule: events', attrs: resourceAttrs(n1, 'create', 'events', { namespace: 'app' }), decision: 'Allow' },
  { name: 'static rule: services', attrs: resourceAttrs(n1, 'list', 'services'), decision: 'Allow' },
  { name: 'nothing for deployments', attrs: resourceAttrs(n1, 'list', 'deployments', { apiGroup: 'apps' }), decision: 'NoOpinion', reason: '' },
];

for (const c of cases) {
  test(`Node authorizer: ${c.name}`, () => {
    const r = authz.authorize(c.attrs) as AuthorizerResult;
    assert.equal(r.decision, c.decision);
    if (c.reason !== undefined) assert.equal(r.reason, c.reason);
  });
}

test('the graph follows pod moves and deletes', () => {
  const g = new NodeGraph();
  g.setPod(pod);
  assert.equal(g.hasPath('n1', 'secret', 'app', 'vol-secret'), true);
  g.setPod({ ...pod, spec: { ...pod.spec, nodeName: 'n3' } });
  assert.equal(g.hasPath('n1', 'secret', 'app', 'vol-secret'), false);
  assert.equal(g.hasPath('n3', 'secret', 'app', 'vol-secret'), true);
  g.setPod(pod, true);
  assert.equal(g.hasPath('n3', 'secret', 'app', 'vol-secret'), false);
});

test('field selector parsing', () => {
  assert.equal(fieldSelectorRequires('metadata.namespace=a,spec.nodeName==n1', 'spec.nodeName', 'n1'), true);
  assert.equal(fieldSelectorRequires('spec.nodeName!=n1', 'spec.nodeName', 'n1'), false);
  assert.equal(fieldSelectorRequires(undefined, 'spec.nodeName', 'n1'), false);
});

test('nodes cannot list their rules', async () => {
  const r = await authz.rulesFor(n1, 'app');
  assert.equal(r.incomplete, true);
  assert.equal(r.error, 'node authorizer does not support user rule resolution');
});
