/**
 * Authorization end to end against a real kapi started with
 * `--authorization-mode=Node,RBAC`: the bootstrap policy, 403 bodies with
 * kube-apiserver's exact messages, `kubectl auth can-i` (as the admin
 * impersonating users), aggregation, escalation prevention, and the Node
 * authorizer for a kubelet identity. Users get client certificates signed
 * by the server's CA.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKapi, type KapiClient, type KapiProcess, type Response } from '../support/server.js';
import { Kubectl } from '../support/kubectl.js';
import { makeIdentity, type TestIdentity } from '../support/authz-users.js';
import { waitFor } from '../support/wait.js';

const rbacV1 = '/apis/rbac.authorization.k8s.io/v1';
const rbacGroup = 'rbac.authorization.k8s.io';

let kapi: KapiProcess;
let admin: KapiClient;
let kubectl: Kubectl;
let alice: TestIdentity;
let kubelet: TestIdentity;

before(async () => {
  kapi = await startKapi({ args: ['--authorization-mode=Node,RBAC'] });
  admin = kapi.client;
  kubectl = new Kubectl(33, kapi.kubeconfig);
  alice = await makeIdentity(kapi, 'alice');
  kubelet = await makeIdentity(kapi, 'system:node:n1', ['system:nodes']);
});

after(async () => {
  alice?.client.close();
  kubelet?.client.close();
  await kapi?.stop();
});

function assertForbidden(res: Response, message: string, details: Record<string, string>): void {
  assert.equal(res.status, 403, res.body);
  assert.deepEqual(res.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details, code: 403 });
}

async function create(path: string, body: object, who: KapiClient = admin): Promise<Response> {
  return who.request('POST', path, { body });
}

/** `kubectl auth can-i` as the admin impersonating `user`: true for "yes". */
function canI(user: string, args: string[]): boolean {
  const r = kubectl.run(['auth', 'can-i', ...args, `--as=${user}`]);
  const answer = r.stdout.trim();
  assert.ok(answer === 'yes' || answer === 'no', `can-i answered ${JSON.stringify(r.stdout)} ${r.stderr}`);
  return answer === 'yes';
}

