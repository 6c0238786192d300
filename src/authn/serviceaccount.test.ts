import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationError, type TokenAuthenticator } from './interfaces.js';
import { newServiceAccountAuthenticator, splitServiceAccountUsername, type ObjectIdentity, type ServiceAccountObjectResource } from './serviceaccount.js';
import { newServiceAccountTokenSigner, parsePublicKeysPem, publicKeysJwks } from './keys.js';
import { ecKey, nowSeconds, rsaKey, signJwt, tamper, type TestKey } from './testing.js';
import { issueToken } from '../registry/core/token.js';
import type { JsonObject } from '../runtime/object.js';

const issuer = 'https://kubernetes.default.svc.cluster.local';
const apiAuds = [issuer];

/** An in-memory object store the validator looks objects up in. */
function objects(): { set(r: ServiceAccountObjectResource, ns: string, name: string, o: ObjectIdentity | null): void; get: (r: ServiceAccountObjectResource, ns: string, name: string) => Promise<ObjectIdentity | null> } {
  const m = new Map<string, ObjectIdentity>();
  return {
    set(r, ns, name, o) {
      if (o) m.set(`${r}/${ns}/${name}`, o);
      else m.delete(`${r}/${ns}/${name}`);
    },
    get: async (r, ns, name) => m.get(`${r}/${ns}/${name}`) ?? null,
  };
}

function claims(over: Record<string, unknown> = {}, k8s: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return {
    aud: apiAuds,
    exp: now + 3600,
    iat: now,
    iss: issuer,
    jti: 'a3c9f1e2-0000-4000-8000-000000000001',
    'kubernetes.io': { namespace: 'ns1', serviceaccount: { name: 'builder', uid: 'sa-uid' }, ...k8s },
    nbf: now,
    sub: 'system:serviceaccount:ns1:builder',
    ...over,
  };
}

function setup(keys: TestKey[] = [rsaKey(0)], issuers = [issuer]) {
  const store = objects();
  store.set('serviceaccounts', 'ns1', 'builder', { uid: 'sa-uid' });
  store.set('pods', 'ns1', 'p1', { uid: 'pod-uid' });
  store.set('secrets', 'ns1', 's1', { uid: 'secret-uid' });
  store.set('nodes', '', 'n1', { uid: 'node-uid' });
  const auth = newServiceAccountAuthenticator({ issuers, keys: keys.map((k) => k.publicKey), implicitAudiences: apiAuds, getObject: store.get });
  return { store, auth };
}

async function rejectsWith(auth: TokenAuthenticator, token: string, detail: string | RegExp, audiences = apiAuds): Promise<void> {
  await assert.rejects(
    () => auth.authenticateToken(token, audiences),
    (err: unknown) => {
      assert.ok(err instanceof AuthenticationError, String(err));
      if (typeof detail === 'string') assert.equal(err.detail, detail);
      else assert.match(err.detail, detail);
      assert.equal(err.status.message, 'Unauthorized');
      return true;
    },
  );
}

test('a token issued by kapi TokenRequest authenticates as its ServiceAccount', async () => {
  const key = rsaKey(0);
  const { auth } = setup();
  const signer = newServiceAccountTokenSigner(key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'https://kubernetes.default.svc.cluster.local');
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'ns1', uid: 'sa-uid' } };
  const tr = issueToken(signer, sa, { spec: {} }, []);
  const token = (tr.status as { token: string }).token;
  const r = await auth.authenticateToken(token, apiAuds);
  assert.ok(r);
  assert.equal(r.user.name, 'system:serviceaccount:ns1:builder');
  assert.equal(r.user.uid, 'sa-uid');
  assert.deepEqual(r.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:ns1']);
  assert.deepEqual(Object.keys(r.user.extra), ['authentication.kubernetes.io/credential-id']);
  assert.match(r.user.extra['authentication.kubernetes.io/credential-id'][0], /^JTI=[0-9a-f-]{36}$/);
  assert.deepEqual(r.audiences, apiAuds);
});

