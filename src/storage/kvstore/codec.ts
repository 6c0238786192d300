/**
 * How objects are stored: JSON bytes without `metadata.resourceVersion` (and
 * without `selfLink`), exactly as Kubernetes prepares an object for storage;
 * on the way out, `metadata.resourceVersion` is the KV modRevision.
 */
import type { KubeObject, ObjectMeta } from '../../runtime/object.js';
import { invalidObj } from '../errors.js';

/** ObjectMeta fields that come after resourceVersion in Kubernetes' field order. */
const AFTER_RESOURCE_VERSION = new Set([
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/** Serialises an object for storage, leaving the caller's object untouched. */
export function encodeObject(obj: KubeObject): Buffer {
  const meta = obj.metadata;
  if (meta && ('resourceVersion' in meta || 'selfLink' in meta)) {
    const { resourceVersion: _rv, selfLink: _sl, ...rest } = meta;
    return Buffer.from(JSON.stringify({ ...obj, metadata: rest }));
  }
  return Buffer.from(JSON.stringify(obj));
}

/**
 * Returns `meta` with resourceVersion set, placed where Kubernetes puts it.
 * Mutates and returns `meta` when it already has the field; otherwise builds a
 * new object (so pass only metadata the caller owns, or a copy).
 */
function metaWithResourceVersion(meta: ObjectMeta, resourceVersion: string): ObjectMeta {
  if ('resourceVersion' in meta) {
    meta.resourceVersion = resourceVersion;
    return meta;
  }
  const out: ObjectMeta = {};
  let placed = false;
  for (const k of Object.keys(meta)) {
    if (!placed && AFTER_RESOURCE_VERSION.has(k)) {
      out.resourceVersion = resourceVersion;
      placed = true;
    }
    out[k] = meta[k];
  }
  if (!placed) out.resourceVersion = resourceVersion;
  return out;
}

/** Parses stored bytes into an object carrying `revision` as its resourceVersion. */
export function decodeObject(key: string, value: Buffer, revision: number): KubeObject {
  let obj: unknown;
  try {
    obj = JSON.parse(value.toString('utf8'));
  } catch (err) {
    throw invalidObj(key, `unable to decode stored object: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw invalidObj(key, 'unable to decode stored object: not a JSON object');
  }
  const o = obj as KubeObject;
  o.metadata = metaWithResourceVersion(o.metadata ?? {}, String(revision));
  return o;
}

/**
 * A shallow copy of `obj` whose metadata (also copied) carries `revision`.
 * Nested values are shared with `obj`.
 */
export function withResourceVersion(obj: KubeObject, revision: number): KubeObject {
  const meta = obj.metadata ? { ...obj.metadata } : {};
  delete meta.selfLink;
  return { ...obj, metadata: metaWithResourceVersion(meta, String(revision)) };
}
