/**
 * Small readers for JSON objects under conversion. Reading mirrors Go's
 * json.Unmarshal into a struct: a field matches its exact name first, then
 * any key equal to it ignoring case.
 */

/** A JSON object being converted. */
export type Obj = Record<string, unknown>;

/** The value as an object, or undefined. */
export function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** The value as an array, or an empty array. */
export function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A field of an object read the way Go decodes into a struct (exact name, then case-insensitive). */
export function field(o: Obj | undefined, name: string): unknown {
  if (!o) return undefined;
  if (Object.prototype.hasOwnProperty.call(o, name)) return o[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}

/** A string field ('' when unset, as a Go string). */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** An integer field, or undefined when unset (a Go pointer). */
export function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A resource.Quantity in its string form, or undefined when unset. */
export function quantity(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Drops undefined members, keeping the key order of `o`. */
export function compact(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** Parses JSON, or returns `invalid` when the text is not JSON. */
export function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return invalid;
  }
}

/** Marker for text that did not parse. */
export const invalid: unique symbol = Symbol('invalid JSON');

/** A deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
