/**
 * Strategic merge patch (`application/strategic-merge-patch+json`) as
 * kube-apiserver applies it to built-in kinds (apimachinery strategicpatch,
 * `StrategicMergeMapPatch` with the server's options: parallel lists merged,
 * unmatched nulls ignored).
 *
 * - Maps merge recursively; `null` deletes a key.
 * - Lists are replaced, unless the field's patch strategy is `merge`: then
 *   lists of maps merge by `patchMergeKey` and lists of scalars merge as a set.
 * - Directives: `$patch: replace|delete` in a map, `{"$patch": "replace"}` and
 *   `{<key>: v, "$patch": "delete"}` in a merging list, `$retainKeys`,
 *   `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`.
 *   `$patch: merge` is rejected as Kubernetes rejects it.
 * - Directives never reach the result. Values copied from the patch where the
 *   live object has nothing lose their `null` members and `$patch` maps, as in
 *   current Kubernetes; the other directive keys are dropped there too.
 *
 * Errors carry Kubernetes' texts and codes: malformed directive keys and
 * `$retainKeys` → 400; lists of lists → 422; everything Kubernetes leaves
 * unclassified (missing merge key, unknown `$patch` value, `$setElementOrder`
 * mismatch...) → 500 with the bare message.
 *
 * Pure and synchronous: the arguments are never modified.
 */

import type { JsonObject, JsonValue } from '../object.js';
import { emptyPatchSchema, type PatchFieldMeta, type PatchSchema } from './schema.js';
import { newPatchBadRequest, newPatchServerError } from './errors.js';
import { deepClone, has, isJsonObject, jsonTypeWord, put } from './json.js';
import {
  directiveMarker, errBadArgType, errBadPatchType, mergeSlice, normalizeElementOrder, partition, sliceElementKind,
  validatePatchWithSetOrderList,
} from './smplist.js';

const retainKeysDirective = '$retainKeys';
const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList';
const setElementOrderPrefix = '$setElementOrder';
const sliceType = '[]interface {}';

/** Tuning knobs; the defaults are Kubernetes' behaviour. */
export interface StrategicMergeOptions {
  /**
   * Merge lists declared `listType: map` by their `listMapKeys` when they
   * have no patch strategy. Kubernetes' server-side strategic merge patch reads
   * only `patchStrategy`/`patchMergeKey` and replaces such lists, so this is
   * off by default.
   */
  mergeListMapsWithoutStrategy?: boolean;
}

/** How one field merges. */
interface FieldPlan {
  strategy: string;
  keys: string[];
  /** Schema of the field's value when it is an object, or of one element when it is a list. */
  sub: PatchSchema;
}

/** The schema of a map field's values: every key has the value type. */
function mapValuesSchema(elem: PatchSchema | undefined): PatchSchema {
  const meta: PatchFieldMeta = { isList: false, isMap: false, patchStrategy: '', patchMergeKey: '', elem };
  return { field: () => meta };
}

/** `extractRetainKeysPatchStrategy`: the patch strategy without `retainKeys`. */
function patchStrategyOf(meta: PatchFieldMeta | undefined): string {
  const raw = meta?.patchStrategy ?? '';
  const strategies = raw === '' ? [] : raw.split(',');
  if (strategies.length === 0) return '';
  if (strategies.length === 1) return strategies[0] === 'retainKeys' ? '' : strategies[0]!;
  if (strategies.length === 2 && strategies[0] === 'retainKeys') return strategies[1]!;
  if (strategies.length === 2 && strategies[1] === 'retainKeys') return strategies[0]!;
  throw newPatchServerError(`unexpected patch strategy: [${strategies.join(' ')}]`);
}

class StrategicMerger {
  constructor(private readonly options: StrategicMergeOptions) {}

  private plan(schema: PatchSchema, key: string): FieldPlan {
    const meta = schema.field(key);
    let strategy = patchStrategyOf(meta);
    let keys = meta?.patchMergeKey ? [meta.patchMergeKey] : [];
    if (strategy === '' && this.options.mergeListMapsWithoutStrategy && meta?.listType === 'map' && (meta.listMapKeys?.length ?? 0) > 0) {
      strategy = 'merge';
      keys = [...meta.listMapKeys!];
    }
    const sub = meta?.isMap ? mapValuesSchema(meta.elem) : (meta?.elem ?? emptyPatchSchema);
    return { strategy, keys, sub };
  }

