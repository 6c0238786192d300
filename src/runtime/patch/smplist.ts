/**
 * The list half of strategic merge patch: merging two lists by merge key or
 * as a set of scalars, `$patch` elements inside lists, and the ordering rules
 * Kubernetes applies afterwards (patch order, then live order, then
 * `$setElementOrder`). Errors carry Kubernetes' texts and status codes.
 */

import type { JsonObject, JsonValue } from '../object.js';
import type { PatchSchema } from './schema.js';
import type { StatusError } from '../errors.js';
import { newPatchRejected, newPatchServerError } from './errors.js';
import { deepEqual, goFormat, goFormatS, goTypeName, has, isJsonObject } from './json.js';

/** `$patch`. */
export const directiveMarker = '$patch';

/** Merges one patch element into the live element with the same key. */
export type MergeElementFunc = (original: JsonObject, patch: JsonObject, schema: PatchSchema) => JsonObject;

/** Cleans a value that is copied from the patch as is (no live counterpart). */
export type CleanFunc = (value: JsonValue) => { keep: boolean; value: JsonValue };

/** What an element of a list is, in the terms of Go's reflect types. */
export type ElementKind = 'map' | 'string' | 'bool' | 'int64' | 'float64' | 'nil';

// ---- Kubernetes' error texts (apimachinery/pkg/util/mergepatch) ----

/** `map: <m> does not contain declared merge key: <k>` (500). */
export function errNoMergeKey(m: JsonValue, key: string): StatusError {
  return newPatchServerError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
}

/** `expected a <type>, but received a <type>` (500). */
export function errBadArgType(expected: string, actual: JsonValue | undefined): StatusError {
  return newPatchServerError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

/** `unknown patch type: <t> in map: <m>` (500). */
export function errBadPatchType(t: JsonValue | undefined, m: JsonValue): StatusError {
  return newPatchServerError(`unknown patch type: ${goFormatS(t)} in map: ${goFormat(m)}`);
}

const mapType = 'map[string]interface {}';

// ---- keys ----

/** Whether a list element carries every merge key. */
function hasKeys(item: JsonObject, keys: readonly string[]): boolean {
  return keys.every((k) => has(item, k));
}

/** The first merge key an element lacks (for the error text). */
function missingKey(item: JsonObject, keys: readonly string[]): string {
  return keys.find((k) => !has(item, k)) ?? keys[0]!;
}

/** Go interface equality of two decoded scalars (maps and lists compare structurally). */
function sameValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return a === b || (typeof a === 'object' && a !== null && deepEqual(a, b));
}

function sameKeys(a: JsonObject, b: JsonObject, keys: readonly string[]): boolean {
  return keys.every((k) => has(a, k) && has(b, k) && sameValue(a[k], b[k]));
}

/** Index of the map in `list` whose merge keys equal those of `item`; throws when `list` holds a non-map. */
function findMap(list: readonly JsonValue[], keys: readonly string[], item: JsonObject): number {
  for (let i = 0; i < list.length; i++) {
    const v = list[i]!;
    if (!isJsonObject(v)) throw newPatchServerError(`value for key ${i} is not a map.`);
    if (sameKeys(v, item, keys)) return i;
  }
  return -1;
}

// ---- element kinds ----

function kindOf(v: JsonValue): ElementKind | 'slice' {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int64' : 'float64';
}

/**
 * The common element kind of the lists (`sliceElementType`). Lists of lists
 * → 422; mixed kinds or no elements at all → 500, as in Kubernetes.
 */
export function sliceElementKind(...lists: ReadonlyArray<readonly JsonValue[] | undefined>): ElementKind {
  let kind: ElementKind | 'slice' | undefined;
  for (const list of lists) {
    for (const v of list ?? []) {
      const k = kindOf(v);
      if (kind === undefined) {
        if (k === 'slice') throw newPatchRejected('lists of lists are not supported');
        kind = k;
      } else if (k !== kind) {
        throw newPatchServerError(`list element types are not identical: [${lists.map((l) => goFormat((l ?? []) as JsonValue[])).join(' ')}]`);
      }
    }
  }
  if (kind === undefined || kind === 'slice') throw newPatchServerError('no elements in any of the given slices');
  return kind;
}

// ---- ordering ----

