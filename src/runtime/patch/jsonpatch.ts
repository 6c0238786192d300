/**
 * JSON Patch (RFC 6902, `application/json-patch+json`) as kube-apiserver
 * applies it (evanphx/json-patch v4 semantics):
 *
 * - `add`, `remove`, `replace`, `move`, `copy`, `test`; JSON pointers with
 *   `~0` (`~`) and `~1` (`/`); `-` appends to an array.
 * - Array indexes are read like Go's `strconv.Atoi` and may be negative
 *   (counting from the end), a v4 extension Kubernetes keeps enabled.
 * - `replace` with path "" replaces the whole document (object or array).
 * - A missing `value` reads as null.
 *
 * Errors: a body that is not a list of operation objects → 400 with Go's
 * decoder message; more than 10000 operations → 413; any operation that does
 * not apply (missing path, failed test, bad index, unknown op) → 422 with
 * Kubernetes' generic message (see errors.ts).
 *
 * Pure: the input document is never modified.
 */

import type { JsonObject, JsonValue } from '../object.js';
import { maxJsonPatchOperations, newPatchBadRequest, newPatchRejected, newTooManyPatchOperations } from './errors.js';
import { deepClone, deepEqual, has, isJsonObject, jsonTypeWord, put } from './json.js';

/** One RFC 6902 operation as sent on the wire. */
export interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: JsonValue;
  [extra: string]: JsonValue | undefined;
}

/** Raised inside the algorithm; becomes the 422. */
class PatchApplyError extends Error {}

/**
 * Checks the decoded body of a JSON patch request: an array of objects (or
 * null, which Go decodes as an empty patch) with at most 10000 entries.
 */
