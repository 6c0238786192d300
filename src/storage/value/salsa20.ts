/**
 * Salsa20/20, HSalsa20 and XSalsa20 (D. J. Bernstein's specifications),
 * written from the primitives' definitions: OpenSSL, and so Node, has no
 * Salsa20. Only what NaCl's secretbox needs.
 */

/** "expand 32-byte k" as four little-endian words. */
const sigma = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

function load32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

function store32(b: Uint8Array, i: number, v: number): void {
  b[i] = v & 0xff;
  b[i + 1] = (v >>> 8) & 0xff;
  b[i + 2] = (v >>> 16) & 0xff;
  b[i + 3] = (v >>> 24) & 0xff;
}

function rotl(v: number, c: number): number {
  return ((v << c) | (v >>> (32 - c))) >>> 0;
}

/** Ten double rounds (column round, then row round) over x, in place. */
function doubleRounds(x: Uint32Array): void {
  for (let i = 0; i < 10; i++) {
    // Column round.
    x[4] ^= rotl((x[0] + x[12]) >>> 0, 7);
    x[8] ^= rotl((x[4] + x[0]) >>> 0, 9);
    x[12] ^= rotl((x[8] + x[4]) >>> 0, 13);
    x[0] ^= rotl((x[12] + x[8]) >>> 0, 18);
    x[9] ^= rotl((x[5] + x[1]) >>> 0, 7);
    x[13] ^= rotl((x[9] + x[5]) >>> 0, 9);
    x[1] ^= rotl((x[13] + x[9]) >>> 0, 13);
    x[5] ^= rotl((x[1] + x[13]) >>> 0, 18);
    x[14] ^= rotl((x[10] + x[6]) >>> 0, 7);
    x[2] ^= rotl((x[14] + x[10]) >>> 0, 9);
    x[6] ^= rotl((x[2] + x[14]) >>> 0, 13);
    x[10] ^= rotl((x[6] + x[2]) >>> 0, 18);
    x[3] ^= rotl((x[15] + x[11]) >>> 0, 7);
    x[7] ^= rotl((x[3] + x[15]) >>> 0, 9);
    x[11] ^= rotl((x[7] + x[3]) >>> 0, 13);
    x[15] ^= rotl((x[11] + x[7]) >>> 0, 18);
    // Row round.
    x[1] ^= rotl((x[0] + x[3]) >>> 0, 7);
    x[2] ^= rotl((x[1] + x[0]) >>> 0, 9);
    x[3] ^= rotl((x[2] + x[1]) >>> 0, 13);
    x[0] ^= rotl((x[3] + x[2]) >>> 0, 18);
    x[6] ^= rotl((x[5] + x[4]) >>> 0, 7);
    x[7] ^= rotl((x[6] + x[5]) >>> 0, 9);
    x[4] ^= rotl((x[7] + x[6]) >>> 0, 13);
    x[5] ^= rotl((x[4] + x[7]) >>> 0, 18);
    x[11] ^= rotl((x[10] + x[9]) >>> 0, 7);
    x[8] ^= rotl((x[11] + x[10]) >>> 0, 9);
    x[9] ^= rotl((x[8] + x[11]) >>> 0, 13);
    x[10] ^= rotl((x[9] + x[8]) >>> 0, 18);
    x[12] ^= rotl((x[15] + x[14]) >>> 0, 7);
    x[13] ^= rotl((x[12] + x[15]) >>> 0, 9);
    x[14] ^= rotl((x[13] + x[12]) >>> 0, 13);
    x[15] ^= rotl((x[14] + x[13]) >>> 0, 18);
  }
}

/** The input matrix: constants on the diagonal, key, and 16 bytes of nonce/counter in words 6..9. */
function initialState(key: Uint8Array, input16: Uint8Array): Uint32Array {
  const s = new Uint32Array(16);
  s[0] = sigma[0];
  s[5] = sigma[1];
  s[10] = sigma[2];
  s[15] = sigma[3];
  for (let i = 0; i < 4; i++) {
    s[1 + i] = load32(key, 4 * i);
    s[11 + i] = load32(key, 16 + 4 * i);
    s[6 + i] = load32(input16, 4 * i);
  }
  return s;
}

/** HSalsa20: derives a 32-byte subkey from a 32-byte key and a 16-byte input. */
export function hsalsa20(key: Uint8Array, input16: Uint8Array): Uint8Array {
  const x = initialState(key, input16);
  doubleRounds(x);
  const out = new Uint8Array(32);
  [0, 5, 10, 15, 6, 7, 8, 9].forEach((w, i) => store32(out, 4 * i, x[w]));
  return out;
}

/**
 * XORs `data` with the Salsa20/20 key stream of (key, 8-byte nonce), starting
 * at byte `offset` of the stream (block counter from 0).
 */
export function salsa20Xor(key: Uint8Array, nonce8: Uint8Array, data: Uint8Array, offset = 0): Uint8Array {
  const out = new Uint8Array(data.length);
  const input = new Uint8Array(16);
  input.set(nonce8, 0);
  const block = new Uint8Array(64);
  let pos = 0;
  let counter = Math.floor(offset / 64);
  let skip = offset % 64;
  while (pos < data.length) {
    // 64-bit little-endian block counter in bytes 8..15.
    let c = counter;
    for (let i = 8; i < 16; i++) {
      input[i] = c % 256;
      c = Math.floor(c / 256);
    }
    const s = initialState(key, input);
    const x = new Uint32Array(s);
    doubleRounds(x);
    for (let i = 0; i < 16; i++) store32(block, 4 * i, (x[i] + s[i]) >>> 0);
    for (let i = skip; i < 64 && pos < data.length; i++) out[pos] = data[pos++] ^ block[i];
    skip = 0;
    counter++;
  }
  return out;
}

/** The first `n` bytes of the Salsa20 key stream. */
export function salsa20Stream(key: Uint8Array, nonce8: Uint8Array, n: number): Uint8Array {
  return salsa20Xor(key, nonce8, new Uint8Array(n));
}

/** XSalsa20: HSalsa20 over the first 16 nonce bytes, Salsa20 with the last 8. */
export function xsalsa20Subkey(key: Uint8Array, nonce24: Uint8Array): { subkey: Uint8Array; nonce8: Uint8Array } {
  return { subkey: hsalsa20(key, nonce24.subarray(0, 16)), nonce8: nonce24.subarray(16, 24) };
}
