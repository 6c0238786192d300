/**
 * Impersonation (endpoints/filters/impersonation): `Impersonate-User`,
 * `Impersonate-Group` (repeatable), `Impersonate-Uid` and
 * `Impersonate-Extra-<key>` (repeatable) replace the authenticated user,
 * after the authorizer allowed the requesting user the verb `impersonate`
 * on each: `users`, `serviceaccounts` (namespaced, for
 * `system:serviceaccount:<ns>:<name>`), `groups`, `uids` and
 * `userextras/<key>` (the last two in group authentication.k8s.io).
 * Runs after authentication and before authorization.
 */
import type { HttpHandler, HttpRequest } from '../../server/http.js';
import type { Filter } from '../../server/chain.js';
import type { AuthorizationAttributes, Authorizer } from '../../authz/interfaces.js';
import { forbiddenMessage } from '../../authz/interfaces.js';
import { newBadRequest, newForbidden, newInternalError } from '../../runtime/errors.js';
import { contextOf, type UserInfo } from '../request/context.js';
import { allAuthenticated, allUnauthenticated, anonymousUser } from '../../authn/interfaces.js';
import { makeServiceAccountUsername, serviceAccountGroups, splitServiceAccountUsername } from '../../authn/serviceaccount.js';

export const impersonateUserHeader = 'impersonate-user';
export const impersonateGroupHeader = 'impersonate-group';
export const impersonateUidHeader = 'impersonate-uid';
export const impersonateExtraHeaderPrefix = 'impersonate-extra-';

/** One thing asked to be impersonated (an ObjectReference in Kubernetes). */
export interface ImpersonationRequest {
  kind: 'User' | 'ServiceAccount' | 'Group' | 'UserExtra' | 'UID';
  namespace: string;
  name: string;
  /** `authentication.k8s.io/v1` for UserExtra and UID, '' otherwise. */
  apiVersion: string;
  /** The extra key, for UserExtra. */
  fieldPath: string;
}

/** Header lines in order, names lower-cased; repeated headers stay separate lines. */
function headerLines(req: HttpRequest): [string, string][] {
  const raw = req.rawHeaders;
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i].toLowerCase(), raw[i + 1]]);
  return out;
}

/** Percent-decodes an extra key; a malformed one is kept as sent. */
function unescapeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** Go's `%v` of an ObjectReference list, as Kubernetes prints it in the BadRequest message. */
function describe(reqs: ImpersonationRequest[]): string {
  return `[${reqs.map((r) => `{${r.kind} ${r.namespace} ${r.name}  ${r.apiVersion}  ${r.fieldPath}}`).join(' ')}]`;
}

/**
 * The impersonation requests of a request's headers (buildImpersonationRequests).
 * Groups, extras or a uid without a user is a 400.
 */
export function impersonationRequests(req: HttpRequest): ImpersonationRequest[] {
  const lines = headerLines(req);
  const out: ImpersonationRequest[] = [];
  const base = { namespace: '', apiVersion: '', fieldPath: '' };
  const userLine = lines.find(([n]) => n === impersonateUserHeader);
  const requestedUser = userLine ? userLine[1] : '';
  if (requestedUser !== '') {
    const sa = splitServiceAccountUsername(requestedUser);
    out.push(sa ? { ...base, kind: 'ServiceAccount', namespace: sa.namespace, name: sa.name } : { ...base, kind: 'User', name: requestedUser });
  }
  let hasGroups = false;
  for (const [n, v] of lines) {
    if (n !== impersonateGroupHeader) continue;
    hasGroups = true;
    out.push({ ...base, kind: 'Group', name: v });
  }
  let hasExtra = false;
  for (const [n, v] of lines) {
    if (!n.startsWith(impersonateExtraHeaderPrefix)) continue;
    hasExtra = true;
    out.push({ ...base, kind: 'UserExtra', name: v, apiVersion: 'authentication.k8s.io/v1', fieldPath: unescapeExtraKey(n.slice(impersonateExtraHeaderPrefix.length)) });
  }
  const uidLine = lines.find(([n]) => n === impersonateUidHeader);
  const uid = uidLine ? uidLine[1] : '';
  if (uid !== '') out.push({ ...base, kind: 'UID', name: uid, apiVersion: 'authentication.k8s.io/v1' });
  if ((hasGroups || hasExtra || uid !== '') && requestedUser === '') {
    throw newBadRequest(`requested ${describe(out)} without impersonating a user`);
  }
  return out;
}