  /**
   * A patch value that lands where the live object has nothing to merge
   * with: null members dropped, maps carrying `$patch` (and list elements
   * that are such maps) dropped, other directive keys removed.
   */
  readonly clean = (value: JsonValue): { keep: boolean; value: JsonValue } => {
    if (Array.isArray(value)) {
      const out: JsonValue[] = [];
      for (const e of value) {
        const r = this.clean(e);
        if (r.keep) out.push(r.value);
      }
      return { keep: true, value: out };
    }
    if (isJsonObject(value)) {
      if (has(value, directiveMarker)) return { keep: false, value: null };
      const out: JsonObject = {};
      for (const k of Object.keys(value)) {
        const e = value[k]!;
        if (e === null || isDirectiveKey(k)) continue;
        const r = this.clean(e);
        if (r.keep) put(out, k, r.value);
      }
      return { keep: true, value: out };
    }
    return { keep: true, value };
  };

  private readonly mergeElement = (original: JsonObject, patch: JsonObject, schema: PatchSchema): JsonObject =>
    this.mergeMap(original, patch, schema);

  /** Merges `patch` into `original` (both owned by the merger and modified in place). */
  mergeMap(original: JsonObject, patch: JsonObject, schema: PatchSchema): JsonObject {
    if (has(patch, directiveMarker)) return this.mapDirective(patch[directiveMarker], patch);
    this.applyRetainKeys(original, patch);
    this.applySetElementOrder(original, patch, schema);

    for (const patchKey of Object.keys(patch)) {
      const patchV = patch[patchKey]!;
      let key = patchKey;
      let isDeleteList = false;
      if (patchKey.startsWith(deleteFromPrimitiveListPrefix)) {
        key = extractKey(patchKey, deleteFromPrimitiveListPrefix);
        isDeleteList = true;
      }
      if (patchV === null) {
        delete original[key];
        continue;
      }
      const current = has(original, key) ? original[key]! : undefined;
      const bothMaps = isJsonObject(current) && isJsonObject(patchV);
      const bothLists = Array.isArray(current) && Array.isArray(patchV);
      if (!bothMaps && !bothLists) {
        if (isDeleteList) continue;
        const r = this.clean(patchV);
        if (r.keep) put(original, key, r.value);
        else delete original[key];
        continue;
      }
      const plan = this.plan(schema, key);
      if (bothMaps && plan.strategy === 'replace') {
        const r = this.clean(patchV);
        if (r.keep) put(original, key, r.value);
        else delete original[key];
      } else if (bothMaps) {
        put(original, key, this.mergeMap(current as JsonObject, patchV as JsonObject, plan.sub));
      } else {
        put(original, key, this.mergeList(current as JsonValue[], patchV as JsonValue[], plan, isDeleteList));
      }
    }
    return original;
  }

  /** `$patch` in a map: `replace` → the map without the directive; `delete` → an empty map. */
  private mapDirective(directive: JsonValue | undefined, patch: JsonObject): JsonObject {
    if (directive === 'replace') {
      const rest: JsonObject = {};
      for (const k of Object.keys(patch)) if (k !== directiveMarker) put(rest, k, patch[k]!);
      return this.clean(rest).value as JsonObject;
    }
    if (directive === 'delete') return {};
    throw errBadPatchType(directive, patch);
  }

  private mergeList(original: JsonValue[], patch: JsonValue[], plan: FieldPlan, isDeleteList: boolean): JsonValue[] {
    if (plan.strategy === 'merge' || isDeleteList) {
      return mergeSlice(original, patch, plan.sub, plan.keys, isDeleteList, this.mergeElement, this.clean);
    }
    return this.clean(patch).value as JsonValue[];
  }