/** Position of `item` in `list`: by merge keys for maps, by value otherwise; -1 when absent. */
function indexIn(list: readonly JsonValue[], item: JsonValue, keys: readonly string[], kind: ElementKind): number {
  if (kind !== 'map') return list.findIndex((v) => sameValue(v, item));
  const probe = isJsonObject(item) ? item : {};
  return list.findIndex((v) => isJsonObject(v) && keys.every((k) => sameValue(v[k], probe[k])));
}

/** Requires every element of every list to be a map carrying the merge keys. */
function validateMergeKeyInLists(keys: readonly string[], ...lists: ReadonlyArray<readonly JsonValue[]>): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isJsonObject(item)) throw errBadArgType(mapType, item);
      if (!hasKeys(item, keys)) throw errNoMergeKey(item, missingKey(item, keys));
    }
  }
}

/** Sorts `toSort` by the positions of its elements in `order` (stable); `$patch: delete` elements go last. */
function normalizeSliceOrder(toSort: readonly JsonValue[], order: readonly JsonValue[], keys: readonly string[], kind: ElementKind): JsonValue[] {
  let items = [...toSort];
  let toDelete: JsonValue[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(keys, toSort, order);
    toDelete = items.filter((v) => isJsonObject(v) && v[directiveMarker] === 'delete');
    items = items.filter((v) => !(isJsonObject(v) && v[directiveMarker] === 'delete'));
  }
  const decorated = items.map((v) => ({ v, i: indexIn(order, v, keys, kind) }));
  decorated.sort((a, b) => (a.i >= 0 && b.i >= 0 ? a.i - b.i : 0));
  return [...decorated.map((d) => d.v), ...toDelete];
}

/**
 * Interleaves server-only items (`left`) into patch items (`right`): a left
 * item goes first only when both are in the live list and it came earlier
 * there. So items new to the list come before the live items they are
 * compared with — Kubernetes' order.
 */
