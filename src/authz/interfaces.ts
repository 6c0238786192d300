/**
 * Authorizers decide on request attributes (k8s.io/apiserver/pkg/authorization):
 * the first authorizer with an opinion (allow or deny) wins. Rule resolvers
 * answer "what may this user do in this namespace" (SelfSubjectRulesReview).
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
  /** The raw `fieldSelector` of a list/watch (the Node authorizer reads `spec.nodeName=`). */
  fieldSelector?: string;
  /** The raw `labelSelector` of a list/watch (sent to webhooks). */
  labelSelector?: string;
}

export type Decision = 'Allow' | 'Deny' | 'NoOpinion';

/** What an authorizer answers. */
export interface AuthorizerResult {
  decision: Decision;
  /** Shown after the standard 403 message (`...: <reason>`) and in SubjectAccessReview status. */
  reason: string;
  /**
   * An evaluation error (a webhook that could not be reached). kube-apiserver
   * answers 500 when the decision is not Allow and an error is set.
   */
  error?: string;
}

export interface Authorizer {
  authorize(a: AuthorizationAttributes): Promise<AuthorizerResult> | AuthorizerResult;
}

/** One resource rule of a rules review (authorizer.ResourceRuleInfo). */
export interface ResourceRuleInfo {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
}

/** One non-resource rule of a rules review (authorizer.NonResourceRuleInfo). */
export interface NonResourceRuleInfo {
  verbs: string[];
  nonResourceURLs: string[];
}

/** What a rule resolver answers for a user in a namespace. */
export interface RulesForResult {
  resourceRules: ResourceRuleInfo[];
  nonResourceRules: NonResourceRuleInfo[];
  /** True when the lists may not show everything the user can do. */
  incomplete: boolean;
  /** Errors met while resolving (the rules found are still valid). */
  error?: string;
}

/** Lists the rules that apply to a user (authorizer.RuleResolver). */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): Promise<RulesForResult> | RulesForResult;
}

/** An authorizer that can also list rules (every built-in mode is one). */
export interface AuthorizerWithRules extends Authorizer, RuleResolver {}

/** The group whose members may do anything (user.SystemPrivilegedGroup). */
export const systemPrivilegedGroup = 'system:masters';

/** Allows everything for members of `system:masters` (the privileged group). */
export function newPrivilegedGroupAuthorizer(group = systemPrivilegedGroup): Authorizer {
  return {
    authorize: (a) => (a.user.groups.includes(group) ? { decision: 'Allow', reason: '' } : { decision: 'NoOpinion', reason: '' }),
  };
}

/**
 * Runs authorizers in order; the first Allow or Deny wins. When all have no
 * opinion, their reasons are joined with newlines and their errors with ", "
 * (union.go).
 */
export function unionAuthorizer(list: Authorizer[]): Authorizer {
  return {
    async authorize(a) {
      const reasons: string[] = [];
      const errors: string[] = [];
      for (const z of list) {
        const r = await z.authorize(a);
        if (r.decision !== 'NoOpinion') return r;
        if (r.reason) reasons.push(r.reason);
        if (r.error) errors.push(r.error);
      }
      const out: AuthorizerResult = { decision: 'NoOpinion', reason: reasons.join('\n') };
      if (errors.length > 0) out.error = aggregateErrorText(errors);
      return out;
    },
  };
}

/** Joins the rules of several resolvers; any incomplete answer makes the union incomplete. */
export function unionRuleResolver(list: RuleResolver[]): RuleResolver {
  return {
    async rulesFor(user, namespace) {
      const out: RulesForResult = { resourceRules: [], nonResourceRules: [], incomplete: false };
      const errors: string[] = [];
      for (const r of list) {
        const res = await r.rulesFor(user, namespace);
        out.resourceRules.push(...res.resourceRules);
        out.nonResourceRules.push(...res.nonResourceRules);
        if (res.incomplete) out.incomplete = true;
        if (res.error) errors.push(res.error);
      }
      if (errors.length > 0) out.error = aggregateErrorText(errors);
      return out;
    },
  };
}

/**
 * utilerrors.NewAggregate(...).Error(): one message as is, several
 * de-duplicated, joined with ", " and bracketed.
 */
export function aggregateErrorText(messages: string[]): string {
  const seen = [...new Set(messages)];
  if (seen.length === 1) return seen[0];
  return `[${seen.join(', ')}]`;
}

/** get, list and watch (AttributesRecord.IsReadOnly). */
export function isReadOnlyVerb(verb: string): boolean {
  return verb === 'get' || verb === 'list' || verb === 'watch';
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
