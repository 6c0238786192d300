/**
 * Authentication against a real kapi process: token file, ServiceAccount
 * tokens from TokenRequest (and their invalidation), OIDC, the token review
 * webhook, client certificates, anonymous requests, impersonation and
 * TokenReview, through raw HTTPS and kubectl 1.33 (`auth whoami`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KapiClient, startKapi, type KapiProcess } from '../support/server.js';
import { Kubectl } from '../support/kubectl.js';
import { startAuthnEnv, tokenKubeconfig, type AuthnEnv } from '../support/authn-env.js';

const unauthorized = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

let env: AuthnEnv;

before(async () => {
  env = await startAuthnEnv();
});

after(async () => {
  await env?.close();
});

/** `kubectl auth whoami -o json` as the holder of `token`. */
function whoami(kapi: KapiProcess, token: string, extraArgs: string[] = []): { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } {
  const k = new Kubectl(33, tokenKubeconfig(env.dir, kapi.kubeconfig, token));
  const out = k.ok(['auth', 'whoami', '-o', 'json', ...extraArgs]);
  return JSON.parse(out).status.userInfo;
}

/** What TokenReview (asked by the admin) says about a token. */
async function tokenReview(kapi: KapiProcess, token: string): Promise<{ authenticated: boolean; user?: Record<string, unknown> }> {
  const r = await kapi.client.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
  assert.equal(r.status, 201, r.body);
  return r.json().status;
}

/**
 * The user a request with `token` runs as: a SelfSubjectReview answers it
 * when the user may create one (RBAC's system:basic-user), else the 403
 * names the user. Either way, a 401 fails.
 */
async function requestUser(client: KapiClient, token: string): Promise<string> {
  const r = await client.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    headers: { authorization: `Bearer ${token}` },
  });
  if (r.status === 201) return r.json().status.userInfo.username;
  assert.equal(r.status, 403, r.body);
  const m = /User "([^"]*)" cannot create resource "selfsubjectreviews"/.exec(r.json().message);
  assert.ok(m, r.body);
  return m[1];
}

