/**
 * A cache in front of a token authenticator (token/cache): results are kept
 * per (audiences, token) for a success or a failure TTL; errors are cached
 * only when asked (the webhook does not cache them). Keys are HMACs, so the
 * cache never holds a token; concurrent lookups of one key share one call.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { TokenAuthenticator, TokenResponse } from './interfaces.js';

export interface TokenCacheOptions {
  successTtlMs: number;
  failureTtlMs: number;
  /** Cache thrown errors for the failure TTL too. */
  cacheErrors?: boolean;
  /** Most entries kept (oldest dropped first); default 4096. */
  maxEntries?: number;
  now?: () => number;
}

type Outcome = { ok: true; value: TokenResponse | null } | { ok: false; error: unknown };

function copy(r: TokenResponse | null): TokenResponse | null {
  if (!r) return null;
  const u = r.user;
  const extra: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(u.extra)) extra[k] = [...v];
  return { user: { name: u.name, uid: u.uid, groups: [...u.groups], extra }, audiences: [...r.audiences] };
}

/** Wraps `inner` with a result cache. */
export function newCachedTokenAuthenticator(inner: TokenAuthenticator, opts: TokenCacheOptions): TokenAuthenticator {
  const secret = randomBytes(32);
  const now = opts.now ?? Date.now;
  const max = opts.maxEntries ?? 4096;
  const entries = new Map<string, { outcome: Outcome; expires: number }>();
  const inFlight = new Map<string, Promise<Outcome>>();

  const keyOf = (token: string, audiences: string[]) => createHmac('sha256', secret).update(JSON.stringify(audiences)).update('|').update(token).digest('base64');

  function store(key: string, outcome: Outcome): void {
    const ttl = outcome.ok ? (outcome.value ? opts.successTtlMs : opts.failureTtlMs) : opts.cacheErrors ? opts.failureTtlMs : 0;
    if (ttl <= 0) return;
    entries.delete(key);
    entries.set(key, { outcome, expires: now() + ttl });
    while (entries.size > max) entries.delete(entries.keys().next().value as string);
  }

  function settle(outcome: Outcome): TokenResponse | null {
    if (!outcome.ok) throw outcome.error;
    return copy(outcome.value);
  }

  return {
    async authenticateToken(token, audiences) {
      const key = keyOf(token, audiences);
      const hit = entries.get(key);
      if (hit && hit.expires > now()) return settle(hit.outcome);
      if (hit) entries.delete(key);
      let pending = inFlight.get(key);
      if (!pending) {
        pending = inner.authenticateToken(token, audiences).then(
          (value): Outcome => ({ ok: true, value }),
          (error: unknown): Outcome => ({ ok: false, error }),
        );
        inFlight.set(key, pending);
        void pending.then((outcome) => {
          inFlight.delete(key);
          store(key, outcome);
        });
      }
      return settle(await pending);
    },
  };
}
