/**
 * Rule matching for webhooks and policies (webhook/predicates/rules,
 * restated): a rule names operations, API groups, versions, resources
 * (`pods`, `pods/status`, `*`, `pods/*`, and all resources with all their
 * subresources) and a scope; `*` matches anything in a list. `deployments`
 * matches only the main resource; `*` with `/status` matches the status
 * subresource of everything.
 */
import type { GroupVersionResource, JsonValue } from '../../runtime/object.js';

/** admissionregistration.k8s.io RuleWithOperations (and the named variant policies use). */
export interface RuleWithOperations {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  /** `Cluster`, `Namespaced` or `*` (default). */
  scope?: string;
  /** Policies only: object names the rule is limited to. */
  resourceNames?: string[];
}

/** What a rule is matched against. */
export interface RuleTarget {
  operation: string;
  resource: GroupVersionResource;
  subresource: string;
  namespace: string;
}

function exactOrWildcard(items: readonly string[] | undefined, requested: string): boolean {
  return (items ?? []).some((i) => i === '*' || i === requested);
}

function isNamespaceResource(r: GroupVersionResource): boolean {
  return r.group === '' && r.version === 'v1' && r.resource === 'namespaces';
}

function scopeMatches(rule: RuleWithOperations, t: RuleTarget): boolean {
  const scope = rule.scope ?? '*';
  switch (scope) {
    case '*':
      return true;
    case 'Namespaced':
      return !isNamespaceResource(t.resource) && t.namespace !== '';
    case 'Cluster':
      return isNamespaceResource(t.resource) || t.namespace === '';
    default:
      return false;
  }
}

function resourceMatches(rule: RuleWithOperations, t: RuleTarget): boolean {
  for (const entry of rule.resources ?? []) {
    const slash = entry.indexOf('/');
    const res = slash < 0 ? entry : entry.slice(0, slash);
    const sub = slash < 0 ? '' : entry.slice(slash + 1);
    if ((res === '*' || res === t.resource.resource) && (sub === '*' || sub === t.subresource)) return true;
  }
  return false;
}

/** True when the rule matches the request (scope, operation, group, version and resource). */
export function ruleMatches(rule: RuleWithOperations, t: RuleTarget): boolean {
  return (
    scopeMatches(rule, t) &&
    exactOrWildcard(rule.operations, t.operation) &&
    exactOrWildcard(rule.apiGroups, t.resource.group) &&
    exactOrWildcard(rule.apiVersions, t.resource.version) &&
    resourceMatches(rule, t)
  );
}

/** Reads rules from a configuration object's JSON, keeping only well-formed fields. */
export function rulesFrom(v: JsonValue | undefined): RuleWithOperations[] {
  if (!Array.isArray(v)) return [];
  const strings = (x: JsonValue | undefined): string[] | undefined => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : undefined);
  return v.flatMap((r) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) return [];
    const out: RuleWithOperations = {
      operations: strings(r.operations),
      apiGroups: strings(r.apiGroups),
      apiVersions: strings(r.apiVersions),
      resources: strings(r.resources),
      resourceNames: strings(r.resourceNames),
    };
    if (typeof r.scope === 'string') out.scope = r.scope;
    return [out];
  });
}

const exemptKinds = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding']);

/**
 * Requests on the admission configuration kinds themselves are never sent to
 * webhooks, so that a broken webhook cannot lock its own fix out.
 */
export function isExemptAdmissionConfigurationResource(group: string, kind: string): boolean {
  return group === 'admissionregistration.k8s.io' && exemptKinds.has(kind);
}
