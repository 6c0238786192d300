/** The AES providers: Kubernetes' byte layout, round trips, and clean failures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { AesCbcTransformer, AesGcmTransformer } from './aes.js';
import { identityTransformer, PrefixTransformers } from './transformer.js';

const ad = Buffer.from('/registry/secrets/default/s1');

for (const size of [16, 24, 32]) {
  test(`aescbc with a ${size}-byte key: random IV ‖ CBC(PKCS#7), readable by plain AES-CBC`, () => {
    const key = randomBytes(size);
    const t = new AesCbcTransformer(key);
    for (const len of [0, 1, 15, 16, 17, 100]) {
      const value = randomBytes(len);
      const stored = t.toStorage(value, ad);
      // 16-byte IV, then whole blocks with at least one byte of padding.
      assert.equal(stored.length, 16 + (Math.floor(len / 16) + 1) * 16);
      const d = createDecipheriv(`aes-${size * 8}-cbc`, key, stored.subarray(0, 16));
      assert.deepEqual(Buffer.concat([d.update(stored.subarray(16)), d.final()]), value);
      assert.deepEqual(t.fromStorage(stored, ad).data, value);
    }
  });

  test(`aesgcm with a ${size}-byte key: nonce ‖ ciphertext ‖ tag, bound to the key's authenticated data`, () => {
    const t = new AesGcmTransformer(randomBytes(size));
    const value = Buffer.from('{"kind":"Secret","data":{"a":"Yg=="}}');
    const stored = t.toStorage(value, ad);
    assert.equal(stored.length, 12 + value.length + 16);
    assert.deepEqual(t.fromStorage(stored, ad).data, value);
    // Copied under another key, the value does not open.
    assert.throws(() => t.fromStorage(stored, Buffer.from('/registry/secrets/default/other')), { message: 'cipher: message authentication failed' });
  });
}

test('a wrong key fails with Kubernetes texts, never with garbage', () => {
  const value = Buffer.from('{"kind":"Secret"}');
  const gcm = new AesGcmTransformer(randomBytes(32)).toStorage(value, ad);
  assert.throws(() => new AesGcmTransformer(randomBytes(32)).fromStorage(gcm, ad), { message: 'cipher: message authentication failed' });
  const cbc = new AesCbcTransformer(randomBytes(32)).toStorage(value, ad);
  // A wrong CBC key yields random padding: either padding error, never the value.
  let failures = 0;
  for (let i = 0; i < 20; i++) {
    try {
      const out = new AesCbcTransformer(randomBytes(32)).fromStorage(cbc);
      assert.notDeepEqual(out.data, value);
    } catch (err) {
      assert.match((err as Error).message, /^invalid (PKCS7 data \(empty or not padded\)|padding on input)$/);
      failures++;
    }
  }
  assert.ok(failures >= 15);
  assert.throws(() => new AesCbcTransformer(randomBytes(16)).fromStorage(Buffer.alloc(8)), { message: 'the stored data was shorter than the required size' });
  assert.throws(() => new AesCbcTransformer(randomBytes(16)).fromStorage(Buffer.alloc(20)), { message: 'the stored data is not a multiple of the block size' });
  assert.throws(() => new AesGcmTransformer(randomBytes(16)).fromStorage(Buffer.alloc(4), ad), { message: 'the stored data was shorter than the required size' });
});

test('prefix transformers: first writes, any matching reads, non-first reads are stale, identity refuses ciphertext', () => {
  const k1 = new AesCbcTransformer(randomBytes(32));
  const k2 = new AesCbcTransformer(randomBytes(32));
  const p = (s: string) => Buffer.from(s);
  const oldCfg = new PrefixTransformers([{ prefix: p('k8s:enc:aescbc:v1:key1:'), transformer: k1 }], 'no matching prefix found');
  const newCfg = new PrefixTransformers(
    [
      { prefix: p('k8s:enc:aescbc:v1:key2:'), transformer: k2 },
      { prefix: p('k8s:enc:aescbc:v1:key1:'), transformer: k1 },
      { prefix: Buffer.alloc(0), transformer: identityTransformer },
    ],
    'no matching prefix found',
  );
  const old = oldCfg.toStorage(p('v1'), ad);
  assert.ok(old.toString('latin1').startsWith('k8s:enc:aescbc:v1:key1:'));
  assert.deepEqual(newCfg.fromStorage(old, ad), { data: p('v1'), stale: true });
  const fresh = newCfg.toStorage(p('v2'), ad);
  assert.ok(fresh.toString('latin1').startsWith('k8s:enc:aescbc:v1:key2:'));
  assert.deepEqual(newCfg.fromStorage(fresh, ad), { data: p('v2'), stale: false });
  // Plain data (written before encryption was enabled) is read by identity, stale.
  assert.deepEqual(newCfg.fromStorage(p('{"kind":"Secret"}'), ad), { data: p('{"kind":"Secret"}'), stale: true });
  // Without identity, plain data has no matching prefix; the old key alone cannot read key2 data.
  assert.throws(() => oldCfg.fromStorage(p('{"kind":"Secret"}'), ad), { message: 'no matching prefix found' });
  assert.throws(() => oldCfg.fromStorage(fresh, ad), { message: 'no matching prefix found' });
  assert.throws(() => identityTransformer.fromStorage(old, ad), { message: 'identity transformer tried to read encrypted data' });
});
