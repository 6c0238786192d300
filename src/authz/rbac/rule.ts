/**
 * PolicyRule matching (pkg/apis/rbac/v1/evaluation_helpers.go and
 * plugin/pkg/auth/authorizer/rbac RuleAllows, restated): verbs, API groups,
 * resources (`*`, exact `resource/subresource`, or `*` + `/subresource`),
 * resourceNames and non-resource URLs (exact, `*`, or a prefix ending in `*`).
 */
import type { AuthorizationAttributes } from '../interfaces.js';

/** rbac.authorization.k8s.io/v1 PolicyRule. Absent lists are empty. */
export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

/** The RBAC API group. */
export const rbacGroup = 'rbac.authorization.k8s.io';

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Reads a PolicyRule from its JSON form; missing or malformed lists become empty. */
export function policyRuleFromJson(v: unknown): PolicyRule {
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  return {
    verbs: strings(o.verbs),
    apiGroups: strings(o.apiGroups),
    resources: strings(o.resources),
    resourceNames: strings(o.resourceNames),
    nonResourceURLs: strings(o.nonResourceURLs),
  };
}

/** The `rules` of a Role/ClusterRole object. */
export function rulesOf(obj: object): PolicyRule[] {
  const rules = (obj as { rules?: unknown }).rules;
  return Array.isArray(rules) ? rules.map(policyRuleFromJson) : [];
}

/** The JSON form of a rule, omitting empty lists as the API does (`verbs` always present). */
export function policyRuleToJson(r: PolicyRule): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (r.apiGroups.length > 0) out.apiGroups = [...r.apiGroups];
  if (r.nonResourceURLs.length > 0) out.nonResourceURLs = [...r.nonResourceURLs];
  if (r.resourceNames.length > 0) out.resourceNames = [...r.resourceNames];
  if (r.resources.length > 0) out.resources = [...r.resources];
  out.verbs = [...r.verbs];
  return out;
}

/** Builds a rule (the NewRule(...).Groups(...).Resources(...) helper, restated). */
export function rule(verbs: string[], parts: { groups?: string[]; resources?: string[]; names?: string[]; urls?: string[] } = {}): PolicyRule {
  return {
    verbs: [...verbs],
    apiGroups: [...(parts.groups ?? [])],
    resources: [...(parts.resources ?? [])],
    resourceNames: [...(parts.names ?? [])],
    nonResourceURLs: [...(parts.urls ?? [])],
  };
}

export function verbMatches(r: PolicyRule, verb: string): boolean {
  return r.verbs.some((v) => v === '*' || v === verb);
}

export function apiGroupMatches(r: PolicyRule, group: string): boolean {
  return r.apiGroups.some((g) => g === '*' || g === group);
}

/**
 * `combined` is `resource` or `resource/subresource`. A rule resource made of
 * a star, a slash and `sub` matches any resource's `sub`; `pods/` + star is literal.
 */
export function resourceMatches(r: PolicyRule, combined: string, subresource: string): boolean {
  for (const res of r.resources) {
    if (res === '*' || res === combined) return true;
    if (subresource !== '' && res.length === subresource.length + 2 && res.startsWith('*/') && res.endsWith(subresource)) return true;
  }
  return false;
}

export function resourceNameMatches(r: PolicyRule, name: string): boolean {
  return r.resourceNames.length === 0 || r.resourceNames.includes(name);
}

/** `*`, exact, or a rule URL ending in `*` that prefixes the path. */
export function nonResourceURLMatches(r: PolicyRule, path: string): boolean {
  return r.nonResourceURLs.some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))));
}

/** True when the rule allows the request (RuleAllows). */
export function ruleAllows(a: AuthorizationAttributes, r: PolicyRule): boolean {
  if (a.isResourceRequest) {
    const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    return verbMatches(r, a.verb) && apiGroupMatches(r, a.apiGroup) && resourceMatches(r, combined, a.subresource) && resourceNameMatches(r, a.name);
  }
  return verbMatches(r, a.verb) && nonResourceURLMatches(r, a.path);
}

/** True when any rule allows the request (RulesAllow). */
export function rulesAllow(a: AuthorizationAttributes, rules: readonly PolicyRule[]): boolean {
  return rules.some((r) => ruleAllows(a, r));
}

/** Deep equality of two rules (order of list entries matters, as in Go's DeepEqual). */
export function ruleEquals(a: PolicyRule, b: PolicyRule): boolean {
  const eq = (x: string[], y: string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return eq(a.verbs, b.verbs) && eq(a.apiGroups, b.apiGroups) && eq(a.resources, b.resources) && eq(a.resourceNames, b.resourceNames) && eq(a.nonResourceURLs, b.nonResourceURLs);
}
