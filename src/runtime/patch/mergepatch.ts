/**
 * JSON Merge Patch (RFC 7386, `application/merge-patch+json`) as
 * kube-apiserver applies it (evanphx/json-patch `MergePatch`):
 *
 * - objects merge recursively; a `null` member deletes the key;
 * - arrays, strings, numbers and booleans replace the target wholesale;
 * - a value placed where the target had nothing (or a non-object) is stored
 *   with its `null` object members removed, also inside arrays of objects.
 *
 * A patch that is `null`, a string, a number or a boolean is rejected with
 * 400 `Invalid JSON Patch`. A top-level array patch yields that array (the
 * caller's decode into an object then fails, as in Kubernetes).
 *
 * Pure: neither argument is modified.
 */

import type { JsonObject, JsonValue } from '../object.js';
import { newPatchBadRequest } from './errors.js';
import { deepClone, has, isJsonObject, put } from './json.js';

/** Removes null members of objects, recursively, also in objects inside arrays. Array elements stay. */
function pruneNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map((e) => (e === null ? null : pruneNulls(e)));
  if (isJsonObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) {
      const e = v[k]!;
      if (e !== null) put(out, k, pruneNulls(e));
    }
    return out;
  }
  return v;
}

function mergeDocs(doc: JsonObject, patch: JsonObject): void {
  for (const k of Object.keys(patch)) {
    const v = patch[k]!;
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = has(doc, k) ? doc[k]! : null;
    if (cur === null) {
      put(doc, k, pruneNulls(v));
    } else if (!isJsonObject(cur)) {
      put(doc, k, pruneNulls(v));
    } else if (!isJsonObject(v)) {
      // A non-object over an object replaces it as sent.
      put(doc, k, v);
    } else {
      mergeDocs(cur, v);
    }
  }
}

/**
 * Applies a JSON merge patch to a document and returns the result.
 * Throws 400 BadRequest `Invalid JSON Patch` for a null or scalar patch.
 */
export function jsonMergePatch(original: JsonValue, patch: JsonValue): JsonValue {
  if (Array.isArray(patch)) return pruneNulls(deepClone(patch));
  if (!isJsonObject(patch)) throw newPatchBadRequest('Invalid JSON Patch');
  const p = deepClone(patch);
  if (!isJsonObject(original)) return pruneNulls(p);
  const doc = deepClone(original);
  mergeDocs(doc, p);
  return doc;
}