describe('bootstrap policy', () => {
  test('default cluster roles carry their label, annotation and aggregated rules', async () => {
    const view = (await admin.request('GET', `${rbacV1}/clusterroles/view`)).json();
    assert.equal(view.metadata.labels['kubernetes.io/bootstrapping'], 'rbac-defaults');
    assert.equal(view.metadata.labels['rbac.authorization.k8s.io/aggregate-to-edit'], 'true');
    assert.equal(view.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'], 'true');
    assert.deepEqual(view.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] });
    const resources = view.rules.flatMap((r: { resources?: string[] }) => r.resources ?? []);
    assert.ok(resources.includes('pods'));
    assert.ok(!resources.includes('secrets'));
    const crb = (await admin.request('GET', `${rbacV1}/clusterrolebindings/cluster-admin`)).json();
    assert.deepEqual(crb.subjects, [{ apiGroup: rbacGroup, kind: 'Group', name: 'system:masters' }]);
    const names = (await admin.request('GET', `${rbacV1}/clusterroles`)).json().items.map((i: { metadata: { name: string } }) => i.metadata.name);
    for (const n of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer', 'system:node', 'system:controller:deployment-controller']) assert.ok(names.includes(n), n);
  });

  test('an authenticated user without bindings gets discovery but no resources', async () => {
    assert.equal((await alice.client.request('GET', '/api')).status, 200);
    assert.equal((await alice.client.request('GET', '/apis/apps/v1')).status, 200);
    const review = await create('/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, alice.client);
    assert.equal(review.status, 201, review.body);
    assertForbidden(
      await alice.client.request('GET', '/api/v1/namespaces/default/pods'),
      'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
      { kind: 'pods' },
    );
    assertForbidden(
      await alice.client.request('GET', '/apis/apps/v1/namespaces/default/deployments/web'),
      'deployments.apps "web" is forbidden: User "alice" cannot get resource "deployments" in API group "apps" in the namespace "default"',
      { name: 'web', group: 'apps', kind: 'deployments' },
    );
    const metrics = await alice.client.request('GET', '/metrics');
    assert.equal(metrics.status, 403);
    assert.equal(metrics.json().message, 'forbidden: User "alice" cannot get path "/metrics"');
  });
});

describe('RoleBindings, can-i and reviews', () => {
  test('binding view in a namespace grants reads there only', async () => {
    assert.equal(canI('alice', ['list', 'pods', '-n', 'default']), false);
    const rb = await create(`${rbacV1}/namespaces/default/rolebindings`, {
      apiVersion: `${rbacGroup}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'alice-view' },
      roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: rbacGroup, kind: 'User', name: 'alice' }],
    });
    assert.equal(rb.status, 201, rb.body);
    await waitFor('alice to list pods', async () => (await alice.client.request('GET', '/api/v1/namespaces/default/pods')).status === 200);
    assert.equal(canI('alice', ['list', 'pods', '-n', 'default']), true);
    assert.equal(canI('alice', ['get', 'pods', '--subresource=log', '-n', 'default']), true);
    assert.equal(canI('alice', ['get', 'secrets', '-n', 'default']), false);
    assert.equal(canI('alice', ['list', 'pods', '-n', 'kube-system']), false);
    assert.equal(canI('alice', ['create', 'deployments.apps', '-n', 'default']), false);
    const list = kubectl.run(['auth', 'can-i', '--list', '-n', 'default', '--as=alice']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    assert.match(list.stdout, /selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/);
  });

  test('SubjectAccessReview names the binding that allowed', async () => {
    const r = await create('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: 'alice', resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } },
    });
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(r.json().status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "alice-view/default" of ClusterRole "view" to User "alice"' });
  });

  test('a ClusterRole labelled aggregate-to-view is aggregated into view', async () => {
    assert.equal(canI('alice', ['list', 'leases.coordination.k8s.io', '-n', 'default']), false);
    const cr = await create(`${rbacV1}/clusterroles`, {
      apiVersion: `${rbacGroup}/v1`,
      kind: 'ClusterRole',
      metadata: { name: 'lease-reader', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list'] }],
    });
    assert.equal(cr.status, 201, cr.body);
    await waitFor('view to aggregate leases', async () => {
      const view = (await admin.request('GET', `${rbacV1}/clusterroles/view`)).json();
      return view.rules.some((r: { resources?: string[] }) => r.resources?.includes('leases'));
    });
    await waitFor('alice to be able to list leases', () => canI('alice', ['list', 'leases.coordination.k8s.io', '-n', 'default']));
    const edit = (await admin.request('GET', `${rbacV1}/clusterroles/edit`)).json();
    assert.ok(
      edit.rules.some((r: { resources?: string[]; verbs: string[] }) => r.resources?.includes('leases') && r.verbs.join() === 'get,list'),
      'edit aggregates view',
    );
  });
});

describe('escalation prevention', () => {
  before(async () => {
    const role = await create(`${rbacV1}/namespaces/default/roles`, {
      apiVersion: `${rbacGroup}/v1`,
      kind: 'Role',
      metadata: { name: 'rbac-writer' },
      rules: [{ apiGroups: [rbacGroup], resources: ['roles', 'rolebindings'], verbs: ['create'] }],
    });
    assert.equal(role.status, 201, role.body);
    const rb = await create(`${rbacV1}/namespaces/default/rolebindings`, {
      apiVersion: `${rbacGroup}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'alice-rbac-writer' },
      roleRef: { apiGroup: rbacGroup, kind: 'Role', name: 'rbac-writer' },
      subjects: [{ apiGroup: rbacGroup, kind: 'User', name: 'alice' }],
    });
    assert.equal(rb.status, 201, rb.body);
    await waitFor('alice to be able to create roles', () => canI('alice', ['create', 'roles.rbac.authorization.k8s.io', '-n', 'default']));
  });

  test('creating a Role with permissions she lacks is forbidden', async () => {
    const res = await create(
      `${rbacV1}/namespaces/default/roles`,
      { apiVersion: `${rbacGroup}/v1`, kind: 'Role', metadata: { name: 'secret-reader' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] },
      alice.client,
    );
    assertForbidden(
      res,
      'roles.rbac.authorization.k8s.io "secret-reader" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}',
      { name: 'secret-reader', group: rbacGroup, kind: 'roles' },
    );
  });

  test('creating a Role with permissions she holds works', async () => {
    const res = await create(
      `${rbacV1}/namespaces/default/roles`,
      { apiVersion: `${rbacGroup}/v1`, kind: 'Role', metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
      alice.client,
    );
    assert.equal(res.status, 201, res.body);
  });

  test('binding cluster-admin is forbidden', async () => {
    const res = await create(
      `${rbacV1}/namespaces/default/rolebindings`,
      {
        apiVersion: `${rbacGroup}/v1`,
        kind: 'RoleBinding',
        metadata: { name: 'alice-admin' },
        roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ apiGroup: rbacGroup, kind: 'User', name: 'alice' }],
      },
      alice.client,
    );
    assertForbidden(
      res,
      'rolebindings.rbac.authorization.k8s.io "alice-admin" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}',
      { name: 'alice-admin', group: rbacGroup, kind: 'rolebindings' },
    );
    const viaKubectl = new Kubectl(33, alice.kubeconfig).run(['create', 'rolebinding', 'alice-admin2', '--clusterrole=cluster-admin', '--user=alice', '-n', 'default']);
    assert.notEqual(viaKubectl.code, 0);
    assert.match(viaKubectl.stderr, /rolebindings\.rbac\.authorization\.k8s\.io "alice-admin2" is forbidden: user "alice" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held/);
  });

  test('binding a role she holds works', async () => {
    const res = await create(
      `${rbacV1}/namespaces/default/rolebindings`,
      { apiVersion: `${rbacGroup}/v1`, kind: 'RoleBinding', metadata: { name: 'bob-pod-reader' }, roleRef: { apiGroup: rbacGroup, kind: 'Role', name: 'pod-reader' }, subjects: [{ apiGroup: rbacGroup, kind: 'User', name: 'bob' }] },
      alice.client,
    );
    assert.equal(res.status, 201, res.body);
  });
});

