/**
 * The RBAC rule resolver (pkg/registry/rbac/validation DefaultRuleResolver,
 * restated): which rules apply to a user in a namespace, found through the
 * bindings that name the user, one of its groups, or its service account.
 * ClusterRoleBindings apply everywhere; RoleBindings only in their namespace.
 */
import type { UserInfo } from '../../endpoints/request/context.js';
import { newNotFound, type StatusError } from '../../runtime/errors.js';
import type { BindingEntry, RbacCache, RoleRef, Subject } from './cache.js';
import { rbacGroup, type PolicyRule } from './rule.js';

/**
 * Visits rules: `source` describes where the rule came from
 * (`ClusterRoleBinding "x" of ClusterRole "y" to User "z"`), `err` a role that
 * could not be found. Return false to stop.
 */
export type RuleVisitor = (source: string, rule: PolicyRule | null, err: string | null) => boolean;

/** A referenced role that does not exist. */
export class RoleNotFoundError extends Error {
  constructor(
    readonly kind: string,
    readonly roleName: string,
    text: string,
    /** The 404 kube-apiserver's REST storage answers for it. */
    readonly status: StatusError,
  ) {
    super(text);
  }
}

/**
 * How "not found" reads: the authorizer reads listers (`clusterrole.rbac...`,
 * singular), the REST storage reads the registry (`clusterroles.rbac...`).
 */
export type NotFoundStyle = 'lister' | 'registry';

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

/** The subject of `b` that applies to the user (appliesTo), if any. */
export function appliesTo(user: UserInfo, b: BindingEntry): Subject | undefined {
  for (const s of b.subjects) {
    switch (s.kind) {
      case 'User':
        if (user.name === s.name) return s;
        break;
      case 'Group':
        if (user.groups.includes(s.name)) return s;
        break;
      case 'ServiceAccount': {
        const ns = s.namespace || b.namespace;
        if (ns !== '' && user.name === `system:serviceaccount:${ns}:${s.name}`) return s;
        break;
      }
    }
  }
  return undefined;
}

/** Resolves rules from the RBAC informer. */
export class RbacRuleResolver {
  constructor(
    private readonly cache: RbacCache,
    private readonly notFoundStyle: NotFoundStyle = 'lister',
  ) {}

  private notFound(kind: 'Role' | 'ClusterRole', name: string): RoleNotFoundError {
    const plural = kind === 'Role' ? 'roles' : 'clusterroles';
    const status = newNotFound({ group: rbacGroup, resource: plural }, name);
    const resource = this.notFoundStyle === 'lister' ? kind.toLowerCase() : plural;
    return new RoleNotFoundError(kind, name, `${resource}.${rbacGroup} ${JSON.stringify(name)} not found`, status);
  }

  /**
   * The rules of the role a binding refers to (namespace = the binding's, ""
   * for ClusterRoleBindings). Throws RoleNotFoundError.
   */
  getRoleReferenceRules(ref: RoleRef, bindingNamespace: string): PolicyRule[] {
    switch (ref.kind) {
      case 'Role': {
        const r = this.cache.getRole(bindingNamespace, ref.name);
        if (!r) throw this.notFound('Role', ref.name);
        return r.rules;
      }
      case 'ClusterRole': {
        const r = this.cache.getClusterRole(ref.name);
        if (!r) throw this.notFound('ClusterRole', ref.name);
        return r.rules;
      }
      default:
        throw new Error(`unsupported role reference kind: ${JSON.stringify(ref.kind)}`);
    }
  }

  /** Visits every rule that applies to the user in `namespace` ("" = cluster bindings only). */
  visitRulesFor(user: UserInfo, namespace: string, visitor: RuleVisitor): void {
    for (const b of this.cache.clusterRoleBindingsFor(user)) {
      const s = appliesTo(user, b);
      if (!s) continue;
      let rules: PolicyRule[];
      try {
        rules = this.getRoleReferenceRules(b.roleRef, '');
      } catch (err) {
        if (!visitor('', null, (err as Error).message)) return;
        continue;
      }
      const source = `ClusterRoleBinding ${JSON.stringify(b.name)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(s, '')}`;
      for (const r of rules) if (!visitor(source, r, null)) return;
    }
    if (namespace === '') return;
    for (const b of this.cache.roleBindingsFor(user, namespace)) {
      const s = appliesTo(user, b);
      if (!s) continue;
      let rules: PolicyRule[];
      try {
        rules = this.getRoleReferenceRules(b.roleRef, namespace);
      } catch (err) {
        if (!visitor('', null, (err as Error).message)) return;
        continue;
      }
      const source = `RoleBinding ${JSON.stringify(`${b.name}/${b.namespace}`)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(s, b.namespace)}`;
      for (const r of rules) if (!visitor(source, r, null)) return;
    }
  }

  /** All rules that apply, and the errors met (rules found are still valid). */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (_s, r, e) => {
      if (r) rules.push(r);
      if (e) errors.push(e);
      return true;
    });
    return { rules, errors };
  }
}
