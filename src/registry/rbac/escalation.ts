/**
 * Privilege escalation prevention of the RBAC REST storage
 * (pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased
 * and escalation_check.go, restated):
 *
 * - Role/ClusterRole create or update: the requester must already hold every
 *   permission the rules grant (in the object's namespace), unless it may
 *   `escalate` roles/clusterroles. Setting or keeping an aggregationRule
 *   needs `*` on everything (cluster-admin).
 * - RoleBinding/ClusterRoleBinding create or update: the requester must hold
 *   every permission of the referenced role (in the binding's namespace),
 *   unless it may `bind` that role. A reference to a missing role is a 404.
 * - Members of system:masters (and requests without a user) skip the checks;
 *   updates that only touch ownerReferences/finalizers skip them too.
 *
 * Violations are 403 Forbidden:
 * `roles.rbac.authorization.k8s.io "x" is forbidden: user "u" (groups=["g"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}`.
 */
import type { UserInfo } from '../../endpoints/request/context.js';
import { newForbidden } from '../../runtime/errors.js';
import type { KubeObject } from '../../runtime/object.js';
import { aggregateErrorText, systemPrivilegedGroup, type Authorizer } from '../../authz/interfaces.js';
import { bindingEntryOf, type RbacCache, type RbacResource } from '../../authz/rbac/cache.js';
import { covers, describeMissing, goQuotedList } from '../../authz/rbac/covers.js';
import { RbacRuleResolver, RoleNotFoundError } from '../../authz/rbac/resolver.js';
import { rbacGroup, rulesOf, type PolicyRule } from '../../authz/rbac/rule.js';
import { deepCopy, jsonEqual } from '../generic/meta.js';
import type { RequestScope, StoreHooks } from '../generic/store.js';

/** One write to check. */
export interface EscalationRequest {
  resource: RbacResource;
  /** The request's namespace ("" for cluster-scoped kinds). */
  namespace: string;
  user?: UserInfo;
  object: KubeObject;
  /** The current object of an update; null for a create. */
  oldObject: KubeObject | null;
}

/** Throws a StatusError (403, or 404 for a missing roleRef) when the write would escalate. */
export type EscalationCheck = (req: EscalationRequest) => Promise<void>;

const fullAuthority: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] },
  { verbs: ['*'], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: ['*'] },
];

/** No user, or a member of system:masters (EscalationAllowed). */
export function escalationAllowed(user: UserInfo | undefined): boolean {
  return !user || user.groups.includes(systemPrivilegedGroup);
}

/** Whether an update changes nothing but ownerReferences and finalizers (IsOnlyMutatingGCFields). */
export function isOnlyMutatingGCFields(obj: KubeObject, old: KubeObject | null): boolean {
  if (!old) return false;
  const copy = deepCopy(obj);
  const meta: Record<string, unknown> = { ...(copy.metadata ?? {}) };
  const oldMeta: Record<string, unknown> = old.metadata ?? {};
  for (const k of ['ownerReferences', 'finalizers', 'selfLink', 'managedFields']) {
    if (oldMeta[k] === undefined) delete meta[k];
    else meta[k] = oldMeta[k];
  }
  copy.metadata = meta;
  return jsonEqual(copy, old);
}

function hasAggregationRule(o: KubeObject | null): boolean {
  const rule = o?.aggregationRule;
  if (typeof rule !== 'object' || rule === null) return false;
  const sel = (rule as { clusterRoleSelectors?: unknown }).clusterRoleSelectors;
  return Array.isArray(sel) && sel.length > 0;
}

/**
 * Creates the check. `authorizer` is the server's whole authorizer (for
 * `escalate`/`bind`); the rules held are read from the RBAC informer.
 */
export function rbacEscalationCheck(authorizer: Authorizer, cache: RbacCache): EscalationCheck {
  const resolver = new RbacRuleResolver(cache, 'registry');

  /** ConfirmNoEscalation: the message, or undefined when the user holds every rule. */
  const confirmNoEscalation = (user: UserInfo, namespace: string, rules: PolicyRule[]): string | undefined => {
    const owner = resolver.rulesFor(user, namespace);
    const { covered, missing } = covers(owner.rules, rules);
    if (covered) return undefined;
    let msg = `user ${JSON.stringify(user.name)} (groups=${goQuotedList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${describeMissing(missing)}`;
    if (owner.errors.length > 0) msg += `; resolution errors: [${aggregateErrorText(owner.errors)}]`;
    return msg;
  };

  const allowedVerb = async (user: UserInfo, verb: string, resource: string, namespace: string, name: string, apiGroup: string): Promise<boolean> => {
    const r = await authorizer.authorize({ user, verb, isResourceRequest: true, namespace, apiGroup, apiVersion: '*', resource, subresource: '', name, path: '' });
    return r.decision === 'Allow';
  };

  return async (req) => {
    const { user } = req;
    if (!user || escalationAllowed(user)) return;
    if (req.oldObject && isOnlyMutatingGCFields(req.object, req.oldObject)) return;
    const name = req.object.metadata?.name ?? '';
    const gr = { group: rbacGroup, resource: req.resource };
    if (req.resource === 'roles' || req.resource === 'clusterroles') {
      // RoleEscalationAuthorized: the request's name (empty for a create).
      if (await allowedVerb(user, 'escalate', req.resource, req.namespace, req.oldObject ? name : '', rbacGroup)) return;
      const msg = confirmNoEscalation(user, req.namespace, rulesOf(req.object));
      if (msg !== undefined) throw newForbidden(gr, name, msg);
      if (req.resource === 'clusterroles' && (hasAggregationRule(req.object) || hasAggregationRule(req.oldObject))) {
        if (confirmNoEscalation(user, '', fullAuthority) !== undefined) throw newForbidden(gr, name, 'must have cluster-admin privileges to use the aggregationRule');
      }
      return;
    }
    const ref = bindingEntryOf(req.object).roleRef;
    const refResource = ref.kind === 'ClusterRole' ? 'clusterroles' : ref.kind === 'Role' ? 'roles' : '';
    if (refResource !== '' && (await allowedVerb(user, 'bind', refResource, req.namespace, ref.name, ref.apiGroup))) return;
    let rules: PolicyRule[];
    try {
      rules = resolver.getRoleReferenceRules(ref, req.namespace);
    } catch (err) {
      if (err instanceof RoleNotFoundError) throw err.status;
      throw err;
    }
    const msg = confirmNoEscalation(user, req.namespace, rules);
    if (msg !== undefined) throw newForbidden(gr, name, msg);
  };
}

/**
 * Store hooks that run the check on create and update of one RBAC resource.
 * Merge them into the StoreHooks of the four rbac.authorization.k8s.io
 * resources (every served version).
 */
export function rbacEscalationHooks(check: EscalationCheck, resource: RbacResource): Pick<StoreHooks, 'beginCreate' | 'beginUpdate'> {
  return {
    async beginCreate(obj: KubeObject, scope: RequestScope) {
      await check({ resource, namespace: scope.namespace, user: userOf(scope), object: obj, oldObject: null });
    },
    async beginUpdate(obj: KubeObject, old: KubeObject, scope: RequestScope) {
      await check({ resource, namespace: scope.namespace, user: userOf(scope), object: obj, oldObject: old });
    },
  };
}

function userOf(scope: RequestScope): UserInfo | undefined {
  const u = scope.user;
  if (!u) return undefined;
  return { name: u.name, uid: u.uid ?? '', groups: [...u.groups], extra: 'extra' in u && typeof u.extra === 'object' && u.extra !== null ? (u.extra as Record<string, string[]>) : {} };
}
