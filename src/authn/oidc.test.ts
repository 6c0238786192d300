import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationError, type TokenAuthenticator } from './interfaces.js';
import { newOIDCAuthenticator, oidcUsernamePrefix, type OIDCAuthenticatorOptions } from './oidc.js';
import { ecKey, nowSeconds, rsaKey, startOIDCIssuer, tamper, tempDir, testPki, type TestOIDCIssuer } from './testing.js';
import type { PkiMaterial } from '../server/certs/pki.js';

const dir = tempDir();
let pki: PkiMaterial;
let otherPki: PkiMaterial;
let issuer: TestOIDCIssuer;

before(async () => {
  pki = await testPki(dir, 'pki');
  otherPki = await testPki(dir, 'other');
  issuer = await startOIDCIssuer(pki, 'kapi');
});

after(async () => {
  await issuer.close();
  dir.remove();
});

function auth(over: Partial<OIDCAuthenticatorOptions> = {}) {
  return newOIDCAuthenticator({
    issuerURL: issuer.url,
    clientID: 'kapi',
    usernameClaim: 'sub',
    usernamePrefix: oidcUsernamePrefix('', over.usernameClaim ?? 'sub', issuer.url),
    groupsClaim: 'groups',
    caPem: pki.caCertPem,
    ...over,
  });
}

async function rejects(a: TokenAuthenticator, token: string, detail: RegExp): Promise<void> {
  await assert.rejects(
    () => a.authenticateToken(token, []),
    (err: unknown) => {
      assert.ok(err instanceof AuthenticationError, String(err));
      assert.match(err.detail, detail);
      return true;
    },
  );
}

test('username prefix rules of the --oidc-username-prefix flag', () => {
  assert.equal(oidcUsernamePrefix('', 'sub', 'https://idp'), 'https://idp#');
  assert.equal(oidcUsernamePrefix('', 'email', 'https://idp'), '');
  assert.equal(oidcUsernamePrefix('-', 'sub', 'https://idp'), '');
  assert.equal(oidcUsernamePrefix('oidc:', 'email', 'https://idp'), 'oidc:');
});

test('a valid ID token: discovery over HTTPS with the CA file, prefixed username, groups', async () => {
  const a = auth({ groupsPrefix: 'oidc:' });
  const r = await a.authenticateToken(issuer.token({ sub: 'jane', groups: ['dev', 'ops'] }), []);
  assert.deepEqual(r?.user, { name: `${issuer.url}#jane`, uid: '', groups: ['oidc:dev', 'oidc:ops'], extra: {} });
  const single = await a.authenticateToken(issuer.token({ sub: 'joe', groups: 'admins' }), []);
  assert.deepEqual(single?.user.groups, ['oidc:admins']);
  const none = await a.authenticateToken(issuer.token({ sub: 'kim', aud: ['other', 'kapi'] }), []);
  assert.deepEqual(none?.user.groups, []);
});

test('email claim: verified or unstated passes unprefixed, unverified fails; "-" disables the prefix', async () => {
  const a = auth({ usernameClaim: 'email' });
  assert.equal((await a.authenticateToken(issuer.token({ email: 'jane@example.com', email_verified: true }), []))?.user.name, 'jane@example.com');
  assert.equal((await a.authenticateToken(issuer.token({ email: 'joe@example.com' }), []))?.user.name, 'joe@example.com');
  await rejects(a, issuer.token({ email: 'eve@example.com', email_verified: false }), /^oidc: email not verified$/);
  await rejects(a, issuer.token({ sub: 'no-email' }), /username claims "email": claim not present/);
  const noPrefix = auth({ usernamePrefix: oidcUsernamePrefix('-', 'sub', issuer.url) });
  assert.equal((await noPrefix.authenticateToken(issuer.token({ sub: 'jane' }), []))?.user.name, 'jane');
});

test('required claims must be present with the same string value', async () => {
  const a = auth({ requiredClaims: { hd: 'example.com' } });
  assert.ok(await a.authenticateToken(issuer.token({ sub: 'a', hd: 'example.com' }), []));
  await rejects(a, issuer.token({ sub: 'a', hd: 'evil.com' }), /required claim hd value does not match\. Got = evil\.com, want = example\.com/);
  await rejects(a, issuer.token({ sub: 'a' }), /required claim hd not present in ID token/);
});

