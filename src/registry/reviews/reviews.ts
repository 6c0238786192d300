/**
 * The self-review APIs (create-only, not persisted, answer 201):
 * SelfSubjectAccessReview, SelfSubjectRulesReview (authorization.k8s.io/v1)
 * and SelfSubjectReview (authentication.k8s.io/v1).
 */
import type { Authorizer } from '../../authz/interfaces.js';
import type { UserInfo } from '../../endpoints/request/context.js';
import { newInvalid } from '../../runtime/errors.js';
import { isJsonObject, type JsonObject, type KubeObject } from '../../runtime/object.js';
import { FieldPath, invalid, required } from '../../validation/field/errors.js';

function str(o: JsonObject | undefined, k: string): string {
  const v = o?.[k];
  return typeof v === 'string' ? v : '';
}

/** Answers a SelfSubjectAccessReview for the requesting user. */
export async function selfSubjectAccessReview(authorizer: Authorizer, user: UserInfo, review: KubeObject): Promise<KubeObject> {
  const spec = isJsonObject(review.spec) ? review.spec : {};
  const ra = isJsonObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nra = isJsonObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (!ra && !nra) {
    throw newInvalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', [required(FieldPath.of('spec', 'resourceAttributes'), 'exactly one of nonResourceAttributes or resourceAttributes must be specified')]);
  }
  if (ra && nra) {
    throw newInvalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', [invalid(FieldPath.of('spec', 'nonResourceAttributes'), nra, 'cannot be specified in combination with resourceAttributes')]);
  }
  const r = await authorizer.authorize({
    user,
    verb: ra ? str(ra, 'verb') : str(nra, 'verb'),
    isResourceRequest: !!ra,
    namespace: str(ra, 'namespace'),
    apiGroup: str(ra, 'group'),
    apiVersion: str(ra, 'version'),
    resource: str(ra, 'resource'),
    subresource: str(ra, 'subresource'),
    name: str(ra, 'name'),
    path: str(nra, 'path'),
  });
  const status: JsonObject = { allowed: r.decision === 'Allow' };
  if (r.decision === 'Deny') status.denied = true;
  if (r.reason) status.reason = r.reason;
  return { ...review, apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: { ...(review.metadata ?? {}), creationTimestamp: null }, status };
}

/** Answers a SelfSubjectRulesReview: what the user may do in a namespace. */
export async function selfSubjectRulesReview(authorizer: Authorizer, user: UserInfo, review: KubeObject): Promise<KubeObject> {
  const probe = await authorizer.authorize({ user, verb: '*', isResourceRequest: true, namespace: '', apiGroup: '*', apiVersion: '*', resource: '*', subresource: '', name: '', path: '' });
  const all = probe.decision === 'Allow';
  const status: JsonObject = {
    resourceRules: all ? [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] : [],
    nonResourceRules: all ? [{ verbs: ['*'], nonResourceURLs: ['*'] }] : [],
    incomplete: !all,
  };
  return { ...review, apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', metadata: { ...(review.metadata ?? {}), creationTimestamp: null }, status };
}

/** Answers a SelfSubjectReview with the user's identity (`kubectl auth whoami`). */
export function selfSubjectReview(user: UserInfo, review: KubeObject): KubeObject {
  const userInfo: JsonObject = { username: user.name, groups: user.groups };
  if (user.uid) userInfo.uid = user.uid;
  if (Object.keys(user.extra).length > 0) userInfo.extra = user.extra;
  return { ...review, apiVersion: review.apiVersion ?? 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: { ...(review.metadata ?? {}), creationTimestamp: null }, status: { userInfo } };
}
