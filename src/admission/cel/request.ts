/**
 * The AdmissionRequest (admission.k8s.io/v1) of an admission decision, as
 * JSON: what webhooks receive in an AdmissionReview and what CEL sees as
 * `request`. Empty optional fields are omitted as the Go encoder omits them.
 */
import type { UserInfo } from '../../endpoints/request/context.js';
import type { GroupVersionKind, GroupVersionResource, JsonObject, JsonValue, KubeObject } from '../../runtime/object.js';

/** The facts an AdmissionRequest is built from. */
export interface AdmissionRequestFields {
  uid: string;
  /** The kind and resource the decision is made for (the matched, possibly equivalent, version). */
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource: string;
  /** The kind and resource of the original request. */
  requestKind: GroupVersionKind;
  requestResource: GroupVersionResource;
  requestSubResource: string;
  name: string;
  namespace: string;
  operation: string;
  userInfo?: UserInfo;
  dryRun: boolean;
  options: JsonObject | null;
}

/** authentication.k8s.io/v1 UserInfo as JSON (empty fields omitted). */
export function userInfoJson(u: UserInfo | undefined): JsonObject {
  const out: JsonObject = {};
  if (!u) return out;
  if (u.name) out.username = u.name;
  if (u.uid) out.uid = u.uid;
  if (u.groups.length > 0) out.groups = [...u.groups];
  if (Object.keys(u.extra).length > 0) out.extra = Object.fromEntries(Object.entries(u.extra).map(([k, v]) => [k, [...v]]));
  return out;
}

/** The AdmissionRequest without object and oldObject. */
export function admissionRequestJson(f: AdmissionRequestFields): JsonObject {
  const out: JsonObject = {
    uid: f.uid,
    kind: { group: f.kind.group, version: f.kind.version, kind: f.kind.kind },
    resource: { group: f.resource.group, version: f.resource.version, resource: f.resource.resource },
  };
  if (f.subResource) out.subResource = f.subResource;
  out.requestKind = { group: f.requestKind.group, version: f.requestKind.version, kind: f.requestKind.kind };
  out.requestResource = { group: f.requestResource.group, version: f.requestResource.version, resource: f.requestResource.resource };
  if (f.requestSubResource) out.requestSubResource = f.requestSubResource;
  if (f.name) out.name = f.name;
  if (f.namespace) out.namespace = f.namespace;
  out.operation = f.operation;
  out.userInfo = userInfoJson(f.userInfo);
  out.dryRun = f.dryRun;
  if (f.options) out.options = f.options;
  return out;
}

/**
 * The AdmissionRequest a webhook receives: every field, with `object`,
 * `oldObject` and `options` present (null when absent), as Go encodes it.
 */
export function reviewRequestJson(f: AdmissionRequestFields, object: KubeObject | null, oldObject: KubeObject | null): JsonObject {
  const base = admissionRequestJson(f);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(base)) {
    if (k === 'dryRun' || k === 'options') continue;
    out[k] = v;
  }
  out.object = (object ?? null) as JsonValue;
  out.oldObject = (oldObject ?? null) as JsonValue;
  out.dryRun = f.dryRun;
  out.options = f.options ?? null;
  return out;
}

/**
 * The namespace as CEL sees it (`namespaceObject`): its metadata (without
 * managed fields), spec and status, as CreateNamespaceObject keeps them.
 */
export function namespaceObjectJson(ns: KubeObject | null): JsonObject | null {
  if (!ns) return null;
  const meta = { ...(ns.metadata ?? {}) } as Record<string, unknown>;
  delete meta.managedFields;
  const out: JsonObject = { metadata: meta as JsonObject };
  if (ns.spec !== undefined) out.spec = ns.spec as JsonValue;
  if (ns.status !== undefined) out.status = ns.status as JsonValue;
  return out;
}
