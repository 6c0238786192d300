/**
 * ServiceAccount key material: reading `--service-account-key-file` (PEM
 * RSA or ECDSA public keys, private keys or certificates, several per file)
 * and `--service-account-signing-key-file`, signing tokens with RS256 or the
 * ES algorithm of the key's curve, and the JWKS document of the keys.
 */
import { createPrivateKey, createPublicKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JsonObject } from '../runtime/object.js';
import { algorithmsForKey } from './jwt.js';
import { keyIdOf } from './serviceaccount.js';

const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function publicKeyOfBlock(label: string, pem: string): KeyObject | undefined {
  try {
    switch (label) {
      case 'CERTIFICATE':
        return new X509Certificate(pem).publicKey;
      case 'PUBLIC KEY':
      case 'RSA PUBLIC KEY':
        return createPublicKey(pem);
      case 'PRIVATE KEY':
      case 'RSA PRIVATE KEY':
      case 'EC PRIVATE KEY':
        return createPublicKey(createPrivateKey(pem));
      default:
        return undefined; // e.g. "EC PARAMETERS": tolerated, ignored
    }
  } catch {
    return undefined;
  }
}

/** Every RSA or ECDSA public key in PEM data (keyutil.ParsePublicKeysPEM). */
export function parsePublicKeysPem(data: string): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const m of data.matchAll(pemBlock)) {
    const key = publicKeyOfBlock(m[1], m[0]);
    if (key && (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'ec')) keys.push(key);
  }
  if (keys.length === 0) throw new Error('data does not contain any valid RSA or ECDSA public keys');
  return keys;
}

/** Reads the public keys of one `--service-account-key-file`. */
export function readPublicKeysFile(path: string): KeyObject[] {
  let data: string;
  try {
    data = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`error reading public key file ${path}: ${(err as Error).message}`);
  }
  try {
    return parsePublicKeysPem(data);
  } catch (err) {
    throw new Error(`error reading public key file ${path}: ${(err as Error).message}`);
  }
}

/** Signs ServiceAccount tokens (what TokenRequest needs from the signing key). */
export interface ServiceAccountTokenSigner {
  /** The `iss` of issued tokens (the first --service-account-issuer). */
  readonly issuer: string;
  /** The `kid` header (see keyIdOf). */
  readonly keyId: string;
  /** RS256 for RSA keys; ES256, ES384 or ES512 for P-256, P-384, P-521 keys. */
  readonly algorithm: string;
  /** The public half, for verification and the JWKS document. */
  readonly publicKey: KeyObject;
  /** A compact JWS of `claims`. */
  sign(claims: JsonObject): string;
}

const hashOf: Record<string, string> = { RS256: 'sha256', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };

/** A signer for a PEM private key (RSA or ECDSA on P-256/P-384/P-521), as JWTTokenGenerator builds one. */
export function newServiceAccountTokenSigner(privateKeyPem: string, issuer: string): ServiceAccountTokenSigner {
  const key = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(key);
  let algorithm: string;
  if (key.asymmetricKeyType === 'rsa') algorithm = 'RS256';
  else if (key.asymmetricKeyType === 'ec' && algorithmsForKey(publicKey).length === 1) algorithm = algorithmsForKey(publicKey)[0];
  else if (key.asymmetricKeyType === 'ec') throw new Error('unknown private key curve, must be 256, 384, or 521');
  else throw new Error(`unknown private key type ${key.asymmetricKeyType ?? ''}, must be RSA or ECDSA`);
  const keyId = keyIdOf(publicKey);
  const headerB64 = Buffer.from(JSON.stringify({ alg: algorithm, kid: keyId })).toString('base64url');
  return {
    issuer,
    keyId,
    algorithm,
    publicKey,
    sign(claims) {
      const input = `${headerB64}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      const sig = sign(hashOf[algorithm], Buffer.from(input), key.asymmetricKeyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key);
      return `${input}.${sig.toString('base64url')}`;
    },
  };
}

/** Reads `--service-account-signing-key-file` (a PEM private key). */
export function readSigningKeyFile(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`failed to parse service-account-issuer-key-file: ${(err as Error).message}`);
  }
  try {
    createPrivateKey(pem);
  } catch (err) {
    throw new Error(`failed to parse service-account-issuer-key-file: ${(err as Error).message}`);
  }
  return pem;
}

/** The JWKS document of verification keys (what /openid/v1/jwks serves): `{"keys":[{use,kty,kid,alg,...}]}`. */
export function publicKeysJwks(keys: KeyObject[]): JsonObject {
  const out: JsonObject[] = [];
  for (const key of keys) {
    const alg = key.asymmetricKeyType === 'rsa' ? 'RS256' : algorithmsForKey(key)[0];
    if (!alg) continue;
    const jwk = key.export({ format: 'jwk' }) as Record<string, string>;
    const entry: JsonObject = { use: 'sig', kty: jwk.kty, kid: keyIdOf(key), alg };
    if (jwk.kty === 'RSA') {
      entry.n = jwk.n;
      entry.e = jwk.e;
    } else {
      entry.crv = jwk.crv;
      entry.x = jwk.x;
      entry.y = jwk.y;
    }
    out.push(entry);
  }
  return { keys: out };
}
