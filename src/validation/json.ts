/**
 * Small, typed accessors for objects in their JSON form, and the semantic
 * equality Kubernetes uses when it compares API objects.
 */

/** A JSON object as validators see it: keys to unknown values. */
export type Obj = Record<string, unknown>;

/** v as an object, or undefined when it is not a plain object. */
export function asObj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** v as an array, or undefined. */
export function asArr(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

/** v when it is a string, else ''. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** v when it is a finite number, else undefined. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The child object at key, created (and stored) when missing or not an object. */
export function ensureObj(o: Obj, key: string): Obj {
  const cur = asObj(o[key]);
  if (cur) return cur;
  const created: Obj = {};
  o[key] = created;
  return created;
}

/** The array at key, or an empty array (not stored). */
export function arr(o: Obj | undefined, key: string): unknown[] {
  return asArr(o?.[key]) ?? [];
}

/** The objects of the array at key (non-objects skipped). */
export function objs(o: Obj | undefined, key: string): Obj[] {
  return arr(o, key).map(asObj).filter((x): x is Obj => x !== undefined);
}

/** Sets o[key] = value when the key is absent (undefined or null). */
export function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** A deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/**
 * Drops empty values (null, [], {}) recursively: Kubernetes' semantic
 * equality treats nil and empty slices and maps as equal, and JSON omits
 * zero-valued optional fields.
 */
function normalize(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    return v.map((x) => {
      const n = normalize(x);
      return n === undefined ? null : n;
    });
  }
  if (typeof v === 'object') {
    const out: Obj = {};
    for (const k of Object.keys(v as Obj).sort()) {
      const n = normalize((v as Obj)[k]);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

/** apiequality.Semantic.DeepEqual on JSON values (nil == empty). */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a) ?? null) === JSON.stringify(normalize(b) ?? null);
}
