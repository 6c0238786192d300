/**
 * The whole authentication stack at the HTTP level: flags → options →
 * newAuthentication → the real filter chain (with impersonation) → a real
 * HTTPS listener, as the lead wires it in the server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { randomUUID } from 'node:crypto';
import { buildHandlerChain, defaultFilters } from '../server/chain.js';
import { SecureServer, WaitGroup } from '../server/server.js';
import { contextOf } from '../endpoints/request/context.js';
import { withImpersonation } from '../endpoints/filters/impersonation.js';
import type { Authorizer } from '../authz/interfaces.js';
import { tokenReview } from '../registry/reviews/reviews.js';
import { issueClientCert, type PkiMaterial } from '../server/certs/pki.js';
import { authenticationFlags, collectFlagValues, parseAuthenticationOptions } from './options.js';
import { newAuthentication, type Authentication } from './config.js';
import type { ObjectIdentity } from './serviceaccount.js';
import type { JsonObject } from '../runtime/object.js';
import { nowSeconds, startOIDCIssuer, startTokenReviewWebhook, tempDir, testPki, webhookKubeconfig, type TestOIDCIssuer, type TestWebhook } from './testing.js';

const unauthorizedBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };
const publicPaths = (p: string) => /^\/(healthz|livez|readyz)(\/.*)?$/.test(p) || p === '/version';

/** Impersonation needs system:masters; anonymous users may only read public paths. */
const authorizer: Authorizer = {
  authorize(a) {
    if (a.user.groups.includes('system:masters')) return { decision: 'Allow', reason: '' };
    if (a.verb === 'impersonate') return { decision: 'NoOpinion', reason: '' };
    if (a.user.name === 'system:anonymous') return { decision: !a.isResourceRequest && publicPaths(a.path) ? 'Allow' : 'NoOpinion', reason: '' };
    return { decision: 'Allow', reason: '' };
  },
};

const dir = tempDir();
let pki: PkiMaterial;
let otherPki: PkiMaterial;
let oidc: TestOIDCIssuer;
let hook: TestWebhook;
const objects = new Map<string, ObjectIdentity>();

interface Served {
  url: string;
  auth: Authentication;
  stop(): Promise<void>;
}

