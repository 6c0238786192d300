/**
 * AlwaysAllow and AlwaysDeny (k8s.io/apiserver/pkg/authorization/authorizerfactory, restated).
 */
import type { AuthorizerWithRules } from './interfaces.js';

/** Allows everything; its rules are `*` on everything. */
export function newAlwaysAllowAuthorizer(): AuthorizerWithRules {
  return {
    authorize: () => ({ decision: 'Allow', reason: '' }),
    rulesFor: () => ({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    }),
  };
}

/** Has no opinion on anything (so the request is forbidden unless another authorizer allows it). */
export function newAlwaysDenyAuthorizer(): AuthorizerWithRules {
  return {
    authorize: () => ({ decision: 'NoOpinion', reason: 'Everything is forbidden.' }),
    rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
  };
}
