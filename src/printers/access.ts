/**
 * Tolerant readers over the JSON form of an object. Printers read objects that
 * the strategies have already validated, but a printer must never throw on an
 * odd object: a missing or mistyped field reads as the Go zero value, which is
 * what kube-apiserver's printers would see in the internal type.
 */

/** One step of a path: an object key or an array index. */
export type PathStep = string | number;

/** The value at path, or undefined when any step is missing. */
export function field(obj: unknown, ...path: PathStep[]): unknown {
  let cur: unknown = obj;
  for (const step of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[step as string];
  }
  return cur;
}

/** True when the value at path is present and not null (a set pointer in Go). */
export function has(obj: unknown, ...path: PathStep[]): boolean {
  const v = field(obj, ...path);
  return v !== undefined && v !== null;
}

/** The string at path, or '' (Go's zero string). */
export function str(obj: unknown, ...path: PathStep[]): string {
  const v = field(obj, ...path);
  return typeof v === 'string' ? v : '';
}

/** The number at path, or 0 (Go's zero integer). */
export function num(obj: unknown, ...path: PathStep[]): number {
  const v = field(obj, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** The number at path, or undefined when unset (a nil *int32 in Go). */
export function optNum(obj: unknown, ...path: PathStep[]): number | undefined {
  const v = field(obj, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The boolean at path, or false. */
export function bool(obj: unknown, ...path: PathStep[]): boolean {
  return field(obj, ...path) === true;
}

/** The array at path, or []. */
export function list(obj: unknown, ...path: PathStep[]): unknown[] {
  const v = field(obj, ...path);
  return Array.isArray(v) ? v : [];
}

/** The object at path, or {}. */
export function record(obj: unknown, ...path: PathStep[]): Record<string, unknown> {
  const v = field(obj, ...path);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A string map at path (labels, selectors, annotations), non-strings dropped. */
export function stringMap(obj: unknown, ...path: PathStep[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(obj, ...path))) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Number of keys of the object at path (len() of a Go map). */
export function mapLen(obj: unknown, ...path: PathStep[]): number {
  return Object.keys(record(obj, ...path)).length;
}

/** The status ('True', 'False', 'Unknown') of the first condition of a type, or ''. */
export function conditionStatus(conditions: unknown[], type: string): string {
  for (const c of conditions) {
    if (str(c, 'type') === type) return str(c, 'status');
  }
  return '';
}
