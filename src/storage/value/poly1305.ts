/**
 * Poly1305 one-time authenticator (RFC 8439 §2.5), written from the
 * definition with BigInt arithmetic modulo 2^130 - 5. Values kept at rest
 * are small (at most a few MiB), so clarity wins over speed here.
 */
import { timingSafeEqual } from 'node:crypto';

const p = (1n << 130n) - 5n;
const clampMask = 0x0ffffffc0ffffffc0ffffffc0fffffffn;
const mask128 = (1n << 128n) - 1n;

function leBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

/** The 16-byte tag of `msg` under the 32-byte one-time key. */
export function poly1305(key: Uint8Array, msg: Uint8Array): Uint8Array {
  if (key.length !== 32) throw new Error('poly1305: key must be 32 bytes');
  const r = leBigInt(key.subarray(0, 16)) & clampMask;
  const s = leBigInt(key.subarray(16, 32));
  let acc = 0n;
  for (let i = 0; i < msg.length; i += 16) {
    const chunk = msg.subarray(i, Math.min(i + 16, msg.length));
    // Each block gets a one bit above its last byte.
    const n = leBigInt(chunk) | (1n << BigInt(8 * chunk.length));
    acc = ((acc + n) * r) % p;
  }
  let tag = (acc + s) & mask128;
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    out[i] = Number(tag & 0xffn);
    tag >>= 8n;
  }
  return out;
}

/** Constant-time check of a tag. */
export function poly1305Verify(key: Uint8Array, msg: Uint8Array, tag: Uint8Array): boolean {
  if (tag.length !== 16) return false;
  return timingSafeEqual(poly1305(key, msg), tag);
}