test('tokens of another issuer get no opinion', async () => {
  const a = auth();
  assert.equal(await a.authenticateToken(issuer.token({ sub: 'a', iss: 'https://accounts.example' }), []), null);
  assert.equal(await a.authenticateToken('opaque-token', []), null);
});

const now = nowSeconds();
const rejections: { name: string; token: () => string; detail: RegExp }[] = [
  { name: 'expired', token: () => issuer.token({ sub: 'a', exp: now - 5 }), detail: /token is expired/ },
  { name: 'without exp', token: () => issuer.token({ sub: 'a', exp: undefined }), detail: /token is expired/ },
  { name: 'not valid yet (beyond 5 minutes)', token: () => issuer.token({ sub: 'a', nbf: now + 600 }), detail: /before the nbf/ },
  { name: 'wrong audience', token: () => issuer.token({ sub: 'a', aud: 'someone-else' }), detail: /expected audience "kapi" got \["someone-else"\]/ },
  { name: 'tampered signature', token: () => tamper(issuer.token({ sub: 'a' })), detail: /failed to verify signature/ },
  { name: 'signed by a key the provider does not publish', token: () => issuer.token({ sub: 'a' }, { key: rsaKey(1) }), detail: /failed to verify signature/ },
  { name: 'algorithm not allowed', token: () => issuer.token({ sub: 'a' }, { key: ecKey() }), detail: /unsupported algorithm, expected \["RS256"\] got "ES256"/ },
  { name: 'username claim not a string', token: () => issuer.token({ sub: 42 }), detail: /parse username claims "sub"/ },
];
for (const c of rejections) {
  test(`rejected: ${c.name}`, async () => {
    await rejects(auth({ keyRefreshMinIntervalMs: 60_000 }), c.token(), c.detail);
  });
}

test('nbf within the five-minute leeway passes', async () => {
  assert.ok(await auth().authenticateToken(issuer.token({ sub: 'a', nbf: nowSeconds() + 120 }), []));
});

test('a provider whose certificate is not from the CA file never initializes', async () => {
  const a = auth({ caPem: otherPki.caCertPem, eagerInit: false });
  await rejects(a, issuer.token({ sub: 'a' }), /^oidc: authenticator not initialized/);
  // Retried at most every 10 s: the next token fails at once without another handshake.
  await rejects(a, issuer.token({ sub: 'a' }), /^oidc: authenticator not initialized$/);
});

test('discovery must name the configured issuer', async () => {
  const a = newOIDCAuthenticator({ issuerURL: `${issuer.url}/`, clientID: 'kapi', usernameClaim: 'sub', usernamePrefix: '', caPem: pki.caCertPem, eagerInit: false });
  const token = issuer.token({ sub: 'a', iss: `${issuer.url}/` });
  await rejects(a, token, /issuer did not match the issuer returned by provider/);
});

test('key rotation: an unknown kid refetches the keys, at most once per refresh interval', async () => {
  const oldKeys = issuer.keys;
  try {
    const eager = auth({ keyRefreshMinIntervalMs: 0 });
    await eager.ready();
    const limited = auth({ keyRefreshMinIntervalMs: 60_000 });
    await limited.ready();
    assert.equal(eager.keyFetches, 1);
    const ec = ecKey();
    issuer.keys = [rsaKey(2), ...oldKeys];
    const rotated = issuer.token({ sub: 'rotated' }, { key: rsaKey(2) });
    assert.equal((await eager.authenticateToken(rotated, []))?.user.name, `${issuer.url}#rotated`);
    assert.equal(eager.keyFetches, 2);
    // The cache now knows the new key: no further fetch.
    assert.ok(await eager.authenticateToken(rotated, []));
    assert.equal(eager.keyFetches, 2);
    // Within the refresh interval an unknown key is rejected without fetching.
    await rejects(limited, rotated, /failed to verify id token signature/);
    assert.equal(limited.keyFetches, 1);
    // ES256 when allowed.
    issuer.keys = [ec];
    const esAuth = auth({ signingAlgs: ['ES256'], keyRefreshMinIntervalMs: 0 });
    assert.equal((await esAuth.authenticateToken(issuer.token({ sub: 'ec' }, { key: ec }), []))?.user.name, `${issuer.url}#ec`);
  } finally {
    issuer.keys = oldKeys;
  }
});
