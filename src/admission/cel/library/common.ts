/**
 * Helpers shared by the Kubernetes CEL libraries: value equality and
 * ordering with CEL's rules (numbers compare across int, uint and double;
 * strings, bytes, bools, timestamps and durations compare within their
 * type), and list access.
 */

/** A CEL runtime error raised by a library function (its message is what cel-go prints). */
export class CelRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelRuntimeError';
  }
}

interface DurationLike {
  seconds: number | bigint;
  nanos: number;
}

function isDuration(v: unknown): v is DurationLike {
  return typeof v === 'object' && v !== null && 'seconds' in v && 'nanos' in v && (v as object).constructor?.name?.includes('Duration') === true;
}

function numeric(v: unknown): number | bigint | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (typeof v === 'object' && v !== null && (v as object).constructor?.name === 'UnsignedInteger') {
    const raw = (v as { value: unknown }).value;
    if (typeof raw === 'bigint' || typeof raw === 'number') return raw;
  }
  return undefined;
}

function cmpNum(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Orders two comparable CEL values: -1, 0 or 1. Throws a CelRuntimeError
 * (`no such overload`) for values that do not compare.
 */
export function compareValues(a: unknown, b: unknown): number {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return cmpNum(na, nb);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Date && b instanceof Date) return cmpNum(a.getTime(), b.getTime());
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return cmpNum(a.length, b.length);
  }
  if (isDuration(a) && isDuration(b)) {
    const s = cmpNum(a.seconds, b.seconds);
    return s !== 0 ? s : cmpNum(a.nanos, b.nanos);
  }
  throw new CelRuntimeError('no such overload');
}

/** CEL equality of two values (deep for lists and maps; numbers across types). */
export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return cmpNum(na, nb) === 0;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => celEquals(x, b[i]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareValues(a, b) === 0;
  if (isDuration(a) && isDuration(b)) return compareValues(a, b) === 0;
  const ea = entriesOf(a);
  const eb = entriesOf(b);
  if (!ea || !eb || ea.size !== eb.size) return false;
  for (const [k, v] of ea) {
    if (!eb.has(k) || !celEquals(v, eb.get(k))) return false;
  }
  return true;
}

function entriesOf(v: object): Map<unknown, unknown> | undefined {
  if (v instanceof Map) return v;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return undefined;
  return new Map(Object.entries(v));
}

/** The elements of a CEL list value (arrays; anything else is not a list). */
export function listOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  throw new CelRuntimeError('no such overload');
}

/** An int argument as a JS number (BigInt or number accepted). */
export function intArg(v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  throw new CelRuntimeError('no such overload');
}
