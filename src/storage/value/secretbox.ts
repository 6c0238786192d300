/**
 * NaCl secretbox (XSalsa20-Poly1305) and the `secretbox` provider.
 *
 * secretbox.seal(m, n, k): subkey = HSalsa20(k, n[0:16]); stream =
 * Salsa20(subkey, n[16:24]); the first 32 stream bytes are the Poly1305 key,
 * the message is XORed with the stream from byte 32; output = tag ‖ ciphertext.
 * ChaCha20-Poly1305 (which Node has) is a different construction.
 *
 * At rest (Kubernetes' layout): `<24-byte random nonce><secretbox output>`.
 */
import { randomBytes } from 'node:crypto';
import { poly1305, poly1305Verify } from './poly1305.js';
import { salsa20Stream, salsa20Xor, xsalsa20Subkey } from './salsa20.js';
import type { FromStorage, ValueTransformer } from './transformer.js';

/** Bytes secretbox adds to a message (the Poly1305 tag). */
export const secretboxOverhead = 16;
const nonceSize = 24;

/** Seals `message` with a 24-byte nonce and a 32-byte key. */
export function secretboxSeal(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Buffer {
  if (key.length !== 32) throw new Error('secretbox: key must be 32 bytes');
  if (nonce.length !== nonceSize) throw new Error('secretbox: nonce must be 24 bytes');
  const { subkey, nonce8 } = xsalsa20Subkey(key, nonce);
  const polyKey = salsa20Stream(subkey, nonce8, 32);
  // The message is XORed with the stream from byte 32 on (the rest of block 0, then the next blocks).
  const ciphertext = salsa20Xor(subkey, nonce8, message, 32);
  return Buffer.concat([poly1305(polyKey, ciphertext), ciphertext]);
}

/** Opens a box; null when it was not sealed with this key and nonce (or was altered). */
export function secretboxOpen(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Buffer | null {
  if (key.length !== 32 || nonce.length !== nonceSize || box.length < secretboxOverhead) return null;
  const { subkey, nonce8 } = xsalsa20Subkey(key, nonce);
  const polyKey = salsa20Stream(subkey, nonce8, 32);
  const tag = box.subarray(0, secretboxOverhead);
  const ciphertext = box.subarray(secretboxOverhead);
  if (!poly1305Verify(polyKey, ciphertext, tag)) return null;
  return Buffer.from(salsa20Xor(subkey, nonce8, ciphertext, 32));
}

/** The `secretbox` provider's transformer for one 32-byte key. */
export class SecretboxTransformer implements ValueTransformer {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error(`expected key size 32 for secretbox provider, got ${key.length}`);
  }

  fromStorage(data: Buffer, _authenticatedData?: Buffer): FromStorage {
    if (data.length < secretboxOverhead + nonceSize) throw new Error('the stored data was shorter than the required size');
    const opened = secretboxOpen(data.subarray(nonceSize), data.subarray(0, nonceSize), this.key);
    // Kubernetes reports every failed open with this (misleading) text.
    if (opened === null) throw new Error('output array was not large enough for encryption');
    return { data: opened, stale: false };
  }

  toStorage(data: Buffer, _authenticatedData?: Buffer): Buffer {
    const nonce = randomBytes(nonceSize);
    return Buffer.concat([nonce, secretboxSeal(data, nonce, this.key)]);
  }
}
