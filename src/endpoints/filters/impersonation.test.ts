import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newImpersonationHandler, withImpersonation } from './impersonation.js';
import { contextOf, withContext, type UserInfo } from '../request/context.js';
import type { AuthorizationAttributes, Authorizer } from '../../authz/interfaces.js';
import { StatusError } from '../../runtime/errors.js';
import { fakeRequest } from '../../authn/testing.js';
import type { HttpResponse } from '../../server/http.js';

const admin: UserInfo = { name: 'alice', uid: 'a1', groups: ['admins', 'system:authenticated'], extra: { 'example.com/x': ['1'] } };
const eve: UserInfo = { name: 'eve', uid: 'e1', groups: ['system:authenticated'], extra: {} };

/** Allows impersonation to members of `admins`; records every check. */
function recordingAuthorizer(): Authorizer & { seen: AuthorizationAttributes[] } {
  const seen: AuthorizationAttributes[] = [];
  return {
    seen,
    authorize(a) {
      seen.push(a);
      return a.user.groups.includes('admins') ? { decision: 'Allow', reason: '' } : { decision: 'NoOpinion', reason: '' };
    },
  };
}

/** Runs the filter for a requestor and headers; resolves to the user the next handler saw, or the StatusError thrown. */
async function run(requestor: UserInfo, headers: [string, string][], authorizer: Authorizer = recordingAuthorizer()): Promise<{ user?: UserInfo; error?: StatusError; headers: Record<string, unknown> }> {
  const req = fakeRequest(headers);
  withContext(req, { auditId: 'x', receivedAt: 0, url: new URL('https://k/api'), query: new URLSearchParams(), warnings: [], signal: new AbortController().signal, user: requestor });
  let seen: UserInfo | undefined;
  const h = newImpersonationHandler((r) => {
    seen = contextOf(r).user;
  }, authorizer);
  try {
    await h(req, {} as HttpResponse);
    return { user: seen, headers: req.headers };
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return { error: err, headers: req.headers };
  }
}

test('no impersonation headers: the request goes on as its user', async () => {
  const r = await run(admin, [['Accept', 'application/json']]);
  assert.deepEqual(r.user, admin);
});

test('Impersonate-User: the user is replaced, with system:authenticated and none of the impersonator\'s groups or extras', async () => {
  const authz = recordingAuthorizer();
  const r = await run(admin, [['Impersonate-User', 'bob']], authz);
  assert.deepEqual(r.user, { name: 'bob', uid: '', groups: ['system:authenticated'], extra: {} });
  assert.equal(r.headers['impersonate-user'], undefined);
  assert.deepEqual(authz.seen.map((a) => [a.verb, a.apiGroup, a.resource, a.subresource, a.namespace, a.name, a.isResourceRequest]), [['impersonate', '', 'users', '', '', 'bob', true]]);
});

test('user, groups (repeated headers), uid and percent-encoded extras are each authorized', async () => {
  const authz = recordingAuthorizer();
  const r = await run(
    admin,
    [
      ['Impersonate-User', 'bob'],
      ['Impersonate-Group', 'dev'],
      ['Impersonate-Group', 'ops, qa'],
      ['Impersonate-Uid', 'uid-7'],
      ['Impersonate-Extra-Scopes', 'view'],
      ['Impersonate-Extra-Scopes', 'edit'],
      ['Impersonate-Extra-Example.com%2fTeam', 'blue'],
    ],
    authz,
  );
  assert.deepEqual(r.user, { name: 'bob', uid: 'uid-7', groups: ['dev', 'ops, qa', 'system:authenticated'], extra: { scopes: ['view', 'edit'], 'example.com/team': ['blue'] } });
  assert.deepEqual(
    authz.seen.map((a) => `${a.apiGroup}/${a.apiVersion} ${a.resource}${a.subresource ? '/' + a.subresource : ''} ${a.name}`),
    ['/ users bob', '/ groups dev', '/ groups ops, qa', 'authentication.k8s.io/v1 userextras/scopes view', 'authentication.k8s.io/v1 userextras/scopes edit', 'authentication.k8s.io/v1 userextras/example.com/team blue', 'authentication.k8s.io/v1 uids uid-7'],
  );
  for (const h of ['impersonate-group', 'impersonate-uid', 'impersonate-extra-scopes']) assert.equal(r.headers[h], undefined, h);
});

