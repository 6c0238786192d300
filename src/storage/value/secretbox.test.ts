/** NaCl secretbox against published vectors, and the provider's at-rest layout. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { secretboxOpen, secretboxSeal, SecretboxTransformer } from './secretbox.js';
import { poly1305 } from './poly1305.js';

test('poly1305 matches RFC 8439 §2.5.2', () => {
  const key = Buffer.from('85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b', 'hex');
  const msg = Buffer.from('Cryptographic Forum Research Group');
  assert.equal(Buffer.from(poly1305(key, msg)).toString('hex'), 'a8061dc1305136c6c22b8baf0c0127a9');
});

test('secretbox matches the NaCl reference vector (key 0x01.., nonce 0x02.., message 0x03..)', () => {
  const box = secretboxSeal(Buffer.alloc(64, 3), Buffer.alloc(24, 2), Buffer.alloc(32, 1));
  assert.equal(
    box.toString('hex'),
    '8442bc313f4626f1359e3b50122b6ce6fe66ddfe7d39d14e637eb4fd5b45beadab55198df6ab5368439792a23c87db70acb6156dc5ef957ac04f6276cf6093b84be77ff0849cc33e34b7254d5a8f65ad',
  );
});

test('secretbox round-trips every length and refuses any altered byte', () => {
  const key = randomBytes(32);
  const nonce = randomBytes(24);
  for (let n = 0; n < 200; n += 17) {
    const m = randomBytes(n);
    const box = secretboxSeal(m, nonce, key);
    assert.equal(box.length, n + 16);
    assert.deepEqual(secretboxOpen(box, nonce, key), m);
    for (let i = 0; i < box.length; i += 7) {
      const bad = Buffer.from(box);
      bad[i] ^= 0x20;
      assert.equal(secretboxOpen(bad, nonce, key), null);
    }
  }
});

test('the provider stores nonce ‖ box and fails cleanly with another key', () => {
  const t = new SecretboxTransformer(randomBytes(32));
  const stored = t.toStorage(Buffer.from('{"kind":"Secret"}'));
  assert.equal(stored.length, 24 + 16 + 17);
  assert.equal(t.fromStorage(stored).data.toString(), '{"kind":"Secret"}');
  assert.throws(() => new SecretboxTransformer(randomBytes(32)).fromStorage(stored), /output array was not large enough for encryption/);
  assert.throws(() => t.fromStorage(stored.subarray(0, 30)), /shorter than the required size/);
});
