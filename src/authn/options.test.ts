import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authenticationFlags, collectFlagValues, parseAuthenticationOptions } from './options.js';
import type { FlagSpec } from '../options/flags.js';

const specs: FlagSpec[] = [...authenticationFlags, { name: 'data-dir', type: 'string', default: '', help: '' }, { name: 'watch-cache', type: 'bool', default: 'true', help: '' }];
const parse = (argv: string[]) => parseAuthenticationOptions(collectFlagValues(argv, specs));

test('defaults: nothing configured, anonymous unset', () => {
  assert.deepEqual(parse(['--data-dir', '/x']), {
    anonymousAuth: undefined,
    tokenAuthFile: '',
    basicAuthFile: '',
    serviceAccountKeyFiles: [],
    serviceAccountIssuers: [],
    serviceAccountSigningKeyFile: '',
    apiAudiences: [],
  });
});

test('repeated and list flags accumulate; values of other flags are skipped', () => {
  const o = parse([
    '--service-account-issuer=https://a',
    '--watch-cache',
    '--service-account-issuer',
    'https://b',
    '--service-account-key-file=/k1',
    '--service-account-key-file=/k2',
    '--api-audiences=x,y',
    '--api-audiences',
    'z',
    '--data-dir',
    '--anonymous-auth',
    '--anonymous-auth=false',
  ]);
  assert.deepEqual(o.serviceAccountIssuers, ['https://a', 'https://b']);
  assert.deepEqual(o.serviceAccountKeyFiles, ['/k1', '/k2']);
  assert.deepEqual(o.apiAudiences, ['x', 'y', 'z']);
  // `--data-dir --anonymous-auth`: the data dir is "--anonymous-auth"; the later flag decides.
  assert.equal(o.anonymousAuth, false);
});

test('OIDC flags with kube-apiserver defaults and required claims', () => {
  const o = parse(['--oidc-issuer-url=https://idp.example', '--oidc-client-id=kapi', '--oidc-required-claim=hd=example.com', '--oidc-required-claim', 'tier=gold', '--oidc-signing-algs=RS256,ES256']);
  assert.deepEqual(o.oidc, {
    issuerURL: 'https://idp.example',
    clientID: 'kapi',
    caFile: '',
    usernameClaim: 'sub',
    usernamePrefix: '',
    groupsClaim: '',
    groupsPrefix: '',
    signingAlgs: ['RS256', 'ES256'],
    requiredClaims: { hd: 'example.com', tier: 'gold' },
  });
});

test('webhook flags', () => {
  assert.deepEqual(parse(['--authentication-token-webhook-config-file=/w', '--authentication-token-webhook-cache-ttl=30s']).webhook, { configFile: '/w', version: 'v1beta1', cacheTtlMs: 30_000 });
  assert.equal(parse(['--authentication-token-webhook-config-file=/w', '--authentication-token-webhook-version=v1']).webhook?.version, 'v1');
});

const invalid: [string[], RegExp][] = [
  [['--oidc-issuer-url=https://idp'], /oidc-issuer-url and oidc-client-id should be specified together/],
  [['--oidc-issuer-url=http://idp', '--oidc-client-id=k'], /URL scheme must be https/],
  [['--oidc-issuer-url=https://idp', '--oidc-client-id=k', '--oidc-signing-algs=HS256'], /oidc: unsupported signing alg: "HS256"/],
  [['--oidc-issuer-url=https://idp', '--oidc-client-id=k', '--service-account-issuer=https://idp'], /service-account-issuer "https:\/\/idp" should not be the same as oidc-issuer-url/],
  [['--service-account-issuer=a', '--service-account-issuer=a'], /service-account-issuer "a" is already specified/],
  [['--authentication-token-webhook-config-file=/w', '--authentication-token-webhook-version=v2'], /unsupported authentication webhook version "v2", supported versions are "v1", "v1beta1"/],
];
for (const [argv, err] of invalid) {
  test(`invalid: ${argv.join(' ')}`, () => {
    assert.throws(() => parse(argv), err);
  });
}
