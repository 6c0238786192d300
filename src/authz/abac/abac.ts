/**
 * ABAC (pkg/auth/authorizer/abac, restated): a policy file with one JSON
 * object per line (blank lines and `#` comments skipped), either
 * `{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{...}}`
 * or the legacy unversioned form `{"user":"alice","readonly":true}`.
 *
 * A policy matches when its subject matches (user or group, `*` = every
 * authenticated user), the verb is read-only or the policy is not
 * `readonly`, and, for resource requests, namespace, resource and apiGroup
 * match (`*` or exact; "" only matches "") — for non-resource requests, the
 * path matches `nonResourcePath` (`*`, exact, or a prefix ending in `*`).
 * ABAC never denies: no match is NoOpinion with reason "No policy matched.".
 */
import { readFileSync } from 'node:fs';
import { isReadOnlyVerb, type AuthorizationAttributes, type AuthorizerWithRules, type NonResourceRuleInfo, type ResourceRuleInfo } from '../interfaces.js';
import type { UserInfo } from '../../endpoints/request/context.js';

/** The internal ABAC policy (abac.PolicySpec). */
export interface AbacPolicy {
  user: string;
  group: string;
  readonly: boolean;
  apiGroup: string;
  resource: string;
  namespace: string;
  nonResourcePath: string;
}

export const abacV1beta1 = 'abac.authorization.kubernetes.io/v1beta1';
export const abacV0 = 'abac.authorization.kubernetes.io/v0';

const allAuthenticated = 'system:authenticated';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Converts a v1beta1 spec: a user or group of `*` means every authenticated user. */
function fromV1beta1(spec: Record<string, unknown>): AbacPolicy {
  const p: AbacPolicy = {
    user: str(spec.user),
    group: str(spec.group),
    readonly: spec.readonly === true,
    apiGroup: str(spec.apiGroup),
    resource: str(spec.resource),
    namespace: str(spec.namespace),
    nonResourcePath: str(spec.nonResourcePath),
  };
  if (p.user === '*' || p.group === '*') {
    p.group = allAuthenticated;
    p.user = '';
  }
  return p;
}

/**
 * Converts the legacy (v0) form: no subject or `*` = every authenticated
 * user; no namespace or resource = all; every API group; no namespace and no
 * resource also allow every non-resource path.
 */
function fromV0(o: Record<string, unknown>): AbacPolicy {
  const user = str(o.user);
  const group = str(o.group);
  const namespace = str(o.namespace);
  const resource = str(o.resource);
  const p: AbacPolicy = { user, group, readonly: o.readonly === true, apiGroup: '*', resource: resource || '*', namespace: namespace || '*', nonResourcePath: '' };
  if (user === '' && group === '') p.group = allAuthenticated;
  if (user === '*' || group === '*') {
    p.group = allAuthenticated;
    p.user = '';
  }
  if (namespace === '' && resource === '') p.nonResourcePath = '*';
  return p;
}

/** Parses a policy file's text. `path` only labels errors. */
export function parseAbacPolicies(text: string, path = ''): AbacPolicy[] {
  const out: AbacPolicy[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch (err) {
      throw new Error(`error reading policy file ${path}, line ${i + 1}: ${line}: ${(err as Error).message}`);
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) {
      throw new Error(`error reading policy file ${path}, line ${i + 1}: ${line}: not a JSON object`);
    }
    const r = rec(o);
    const apiVersion = str(r.apiVersion);
    const kind = str(r.kind);
    if (apiVersion === abacV1beta1 && kind === 'Policy') out.push(fromV1beta1(rec(r.spec)));
    else if (apiVersion === abacV1beta1 && kind !== '') throw new Error(`error reading policy file ${path}, line ${i + 1}: ${line}: no kind "${kind}" is registered for version "${abacV1beta1}"`);
    else out.push(fromV0(r)); // unversioned, v0, or unknown version: the legacy form
  });
  return out;
}

/** Reads and parses a policy file (--authorization-policy-file). */
export function loadAbacPolicyFile(path: string): AbacPolicy[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`error reading policy file ${path}: ${(err as Error).message}`);
  }
  return parseAbacPolicies(text, path);
}

/** Whether the policy's user/group names the user (subjectMatches). */
export function subjectMatches(p: AbacPolicy, user: UserInfo): boolean {
  let matched = false;
  if (p.user !== '') {
    if (p.user === '*') matched = true;
    else {
      matched = p.user === user.name;
      if (!matched) return false;
    }
  }
  if (p.group !== '') {
    if (p.group === '*') matched = true;
    else {
      matched = user.groups.includes(p.group);
      if (!matched) return false;
    }
  }
  return matched;
}

function resourceMatches(p: AbacPolicy, a: AuthorizationAttributes): boolean {
  return (
    a.isResourceRequest &&
    (p.namespace === '*' || p.namespace === a.namespace) &&
    (p.resource === '*' || p.resource === a.resource) &&
    (p.apiGroup === '*' || p.apiGroup === a.apiGroup)
  );
}

function nonResourceMatches(p: AbacPolicy, a: AuthorizationAttributes): boolean {
  if (a.isResourceRequest) return false;
  const np = p.nonResourcePath;
  return np === '*' || np === a.path || (np.endsWith('*') && a.path.startsWith(np.replace(/\*+$/, '')));
}

/** Whether one policy allows the request. */
export function abacMatches(p: AbacPolicy, a: AuthorizationAttributes): boolean {
  if (!subjectMatches(p, a.user)) return false;
  if (!isReadOnlyVerb(a.verb) && p.readonly) return false;
  return resourceMatches(p, a) || nonResourceMatches(p, a);
}

const readVerbs = ['get', 'list', 'watch'];

/** The ABAC authorizer over parsed policies. */
export function newAbacAuthorizer(policies: readonly AbacPolicy[]): AuthorizerWithRules {
  return {
    authorize(a) {
      for (const p of policies) if (abacMatches(p, a)) return { decision: 'Allow', reason: '' };
      return { decision: 'NoOpinion', reason: 'No policy matched.' };
    },
    rulesFor(user, namespace) {
      const resourceRules: ResourceRuleInfo[] = [];
      const nonResourceRules: NonResourceRuleInfo[] = [];
      for (const p of policies) {
        if (!subjectMatches(p, user)) continue;
        if (p.namespace !== '*' && p.namespace !== namespace) continue;
        const verbs = p.readonly ? [...readVerbs] : ['*'];
        if (p.resource !== '') resourceRules.push({ verbs, apiGroups: [p.apiGroup], resources: [p.resource], resourceNames: [] });
        if (p.nonResourcePath !== '') nonResourceRules.push({ verbs: [...verbs], nonResourceURLs: [p.nonResourcePath] });
      }
      return { resourceRules, nonResourceRules, incomplete: false };
    },
  };
}
