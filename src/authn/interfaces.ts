/**
 * Authenticators turn a request into a user (k8s.io/apiserver/pkg/authentication).
 *
 * Every authenticator here answers in one of three ways:
 *  - `{ user }`: the credentials it understands are valid;
 *  - `null`: no credentials of its kind (no opinion; the next one is asked);
 *  - it throws an {@link AuthenticationError}: credentials of its kind are
 *    present but invalid (unknown token, expired, bad signature, ...).
 *
 * A union asks its members in order and the first success wins, even after
 * another member failed (Kubernetes' union). When none succeeded and one
 * failed, the union throws the aggregate AuthenticationError, so a bad
 * credential never becomes "anonymous". AuthenticationError is a StatusError
 * carrying the fixed 401 Status (`message: "Unauthorized"`): why it failed
 * (`detail`) is for server logs and TokenReview only, never for the client.
 */
import type { HttpRequest } from '../server/http.js';
import type { UserInfo } from '../endpoints/request/context.js';
import { newUnauthorized, StatusError } from '../runtime/errors.js';

/** The outcome of one authenticator: a user, or null for "no credentials of my kind". */
export type AuthenticationResult = { user: UserInfo } | null;

/** Authenticates a whole request (authenticator.Request). */
export interface Authenticator {
  authenticate(req: HttpRequest): Promise<AuthenticationResult> | AuthenticationResult;
}

/** What a token authenticator answers: the user and the audiences the token is valid for. */
export interface TokenResponse {
  user: UserInfo;
  audiences: string[];
}

/**
 * Authenticates a bearer token (authenticator.Token). `audiences` are the
 * audiences the caller needs the token to be valid for (the API audiences
 * for requests, spec.audiences for TokenReview); empty means "not limited".
 */
export interface TokenAuthenticator {
  authenticateToken(token: string, audiences: string[]): Promise<TokenResponse | null>;
}

/** Anonymous requests' identity. */
export const anonymousUser = 'system:anonymous';
export const allUnauthenticated = 'system:unauthenticated';
export const allAuthenticated = 'system:authenticated';

/**
 * Credentials were present but invalid. Written to the client as the plain
 * 401 Status; `detail` says why (for logs and TokenReview's status.error).
 */
export class AuthenticationError extends StatusError {
  readonly detail: string;

  constructor(detail: string) {
    super(newUnauthorized().status);
    this.name = 'AuthenticationError';
    this.detail = detail;
  }
}

/** The text of an error for an aggregate: AuthenticationError's detail, else its message. */
export function errorText(err: unknown): string {
  if (err instanceof AuthenticationError) return err.detail;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Joins error texts as Kubernetes' aggregate error does: one → itself, several (deduplicated) → `[a, b]`. */
export function aggregateText(texts: string[]): string {
  const unique = [...new Set(texts)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

/** Tries request authenticators in order; the first success wins, failures are thrown together only when none succeeded. */
export function unionAuthenticator(list: Authenticator[]): Authenticator {
  return {
    async authenticate(req) {
      const errs: string[] = [];
      for (const a of list) {
        try {
          const r = await a.authenticate(req);
          if (r) return r;
        } catch (err) {
          errs.push(errorText(err));
        }
      }
      if (errs.length > 0) throw new AuthenticationError(aggregateText(errs));
      return null;
    },
  };
}

/**
 * Tries `first`; only when it has no opinion (null, no error) is `fallback`
 * asked. An error from `first` stops the chain (union.NewFailOnError): a bad
 * credential is not retried as anonymous.
 */
export function failOnErrorUnion(first: Authenticator, fallback: Authenticator): Authenticator {
  return {
    async authenticate(req) {
      const r = await first.authenticate(req);
      return r ?? (await fallback.authenticate(req));
    },
  };
}

/** Tries token authenticators in order (token/union): the first success wins. */
export function unionTokenAuthenticator(list: TokenAuthenticator[]): TokenAuthenticator {
  return {
    async authenticateToken(token, audiences) {
      const errs: string[] = [];
      for (const a of list) {
        try {
          const r = await a.authenticateToken(token, audiences);
          if (r) return r;
        } catch (err) {
          errs.push(errorText(err));
        }
      }
      if (errs.length > 0) throw new AuthenticationError(aggregateText(errs));
      return null;
    },
  };
}

/** The members of `a` that are also in `b`, in `a`'s order. */
export function intersectAudiences(a: string[], b: string[]): string[] {
  const set = new Set(b);
  return a.filter((x) => set.has(x));
}

/**
 * Restricts a token authenticator that knows nothing of audiences to the
 * server's own (WrapAudienceAgnosticToken): a token asked for other
 * audiences is not its business, a success is valid for the intersection.
 */
export function audienceAgnostic(implicit: string[], delegate: TokenAuthenticator): TokenAuthenticator {
  return {
    async authenticateToken(token, audiences) {
      if (audiences.length === 0) return delegate.authenticateToken(token, audiences);
      const auds = intersectAudiences(implicit, audiences);
      if (auds.length === 0) return null;
      const r = await delegate.authenticateToken(token, audiences);
      return r ? { user: r.user, audiences: auds } : null;
    },
  };
}

/**
 * Adds `system:authenticated` as kube-apiserver does for every authenticated
 * user, except the anonymous user and users that already carry
 * `system:authenticated` or `system:unauthenticated`.
 */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.name === anonymousUser) return user;
  if (user.groups.includes(allAuthenticated) || user.groups.includes(allUnauthenticated)) return user;
  return { ...user, groups: [...user.groups, allAuthenticated] };
}

/** A request header as one string (first value), or '' when absent. */
export function headerValue(req: HttpRequest, name: string): string {
  const v = req.headers[name.toLowerCase()];
  if (v === undefined) return '';
  return Array.isArray(v) ? (v[0] ?? '') : String(v);
}
