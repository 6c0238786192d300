/**
 * OpenID Connect ID tokens (the `--oidc-*` flags; apiserver's oidc plugin
 * on go-oidc). The provider's keys come from
 * `<issuer>/.well-known/openid-configuration` → `jwks_uri`, fetched over
 * HTTPS trusting `--oidc-ca-file`, cached, and fetched again when a token
 * names a key the cache does not verify (at most once per refresh interval).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { UserInfo } from '../endpoints/request/context.js';
import { AuthenticationError, errorText, type TokenAuthenticator } from './interfaces.js';
import { claimAudiences, decodeUnverified, numericDate, parsePayload, untrustedIssuer, verifySignature } from './jwt.js';
import { httpCall, type TlsClientConfig } from './httpclient.js';

/** The algorithms `--oidc-signing-algs` may name. */
export const oidcAllowedSigningAlgs = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512'];

export interface OIDCAuthenticatorOptions {
  /** `--oidc-issuer-url`: must equal the tokens' `iss` and the discovery document's `issuer`. */
  issuerURL: string;
  /** `--oidc-client-id`: must be one of the tokens' `aud`. */
  clientID: string;
  /** `--oidc-username-claim` (default `sub`). */
  usernameClaim: string;
  /** The resolved username prefix (see oidcUsernamePrefix for the flag's rules). */
  usernamePrefix: string;
  /** `--oidc-groups-claim` ('' = no groups). */
  groupsClaim?: string;
  /** `--oidc-groups-prefix`. */
  groupsPrefix?: string;
  /** `--oidc-signing-algs` (default RS256). */
  signingAlgs?: string[];
  /** `--oidc-required-claim` pairs: each claim must be a string with this value. */
  requiredClaims?: Record<string, string>;
  /** PEM bundle of `--oidc-ca-file`; unset = the system roots. */
  caPem?: string;
  /** Least time between two key fetches caused by unknown keys (default 10 s). */
  keyRefreshMinIntervalMs?: number;
  /** Least time between two discovery attempts after a failure (default 10 s, as Kubernetes' retry). */
  initRetryIntervalMs?: number;
  /** Clock in ms (tests). */
  now?: () => number;
  /** Fetch the provider now instead of at the first token (default true). */
  eagerInit?: boolean;
}

/**
 * `--oidc-username-prefix` as kube-apiserver resolves it: unset means
 * `<issuer>#` unless the claim is `email`; `-` means no prefix.
 */
export function oidcUsernamePrefix(flag: string, usernameClaim: string, issuerURL: string): string {
  if (flag === '-') return '';
  if (flag === '' && usernameClaim !== 'email') return `${issuerURL}#`;
  return flag;
}

interface ProviderKey {
  kid: string;
  key: KeyObject;
}

/** A running OIDC authenticator (it keeps no timers: fetches happen on demand). */
export interface OIDCAuthenticator extends TokenAuthenticator {
  /** Resolves once discovery and the first key fetch succeeded (tests, readiness). */
  ready(): Promise<void>;
  /** How many times the key set was fetched. */
  readonly keyFetches: number;
}

function keysFromJwks(doc: unknown): ProviderKey[] {
  const list = typeof doc === 'object' && doc !== null && Array.isArray((doc as { keys?: unknown }).keys) ? ((doc as { keys: unknown[] }).keys) : undefined;
  if (!list) throw new Error('oidc: failed to decode keys: no "keys" array');
  const out: ProviderKey[] = [];
  for (const jwk of list) {
    if (typeof jwk !== 'object' || jwk === null) continue;
    const j = jwk as Record<string, unknown>;
    if (j.use !== undefined && j.use !== 'sig') continue;
    try {
      const key = createPublicKey({ key: j as import('node:crypto').JsonWebKey, format: 'jwk' });
      out.push({ kid: typeof j.kid === 'string' ? j.kid : '', key });
    } catch {
      /* a key type we cannot use */
    }
  }
  return out;
}

function stringClaim(claims: Record<string, unknown>, name: string, what: string): string {
  if (!(name in claims)) throw new AuthenticationError(`oidc: parse ${what} ${JSON.stringify(name)}: claim not present`);
  const v = claims[name];
  if (typeof v !== 'string') throw new AuthenticationError(`oidc: parse ${what} ${JSON.stringify(name)}: json: cannot unmarshal ${typeof v} into Go value of type string`);
  return v;
}

