/**
 * Authorizers decide on request attributes (k8s.io/apiserver/pkg/authorization):
 * the first authorizer with an opinion (allow or deny) wins.
 */
import type { UserInfo } from '../endpoints/request/context.js';

export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
  path: string;
}

export type Decision = 'Allow' | 'Deny' | 'NoOpinion';

export interface Authorizer {
  authorize(a: AuthorizationAttributes): Promise<{ decision: Decision; reason: string }> | { decision: Decision; reason: string };
}

/** Allows everything for members of `system:masters` (the privileged group). */
export function newPrivilegedGroupAuthorizer(group = 'system:masters'): Authorizer {
  return {
    authorize: (a) => (a.user.groups.includes(group) ? { decision: 'Allow', reason: '' } : { decision: 'NoOpinion', reason: '' }),
  };
}

/** Runs authorizers in order; the first Allow or Deny wins. */
export function unionAuthorizer(list: Authorizer[]): Authorizer {
  return {
    async authorize(a) {
      const reasons: string[] = [];
      for (const z of list) {
        const r = await z.authorize(a);
        if (r.decision !== 'NoOpinion') return r;
        if (r.reason) reasons.push(r.reason);
      }
      return { decision: 'NoOpinion', reason: reasons.join(', ') };
    },
  };
}

/** The text kube-apiserver puts after `is forbidden: `. */
export function forbiddenMessage(a: AuthorizationAttributes, reason: string): string {
  const who = `User "${a.user.name}"`;
  let msg: string;
  if (!a.isResourceRequest) {
    msg = `${who} cannot ${a.verb} path "${a.path}"`;
  } else {
    const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    msg = `${who} cannot ${a.verb} resource "${res}" in API group "${a.apiGroup}"`;
    msg += a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  }
  return reason ? `${msg}: ${reason}` : msg;
}
