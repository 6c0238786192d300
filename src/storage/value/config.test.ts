/** EncryptionConfiguration: decoding, Kubernetes' validation messages, lookup and masking. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEncryptionConfiguration, parseEncryptionConfiguration } from './config.js';

const k16 = Buffer.alloc(16, 1).toString('base64');
const k32 = Buffer.alloc(32, 2).toString('base64');
const ad = Buffer.from('/registry/x');

const header = 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n';

const invalidCases: { name: string; yaml: string; error: string | RegExp }[] = [
  {
    name: 'wrong key length',
    yaml: `${header}resources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys: [{name: key1, secret: ${Buffer.alloc(8).toString('base64')}}]\n`,
    error: 'resources[0].providers[0].aescbc.keys[0].secret: Invalid value: "REDACTED": secret is not of the expected length, got 8, expected one of [16 24 32]',
  },
  {
    name: 'secretbox needs 32 bytes',
    yaml: `${header}resources:\n- resources: [secrets]\n  providers:\n  - secretbox:\n      keys: [{name: k, secret: ${k16}}]\n`,
    error: 'resources[0].providers[0].secretbox.keys[0].secret: Invalid value: "REDACTED": secret is not of the expected length, got 16, expected one of [32]',
  },
  {
    name: 'not base64',
    yaml: `${header}resources:\n- resources: [secrets]\n  providers:\n  - aesgcm:\n      keys: [{name: k, secret: "not base64!"}]\n`,
    error: 'resources[0].providers[0].aesgcm.keys[0].secret: Invalid value: "REDACTED": secrets must be base64 encoded',
  },
  {
    name: 'missing key name and no keys',
    yaml: `${header}resources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys: [{secret: ${k16}}]\n  - aesgcm:\n      keys: []\n`,
    error: '[resources[0].providers[0].aescbc.keys[0].name: Required value: name is a mandatory field for a key, resources[0].providers[1].aesgcm.keys: Required value: at least one keys is required]',
  },
  {
    name: 'two providers in one element',
    yaml: `${header}resources:\n- resources: [secrets]\n  providers:\n  - identity: {}\n    aescbc:\n      keys: [{name: k, secret: ${k16}}]\n`,
    error: /^resources\[0\]\.providers\[0\]: Invalid value: .*: more than one provider specified in a single element, should split into different list elements$/,
  },
  {
    name: 'capital letters and bare star',
    yaml: `${header}resources:\n- resources: [Secrets, "*"]\n  providers:\n  - identity: {}\n`,
    // "Secrets" and "*" are both core: Kubernetes reports the overlap too.
    error: `[resources[0].resources: Invalid value: []string{"Secrets", "*"}: using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked, resources[0].resources[0]: Invalid value: "Secrets": resource name should not contain capital letters, resources[0].resources[1]: Invalid value: "*": use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources]`,
  },
  {
    name: 'overlap in one list',
    yaml: `${header}resources:\n- resources: [secrets, "*."]\n  providers:\n  - identity: {}\n`,
    error: `resources[0].resources: Invalid value: []string{"secrets", "*."}: using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked`,
  },
  {
    name: 'events.k8s.io',
    yaml: `${header}resources:\n- resources: [events.events.k8s.io]\n  providers:\n  - identity: {}\n`,
    error: `resources[0].resources[0]: Invalid value: "events.events.k8s.io": '*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the config file`,
  },
  {
    name: 'masked by an earlier wildcard',
    yaml: `${header}resources:\n- resources: ["*.apps"]\n  providers:\n  - identity: {}\n- resources: [deployments.apps]\n  providers:\n  - identity: {}\n`,
    error: 'resource "deployments.apps" is masked by earlier rule "*.apps"',
  },
  { name: 'wrong kind', yaml: 'apiVersion: v1\nkind: ConfigMap\n', error: 'got unexpected config type: v1, Kind=ConfigMap' },
  {
    name: 'unknown field (strict)',
    yaml: `${header}resources:\n- resources: [secrets]\n  providers:\n  - aescbcc: {}\n`,
    error: 'error decoding encryption provider configuration file: strict decoding error: unknown field "resources[0].providers[0].aescbcc"',
  },
  {
    name: 'kms is refused with a clear message',
    yaml: `${header}resources:\n- resources: [secrets]\n  providers:\n  - kms: {apiVersion: v2, name: k, endpoint: unix:///tmp/k.sock}\n`,
    error: /kms provider is not supported by kapi/,
  },
];

for (const c of invalidCases) {
  test(`invalid configuration: ${c.name}`, () => {
    assert.throws(() => parseEncryptionConfiguration(c.yaml), (err: Error) => {
      if (typeof c.error === 'string') assert.equal(err.message, c.error);
      else assert.match(err.message, c.error);
      return true;
    });
  });
}

test('lookup: exact resource, then *.group, then *.*, else identity; all providers read, the first writes', () => {
  const t = parseEncryptionConfiguration(`${header}resources:
- resources: [secrets]
  providers:
  - aesgcm: {keys: [{name: g1, secret: ${k32}}]}
  - aescbc: {keys: [{name: c1, secret: ${k16}}]}
  - identity: {}
- resources: ["*.apps"]
  providers:
  - secretbox: {keys: [{name: s1, secret: ${k32}}]}
- resources: ["*.*"]
  providers:
  - aescbc: {keys: [{name: all, secret: ${k32}}]}
`);
  const write = (group: string, resource: string) => t.transformerFor({ group, resource }).toStorage(Buffer.from('v'), ad).toString('latin1');
  assert.match(write('', 'secrets'), /^k8s:enc:aesgcm:v1:g1:/);
  assert.match(write('apps', 'deployments'), /^k8s:enc:secretbox:v1:s1:/);
  assert.match(write('', 'configmaps'), /^k8s:enc:aescbc:v1:all:/);
  assert.match(write('example.com', 'widgets'), /^k8s:enc:aescbc:v1:all:/);
  const secrets = t.transformerFor({ group: '', resource: 'secrets' });
  assert.deepEqual(secrets.fromStorage(Buffer.from('{"plain":true}'), ad), { data: Buffer.from('{"plain":true}'), stale: true });
  const none = parseEncryptionConfiguration(`${header}resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{name: k, secret: ${k16}}]}\n`);
  assert.equal(none.covers({ group: '', resource: 'configmaps' }), false);
  assert.equal(none.transformerFor({ group: '', resource: 'configmaps' }).toStorage(Buffer.from('x'), ad).toString(), 'x');
});

test('a resource named in two entries gets both entries\' providers, in order', () => {
  const t = parseEncryptionConfiguration(`${header}resources:
- resources: [secrets]
  providers:
  - aescbc: {keys: [{name: new, secret: ${k32}}]}
- resources: [secrets, configmaps]
  providers:
  - aescbc: {keys: [{name: old, secret: ${k16}}]}
`);
  const oldOnly = parseEncryptionConfiguration(`${header}resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{name: old, secret: ${k16}}]}\n`);
  const stored = oldOnly.transformerFor({ group: '', resource: 'secrets' }).toStorage(Buffer.from('v'), ad);
  assert.deepEqual(t.transformerFor({ group: '', resource: 'secrets' }).fromStorage(stored, ad), { data: Buffer.from('v'), stale: true });
  assert.match(t.transformerFor({ group: '', resource: 'secrets' }).toStorage(Buffer.from('v'), ad).toString('latin1'), /^k8s:enc:aescbc:v1:new:/);
});

test('loading from a file prefixes errors like kube-apiserver', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kapi-enc-'));
  try {
    const f = join(dir, 'enc.yaml');
    writeFileSync(f, `${header}resources: []\n`);
    assert.throws(() => loadEncryptionConfiguration(f), { message: 'error while parsing file: resources: Required value: at least one resources is required' });
    assert.throws(() => loadEncryptionConfiguration(join(dir, 'missing.yaml')), /^Error: error while parsing file: error reading encryption provider configuration file/);
    writeFileSync(f, JSON.stringify({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [{ resources: ['secrets'], providers: [{ identity: {} }] }] }));
    assert.equal(loadEncryptionConfiguration(f).covers({ group: '', resource: 'secrets' }), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
