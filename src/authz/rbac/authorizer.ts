/**
 * The RBAC authorizer (plugin/pkg/auth/authorizer/rbac/rbac.go, restated):
 * Allow when any rule bound to the user allows the request, NoOpinion
 * otherwise (RBAC never denies). The allow reason names the binding; when
 * bindings refer to roles that do not exist, the NoOpinion reason lists them
 * (`RBAC: clusterrole.rbac.authorization.k8s.io "x" not found`), which is
 * what kube-apiserver appends to its 403 message.
 */
import { aggregateErrorText, type AuthorizerWithRules, type NonResourceRuleInfo, type ResourceRuleInfo, type RulesForResult } from '../interfaces.js';
import type { RbacRuleResolver } from './resolver.js';
import { ruleAllows } from './rule.js';

/** Creates the RBAC authorizer over a rule resolver (backed by the RBAC informer). */
export function newRbacAuthorizer(resolver: RbacRuleResolver): AuthorizerWithRules {
  return {
    authorize(a) {
      let reason = '';
      let allowed = false;
      const errors: string[] = [];
      resolver.visitRulesFor(a.user, a.namespace, (source, rule, err) => {
        if (rule && ruleAllows(a, rule)) {
          allowed = true;
          reason = `RBAC: allowed by ${source}`;
          return false;
        }
        if (err) errors.push(err);
        return true;
      });
      if (allowed) return { decision: 'Allow', reason };
      return { decision: 'NoOpinion', reason: errors.length > 0 ? `RBAC: ${aggregateErrorText(errors)}` : '' };
    },
    rulesFor(user, namespace) {
      const { rules, errors } = resolver.rulesFor(user, namespace);
      const resourceRules: ResourceRuleInfo[] = [];
      const nonResourceRules: NonResourceRuleInfo[] = [];
      for (const r of rules) {
        if (r.resources.length > 0) resourceRules.push({ verbs: [...r.verbs], apiGroups: [...r.apiGroups], resources: [...r.resources], resourceNames: [...r.resourceNames] });
        if (r.nonResourceURLs.length > 0) nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs] });
      }
      const out: RulesForResult = { resourceRules, nonResourceRules, incomplete: false };
      if (errors.length > 0) out.error = aggregateErrorText(errors);
      return out;
    },
  };
}