function attributesFor(requestor: UserInfo, r: ImpersonationRequest): AuthorizationAttributes {
  const [group, version] = r.apiVersion === '' ? ['', ''] : r.apiVersion.split('/');
  const resource = { User: 'users', ServiceAccount: 'serviceaccounts', Group: 'groups', UserExtra: 'userextras', UID: 'uids' }[r.kind];
  return {
    user: requestor,
    verb: 'impersonate',
    isResourceRequest: true,
    namespace: r.namespace,
    apiGroup: group,
    apiVersion: version,
    resource,
    subresource: r.kind === 'UserExtra' ? r.fieldPath : '',
    name: r.name,
    path: '',
  };
}

/** Drops every impersonation header so nothing downstream acts on them again. */
function clearHeaders(req: HttpRequest): void {
  const headers = req.headers as Record<string, unknown>;
  try {
    for (const name of Object.keys(headers)) {
      const n = name.toLowerCase();
      if (n === impersonateUserHeader || n === impersonateGroupHeader || n === impersonateUidHeader || n.startsWith(impersonateExtraHeaderPrefix)) delete headers[name];
    }
  } catch {
    /* read-only header object */
  }
}

/**
 * Checks each impersonation request with the authorizer and, when all are
 * allowed, replaces the context's user. The new user's groups are exactly
 * the impersonated ones (a ServiceAccount's own groups when none are given)
 * plus `system:authenticated` (or `system:unauthenticated` for
 * `system:anonymous`), never the impersonator's.
 */
export function newImpersonationHandler(next: HttpHandler, authorizer: Authorizer): HttpHandler {
  return async (req, res) => {
    const requests = impersonationRequests(req);
    if (requests.length === 0) {
      await next(req, res);
      return;
    }
    const ctx = contextOf(req);
    const requestor = ctx.user;
    if (!requestor) throw newInternalError('no user found for request');
    const groupsSpecified = requests.some((r) => r.kind === 'Group');
    let username = '';
    let groups: string[] = [];
    let uid = '';
    const extra: Record<string, string[]> = {};
    for (const r of requests) {
      switch (r.kind) {
        case 'ServiceAccount':
          username = makeServiceAccountUsername(r.namespace, r.name);
          if (!groupsSpecified) groups = serviceAccountGroups(r.namespace);
          break;
        case 'User':
          username = r.name;
          break;
        case 'Group':
          groups.push(r.name);
          break;
        case 'UserExtra':
          (extra[r.fieldPath] ??= []).push(r.name);
          break;
        case 'UID':
          uid = r.name;
          break;
      }
      const attrs = attributesFor(requestor, r);
      let decision: { decision: string; reason: string };
      try {
        decision = await authorizer.authorize(attrs);
      } catch {
        decision = { decision: 'NoOpinion', reason: '' };
      }
      if (decision.decision !== 'Allow') {
        throw newForbidden({ group: attrs.apiGroup, resource: attrs.resource }, attrs.name, forbiddenMessage(attrs, decision.reason));
      }
    }
    if (username !== anonymousUser) {
      if (!groups.includes(allAuthenticated) && !groups.includes(allUnauthenticated)) groups = [...groups, allAuthenticated];
    } else if (!groups.includes(allUnauthenticated)) {
      groups = [...groups, allUnauthenticated];
    }
    ctx.user = { name: username, uid, groups, extra };
    clearHeaders(req);
    await next(req, res);
  };
}

/** The chain filter: impersonation with the server's authorizer (between authentication and authorization). */
export const withImpersonation: Filter = {
  name: 'impersonation',
  build: (next, config) => newImpersonationHandler(next, config.authorizer),
};
