/**
 * The anonymous authenticator (request/anonymous): a request that carries no
 * credentials becomes `system:anonymous` in `system:unauthenticated`. It is
 * always last, behind a fail-on-error union, so bad credentials stay 401.
 */
import type { HttpRequest } from '../server/http.js';
import { allUnauthenticated, anonymousUser, type Authenticator } from './interfaces.js';

export interface AnonymousOptions {
  /**
   * Only requests whose path passes are anonymous (AuthenticationConfiguration's
   * `anonymous.conditions[].path`); others get no user (401). Unset: every path.
   */
  paths?: (path: string) => boolean;
}

/** The request path without the query string. */
function pathOf(req: HttpRequest): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** A fresh anonymous UserInfo. */
export function anonymousUserInfo(): { name: string; uid: string; groups: string[]; extra: Record<string, string[]> } {
  return { name: anonymousUser, uid: '', groups: [allUnauthenticated], extra: {} };
}

/** The anonymous authenticator. */
export function newAnonymousAuthenticator(opts: AnonymousOptions = {}): Authenticator {
  return {
    authenticate(req) {
      if (opts.paths && !opts.paths(pathOf(req))) return null;
      return { user: anonymousUserInfo() };
    },
  };
}