export function decodeJsonPatch(body: unknown): JsonPatchOperation[] {
  if (body === null) return [];
  if (!Array.isArray(body)) {
    throw newPatchBadRequest(`json: cannot unmarshal ${jsonTypeWord(body)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of body) {
    if (op !== null && !isJsonObject(op)) {
      throw newPatchBadRequest(`json: cannot unmarshal ${jsonTypeWord(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (body.length > maxJsonPatchOperations) throw newTooManyPatchOperations(body.length);
  return body.map((op) => (op ?? {}) as JsonPatchOperation);
}

/**
 * Applies a JSON patch to a document and returns the patched copy.
 * `patch` is the decoded request body (validated with {@link decodeJsonPatch}).
 */
export function applyJsonPatch(doc: JsonValue, patch: unknown): JsonValue {
  const ops = decodeJsonPatch(patch);
  const root: { doc: JsonValue } = { doc: deepClone(doc) };
  for (const op of ops) {
    try {
      applyOperation(root, op);
    } catch (err) {
      if (err instanceof PatchApplyError) throw newPatchRejected(err.message);
      throw err;
    }
  }
  return root.doc;
}

/** `~1` → `/`, `~0` → `~`, left to right. */
function decodeToken(token: string): string {
  return token.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

/** Go's `strconv.Atoi` for index tokens. */
function atoi(token: string): number {
  if (!/^[+-]?[0-9]+$/.test(token)) throw new PatchApplyError(`strconv.Atoi: parsing ${JSON.stringify(token)}: invalid syntax`);
  const n = Number(token);
  if (!Number.isSafeInteger(n)) throw new PatchApplyError(`strconv.Atoi: parsing ${JSON.stringify(token)}: value out of range`);
  return n;
}

type Container = JsonObject | JsonValue[];

/** A parent container and the decoded last token, or undefined when the path does not lead anywhere. */
function findObject(root: JsonValue, path: string): [Container, string] | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let current: JsonValue = root;
  for (const part of split.slice(1, -1)) {
    if (!isJsonObject(current) && !Array.isArray(current)) return undefined;
    let next: JsonValue | undefined;
    try {
      next = get(current, decodeToken(part));
    } catch {
      return undefined;
    }
    if (next === null || next === undefined) return undefined;
    current = next;
  }
  if (!isJsonObject(current) && !Array.isArray(current)) return undefined;
  return [current, decodeToken(split[split.length - 1]!)];
}

/** Resolves a possibly negative index for reading; throws when out of range. */
function readIndex(arr: JsonValue[], key: string): number {
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -arr.length) throw new PatchApplyError(`Unable to access invalid index: ${idx}`);
    idx += arr.length;
  }
  if (idx >= arr.length) throw new PatchApplyError(`Unable to access invalid index: ${idx}`);
  return idx;
}

function get(c: Container, key: string): JsonValue {
  if (Array.isArray(c)) return c[readIndex(c, key)]!;
  if (!has(c, key)) throw new PatchApplyError(`unable to get nonexistent key: ${key}`);
  return c[key]!;
}

function add(c: Container, key: string, value: JsonValue): void {
  if (!Array.isArray(c)) {
    put(c, key, value);
    return;
  }
  if (key === '-') {
    c.push(value);
    return;
  }
  let idx = atoi(key);
  const size = c.length + 1;
  if (idx >= size || idx < -size) throw new PatchApplyError(`Unable to access invalid index: ${idx}`);
  if (idx < 0) idx += size;
  c.splice(idx, 0, value);
}

function set(c: Container, key: string, value: JsonValue): void {
  if (Array.isArray(c)) c[readIndex(c, key)] = value;
  else put(c, key, value);
}

function remove(c: Container, key: string): void {
  if (Array.isArray(c)) {
    c.splice(readIndex(c, key), 1);
    return;
  }
  if (!has(c, key)) throw new PatchApplyError(`Unable to remove nonexistent key: ${key}`);
  delete c[key];
}

function stringField(op: JsonPatchOperation, name: 'path' | 'from'): string {
  if (!has(op, name) || op[name] === null) throw new PatchApplyError(`missing value: operation missing ${name} field`);
  const v = op[name];
  if (typeof v !== 'string') throw new PatchApplyError(`json: cannot unmarshal ${jsonTypeWord(v)} into Go value of type string`);
  return v;
}

function valueOf(op: JsonPatchOperation): JsonValue {
  return has(op, 'value') && op.value !== undefined ? op.value : null;
}

function locate(root: JsonValue, path: string, what: string): [Container, string] {
  const found = findObject(root, path);
  if (found === undefined) throw new PatchApplyError(`${what} does not apply: doc is missing path: "${path}": missing value`);
  return found;
}

function applyOperation(root: { doc: JsonValue }, op: JsonPatchOperation): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add': {
      const path = stringField(op, 'path');
      const [c, key] = locate(root.doc, path, 'add operation');
      add(c, key, deepClone(valueOf(op)));
      return;
    }
    case 'remove': {
      const path = stringField(op, 'path');
      const [c, key] = locate(root.doc, path, 'remove operation');
      remove(c, key);
      return;
    }
    case 'replace': {
      const path = stringField(op, 'path');
      if (path === '') {
        const value = valueOf(op);
        if (!isJsonObject(value) && !Array.isArray(value)) throw new PatchApplyError('replace operation value must be object or array');
        root.doc = deepClone(value);
        return;
      }
      const [c, key] = locate(root.doc, path, 'replace operation');
      get(c, key);
      set(c, key, deepClone(valueOf(op)));
      return;
    }
    case 'move': {
      const from = stringField(op, 'from');
      const [fc, fkey] = locate(root.doc, from, 'move operation');
      const value = get(fc, fkey);
      remove(fc, fkey);
      const path = stringField(op, 'path');
      const [c, key] = locate(root.doc, path, 'move operation');
      add(c, key, value);
      return;
    }
    case 'copy': {
      const from = stringField(op, 'from');
      const [fc, fkey] = locate(root.doc, from, 'copy operation');
      const value = get(fc, fkey);
      const path = stringField(op, 'path');
      const [c, key] = locate(root.doc, path, 'copy operation');
      add(c, key, deepClone(value));
      return;
    }
    case 'test': {
      const path = stringField(op, 'path');
      const [c, key] = locate(root.doc, path, 'test operation');
      const actual = get(c, key);
      const expected = valueOf(op);
      if (actual === null ? expected === null : deepEqual(actual, expected)) return;
      throw new PatchApplyError(`testing value ${path} failed: test failed`);
    }
    default:
      throw new PatchApplyError(`Unexpected kind: ${kind}`);
  }
}