const groupCases: { name: string; headers: [string, string][]; want: Partial<UserInfo> }[] = [
  { name: 'a ServiceAccount gets its groups', headers: [['Impersonate-User', 'system:serviceaccount:ns1:builder']], want: { name: 'system:serviceaccount:ns1:builder', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'] } },
  { name: 'a ServiceAccount with given groups gets only those', headers: [['Impersonate-User', 'system:serviceaccount:ns1:builder'], ['Impersonate-Group', 'g']], want: { groups: ['g', 'system:authenticated'] } },
  { name: 'an invalid ServiceAccount name is a plain user', headers: [['Impersonate-User', 'system:serviceaccount:NS:x']], want: { name: 'system:serviceaccount:NS:x', groups: ['system:authenticated'] } },
  { name: 'system:anonymous is unauthenticated', headers: [['Impersonate-User', 'system:anonymous']], want: { groups: ['system:unauthenticated'] } },
  { name: 'system:unauthenticated given: no system:authenticated', headers: [['Impersonate-User', 'bob'], ['Impersonate-Group', 'system:unauthenticated']], want: { groups: ['system:unauthenticated'] } },
  { name: 'system:authenticated given: not doubled', headers: [['Impersonate-User', 'bob'], ['Impersonate-Group', 'system:authenticated']], want: { groups: ['system:authenticated'] } },
];
for (const c of groupCases) {
  test(`groups: ${c.name}`, async () => {
    const r = await run(admin, c.headers);
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual((r.user as unknown as Record<string, unknown>)[k], v, k);
  });
}

const denied: { name: string; headers: [string, string][]; code: number; message: string }[] = [
  { name: 'user', headers: [['Impersonate-User', 'bob']], code: 403, message: 'users "bob" is forbidden: User "eve" cannot impersonate resource "users" in API group "" at the cluster scope' },
  { name: 'ServiceAccount', headers: [['Impersonate-User', 'system:serviceaccount:ns1:builder']], code: 403, message: 'serviceaccounts "builder" is forbidden: User "eve" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ns1"' },
  { name: 'extra', headers: [['Impersonate-User', 'eve'], ['Impersonate-Extra-Scopes', 'view']], code: 403, message: 'users "eve" is forbidden: User "eve" cannot impersonate resource "users" in API group "" at the cluster scope' },
  { name: 'group without a user', headers: [['Impersonate-Group', 'g']], code: 400, message: 'requested [{Group  g    }] without impersonating a user' },
  { name: 'uid without a user', headers: [['Impersonate-Uid', 'u']], code: 400, message: 'requested [{UID  u  authentication.k8s.io/v1  }] without impersonating a user' },
];
for (const c of denied) {
  test(`refused: ${c.name}`, async () => {
    const r = await run(eve, c.headers);
    assert.equal(r.error?.status.code, c.code);
    assert.equal(r.error?.status.message, c.message);
    assert.equal(r.error?.status.reason, c.code === 403 ? 'Forbidden' : 'BadRequest');
  });
}

test('only the one refused check decides: a refused extra after an allowed user', async () => {
  const authz: Authorizer = { authorize: (a) => ({ decision: a.resource === 'userextras' ? 'Deny' : 'Allow', reason: a.resource === 'userextras' ? 'no extras for you' : '' }) };
  const r = await run(eve, [['Impersonate-User', 'bob'], ['Impersonate-Extra-Scopes', 'view']], authz);
  assert.equal(r.error?.status.message, 'userextras.authentication.k8s.io "view" is forbidden: User "eve" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope: no extras for you');
});

test('the chain filter uses the configured authorizer', () => {
  assert.equal(withImpersonation.name, 'impersonation');
  assert.equal(typeof withImpersonation.build(() => {}, { authorizer: recordingAuthorizer() } as never), 'function');
});
