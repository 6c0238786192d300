/**
 * Encryption at rest on a real kapi process (`--encryption-provider-config`):
 * Secrets are stored as `k8s:enc:aescbc:v1:key1:<ciphertext>` in SQLite and
 * read back in clear through the API; other resources stay plain; key
 * rotation (new first key, old key still listed) keeps old data readable and
 * re-writing re-encrypts it; a key that is gone makes reads fail cleanly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startKapi, type KapiProcess } from '../support/server.js';

const dir = mkdtempSync(join(tmpdir(), 'kapi-enc-it-'));
const dataDir = join(dir, 'data');
const configFile = join(dir, 'encryption.yaml');
const key1 = Buffer.alloc(32, 0x11).toString('base64');
const key2 = Buffer.alloc(32, 0x22).toString('base64');
let kapi: KapiProcess | undefined;

function writeConfig(keys: { name: string; secret: string }[]): void {
  writeFileSync(
    configFile,
    `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
${keys.map((k) => `  - aescbc:\n      keys:\n      - name: ${k.name}\n        secret: ${k.secret}\n`).join('')}  - identity: {}
`,
  );
}

/** The newest stored bytes of a key, read straight from the SQLite file. */
function rawValue(key: string): Buffer {
  const db = new Database(join(dataDir, 'kapi.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT value FROM kv_log WHERE key = ? ORDER BY id DESC LIMIT 1').get(key) as { value: Buffer } | undefined;
    if (!row) throw new Error(`no row for ${key}`);
    return row.value;
  } finally {
    db.close();
  }
}

async function start(): Promise<KapiProcess> {
  kapi = await startKapi({ dataDir, args: [`--encryption-provider-config=${configFile}`] });
  return kapi;
}

async function restart(): Promise<KapiProcess> {
  const old = kapi;
  kapi = undefined;
  await old?.stop();
  return start();
}

const secretKey = '/registry/secrets/default/db';
const password = Buffer.from('correct horse battery staple').toString('base64');

before(async () => {
  writeConfig([{ name: 'key1', secret: key1 }]);
  await start();
});

after(async () => {
  await kapi?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('encryption at rest', () => {
  test('a Secret is ciphertext on disk with the k8s:enc:aescbc:v1:key1: prefix, clear through the API', async () => {
    const c = kapi!.client;
    const r = await c.request('POST', '/api/v1/namespaces/default/secrets', { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password } } });
    assert.equal(r.status, 201, r.body);
    const raw = rawValue(secretKey);
    assert.equal(raw.subarray(0, 23).toString('latin1'), 'k8s:enc:aescbc:v1:key1:');
    assert.ok(!raw.includes(Buffer.from(password)));
    assert.ok(!raw.includes(Buffer.from('"kind":"Secret"')));
    const got = await c.request('GET', '/api/v1/namespaces/default/secrets/db');
    assert.equal(got.status, 200);
    assert.equal(got.json().data.password, password);
    const list = await c.request('GET', '/api/v1/namespaces/default/secrets');
    assert.ok(list.json().items.some((s: { metadata: { name: string }; data?: { password?: string } }) => s.metadata.name === 'db' && s.data?.password === password));
  });

  test('resources the configuration does not name stay plain JSON', async () => {
    const r = await kapi!.client.request('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: { a: 'b' } } });
    assert.equal(r.status, 201, r.body);
    assert.equal(rawValue('/registry/configmaps/default/plain').subarray(0, 1).toString(), '{');
  });

  test('watch events of encrypted objects arrive decrypted', async () => {
    const c = kapi!.client;
    const watching = c.watch('/api/v1/namespaces/default/secrets?watch=true&fieldSelector=metadata.name%3Dwatched', (evs) => evs.length >= 1);
    const r = await c.request('POST', '/api/v1/namespaces/default/secrets', { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'watched' }, stringData: { token: 'abc' } } });
    assert.equal(r.status, 201, r.body);
    const evs = await watching;
    assert.equal(evs[0].type, 'ADDED');
    assert.equal(evs[0].object.data.token, Buffer.from('abc').toString('base64'));
  });

  test('rotation: key2 first, key1 still listed — old data reads, re-writing re-encrypts with key2', async () => {
    writeConfig([
      { name: 'key2', secret: key2 },
      { name: 'key1', secret: key1 },
    ]);
    const c = (await restart()).client;
    const got = await c.request('GET', '/api/v1/namespaces/default/secrets/db');
    assert.equal(got.status, 200, got.body);
    assert.equal(got.json().data.password, password);
    assert.equal(rawValue(secretKey).subarray(0, 23).toString('latin1'), 'k8s:enc:aescbc:v1:key1:');
    // `kubectl get secrets -A -o json | kubectl replace -f -`: unchanged objects are written again.
    const all = await c.request('GET', '/api/v1/secrets');
    assert.equal(all.status, 200, all.body);
    for (const s of all.json().items as { metadata: { name: string; namespace: string } }[]) {
      const put = await c.request('PUT', `/api/v1/namespaces/${s.metadata.namespace}/secrets/${s.metadata.name}`, { body: { apiVersion: 'v1', kind: 'Secret', ...s } });
      assert.equal(put.status, 200, put.body);
      assert.equal(rawValue(`/registry/secrets/${s.metadata.namespace}/${s.metadata.name}`).subarray(0, 23).toString('latin1'), 'k8s:enc:aescbc:v1:key2:');
    }
    // key1 can now be removed.
    writeConfig([{ name: 'key2', secret: key2 }]);
    const after = await (await restart()).client.request('GET', '/api/v1/namespaces/default/secrets/db');
    assert.equal(after.status, 200, after.body);
    assert.equal(after.json().data.password, password);
  });

  test('a value whose key is no longer configured fails with a clear 500, not garbage', async () => {
    writeConfig([{ name: 'key3', secret: Buffer.alloc(32, 0x33).toString('base64') }]);
    await kapi?.stop();
    // Without the watch cache the read goes to storage, whose error is the answer.
    kapi = await startKapi({ dataDir, args: [`--encryption-provider-config=${configFile}`, '--watch-cache=false'] });
    const r = await kapi.client.request('GET', '/api/v1/namespaces/default/secrets/db');
    assert.equal(r.status, 500, r.body);
    assert.equal(r.json().reason, 'InternalError');
    assert.match(r.json().message, /no matching key was found for the provided AES transformer/);
  });

  test('an invalid configuration stops the server at startup with kube-apiserver\'s message', async () => {
    await kapi?.stop();
    kapi = undefined;
    writeFileSync(configFile, `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys: [{name: k, secret: ${Buffer.alloc(8).toString('base64')}}]\n`);
    await assert.rejects(
      startKapi({ dataDir, args: [`--encryption-provider-config=${configFile}`] }),
      /error while parsing file: resources\[0\]\.providers\[0\]\.aescbc\.keys\[0\]\.secret: Invalid value: "REDACTED": secret is not of the expected length, got 8, expected one of \[16 24 32\]/,
    );
  });
});