describe('kapi with token file, OIDC and webhook authentication', () => {
  let kapi: KapiProcess;
  let anon: KapiClient;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  before(async () => {
    kapi = await startKapi({ args: env.flags });
    anon = KapiClient.anonymous(kapi.url, kapi.kubeconfig);
    const ns = await kapi.client.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'authn' } } });
    assert.equal(ns.status, 201, ns.body);
  });

  after(async () => {
    anon?.close();
    await kapi?.stop();
  });

  test('401 Status bodies for missing and invalid credentials; public paths stay anonymous', async () => {
    for (const headers of [{}, bearer('no-such-token'), bearer(env.oidc.token({ sub: 'jane', exp: Math.floor(Date.now() / 1000) - 5 })), { authorization: 'Basic YWxpY2U6cHc=' }]) {
      const r = await anon.request('GET', '/api/v1/namespaces', { headers });
      assert.equal(r.status, 401, JSON.stringify(headers));
      assert.deepEqual(r.json(), unauthorized);
    }
    const h = await anon.request('GET', '/healthz');
    assert.equal(h.status, 200);
    assert.equal(h.body, 'ok');
    assert.equal((await anon.request('GET', '/healthz', { headers: bearer('no-such-token') })).status, 401);
  });

  test('kubectl auth whoami with a token kubeconfig', () => {
    assert.deepEqual(whoami(kapi, 'admin-token'), { username: 'alice', uid: '1001', groups: ['system:masters', 'admins', 'system:authenticated'] });
  });

  test('OIDC and webhook tokens: the users requests run as, and TokenReview', async () => {
    const oidcToken = env.oidc.token({ sub: 'jane', groups: ['devs'] });
    assert.equal(await requestUser(anon, oidcToken), `${env.oidc.url}#jane`);
    assert.deepEqual(await tokenReview(kapi, oidcToken), { authenticated: true, user: { username: `${env.oidc.url}#jane`, groups: ['oidc:devs', 'system:authenticated'] }, audiences: ['https://kubernetes.default.svc.cluster.local'] });
    assert.equal(await requestUser(anon, 'hook-token'), 'hooked');
    assert.deepEqual((await tokenReview(kapi, 'hook-token')).user, { username: 'hooked', uid: 'h-1', groups: ['from-hook', 'system:authenticated'] });
    assert.equal(await requestUser(anon, 'user-token'), 'bob');
  });

  test('kubectl with a bad token: "You must be logged in to the server"', () => {
    const k = new Kubectl(33, tokenKubeconfig(env.dir, kapi.kubeconfig, 'no-such-token'));
    const r = k.run(['get', 'namespaces']);
    assert.notEqual(r.code, 0);
    // kubectl 1.33 fails in discovery first, with client-go's text for a 401.
    assert.match(r.stderr, /error: You must be logged in to the server \(the server has asked for the client to provide credentials\)/);
    const raw = k.run(['get', '--raw', '/api/v1/namespaces']);
    assert.match(raw.stderr, /error: You must be logged in to the server \(Unauthorized\)/);
  });

  test('ServiceAccount tokens from kubectl create token; deleting the ServiceAccount or bound Pod invalidates them', async () => {
    const admin = new Kubectl(33, kapi.kubeconfig);
    admin.ok(['create', 'serviceaccount', 'builder', '-n', 'authn']);
    const saUid = admin.ok(['get', 'serviceaccount', 'builder', '-n', 'authn', '-o', 'jsonpath={.metadata.uid}']);
    admin.ok(['run', 'p1', '-n', 'authn', '--image=registry.k8s.io/pause:3.10']);
    const podUid = admin.ok(['get', 'pod', 'p1', '-n', 'authn', '-o', 'jsonpath={.metadata.uid}']);
    const token = admin.ok(['create', 'token', 'builder', '-n', 'authn']).trim();
    const spare = admin.ok(['create', 'token', 'builder', '-n', 'authn']).trim();
    const podToken = admin.ok(['create', 'token', 'builder', '-n', 'authn', '--bound-object-kind=Pod', '--bound-object-name=p1', `--bound-object-uid=${podUid}`]).trim();
    const podSpare = admin.ok(['create', 'token', 'builder', '-n', 'authn', '--bound-object-kind=Pod', '--bound-object-name=p1', `--bound-object-uid=${podUid}`]).trim();

    assert.equal(await requestUser(anon, token), 'system:serviceaccount:authn:builder');
    const me = (await tokenReview(kapi, token)).user as { username: string; uid: string; groups: string[]; extra: Record<string, string[]> };
    assert.equal(me.username, 'system:serviceaccount:authn:builder');
    assert.equal(me.uid, saUid);
    assert.deepEqual(me.groups, ['system:serviceaccounts', 'system:serviceaccounts:authn', 'system:authenticated']);
    assert.match(me.extra['authentication.kubernetes.io/credential-id']?.[0] ?? '', /^JTI=/);
    assert.equal(await requestUser(anon, podToken), 'system:serviceaccount:authn:builder');
    const bound = (await tokenReview(kapi, podToken)).user as { extra: Record<string, string[]> };
    assert.deepEqual(bound.extra['authentication.kubernetes.io/pod-name'], ['p1']);
    assert.deepEqual(bound.extra['authentication.kubernetes.io/pod-uid'], [podUid]);

    // Tokens never used before (so no cached success) stop working with their objects.
    admin.ok(['delete', 'pod', 'p1', '-n', 'authn', '--grace-period=0', '--force']);
    assert.deepEqual((await anon.request('GET', '/api', { headers: bearer(podSpare) })).json(), unauthorized);
    admin.ok(['delete', 'serviceaccount', 'builder', '-n', 'authn']);
    admin.ok(['create', 'serviceaccount', 'builder', '-n', 'authn']);
    const r = await anon.request('GET', '/api', { headers: bearer(spare) });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json(), unauthorized);
  });

  test('impersonation: allowed for system:masters, 403 otherwise', () => {
    const admin = new Kubectl(33, kapi.kubeconfig);
    const out = JSON.parse(admin.ok(['auth', 'whoami', '-o', 'json', '--as=jane', '--as-group=system:masters', '--as-group=dev', '--as-uid=u-9'])).status.userInfo;
    assert.deepEqual(out, { username: 'jane', uid: 'u-9', groups: ['system:masters', 'dev', 'system:authenticated'] });
    const bob = new Kubectl(33, tokenKubeconfig(env.dir, kapi.kubeconfig, 'user-token'));
    const r = bob.run(['get', '--raw', '/api', '--as=alice']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(Forbidden\): users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope/);
  });
});

describe('kapi --anonymous-auth=false', () => {
  let kapi: KapiProcess;
  before(async () => {
    kapi = await startKapi({ args: ['--anonymous-auth=false'] });
  });
  after(async () => {
    await kapi?.stop();
  });

  test('even /healthz needs credentials', async () => {
    const anon = KapiClient.anonymous(kapi.url, kapi.kubeconfig);
    const r = await anon.request('GET', '/healthz');
    anon.close();
    assert.equal(r.status, 401);
    assert.deepEqual(r.json(), unauthorized);
    assert.equal((await kapi.client.request('GET', '/healthz')).status, 200);
  });
});

describe('kapi --anonymous-auth=true', () => {
  let kapi: KapiProcess;
  before(async () => {
    kapi = await startKapi({ args: ['--anonymous-auth=true'] });
  });
  after(async () => {
    await kapi?.stop();
  });

  test('requests without credentials are system:anonymous and are then authorized', async () => {
    const anon = KapiClient.anonymous(kapi.url, kapi.kubeconfig);
    const who = await anon.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    const api = await anon.request('GET', '/api/v1/namespaces/default/secrets');
    anon.close();
    assert.equal(api.status, 403, api.body);
    assert.match(api.json().message, /User "system:anonymous" cannot list resource "secrets"/);
    // Whether anonymous may create SelfSubjectReviews is RBAC's call; if it may, it is system:anonymous.
    if (who.status === 201) assert.deepEqual(who.json().status.userInfo, { username: 'system:anonymous', groups: ['system:unauthenticated'] });
    else assert.equal(who.status, 403);
  });
});