describe('Node authorizer', () => {
  test('a kubelet reads its own Node, secrets of its pods, nothing else', async () => {
    const own = await kubelet.client.request('GET', '/api/v1/nodes/n1');
    assert.equal(own.status, 404, 'allowed, but the node does not exist');
    assertForbidden(
      await kubelet.client.request('GET', '/api/v1/nodes/n2'),
      'nodes "n2" is forbidden: User "system:node:n1" cannot get resource "nodes" in API group "" at the cluster scope: node \'n1\' cannot read \'n2\', only its own Node object',
      { name: 'n2', kind: 'nodes' },
    );
    for (const name of ['s1', 's2']) {
      const s = await create('/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { k: 'v' } });
      assert.equal(s.status, 201, s.body);
    }
    const pod = await create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'on-n1' },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 's', secret: { secretName: 's1' } }] },
    });
    assert.equal(pod.status, 201, pod.body);
    await waitFor('the kubelet to read s1', async () => (await kubelet.client.request('GET', '/api/v1/namespaces/default/secrets/s1')).status === 200);
    assertForbidden(
      await kubelet.client.request('GET', '/api/v1/namespaces/default/secrets/s2'),
      'secrets "s2" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node \'n1\' and this object',
      { name: 's2', kind: 'secrets' },
    );
    const pods = await kubelet.client.request('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1');
    assert.equal(pods.status, 200, pods.body);
    assert.deepEqual(pods.json().items.map((p: { metadata: { name: string } }) => p.metadata.name), ['on-n1']);
    const allPods = await kubelet.client.request('GET', '/api/v1/pods');
    assert.equal(allPods.status, 403);
    assert.equal(allPods.json().message, 'pods is forbidden: User "system:node:n1" cannot list resource "pods" in API group "" at the cluster scope: can only list/watch pods with spec.nodeName field selector');
  });
});
