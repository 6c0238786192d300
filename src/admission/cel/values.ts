/**
 * Conversion between kapi's JSON objects and the values the CEL evaluator
 * works with. Kubernetes hands CEL unstructured maps in which integral JSON
 * numbers are `int` (int64); the evaluator represents `int` as a BigInt, so
 * integral numbers become BigInts on the way in and plain numbers on the way
 * out. Everything else (strings, booleans, null, lists, maps) keeps its shape.
 */
import type { JsonValue } from '../../runtime/object.js';

/** A JSON value as CEL sees it: integral numbers are BigInts. */
export type CelValue = string | number | bigint | boolean | null | CelValue[] | { [key: string]: CelValue } | object;

/**
 * JSON → CEL: a deep copy in which every integral number is a BigInt.
 * `undefined` (an absent value) becomes `null`.
 */
export function toCel(v: unknown): CelValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? BigInt(v) : v;
    case 'string':
    case 'boolean':
    case 'bigint':
      return v;
    case 'object': {
      if (Array.isArray(v)) return v.map(toCel);
      const out: Record<string, CelValue> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x !== undefined) out[k] = toCel(x);
      }
      return out;
    }
    default:
      return null;
  }
}

/**
 * CEL → JSON: BigInts become numbers, Maps and objects become plain
 * objects, byte arrays become base64 strings (their JSON form). Values
 * without a JSON form (types, custom objects) become their string form.
 */
export function fromCel(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'bigint':
      return Number(v);
    case 'number':
    case 'string':
    case 'boolean':
      return v;
    case 'object': {
      if (Array.isArray(v)) return v.map(fromCel);
      if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
      if (v instanceof Map) {
        const out: Record<string, JsonValue> = {};
        for (const [k, x] of v) out[String(k)] = fromCel(x);
        return out;
      }
      if (v instanceof Date) return v.toISOString();
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return String(v);
      const out: Record<string, JsonValue> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = fromCel(x);
      return out;
    }
    default:
      return String(v);
  }
}

/** The CEL type name of a runtime value, as cel-go prints it in messages. */
export function celTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null_type';
  switch (typeof v) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    default:
      if (Array.isArray(v)) return 'list';
      if (v instanceof Uint8Array) return 'bytes';
      if (v instanceof Map) return 'map';
      if (Object.getPrototypeOf(v) === Object.prototype) return 'map';
      return (v as object).constructor?.name ?? 'object';
  }
}