  /**
   * `$retainKeys`: every live key not listed is cleared; every non-null patch
   * key must be listed (else 400 `invalid patch format of retainKeys`).
   */
  private applyRetainKeys(original: JsonObject, patch: JsonObject): void {
    if (!has(patch, retainKeysDirective)) return;
    const list = patch[retainKeysDirective];
    delete patch[retainKeysDirective];
    if (!Array.isArray(list)) throw newPatchBadRequest('invalid patch format of retainKeys');
    const retained = new Set(list.filter((v): v is string => typeof v === 'string'));
    for (const k of Object.keys(patch)) {
      if (patch[k] === null || k.startsWith(deleteFromPrimitiveListPrefix) || k.startsWith(setElementOrderPrefix)) continue;
      if (!retained.has(k)) throw newPatchBadRequest('invalid patch format of retainKeys');
    }
    for (const k of Object.keys(original)) if (!retained.has(k)) delete original[k];
  }

  /**
   * `$setElementOrder/<field>`: merges the field's patch list (if any) and
   * orders the result — patch items as the directive lists them, live-only
   * items kept in their live order between them.
   */
  private applySetElementOrder(original: JsonObject, patch: JsonObject, schema: PatchSchema): void {
    for (const directiveKey of Object.keys(patch)) {
      if (!directiveKey.startsWith(setElementOrderPrefix)) continue;
      const setOrder = patch[directiveKey];
      delete patch[directiveKey];
      if (!Array.isArray(setOrder)) throw errBadArgType(sliceType, setOrder);
      const key = extractKey(directiveKey, setElementOrderPrefix);
      const foundOriginal = has(original, key);
      const foundPatch = has(patch, key);
      const originalList = foundOriginal ? original[key] : undefined;
      const patchList = foundPatch ? patch[key] : undefined;
      if (foundOriginal && !Array.isArray(originalList)) throw errBadArgType(sliceType, originalList);
      if (foundPatch && !Array.isArray(patchList)) throw errBadArgType(sliceType, patchList);
      const originalValue = originalList as JsonValue[] | undefined;
      const patchValue = patchList as JsonValue[] | undefined;
      const plan = this.plan(schema, key);
      validatePatchWithSetOrderList(patchValue, setOrder, plan.keys);

      let merged: JsonValue[];
      if (originalValue !== undefined && patchValue === undefined) merged = originalValue;
      else if (originalValue === undefined && patchValue !== undefined) merged = this.clean(patchValue).value as JsonValue[];
      else if (originalValue !== undefined && patchValue !== undefined) merged = this.mergeList(originalValue, patchValue, plan, false);
      else continue;

      delete patch[key];
      if (merged.length === 0) {
        // Kubernetes' typed objects never hold an empty list here; keep it rather than fail.
        put(original, key, merged);
        continue;
      }
      const [patchItems, serverOnly] = partition(merged, setOrder, plan.keys);
      const kind = sliceElementKind(originalValue, patchValue);
      put(original, key, normalizeElementOrder(patchItems, serverOnly, setOrder, originalValue ?? [], plan.keys, kind));
    }
  }
}

function isDirectiveKey(k: string): boolean {
  return k === directiveMarker || k === retainKeysDirective || k.startsWith(setElementOrderPrefix) || k.startsWith(deleteFromPrimitiveListPrefix);
}

/** `<prefix>/<field>` → `<field>`; anything else is a 400 with Kubernetes' text. */
function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    throw newPatchBadRequest(prefix === deleteFromPrimitiveListPrefix ? 'invalid patch format of primitive list' : 'invalid patch format of setElementOrder list');
  }
  return s.slice(slash + 1);
}

/**
 * Applies a strategic merge patch to an object of the type `schema`
 * describes and returns the patched copy. Throws a StatusError with
 * Kubernetes' code and text when the patch is malformed.
 */
export function strategicMergePatch(original: JsonObject, patch: JsonObject, schema: PatchSchema, options: StrategicMergeOptions = {}): JsonObject {
  if (!isJsonObject(patch)) {
    throw newPatchBadRequest(`json: cannot unmarshal ${jsonTypeWord(patch)} into Go value of type map[string]interface {}`);
  }
  const merger = new StrategicMerger(options);
  return merger.mergeMap(isJsonObject(original) ? deepClone(original) : {}, deepClone(patch), schema);
}
