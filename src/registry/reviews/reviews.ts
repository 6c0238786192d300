/**
 * The self-review APIs (create-only, not persisted, answer 201):
 * SelfSubjectAccessReview, SelfSubjectRulesReview (authorization.k8s.io/v1)
 * and SelfSubjectReview (authentication.k8s.io/v1).
 */
import type { Authorizer } from '../../authz/interfaces.js';
import type { UserInfo } from '../../endpoints/request/context.js';
import { newBadRequest, newInvalid } from '../../runtime/errors.js';
import { isJsonObject, type JsonObject, type KubeObject } from '../../runtime/object.js';
import { FieldPath, invalid, required } from '../../validation/field/errors.js';

function str(o: JsonObject | undefined, k: string): string {
  const v = o?.[k];
  return typeof v === 'string' ? v : '';
}

/** The status of an access review: the authorizers' decision on the resource or non-resource attributes. */
async function accessReviewStatus(authorizer: Authorizer, user: UserInfo, ra: JsonObject | undefined, nra: JsonObject | undefined): Promise<JsonObject> {
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
  return status;
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
  const status = await accessReviewStatus(authorizer, user, ra, nra);
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

/**
 * Answers a SubjectAccessReview (namespace "") or a LocalSubjectAccessReview
 * (namespace of the URL, which spec.resourceAttributes.namespace must match).
 */
export async function subjectAccessReview(authorizer: Authorizer, review: KubeObject, namespace: string): Promise<KubeObject> {
  const local = namespace !== '';
  const kind = local ? 'LocalSubjectAccessReview' : 'SubjectAccessReview';
  const spec = isJsonObject(review.spec) ? review.spec : {};
  const ra = isJsonObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nra = isJsonObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  const user = str(spec, 'user');
  const groups = Array.isArray(spec.groups) ? spec.groups.map(String) : [];
  const errs = [];
  if (!ra && !nra) errs.push(required(FieldPath.of('spec', 'resourceAttributes'), 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (ra && nra) errs.push(invalid(FieldPath.of('spec', 'nonResourceAttributes'), nra, 'cannot be specified in combination with resourceAttributes'));
  if (user === '' && groups.length === 0) errs.push(invalid(FieldPath.of('spec', 'user'), user, 'at least one of user or group must be specified'));
  if (local && nra) errs.push(invalid(FieldPath.of('spec', 'nonResourceAttributes'), nra, 'disallowed on this kind of request'));
  if (errs.length > 0) throw newInvalid(kind, 'authorization.k8s.io', '', errs);
  if (local && ra) {
    const ns = str(ra, 'namespace');
    if (ns === '') ra.namespace = namespace;
    else if (ns !== namespace) throw newBadRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
  }
  const extra: Record<string, string[]> = {};
  if (isJsonObject(spec.extra)) for (const [k, v] of Object.entries(spec.extra)) extra[k] = Array.isArray(v) ? v.map(String) : [];
  const status = await accessReviewStatus(authorizer, { name: user, uid: str(spec, 'uid'), groups, extra }, ra, nra);
  return { ...review, kind, metadata: { ...(review.metadata ?? {}), creationTimestamp: null }, status };
}

/** What a TokenReview asks an authenticator. */
export type TokenAuthenticateFunc = (token: string, audiences: string[]) => Promise<{ user: UserInfo; audiences: string[] } | null>;

/** Answers a TokenReview: who the token belongs to, if anyone. */
export async function tokenReview(authenticate: TokenAuthenticateFunc | undefined, review: KubeObject): Promise<KubeObject> {
  const spec = isJsonObject(review.spec) ? review.spec : {};
  const token = str(spec, 'token');
  if (token === '') throw newInvalid('TokenReview', 'authentication.k8s.io', '', [required(FieldPath.of('spec', 'token'), 'token must be specified')]);
  const audiences = Array.isArray(spec.audiences) ? spec.audiences.map(String) : [];
  let status: JsonObject = { authenticated: false, user: {} };
  let failure = '';
  const result = authenticate
    ? await authenticate(token, audiences).catch((err: unknown) => {
        // An AuthenticationError keeps its reason in `detail`; the review reports it in status.error.
        const detail = (err as { detail?: unknown }).detail;
        failure = typeof detail === 'string' && detail !== '' ? detail : err instanceof Error ? err.message : String(err);
        return null;
      })
    : null;
  if (!result && failure !== '') status.error = failure;
  if (result) {
    const u: JsonObject = { username: result.user.name, groups: result.user.groups };
    if (result.user.uid) u.uid = result.user.uid;
    if (Object.keys(result.user.extra).length > 0) u.extra = result.user.extra;
    status = { authenticated: true, user: u, audiences: result.audiences };
  }
  return { ...review, metadata: { ...(review.metadata ?? {}), creationTimestamp: null }, status };
}
