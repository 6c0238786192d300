/**
 * Small JWT helpers shared by the ServiceAccount and OIDC authenticators:
 * unverified peeking (to route a token to the authenticator of its issuer),
 * claim shapes, the algorithms a public key may verify, and signature
 * checks with `jose`.
 */
import type { KeyObject } from 'node:crypto';
import { compactVerify } from 'jose';

/** The unverified header and payload of a compact JWS. Never trust them before the signature is checked. */
export interface UnverifiedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Strict unpadded base64url (Go's RawURLEncoding); undefined when malformed. */
export function decodeRawBase64Url(s: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined;
  return Buffer.from(s, 'base64url');
}

function decodeJsonSegment(s: string): Record<string, unknown> | undefined {
  const raw = decodeRawBase64Url(s);
  if (!raw) return undefined;
  try {
    const v: unknown = JSON.parse(raw.toString('utf8'));
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Splits and decodes a compact JWS without verifying it; undefined when it is not one. */
export function decodeUnverified(token: string): UnverifiedJwt | undefined {
  if (token.trim().startsWith('{')) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = decodeJsonSegment(parts[0]);
  const payload = decodeJsonSegment(parts[1]);
  if (!header || !payload) return undefined;
  return { header, payload };
}

/** The unverified `iss` of a token (only to choose who verifies it), or undefined. */
export function untrustedIssuer(token: string): string | undefined {
  if (token.trim().startsWith('{')) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const payload = decodeJsonSegment(parts[1]);
  return payload && typeof payload.iss === 'string' ? payload.iss : undefined;
}

/** The `aud` claim as a list (a string or an array of strings); undefined when malformed. */
export function claimAudiences(aud: unknown): string[] | undefined {
  if (aud === undefined || aud === null) return [];
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) return aud as string[];
  return undefined;
}

/** A NumericDate claim in seconds: null when absent, undefined when malformed. */
export function numericDate(v: unknown): number | null | undefined {
  if (v === undefined || v === null) return null;
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : undefined;
}

/** Go's `%q` of a string list: `["a" "b"]`. */
export function goQuotedList(list: string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/** The JWS algorithms a public key can verify (RSA: RS256-512 and PS256-512; ECDSA: the ES algorithm of its curve). */
export function algorithmsForKey(key: KeyObject): string[] {
  if (key.asymmetricKeyType === 'rsa') return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return ['ES256'];
    if (curve === 'secp384r1') return ['ES384'];
    if (curve === 'secp521r1') return ['ES512'];
  }
  return [];
}

/**
 * Verifies the signature of `token` with `key`, allowing only `algorithms`
 * (further narrowed to what the key can do). Resolves to the verified
 * payload bytes; rejects with jose's error otherwise.
 */
export async function verifySignature(token: string, key: KeyObject, algorithms: string[]): Promise<Uint8Array> {
  const allowed = algorithmsForKey(key).filter((a) => algorithms.includes(a));
  if (allowed.length === 0) throw new Error(`key of type ${key.asymmetricKeyType ?? 'unknown'} cannot verify ${algorithms.join(', ')}`);
  const { payload } = await compactVerify(token, key, { algorithms: allowed });
  return payload;
}

/** Parses verified payload bytes as a JSON object. */
export function parsePayload(payload: Uint8Array): Record<string, unknown> {
  const v: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
  if (!isRecord(v)) throw new Error('token payload is not a JSON object');
  return v;
}
