/**
 * Authenticators turn a request into a user (k8s.io/apiserver/pkg/authentication).
 * A union tries each in order; the first that recognises credentials decides.
 */
import type { HttpRequest } from '../server/http.js';
import type { UserInfo } from '../endpoints/request/context.js';

/** The outcome of one authenticator: a user, no opinion (null), or an error (bad credentials). */
export type AuthenticationResult = { user: UserInfo } | null;

export interface Authenticator {
  authenticate(req: HttpRequest): Promise<AuthenticationResult> | AuthenticationResult;
}

/** Tries authenticators in order; errors from one stop the chain. */
export function unionAuthenticator(list: Authenticator[]): Authenticator {
  return {
    async authenticate(req) {
      for (const a of list) {
        const r = await a.authenticate(req);
        if (r) return r;
      }
      return null;
    },
  };
}

/** Adds `system:authenticated` as kube-apiserver does for every authenticated user. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.groups.includes('system:authenticated') || user.name === 'system:anonymous') return user;
  return { ...user, groups: [...user.groups, 'system:authenticated'] };
}