/** Creates the OIDC token authenticator. */
export function newOIDCAuthenticator(opts: OIDCAuthenticatorOptions): OIDCAuthenticator {
  const algs = opts.signingAlgs && opts.signingAlgs.length > 0 ? opts.signingAlgs : ['RS256'];
  for (const a of algs) if (!oidcAllowedSigningAlgs.includes(a)) throw new Error(`oidc: unsupported signing alg: ${JSON.stringify(a)}`);
  const now = opts.now ?? Date.now;
  const refreshEvery = opts.keyRefreshMinIntervalMs ?? 10_000;
  const retryEvery = opts.initRetryIntervalMs ?? 10_000;
  const tls: TlsClientConfig = opts.caPem ? { ca: opts.caPem } : {};
  const discoveryURL = `${opts.issuerURL.replace(/\/$/, '')}/.well-known/openid-configuration`;

  let jwksURI: string | undefined;
  let keys: ProviderKey[] = [];
  let keyFetches = 0;
  let lastKeyFetch = 0;
  let inFlightKeys: Promise<ProviderKey[]> | undefined;
  let init: Promise<void> | undefined;
  let lastInitFailure = -Infinity;

  async function getJson(url: string): Promise<unknown> {
    const r = await httpCall(url, { method: 'GET', headers: { accept: 'application/json' }, tls, timeoutMs: 30_000 });
    if (r.status !== 200) throw new Error(`${r.status} ${r.body.toString('utf8').slice(0, 200)}`);
    return JSON.parse(r.body.toString('utf8')) as unknown;
  }

  function fetchKeys(): Promise<ProviderKey[]> {
    inFlightKeys ??= (async () => {
      try {
        keyFetches++;
        lastKeyFetch = now();
        const fetched = keysFromJwks(await getJson(jwksURI ?? ''));
        keys = fetched;
        return fetched;
      } finally {
        inFlightKeys = undefined;
      }
    })();
    return inFlightKeys;
  }

  async function discover(): Promise<void> {
    const doc = (await getJson(discoveryURL)) as Record<string, unknown>;
    if (doc.issuer !== opts.issuerURL) {
      throw new Error(`oidc: issuer did not match the issuer returned by provider, expected ${JSON.stringify(opts.issuerURL)} got ${JSON.stringify(doc.issuer)}`);
    }
    if (typeof doc.jwks_uri !== 'string' || doc.jwks_uri === '') throw new Error('oidc: provider metadata has no jwks_uri');
    jwksURI = doc.jwks_uri;
    await fetchKeys();
  }

  function ensureInit(): Promise<void> {
    if (init) return init;
    if (now() - lastInitFailure < retryEvery) return Promise.reject(new AuthenticationError('oidc: authenticator not initialized'));
    init = discover().catch((err: unknown) => {
      init = undefined;
      lastInitFailure = now();
      throw new AuthenticationError(`oidc: authenticator not initialized: ${errorText(err)}`);
    });
    return init;
  }

  if (opts.eagerInit !== false) ensureInit().catch(() => {});

  async function verifyWith(token: string, candidates: ProviderKey[], alg: string): Promise<Uint8Array | undefined> {
    for (const k of candidates) {
      try {
        return await verifySignature(token, k.key, [alg]);
      } catch {
        /* try the next key */
      }
    }
    return undefined;
  }

  async function verify(token: string, kid: string, alg: string): Promise<Uint8Array> {
    const pick = (list: ProviderKey[]) => list.filter((k) => kid === '' || k.kid === kid);
    const cached = await verifyWith(token, pick(keys), alg);
    if (cached) return cached;
    // A key the cache does not know: the provider may have rotated. Refetch, but not too often.
    if (now() - lastKeyFetch < refreshEvery && !inFlightKeys) {
      throw new AuthenticationError('oidc: verify token: failed to verify signature: failed to verify id token signature');
    }
    let fresh: ProviderKey[];
    try {
      fresh = await fetchKeys();
    } catch (err) {
      throw new AuthenticationError(`oidc: verify token: failed to verify signature: fetching keys ${errorText(err)}`);
    }
    const payload = await verifyWith(token, pick(fresh), alg);
    if (!payload) throw new AuthenticationError('oidc: verify token: failed to verify signature: failed to verify id token signature');
    return payload;
  }

  function userOf(claims: Record<string, unknown>): UserInfo {
    let username = stringClaim(claims, opts.usernameClaim, 'username claims');
    if (opts.usernameClaim === 'email' && 'email_verified' in claims) {
      const v = claims.email_verified;
      if (typeof v !== 'boolean') throw new AuthenticationError(`oidc: parse 'email_verified' claim: json: cannot unmarshal ${typeof v} into Go value of type bool`);
      if (!v) throw new AuthenticationError('oidc: email not verified');
    }
    if (opts.usernamePrefix) username = opts.usernamePrefix + username;
    let groups: string[] = [];
    const gc = opts.groupsClaim ?? '';
    if (gc !== '' && gc in claims) {
      const v = claims[gc];
      if (typeof v === 'string') groups = [v];
      else if (Array.isArray(v) && v.every((g) => typeof g === 'string')) groups = [...(v as string[])];
      else throw new AuthenticationError(`oidc: parse groups claim ${JSON.stringify(gc)}: json: cannot unmarshal into Go value of type []string`);
      if (opts.groupsPrefix) groups = groups.map((g) => opts.groupsPrefix + g);
    }
    for (const [claim, value] of Object.entries(opts.requiredClaims ?? {})) {
      if (!(claim in claims)) throw new AuthenticationError(`oidc: required claim ${claim} not present in ID token`);
      const got = claims[claim];
      if (typeof got !== 'string') throw new AuthenticationError(`oidc: parse claim ${claim}: json: cannot unmarshal ${typeof got} into Go value of type string`);
      if (got !== value) throw new AuthenticationError(`oidc: required claim ${claim} value does not match. Got = ${got}, want = ${value}`);
    }
    return { name: username, uid: '', groups, extra: {} };
  }

  return {
    get keyFetches() {
      return keyFetches;
    },
    ready: () => ensureInit(),
    async authenticateToken(token) {
      if (untrustedIssuer(token) !== opts.issuerURL) return null;
      await ensureInit();
      const jwt = decodeUnverified(token);
      if (!jwt) throw new AuthenticationError('oidc: verify token: oidc: malformed jwt');
      const alg = typeof jwt.header.alg === 'string' ? jwt.header.alg : '';
      if (!algs.includes(alg)) {
        throw new AuthenticationError(`oidc: verify token: oidc: id token signed with unsupported algorithm, expected ${JSON.stringify(algs)} got ${JSON.stringify(alg)}`);
      }
      // Claims first, as go-oidc does, then the signature.
      const aud = claimAudiences(jwt.payload.aud);
      if (!aud) throw new AuthenticationError('oidc: verify token: oidc: malformed jwt payload: aud');
      if (!aud.includes(opts.clientID)) {
        throw new AuthenticationError(`oidc: verify token: oidc: expected audience ${JSON.stringify(opts.clientID)} got ${JSON.stringify(aud)}`);
      }
      const exp = numericDate(jwt.payload.exp);
      const nbf = numericDate(jwt.payload.nbf);
      if (exp === undefined || nbf === undefined) throw new AuthenticationError('oidc: verify token: oidc: malformed jwt payload');
      const t = now();
      // go-oidc: no leeway on exp (a token without exp is expired), five minutes on nbf.
      if (exp === null || exp * 1000 < t) throw new AuthenticationError('oidc: verify token: oidc: token is expired');
      if (nbf !== null && t + 5 * 60_000 < nbf * 1000) throw new AuthenticationError('oidc: verify token: oidc: current time before the nbf (not before) time');
      const kid = typeof jwt.header.kid === 'string' ? jwt.header.kid : '';
      const verified = await verify(token, kid, alg);
      let claims: Record<string, unknown>;
      try {
        claims = parsePayload(verified);
      } catch (err) {
        throw new AuthenticationError(`oidc: parse claims: ${errorText(err)}`);
      }
      if (claims.iss !== opts.issuerURL) throw new AuthenticationError('oidc: verify token: oidc: id token issued by a different provider');
      return { user: userOf(claims), audiences: [] };
    },
  };
}
