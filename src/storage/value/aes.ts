/**
 * The AES providers, byte for byte as Kubernetes lays them out:
 *
 * - aescbc: `<16-byte random IV><AES-CBC(PKCS#7-padded value)>`, no authenticated data.
 * - aesgcm: `<12-byte random nonce><AES-GCM ciphertext><16-byte tag>`, the
 *   storage key as additional authenticated data (a value copied to another
 *   key does not decrypt).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { FromStorage, ValueTransformer } from './transformer.js';

const blockSize = 16;
const gcmNonceSize = 12;
const gcmTagSize = 16;

function cipherName(mode: 'cbc' | 'gcm', key: Buffer): 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new Error(`crypto/aes: invalid key size ${key.length}`);
  return `aes-${key.length * 8}-${mode}` as ReturnType<typeof cipherName>;
}

/** AES-CBC with PKCS#7 padding and a random IV prefix. */
export class AesCbcTransformer implements ValueTransformer {
  private readonly algorithm: string;

  constructor(private readonly key: Buffer) {
    this.algorithm = cipherName('cbc', key);
  }

  fromStorage(data: Buffer, _authenticatedData?: Buffer): FromStorage {
    if (data.length < blockSize) throw new Error('the stored data was shorter than the required size');
    const iv = data.subarray(0, blockSize);
    const body = data.subarray(blockSize);
    if (body.length % blockSize !== 0) throw new Error('the stored data is not a multiple of the block size');
    const decipher = createDecipheriv(this.algorithm, this.key, iv);
    // Padding is checked here, with Kubernetes' errors, not by OpenSSL.
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(body), decipher.final()]);
    const pad = plain.length > 0 ? plain[plain.length - 1] : 0;
    if (pad === 0 || pad > plain.length) throw new Error('invalid PKCS7 data (empty or not padded)');
    for (let i = plain.length - pad; i < plain.length; i++) {
      if (plain[i] !== pad) throw new Error('invalid padding on input');
    }
    return { data: plain.subarray(0, plain.length - pad), stale: false };
  }

  toStorage(data: Buffer, _authenticatedData?: Buffer): Buffer {
    const iv = randomBytes(blockSize);
    const pad = blockSize - (data.length % blockSize);
    const padded = Buffer.concat([data, Buffer.alloc(pad, pad)]);
    const cipher = createCipheriv(this.algorithm, this.key, iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([iv, cipher.update(padded), cipher.final()]);
  }
}

/** AES-GCM with a random 96-bit nonce prefix; the storage key is the authenticated data. */
export class AesGcmTransformer implements ValueTransformer {
  private readonly algorithm: string;

  constructor(private readonly key: Buffer) {
    this.algorithm = cipherName('gcm', key);
  }

  fromStorage(data: Buffer, authenticatedData: Buffer): FromStorage {
    if (data.length < gcmNonceSize) throw new Error('the stored data was shorter than the required size');
    if (data.length < gcmNonceSize + gcmTagSize) throw new Error('cipher: message authentication failed');
    const nonce = data.subarray(0, gcmNonceSize);
    const sealed = data.subarray(gcmNonceSize, data.length - gcmTagSize);
    const tag = data.subarray(data.length - gcmTagSize);
    const decipher = createDecipheriv(this.algorithm as 'aes-256-gcm', this.key, nonce, { authTagLength: gcmTagSize });
    decipher.setAAD(authenticatedData);
    decipher.setAuthTag(tag);
    try {
      return { data: Buffer.concat([decipher.update(sealed), decipher.final()]), stale: false };
    } catch {
      throw new Error('cipher: message authentication failed');
    }
  }

  toStorage(data: Buffer, authenticatedData: Buffer): Buffer {
    const nonce = randomBytes(gcmNonceSize);
    const cipher = createCipheriv(this.algorithm as 'aes-256-gcm', this.key, nonce, { authTagLength: gcmTagSize });
    cipher.setAAD(authenticatedData);
    const sealed = Buffer.concat([cipher.update(data), cipher.final()]);
    return Buffer.concat([nonce, sealed, cipher.getAuthTag()]);
  }
}