function mergeSortedSlice(left: readonly JsonValue[], right: readonly JsonValue[], serverOrder: readonly JsonValue[], keys: readonly string[], kind: ElementKind): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) {
      out.push(right[j++]!);
    } else if (j >= right.length) {
      out.push(left[i++]!);
    } else {
      const li = indexIn(serverOrder, left[i]!, keys, kind);
      const ri = indexIn(serverOrder, right[j]!, keys, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

/** Orders patch items by `patchOrder`, server-only items by `serverOrder`, then interleaves them. */
export function normalizeElementOrder(
  patchItems: readonly JsonValue[],
  serverOnly: readonly JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  keys: readonly string[],
  kind: ElementKind,
): JsonValue[] {
  const p = normalizeSliceOrder(patchItems, patchOrder, keys, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, keys, kind);
  return mergeSortedSlice(s, p, serverOrder, keys, kind);
}

/** Splits `merged` into [items present in `by`, the rest], comparing scalars by value. */
export function partitionPrimitives(merged: readonly JsonValue[], by: readonly JsonValue[]): [JsonValue[], JsonValue[]] {
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of merged) (by.some((b) => sameValue(b, v)) ? inPatch : serverOnly).push(v);
  return [inPatch, serverOnly];
}

/** Splits `merged` maps into [those whose merge key is in `by`, the rest]. */
export function partitionMaps(merged: readonly JsonValue[], by: readonly JsonValue[], keys: readonly string[]): [JsonValue[], JsonValue[]] {
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of merged) {
    if (!isJsonObject(v)) throw errBadArgType(mapType, v);
    if (!hasKeys(v, keys)) throw errNoMergeKey(v, missingKey(v, keys));
    (findMap(by, keys, v) >= 0 ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

/** Partitions by presence in `by`, by merge key when there is one. */
export function partition(merged: readonly JsonValue[], by: readonly JsonValue[], keys: readonly string[]): [JsonValue[], JsonValue[]] {
  return keys.length === 0 ? partitionPrimitives(merged, by) : partitionMaps(merged, by, keys);
}

// ---- merging ----

/** Removes every scalar in `toDelete` from `current` (`$deleteFromPrimitiveList`). */
function deleteFromSlice(current: readonly JsonValue[], toDelete: readonly JsonValue[]): JsonValue[] {
  return current.filter((v) => !toDelete.some((d) => sameValue(d, v)));
}

/** Scalars of both lists, each once. */
function deduplicate(values: readonly JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const v of values) if (!out.some((o) => sameValue(o, v))) out.push(v);
  return out;
}

/**
 * Applies the `$patch` elements of a merging list: `delete` removes live
 * elements with the same key, `replace` makes the rest of the patch list the
 * whole list, `merge` and unknown values are errors (as in Kubernetes).
 * Returns the live list to merge into and the patch without special elements.
 */
function applySpecialElements(original: JsonValue[], patch: readonly JsonValue[], keys: readonly string[], clean: CleanFunc): [JsonValue[], JsonValue[]] {
  const plain: JsonValue[] = [];
  let replace = false;
  let live = original;
  for (const v of patch) {
    const item = v as JsonObject;
    if (!has(item, directiveMarker)) {
      plain.push(v);
      continue;
    }
    const directive = item[directiveMarker];
    switch (directive) {
      case 'delete':
        if (!hasKeys(item, keys)) throw errNoMergeKey(item, missingKey(item, keys));
        live = live.filter((o) => !sameKeys(o as JsonObject, item, keys));
        break;
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw newPatchServerError('merging lists cannot yet be specified in the patch');
      default:
        throw errBadPatchType(directive, item);
    }
  }
  if (replace) return [plain.map((v) => clean(v).value), []];
  return [live, plain];
}

/**
 * Merges a patch list into a live list with the `merge` strategy
 * (`mergeSlice`): maps by merge key (recursing into matches, appending new
 * ones), scalars as a set; `isDeleteList` removes scalars instead. The result
 * is ordered as Kubernetes orders it.
 */
export function mergeSlice(
  original: JsonValue[],
  patch: JsonValue[],
  elemSchema: PatchSchema,
  keys: readonly string[],
  isDeleteList: boolean,
  mergeElement: MergeElementFunc,
  clean: CleanFunc,
): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: JsonValue[];
  let live = original;
  let plain = patch;
  if (kind !== 'map') {
    if (isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicate([...original, ...patch]);
  } else {
    if (keys.length === 0) throw newPatchServerError('cannot merge lists without merge key for struct');
    [live, plain] = applySpecialElements(original, patch, keys, clean);
    merged = [...live];
    for (const v of plain) {
      const item = v as JsonObject;
      if (!hasKeys(item, keys)) throw errNoMergeKey(item, missingKey(item, keys));
      const at = findMap(merged, keys, item);
      if (at >= 0) merged[at] = mergeElement(merged[at] as JsonObject, item, elemSchema);
      else merged.push(clean(item).value);
    }
  }
  const [patchItems, serverOnly] = partition(merged, plain, keys);
  return normalizeElementOrder(patchItems, serverOnly, plain, live, keys, kind);
}

/**
 * Checks `$setElementOrder` against the patch list: the patch's elements
 * (ignoring `$patch` ones) must appear in the order list in the same order.
 */
export function validatePatchWithSetOrderList(patchList: readonly JsonValue[] | undefined, setOrder: readonly JsonValue[], keys: readonly string[]): void {
  if (patchList === undefined || setOrder.length === 0 || patchList.length === 0) return;
  let nonDelete: readonly JsonValue[] = patchList;
  if (keys.length > 0) {
    for (const v of patchList) if (!isJsonObject(v)) throw errBadArgType(mapType, v);
    nonDelete = patchList.filter((v) => (v as JsonObject)[directiveMarker] !== 'delete');
  }
  let pi = 0;
  let si = 0;
  while (pi < nonDelete.length && si < setOrder.length) {
    const p = nonDelete[pi]!;
    if (isJsonObject(p) && has(p, directiveMarker)) {
      pi++;
      continue;
    }
    let equal: boolean;
    if (keys.length === 0) {
      equal = sameValue(p, setOrder[si]);
    } else {
      const s = setOrder[si]!;
      if (!isJsonObject(p)) throw errBadArgType(mapType, p);
      if (!isJsonObject(s)) throw errBadArgType(mapType, s);
      if (!hasKeys(p, keys)) throw errNoMergeKey(p, missingKey(p, keys));
      if (!hasKeys(s, keys)) throw errNoMergeKey(s, missingKey(s, keys));
      equal = sameKeys(p, s, keys);
    }
    if (equal) pi++;
    si++;
  }
  if (pi < nonDelete.length && si >= setOrder.length) {
    throw newPatchServerError(`The order in patch list:\n${goFormat(patchList as JsonValue[])}\n doesn't match $setElementOrder list:\n${goFormat(setOrder as JsonValue[])}\n`);
  }
}
