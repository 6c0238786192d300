/**
 * AdmissionReview requests and responses (webhook/request/admissionreview.go,
 * restated): the request is built in the first version the webhook lists
 * that the server speaks (v1, v1beta1); the response is checked the way
 * Kubernetes checks it before anything in it is used.
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject, KubeObject } from '../../runtime/object.js';
import { isJsonObject } from '../../runtime/object.js';
import { reviewRequestJson, type AdmissionRequestFields } from '../cel/request.js';

/** The AdmissionReview versions this server sends. */
export const supportedReviewVersions = ['v1', 'v1beta1'] as const;
export type ReviewVersion = (typeof supportedReviewVersions)[number];

/** A review ready to send. */
export interface AdmissionReviewRequest {
  uid: string;
  version: ReviewVersion;
  body: JsonObject;
}

/** What a verified response carries. */
export interface AdmissionResponse {
  allowed: boolean;
  /** The decoded JSON patch (the bytes of `response.patch`), when any. */
  patch?: Buffer;
  patchType: string;
  /** `response.status` as sent. */
  result?: JsonObject;
  warnings: string[];
  auditAnnotations: Record<string, string>;
}

/**
 * Builds the AdmissionReview for a webhook accepting `versions`, or throws
 * `webhook does not accept known AdmissionReview versions (v1, v1beta1)`.
 */
export function createAdmissionReview(versions: readonly string[], fields: Omit<AdmissionRequestFields, 'uid'>, object: KubeObject | null, oldObject: KubeObject | null, uid: string = randomUUID()): AdmissionReviewRequest {
  for (const v of versions) {
    if (v === 'v1' || v === 'v1beta1') {
      const request = reviewRequestJson({ ...fields, uid }, object, oldObject);
      return { uid, version: v, body: { kind: 'AdmissionReview', apiVersion: `admission.k8s.io/${v}`, request } };
    }
  }
  throw new Error('webhook does not accept known AdmissionReview versions (v1, v1beta1)');
}

/** `group/version, Kind=kind` (schema.GroupVersionKind.String()). */
function gvkString(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const k = typeof kind === 'string' ? kind : '';
  const slash = av.indexOf('/');
  const group = slash < 0 ? '' : av.slice(0, slash);
  const version = slash < 0 ? av : av.slice(slash + 1);
  return `${group}/${version}, Kind=${k}`;
}

function decodeBytes(v: unknown, field: string): Buffer | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go struct field AdmissionResponse.response.${field} of type []uint8`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 === 1) {
    const at = [...v].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
    throw new Error(`illegal base64 data at input byte ${at < 0 ? v.length : at}`);
  }
  return Buffer.from(v, 'base64');
}

/**
 * Checks a decoded response body and extracts what it says; throws an Error
 * with Kubernetes' message when the response is not acceptable (missing
 * response, uid mismatch, wrong kind, a patch from a validating webhook…).
 */
export function verifyAdmissionResponse(uid: string, mutating: boolean, version: ReviewVersion, review: unknown): AdmissionResponse {
  if (!isJsonObject(review)) throw new Error('webhook response was absent');
  const response = review.response;
  if (!isJsonObject(response)) throw new Error('webhook response was absent');
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const annotations: Record<string, string> = {};
  if (isJsonObject(response.auditAnnotations)) {
    for (const [k, v] of Object.entries(response.auditAnnotations)) if (typeof v === 'string') annotations[k] = v;
  }
  const result = isJsonObject(response.status) ? response.status : undefined;
  const allowed = response.allowed === true;
  if (version === 'v1beta1') {
    // v1beta1 never checked the uid or kind, and patches are always JSON patches.
    const patch = mutating ? decodeBytes(response.patch, 'patch') : undefined;
    return { allowed, patch: patch && patch.length > 0 ? patch : undefined, patchType: patch && patch.length > 0 ? 'JSONPatch' : '', result, warnings: strings(response.warnings), auditAnnotations: annotations };
  }
  const gotUid = typeof response.uid === 'string' ? response.uid : '';
  if (gotUid !== uid) throw new Error(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(gotUid)}`);
  if (review.apiVersion !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview') {
    throw new Error(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${gvkString(review.apiVersion, review.kind)}`);
  }
  const patchBytes = decodeBytes(response.patch, 'patch');
  const hasPatch = patchBytes !== undefined && patchBytes.length > 0;
  const patchTypeSet = response.patchType !== undefined && response.patchType !== null;
  let patchType = '';
  if (mutating) {
    if (hasPatch && !patchTypeSet) throw new Error('webhook returned response.patch but not response.patchType');
    if (!hasPatch && patchTypeSet) throw new Error('webhook returned response.patchType but not response.patch');
    if (patchTypeSet) {
      patchType = typeof response.patchType === 'string' ? response.patchType : '';
      if (patchType === '') throw new Error(`webhook returned invalid response.patchType of ${JSON.stringify(patchType)}`);
    }
  } else {
    if (hasPatch) throw new Error('validating webhook may not return response.patch');
    if (patchTypeSet) throw new Error('validating webhook may not return response.patchType');
  }
  return { allowed, patch: mutating && hasPatch ? patchBytes : undefined, patchType, result, warnings: strings(response.warnings), auditAnnotations: annotations };
}
