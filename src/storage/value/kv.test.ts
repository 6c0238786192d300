/**
 * encryptingKV: transparent to everything above (the KV conformance suite
 * runs through it), ciphertext at rest, rotation, clean failures.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { prefixEnd, type KV } from '../kv/interface.js';
import { openSqliteKV } from '../sqlite/index.js';
import { newKvStorage } from '../kvstore/index.js';
import { runKvConformance } from '../testing/kv-conformance.js';
import { EventReader, KvEventCollector } from '../testing/helpers.js';
import { builtinResources } from '../../registry/definitions.js';
import { parseEncryptionConfiguration } from './config.js';
import { encryptingKV, isStaleValue, newKeyResolver, storagePrefixesOf } from './kv.js';

const header = 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n';
const key1 = Buffer.alloc(32, 1).toString('base64');
const key2 = Buffer.alloc(32, 2).toString('base64');
const cfg = (providers: string, resources = '[secrets]') => parseEncryptionConfiguration(`${header}resources:\n- resources: ${resources}\n  providers:\n${providers}`);
const aescbc = (name: string, secret: string) => `  - aescbc: {keys: [{name: ${name}, secret: ${secret}}]}\n`;
const aesgcm = (name: string, secret: string) => `  - aesgcm: {keys: [{name: ${name}, secret: ${secret}}]}\n`;
const resolve = newKeyResolver(storagePrefixesOf(builtinResources));

// Every key is a "secret" here so that each conformance write goes through AES-GCM (key-bound).
runKvConformance('encryptingKV (aesgcm) over sqlite', async () => {
  const inner = openSqliteKV({ path: ':memory:' });
  const kv = encryptingKV(inner, cfg(aesgcm('k', key1)), { resolve: () => ({ group: '', resource: 'secrets' }) });
  return { kv, destroy: () => kv.close() };
});

const secret = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, data });
const raw = async (kv: KV, key: string) => (await kv.range(key, undefined)).kvs[0].value.toString('latin1');

describe('encryptingKV', () => {
  test('key mapping follows storage prefixes, custom resources and core plurals', () => {
    assert.deepEqual(resolve('/registry/secrets/default/s'), { group: '', resource: 'secrets' });
    assert.deepEqual(resolve('/registry/deployments/default/d'), { group: 'apps', resource: 'deployments' });
    assert.deepEqual(resolve('/registry/services/specs/default/s'), { group: '', resource: 'services' });
    assert.deepEqual(resolve('/registry/services/endpoints/default/s'), { group: '', resource: 'endpoints' });
    assert.deepEqual(resolve('/registry/example.com/widgets/default/w'), { group: 'example.com', resource: 'widgets' });
    assert.equal(resolve('/compact_rev_key'), undefined);
  });

  test('secrets are ciphertext at rest, plaintext through Storage (get, list, watch), other resources stay plain', async () => {
    const inner = openSqliteKV({ path: ':memory:' });
    const kv = encryptingKV(inner, cfg(aescbc('key1', key1)), { resolve });
    const storage = newKvStorage(kv);
    try {
      const w = new EventReader(await storage.watch('/registry/secrets/default/', { resourceVersion: '1', recursive: true }));
      await storage.create('/registry/secrets/default/s1', secret('s1', { password: 'aHVudGVyMg==' }));
      await storage.create('/registry/configmaps/default/c1', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', namespace: 'default' }, data: { a: 'b' } });
      const stored = await raw(inner, '/registry/secrets/default/s1');
      assert.ok(stored.startsWith('k8s:enc:aescbc:v1:key1:'), stored.slice(0, 40));
      assert.ok(!stored.includes('aHVudGVyMg=='));
      assert.ok((await raw(inner, '/registry/configmaps/default/c1')).startsWith('{'));
      const got = await storage.get('/registry/secrets/default/s1');
      assert.equal((got?.data as Record<string, string>).password, 'aHVudGVyMg==');
      const list = await storage.getList('/registry/secrets/default/', { recursive: true });
      assert.equal(list.items.length, 1);
      await storage.delete('/registry/secrets/default/s1');
      const events = await w.take(2);
      assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata?.name} ${(e.object.data as Record<string, string>).password}`), ['ADDED s1 aHVudGVyMg==', 'DELETED s1 aHVudGVyMg==']);
      w.stream.stop();
    } finally {
      await kv.close();
    }
  });

  test('rotation: a new first key writes, the old key still reads (stale), re-writing re-encrypts', async () => {
    const inner = openSqliteKV({ path: ':memory:' });
    try {
      const before = encryptingKV(inner, cfg(aescbc('key1', key1)), { resolve });
      await before.create('/registry/secrets/default/s', Buffer.from('{"v":1}'));
      const after = encryptingKV(inner, cfg(aescbc('key2', key2) + aescbc('key1', key1)), { resolve });
      const r = await after.range('/registry/secrets/default/s', undefined);
      assert.equal(r.kvs[0].value.toString(), '{"v":1}');
      assert.equal(isStaleValue(r.kvs[0].value), true);
      const u = await after.update('/registry/secrets/default/s', r.kvs[0].value, r.kvs[0].modRevision);
      assert.equal(u.succeeded, true);
      assert.equal(u.kv?.value.toString(), '{"v":1}');
      assert.ok((await raw(inner, '/registry/secrets/default/s')).startsWith('k8s:enc:aescbc:v1:key2:'));
      const again = await after.range('/registry/secrets/default/s', undefined);
      assert.equal(isStaleValue(again.kvs[0].value), false);
      // Dropping key1 now loses nothing.
      const only2 = encryptingKV(inner, cfg(aescbc('key2', key2)), { resolve });
      assert.equal((await only2.range('/registry/secrets/default/s', undefined)).kvs[0].value.toString(), '{"v":1}');
    } finally {
      await inner.close();
    }
  });

  test('a wrong key fails reads, lists, failed-transaction currents and watches with a clear error', async () => {
    const inner = openSqliteKV({ path: ':memory:' });
    try {
      const good = encryptingKV(inner, cfg(aesgcm('k', key1)), { resolve });
      await good.create('/registry/secrets/default/s', Buffer.from('{"v":1}'));
      const wrong = encryptingKV(inner, cfg(aesgcm('k', key2)), { resolve });
      const msg = 'unable to transform key "/registry/secrets/default/s": cipher: message authentication failed';
      await assert.rejects(wrong.range('/registry/secrets/', prefixEnd('/registry/secrets/')), { name: 'ValueTransformError', message: msg });
      await assert.rejects(wrong.create('/registry/secrets/default/s', Buffer.from('{}')), { message: msg });
      const unknownKey = encryptingKV(inner, cfg(aesgcm('other', key1)), { resolve });
      await assert.rejects(unknownKey.range('/registry/secrets/default/s', undefined), {
        message: 'unable to transform key "/registry/secrets/default/s": no matching key was found for the provided AES transformer',
      });
      // Identity alone for secrets cannot read ciphertext; neither can a config that no longer names secrets.
      const plain = encryptingKV(inner, cfg('  - identity: {}\n'), { resolve });
      await assert.rejects(plain.range('/registry/secrets/default/s', undefined), /: no matching prefix found$/);
      const dropped = encryptingKV(inner, cfg('  - identity: {}\n', '[configmaps]'), { resolve });
      await assert.rejects(dropped.range('/registry/secrets/default/s', undefined), /: identity transformer tried to read encrypted data$/);
      const c = new KvEventCollector();
      const w = wrong.watch('/registry/secrets/', prefixEnd('/registry/secrets/'), 0, c);
      await good.update('/registry/secrets/default/s', Buffer.from('{"v":2}'), (await good.range('/registry/secrets/default/s', undefined)).kvs[0].modRevision);
      await c.until(() => c.error !== undefined, 'watch error');
      assert.equal(c.events.length, 0);
      assert.match(c.error?.message ?? '', /cipher: message authentication failed/);
      w.close();
    } finally {
      await inner.close();
    }
  });
});
