/**
 * Partial matching of an expected shape against an object read back from
 * the server: only the fields the expectation names are compared.
 *
 * - objects: every expected key must match the actual key (extra actual keys are ignored);
 * - arrays: same length, element by element;
 * - {@link Pattern} (`!re` in the corpus YAML): the actual value is a string matching it;
 * - {@link absent} (`!absent`): the key must not be there;
 * - {@link present} (`!present`): the key must be there, any value;
 * - other scalars: strict equality.
 */

/** A regular expression the actual string must match. */
export class Pattern {
  constructor(readonly source: string) {}
  test(value: unknown): boolean {
    return typeof value === 'string' && new RegExp(this.source).test(value);
  }
  toJSON(): string {
    return `!re ${this.source}`;
  }
}

/** Marks a key that must not be set. */
export const absent: unique symbol = Symbol('absent');
/** Marks a key that must be set (to anything). */
export const present: unique symbol = Symbol('present');

function show(v: unknown): string {
  if (v === absent) return '<absent>';
  if (v === present) return '<present>';
  return JSON.stringify(v) ?? String(v);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Pattern);
}

/**
 * The differences between `expected` and `actual`, one line per mismatch,
 * each naming its JSON path. Empty when they match.
 */
export function mismatches(expected: unknown, actual: unknown, path = ''): string[] {
  if (expected instanceof Pattern) {
    return expected.test(actual) ? [] : [`${path || '.'}: ${show(actual)} does not match /${expected.source}/`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path || '.'}: expected a list, got ${show(actual)}`];
    if (actual.length !== expected.length) return [`${path || '.'}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`];
    return expected.flatMap((e, i) => mismatches(e, actual[i], `${path}[${i}]`));
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return [`${path || '.'}: expected an object, got ${show(actual)}`];
    const out: string[] = [];
    for (const [k, e] of Object.entries(expected)) {
      const p = `${path}.${k}`;
      const has = Object.prototype.hasOwnProperty.call(actual, k);
      if (e === absent) {
        if (has) out.push(`${p}: expected absent, got ${show(actual[k])}`);
      } else if (e === present) {
        if (!has) out.push(`${p}: expected present`);
      } else if (!has) {
        out.push(`${p}: missing, expected ${show(e)}`);
      } else {
        out.push(...mismatches(e, actual[k], p));
      }
    }
    return out;
  }
  return Object.is(expected, actual) ? [] : [`${path || '.'}: expected ${show(expected)}, got ${show(actual)}`];
}
