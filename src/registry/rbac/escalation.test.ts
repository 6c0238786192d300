import test from 'node:test';
import assert from 'node:assert/strict';
import { defaultAuthorizerOptions, newAuthorizerFromModes } from '../../authz/modes.js';
import { bindingObject, MemoryRbacStore, roleObject, testUser } from '../../authz/testing.js';
import { StatusError } from '../../runtime/errors.js';
import type { KubeObject } from '../../runtime/object.js';
import { isOnlyMutatingGCFields, rbacEscalationCheck, rbacEscalationHooks, type EscalationRequest } from './escalation.js';

const rbac = 'rbac.authorization.k8s.io';

async function setup() {
  const store = new MemoryRbacStore();
  await store.seed(
    'clusterroles',
    roleObject('cluster-admin', [
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], nonResourceURLs: ['*'] },
    ]),
    roleObject('view', [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] }]),
    roleObject('role-writer', [{ verbs: ['create', 'update'], apiGroups: [rbac], resources: ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'] }]),
    roleObject('secret-getter', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]),
    roleObject('escalator', [{ verbs: ['escalate'], apiGroups: [rbac], resources: ['roles'] }]),
    roleObject('view-binder', [{ verbs: ['bind'], apiGroups: [rbac], resources: ['clusterroles'], resourceNames: ['view'] }]),
  );
  await store.seed('rolebindings', bindingObject('alice-writer', 'ClusterRole', 'role-writer', ['User:alice'], 'team'));
  await store.seed('clusterrolebindings', bindingObject('alice-writer', 'ClusterRole', 'role-writer', ['User:alice']));
  await store.seed('rolebindings', bindingObject('bob-writer', 'ClusterRole', 'role-writer', ['User:bob'], 'team'), bindingObject('bob-secrets', 'ClusterRole', 'secret-getter', ['User:bob'], 'team'));
  await store.seed('rolebindings', bindingObject('erin-writer', 'ClusterRole', 'role-writer', ['User:erin'], 'team'), bindingObject('erin-escalate', 'ClusterRole', 'escalator', ['User:erin'], 'team'));
  await store.seed('rolebindings', bindingObject('vic-writer', 'ClusterRole', 'role-writer', ['User:vic'], 'team'), bindingObject('vic-binder', 'ClusterRole', 'view-binder', ['User:vic'], 'team'));
  const chain = newAuthorizerFromModes(defaultAuthorizerOptions(), { rbacSource: store });
  await chain.start();
  const cache = chain.rbacCache;
  assert.ok(cache);
  return { chain, check: rbacEscalationCheck(chain, cache) };
}

const secretRole = (name = 'secret-reader', namespace = 'team'): KubeObject =>
  ({ apiVersion: `${rbac}/v1`, kind: 'Role', metadata: { name, namespace }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'] }] }) as KubeObject;

async function outcome(p: Promise<void>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof StatusError) return `${err.code} ${err.message}`;
    throw err;
  }
}

test('escalation checks', async (t) => {
  const { chain, check } = await setup();
  try {
    const alice = testUser('alice');
    const cases: { name: string; req: EscalationRequest; want: string }[] = [
      {
        name: 'a role granting permissions the user lacks is forbidden',
        req: { resource: 'roles', namespace: 'team', user: alice, object: secretRole(), oldObject: null },
        want: '403 roles.rbac.authorization.k8s.io "secret-reader" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}',
      },
      {
        name: 'only the missing verbs are listed',
        req: { resource: 'roles', namespace: 'team', user: testUser('bob'), object: secretRole(), oldObject: null },
        want: '403 roles.rbac.authorization.k8s.io "secret-reader" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["list"]}',
      },
      {
        name: 'holding the permissions is enough',
        req: { resource: 'roles', namespace: 'team', user: testUser('bob'), object: { ...secretRole(), rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }] }, oldObject: null },
        want: 'ok',
      },
      { name: 'escalate on roles allows it', req: { resource: 'roles', namespace: 'team', user: testUser('erin'), object: secretRole(), oldObject: null }, want: 'ok' },
      { name: 'system:masters skip the check', req: { resource: 'roles', namespace: 'team', user: testUser('root', ['system:masters']), object: secretRole(), oldObject: null }, want: 'ok' },
      {
        name: 'binding cluster-admin without holding it is forbidden',
        req: { resource: 'clusterrolebindings', namespace: '', user: alice, object: bindingObject('mine', 'ClusterRole', 'cluster-admin', ['User:alice']), oldObject: null },
        want: '403 clusterrolebindings.rbac.authorization.k8s.io "mine" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}',
      },
      { name: 'bind on the named clusterrole allows binding it', req: { resource: 'rolebindings', namespace: 'team', user: testUser('vic'), object: bindingObject('v', 'ClusterRole', 'view', ['User:x'], 'team'), oldObject: null }, want: 'ok' },
      {
        name: 'bind on another clusterrole does not',
        req: { resource: 'rolebindings', namespace: 'team', user: testUser('vic'), object: bindingObject('s', 'ClusterRole', 'secret-getter', ['User:x'], 'team'), oldObject: null },
        want: '403 rolebindings.rbac.authorization.k8s.io "s" is forbidden: user "vic" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
      },
      {
        name: 'a binding to a missing role is not found',
        req: { resource: 'rolebindings', namespace: 'team', user: alice, object: bindingObject('x', 'Role', 'nope', ['User:x'], 'team'), oldObject: null },
        want: '404 roles.rbac.authorization.k8s.io "nope" not found',
      },
      {
        name: 'aggregation needs cluster-admin',
        req: { resource: 'clusterroles', namespace: '', user: alice, object: { metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } }, oldObject: null },
        want: '403 clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule',
      },
      {
        name: 'finalizer-only updates are not checked',
        req: { resource: 'roles', namespace: 'team', user: alice, object: { ...secretRole(), metadata: { name: 'secret-reader', namespace: 'team', finalizers: ['x'] } }, oldObject: secretRole() },
        want: 'ok',
      },
    ];
    for (const c of cases) {
      await t.test(c.name, async () => assert.equal(await outcome(check(c.req)), c.want));
    }
    await t.test('store hooks run the check on create and update', async () => {
      const hooks = rbacEscalationHooks(check, 'roles');
      const scope = { namespace: 'team', user: { name: 'alice', uid: '', groups: ['system:authenticated'] }, dryRun: true };
      await assert.rejects(Promise.resolve(hooks.beginCreate?.(secretRole(), scope)), (err: StatusError) => err.code === 403);
      await assert.rejects(Promise.resolve(hooks.beginUpdate?.(secretRole(), { ...secretRole(), rules: [] }, scope)), (err: StatusError) => err.code === 403);
    });
  } finally {
    chain.stop();
  }
});

test('isOnlyMutatingGCFields', () => {
  const base = secretRole();
  assert.equal(isOnlyMutatingGCFields({ ...base, metadata: { ...base.metadata, ownerReferences: [] } }, base), true);
  assert.equal(isOnlyMutatingGCFields({ ...base, rules: [] }, base), false);
  assert.equal(isOnlyMutatingGCFields(base, null), false);
});