test('bound pod and node claims become user extras; secret binding is checked', async () => {
  const { auth } = setup();
  const key = rsaKey(0);
  const pod = await auth.authenticateToken(signJwt(key, claims({}, { pod: { name: 'p1', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' } })), apiAuds);
  assert.deepEqual(pod?.user.extra, {
    'authentication.kubernetes.io/pod-name': ['p1'],
    'authentication.kubernetes.io/pod-uid': ['pod-uid'],
    'authentication.kubernetes.io/credential-id': ['JTI=a3c9f1e2-0000-4000-8000-000000000001'],
    'authentication.kubernetes.io/node-name': ['n1'],
    'authentication.kubernetes.io/node-uid': ['node-uid'],
  });
  const node = await auth.authenticateToken(signJwt(key, claims({ jti: undefined }, { node: { name: 'n1', uid: 'node-uid' } })), apiAuds);
  assert.deepEqual(node?.user.extra, { 'authentication.kubernetes.io/node-name': ['n1'], 'authentication.kubernetes.io/node-uid': ['node-uid'] });
  const secret = await auth.authenticateToken(signJwt(key, claims({}, { secret: { name: 's1', uid: 'secret-uid' } })), apiAuds);
  assert.equal(secret?.user.name, 'system:serviceaccount:ns1:builder');
});

test('ECDSA keys sign and verify; keys may come from certificates, private keys and several PEM blocks', async () => {
  const ec = ecKey('P-256');
  const ec384 = ecKey('P-384');
  const pem = [ec.privateKey.export({ type: 'sec1', format: 'pem' }), '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n', ec384.publicKey.export({ type: 'spki', format: 'pem' })].join('');
  const keys = parsePublicKeysPem(String(pem));
  assert.equal(keys.length, 2);
  const signer = newServiceAccountTokenSigner(String(ec.privateKey.export({ type: 'pkcs8', format: 'pem' })), issuer);
  assert.equal(signer.algorithm, 'ES256');
  assert.equal(signer.keyId, ec.kid);
  const { store } = setup();
  const auth = newServiceAccountAuthenticator({ issuers: [issuer], keys, implicitAudiences: apiAuds, getObject: store.get });
  assert.equal((await auth.authenticateToken(signer.sign(claims() as JsonObject), apiAuds))?.user.uid, 'sa-uid');
  assert.equal((await auth.authenticateToken(signJwt(ec384, claims()), apiAuds))?.user.uid, 'sa-uid');
  const jwks = publicKeysJwks(keys) as { keys: Record<string, string>[] };
  assert.deepEqual(jwks.keys.map((k) => [k.kty, k.alg, k.crv, k.use]), [['EC', 'ES256', 'P-256', 'sig'], ['EC', 'ES384', 'P-384', 'sig']]);
  assert.throws(() => parsePublicKeysPem('nothing here'), /data does not contain any valid RSA or ECDSA public keys/);
});

test('several issuers are accepted; tokens of other issuers and non-JWTs get no opinion', async () => {
  const { auth } = setup([rsaKey(0)], [issuer, 'https://old.example']);
  assert.ok(await auth.authenticateToken(signJwt(rsaKey(0), claims({ iss: 'https://old.example' })), apiAuds));
  assert.equal(await auth.authenticateToken(signJwt(rsaKey(0), claims({ iss: 'https://other.example' })), apiAuds), null);
  assert.equal(await auth.authenticateToken('not-a-jwt', apiAuds), null);
  assert.equal(await auth.authenticateToken('a.b.c', apiAuds), null);
});

test('audiences: the token must be for one of the requested (or API) audiences', async () => {
  const { auth } = setup();
  const token = signJwt(rsaKey(0), claims({ aud: ['vault', issuer] }));
  assert.deepEqual((await auth.authenticateToken(token, ['vault']))?.audiences, ['vault']);
  assert.deepEqual((await auth.authenticateToken(token, []))?.audiences, [issuer]);
  await rejectsWith(auth, signJwt(rsaKey(0), claims({ aud: 'vault' })), 'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]');
});

const now = nowSeconds();
const rejections: { name: string; token: () => string; detail: string | RegExp; before?: (s: ReturnType<typeof objects>) => void }[] = [
  { name: 'expired beyond the one-minute leeway', token: () => signJwt(rsaKey(0), claims({ exp: now - 61 })), detail: 'service account token has expired' },
  { name: 'not yet valid', token: () => signJwt(rsaKey(0), claims({ nbf: now + 120 })), detail: 'service account token is not valid yet' },
  { name: 'issued in the future', token: () => signJwt(rsaKey(0), claims({ iat: now + 120, nbf: undefined })), detail: 'service account token is issued in the future' },
  { name: 'wrong audience', token: () => signJwt(rsaKey(0), claims({ aud: ['https://elsewhere'] })), detail: /^token audiences \["https:\/\/elsewhere"\] is invalid/ },
  { name: 'tampered signature', token: () => tamper(signJwt(rsaKey(0), claims())), detail: /signature verification failed/ },
  { name: 'tampered payload', token: () => { const [h, , s] = signJwt(rsaKey(0), claims()).split('.'); return `${h}.${Buffer.from(JSON.stringify(claims({ sub: 'x' }))).toString('base64url')}.${s}`; }, detail: /signature verification failed/ },
  { name: 'signed by an unknown key', token: () => signJwt(rsaKey(1), claims()), detail: 'invalid signature, no keys found' },
  { name: 'unknown key without kid', token: () => signJwt(rsaKey(1), claims(), { kid: null }), detail: /signature verification failed/ },
  { name: 'alg none', token: () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`, detail: /cannot verify none/ },
  { name: 'ServiceAccount deleted', token: () => signJwt(rsaKey(0), claims()), before: (s) => s.set('serviceaccounts', 'ns1', 'builder', null), detail: 'serviceaccounts "builder" not found' },
  { name: 'ServiceAccount recreated with another uid', token: () => signJwt(rsaKey(0), claims()), before: (s) => s.set('serviceaccounts', 'ns1', 'builder', { uid: 'new-uid' }), detail: 'service account UID (new-uid) does not match claim (sa-uid)' },
  { name: 'ServiceAccount being deleted for over a minute', token: () => signJwt(rsaKey(0), claims()), before: (s) => s.set('serviceaccounts', 'ns1', 'builder', { uid: 'sa-uid', deletionTimestamp: new Date(Date.now() - 120_000).toISOString() }), detail: 'service account ns1/builder has been deleted' },
  { name: 'bound Pod deleted', token: () => signJwt(rsaKey(0), claims({}, { pod: { name: 'p1', uid: 'pod-uid' } })), before: (s) => s.set('pods', 'ns1', 'p1', null), detail: 'service account token has been invalidated' },
  { name: 'bound Pod recreated', token: () => signJwt(rsaKey(0), claims({}, { pod: { name: 'p1', uid: 'pod-uid' } })), before: (s) => s.set('pods', 'ns1', 'p1', { uid: 'other' }), detail: 'pod UID (other) does not match service account pod ref claim (pod-uid)' },
  { name: 'bound Secret deleted', token: () => signJwt(rsaKey(0), claims({}, { secret: { name: 's1', uid: 'secret-uid' } })), before: (s) => s.set('secrets', 'ns1', 's1', null), detail: 'service account token has been invalidated' },
  { name: 'bound Node recreated', token: () => signJwt(rsaKey(0), claims({}, { node: { name: 'n1', uid: 'node-uid' } })), before: (s) => s.set('nodes', '', 'n1', { uid: 'x' }), detail: 'node UID (x) does not match service account node ref claim (node-uid)' },
];
for (const c of rejections) {
  test(`rejected: ${c.name}`, async () => {
    const { auth, store } = setup();
    c.before?.(store);
    await rejectsWith(auth, c.token(), c.detail);
  });
}

test('leeway: a token expired 30 s ago, and an object deleted 10 s ago, still pass', async () => {
  const { auth, store } = setup();
  store.set('serviceaccounts', 'ns1', 'builder', { uid: 'sa-uid', deletionTimestamp: new Date(Date.now() - 10_000).toISOString() });
  assert.ok(await auth.authenticateToken(signJwt(rsaKey(0), claims({ exp: nowSeconds() - 30 })), apiAuds));
});

test('ServiceAccount usernames split as Kubernetes does', () => {
  assert.deepEqual(splitServiceAccountUsername('system:serviceaccount:kube-system:default'), { namespace: 'kube-system', name: 'default' });
  for (const bad of ['system:serviceaccount:ns', 'system:serviceaccount:ns:a:b', 'system:serviceaccount:NS:a', 'alice', 'system:serviceaccount::a']) {
    assert.equal(splitServiceAccountUsername(bad), undefined, bad);
  }
});