async function serve(extraFlags: string[]): Promise<Served> {
  const tokens = dir.write(`tokens-${randomUUID()}.csv`, 'admin-token,alice,1001,"system:masters"\nuser-token,bob,1002,dev\n');
  const webhookCfg = dir.write(`webhook-${randomUUID()}.kubeconfig`, webhookKubeconfig(hook.url, pki.caCertPem));
  const oidcCa = dir.write(`oidc-ca-${randomUUID()}.crt`, pki.caCertPem);
  const argv = [
    `--token-auth-file=${tokens}`,
    `--oidc-issuer-url=${oidc.url}`,
    '--oidc-client-id=kapi',
    `--oidc-ca-file=${oidcCa}`,
    '--oidc-groups-claim=groups',
    '--authentication-token-webhook-config-file',
    webhookCfg,
    ...extraFlags,
  ];
  const opts = parseAuthenticationOptions(collectFlagValues(argv, authenticationFlags));
  const auth = newAuthentication(opts, {
    getObject: async (resource, ns, name) => objects.get(`${resource}/${ns}/${name}`) ?? null,
    defaultServiceAccountSigningKeyPem: pki.saKeyPem,
    publicPaths,
  });
  // The server's own chain, which includes impersonation right after authentication.
  const filters = [...defaultFilters];
  assert.ok(filters.includes(withImpersonation));
  const shutdown = new AbortController();
  const inFlight = new WaitGroup();
  const handler = buildHandlerChain(
    (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(contextOf(req).user));
    },
    // publicPaths: none here — anonymous access is the authenticator's decision.
    { authenticator: auth.authenticator, authorizer, publicPaths: () => false, shutdownSignal: shutdown.signal, requestTimeoutMs: 0, inFlight },
    filters,
  );
  const server = new SecureServer({ bindAddress: '127.0.0.1', port: 0, certPem: pki.servingCertPem, keyPem: pki.servingKeyPem, clientCaPem: pki.caCertPem }, handler);
  const addr = await server.listen();
  return {
    url: `https://127.0.0.1:${addr.port}`,
    auth,
    stop: async () => {
      shutdown.abort();
      await server.close(inFlight, 1000);
    },
  };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function call(s: Served, path: string, headers: Record<string, string> = {}, cert?: { certPem: string; keyPem: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${s.url}${path}`, { method: 'GET', headers, ca: pki.caCertPem, cert: cert?.certPem, key: cert?.keyPem, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

/** A bound ServiceAccount token signed by the server's signer. */
function saToken(s: Served, sa: { ns: string; name: string; uid: string }, pod?: { name: string; uid: string }, over: Record<string, unknown> = {}): string {
  const now = nowSeconds();
  const k8s: Record<string, unknown> = { namespace: sa.ns, serviceaccount: { name: sa.name, uid: sa.uid } };
  if (pod) k8s.pod = pod;
  return s.auth.signer.sign({ aud: s.auth.apiAudiences, exp: now + 3600, iat: now, iss: s.auth.signer.issuer, jti: randomUUID(), 'kubernetes.io': k8s, nbf: now, sub: `system:serviceaccount:${sa.ns}:${sa.name}`, ...over } as JsonObject);
}

before(async () => {
  pki = await testPki(dir, 'pki');
  otherPki = await testPki(dir, 'other');
  oidc = await startOIDCIssuer(pki, 'kapi');
  hook = await startTokenReviewWebhook(pki, (review) => {
    const token = (review.spec as { token: string }).token;
    return { body: { status: token === 'hook-token' ? { authenticated: true, user: { username: 'hooked', groups: ['from-hook'] } } : { authenticated: false } } };
  });
});

after(async () => {
  await hook.close();
  await oidc.close();
  dir.remove();
});

describe('default: anonymous only on public paths', () => {
  let s: Served;
  before(async () => {
    s = await serve([]);
  });
  after(() => s.stop());

  test('token file users, with system:authenticated added', async () => {
    const r = await call(s, '/api', bearer('admin-token'));
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { name: 'alice', uid: '1001', groups: ['system:masters', 'system:authenticated'], extra: {} });
  });

  test('no credentials: 401 on the API, anonymous on /healthz', async () => {
    const r = await call(s, '/api/v1/namespaces');
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, unauthorizedBody);
    const h = await call(s, '/healthz');
    assert.deepEqual(h.body, { name: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], extra: {} });
  });

  test('every invalid credential is the same bare 401, even on public paths', async () => {
    const expired = oidc.token({ sub: 'jane', exp: nowSeconds() - 10 });
    const untrusted = await issueClientCert(otherPki, 'mallory', ['system:masters']);
    const cases: [string, Record<string, string>, { certPem: string; keyPem: string }?][] = [
      ['/api', bearer('no-such-token')],
      ['/healthz', bearer('no-such-token')],
      ['/api', bearer(expired)],
      ['/api', bearer(saToken(s, { ns: 'ns1', name: 'gone', uid: 'x' }))],
      ['/api', {}, untrusted],
    ];
    for (const [path, headers, cert] of cases) {
      const r = await call(s, path, headers, cert);
      assert.equal(r.status, 401, `${path} ${JSON.stringify(headers)}`);
      assert.deepEqual(r.body, unauthorizedBody);
    }
  });

  test('client certificates of the CA; a bad certificate does not spoil a good token', async () => {
    const carol = await issueClientCert(pki, 'carol', ['dev', 'qa']);
    assert.deepEqual((await call(s, '/api', {}, carol)).body, { name: 'carol', uid: '', groups: ['dev', 'qa', 'system:authenticated'], extra: {} });
    const untrusted = await issueClientCert(otherPki, 'mallory', []);
    assert.equal((await call(s, '/api', bearer('user-token'), untrusted)).body.name, 'bob');
  });

  test('ServiceAccount tokens: accepted while the ServiceAccount and bound Pod exist with the same uid', async () => {
    objects.set('serviceaccounts/ns1/builder', { uid: 'sa-uid' });
    objects.set('pods/ns1/p1', { uid: 'pod-uid' });
    const token = saToken(s, { ns: 'ns1', name: 'builder', uid: 'sa-uid' }, { name: 'p1', uid: 'pod-uid' });
    const r = await call(s, '/api', bearer(token));
    assert.equal(r.status, 200);
    assert.equal(r.body.name, 'system:serviceaccount:ns1:builder');
    assert.deepEqual(r.body.groups, ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated']);
    assert.deepEqual((r.body.extra as Record<string, string[]>)['authentication.kubernetes.io/pod-name'], ['p1']);
    // A fresh token bound to a deleted Pod, and one of a recreated ServiceAccount, are refused.
    objects.delete('pods/ns1/p1');
    assert.equal((await call(s, '/api', bearer(saToken(s, { ns: 'ns1', name: 'builder', uid: 'sa-uid' }, { name: 'p1', uid: 'pod-uid' })))).status, 401);
    objects.set('serviceaccounts/ns1/builder', { uid: 'sa-uid-2' });
    assert.equal((await call(s, '/api', bearer(saToken(s, { ns: 'ns1', name: 'builder', uid: 'sa-uid' })))).status, 401);
    assert.equal((await call(s, '/api', bearer(saToken(s, { ns: 'ns1', name: 'builder', uid: 'sa-uid' }, undefined, { aud: ['vault'] })))).status, 401);
  });

  test('OIDC and webhook tokens', async () => {
    const o = await call(s, '/api', bearer(oidc.token({ sub: 'jane', groups: ['devs'] })));
    assert.deepEqual(o.body, { name: `${oidc.url}#jane`, uid: '', groups: ['devs', 'system:authenticated'], extra: {} });
    const w = await call(s, '/api', bearer('hook-token'));
    assert.deepEqual(w.body, { name: 'hooked', uid: '', groups: ['from-hook', 'system:authenticated'], extra: {} });
  });

  test('impersonation after authentication, refused without the right', async () => {
    const r = await call(s, '/api', { ...bearer('admin-token'), 'Impersonate-User': 'system:serviceaccount:ns1:builder', 'Impersonate-Extra-Scopes': 'view' });
    assert.deepEqual(r.body, { name: 'system:serviceaccount:ns1:builder', uid: '', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'], extra: { scopes: ['view'] } });
    const denied = await call(s, '/api', { ...bearer('user-token'), 'Impersonate-User': 'alice' });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.message, 'users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
  });

  test('TokenReview sees every bearer-token authenticator, with audiences', async () => {
    const review = async (token: string, audiences?: string[]) =>
      (await tokenReview(s.auth.tokenAuthenticate, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: audiences ? { token, audiences } : { token } })).status as Record<string, unknown>;
    assert.deepEqual(await review('user-token'), { authenticated: true, user: { username: 'bob', uid: '1002', groups: ['dev', 'system:authenticated'] }, audiences: s.auth.apiAudiences });
    assert.equal((await review('user-token', ['vault'])).authenticated, false);
    objects.set('serviceaccounts/ns2/robot', { uid: 'r-uid' });
    const vaultToken = saToken(s, { ns: 'ns2', name: 'robot', uid: 'r-uid' }, undefined, { aud: ['vault'] });
    assert.deepEqual((await review(vaultToken, ['vault'])).audiences, ['vault']);
    assert.equal((await review(vaultToken)).authenticated, false);
    assert.equal((await review('hook-token')).authenticated, true);
  });
});

describe('--anonymous-auth=true: every request without credentials is anonymous, then authorized', () => {
  let s: Served;
  before(async () => {
    s = await serve(['--anonymous-auth']);
  });
  after(() => s.stop());

  test('anonymous requests reach the authorizer (403), bad credentials stay 401', async () => {
    const r = await call(s, '/api');
    assert.equal(r.status, 403);
    assert.equal(r.body.message, 'forbidden: User "system:anonymous" cannot get path "/api"');
    assert.equal((await call(s, '/version')).body.name, 'system:anonymous');
    assert.deepEqual((await call(s, '/version', bearer('nope'))).body, unauthorizedBody);
  });
});

describe('--anonymous-auth=false: no anonymous requests at all', () => {
  let s: Served;
  before(async () => {
    s = await serve(['--anonymous-auth=false']);
  });
  after(() => s.stop());

  test('/healthz without credentials is 401', async () => {
    const r = await call(s, '/healthz');
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, unauthorizedBody);
  });
});
