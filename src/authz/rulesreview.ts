/**
 * SelfSubjectRulesReview (pkg/registry/authorization/selfsubjectrulesreview,
 * restated): the rules every authorization mode lists for the requesting
 * user in `spec.namespace` (`kubectl auth can-i --list`). `incomplete` is
 * true when a mode cannot enumerate its rules (Webhook, Node for kubelets);
 * their errors go to `evaluationError`.
 */
import type { UserInfo } from '../endpoints/request/context.js';
import { newBadRequest } from '../runtime/errors.js';
import { isJsonObject, type JsonObject, type KubeObject } from '../runtime/object.js';
import type { RuleResolver } from './interfaces.js';

/** Answers a SelfSubjectRulesReview (201 body). */
export async function selfSubjectRulesReview(resolver: RuleResolver, user: UserInfo, review: KubeObject): Promise<KubeObject> {
  const spec = isJsonObject(review.spec) ? review.spec : {};
  const namespace = typeof spec.namespace === 'string' ? spec.namespace : '';
  if (namespace === '') throw newBadRequest('no namespace on request');
  const r = await resolver.rulesFor(user, namespace);
  const status: JsonObject = {
    resourceRules: r.resourceRules.map((x) => {
      const o: JsonObject = { verbs: [...x.verbs] };
      if (x.apiGroups.length > 0) o.apiGroups = [...x.apiGroups];
      if (x.resources.length > 0) o.resources = [...x.resources];
      if (x.resourceNames.length > 0) o.resourceNames = [...x.resourceNames];
      return o;
    }),
    nonResourceRules: r.nonResourceRules.map((x) => {
      const o: JsonObject = { verbs: [...x.verbs] };
      if (x.nonResourceURLs.length > 0) o.nonResourceURLs = [...x.nonResourceURLs];
      return o;
    }),
    incomplete: r.incomplete,
  };
  if (r.error) status.evaluationError = r.error;
  return {
    ...review,
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectRulesReview',
    metadata: { ...(review.metadata ?? {}), creationTimestamp: null },
    spec: { namespace },
    status,
  };
}
