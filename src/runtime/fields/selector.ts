/**
 * Field selectors (apimachinery/pkg/fields): `?fieldSelector=` strings of
 * comma-separated `field=value`, `field==value` and `field!=value` terms.
 * In values, `\,` `\=` and `\\` escape a comma, an equals sign and a
 * backslash; an unescaped `=` in a value is an error. Terms are kept in the
 * order of their sorted source text, as Kubernetes keeps them.
 *
 * Errors are 400 BadRequest StatusErrors with kube-apiserver's messages.
 */

import { StatusError, newBadRequest } from '../errors.js';
import { goQuote } from '../labels/validation.js';

/** One term's operator, as Kubernetes names them in Requirements(). */
export type FieldOperator = '=' | '!=';

/** One parsed term. */
export interface FieldRequirement {
  field: string;
  operator: FieldOperator;
  value: string;
}

/** The fields of one object, as a resource's field-set function exposes them. Missing fields read as "". */
export type Fields = Readonly<Record<string, string>>;

/**
 * Rewrites one term: returns the new field and value, or throws. A term whose
 * field and value both come back empty is dropped.
 */
export type FieldTransformFunc = (field: string, value: string) => [string, string];

function get(fields: Fields, field: string): string {
  return Object.prototype.hasOwnProperty.call(fields, field) ? fields[field]! : '';
}

/** Escapes `\`, `,` and `=` so a literal can be used as a selector value. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** A value parse failure (message as Kubernetes prints it). */
class FieldSelectorSyntaxError extends Error {}

/** Undoes {@link escapeFieldValue}; rejects unknown escapes and unescaped `,`/`=` with Kubernetes' messages. */
export function unescapeFieldValue(s: string): string {
  try {
    return unescape(s);
  } catch (err) {
    if (err instanceof FieldSelectorSyntaxError) throw newBadRequest(err.message);
    throw err;
  }
}

function unescape(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') {
        out += c;
        inSlash = false;
        continue;
      }
      throw new FieldSelectorSyntaxError(`invalid field selector: invalid escape sequence: \\${c}`);
    }
    if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v: its code point number.
      throw new FieldSelectorSyntaxError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new FieldSelectorSyntaxError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** A parsed field selector: the AND of its terms. */
export class FieldSelector {
  private static readonly everythingInstance = new FieldSelector([]);
  private static readonly nothingInstance = new FieldSelector(null);

  /** `terms` is null for the selector that matches nothing. */
  private constructor(private readonly terms: readonly FieldRequirement[] | null) {}

  /** The selector that matches every object. */
  static everything(): FieldSelector {
    return FieldSelector.everythingInstance;
  }

  /** The selector that matches no object. */
  static nothing(): FieldSelector {
    return FieldSelector.nothingInstance;
  }

  /** A selector from terms, in the given order. */
  static of(terms: readonly FieldRequirement[]): FieldSelector {
    return terms.length === 0 ? FieldSelector.everythingInstance : new FieldSelector(terms.map((t) => ({ ...t })));
  }

  /** A selector requiring `field=value` (`fields.OneTermEqualSelector`), e.g. for `metadata.name`. */
  static oneTermEqual(field: string, value: string): FieldSelector {
    return new FieldSelector([{ field, operator: '=', value }]);
  }

  /** Whether every term holds. A missing field reads as "", so `f!=x` matches objects without `f`. */
  matches(fields: Fields): boolean {
    if (this.terms === null) return false;
    return this.terms.every((t) => (get(fields, t.field) === t.value) === (t.operator === '='));
  }

  /** True when the selector does not restrict anything. */
  empty(): boolean {
    return this.terms !== null && this.terms.length === 0;
  }

  /** The terms (a copy). */
  requirements(): FieldRequirement[] {
    return (this.terms ?? []).map((t) => ({ ...t }));
  }

  /**
   * The value an `=`/`==` term forces for `field` (the first such term), or
   * undefined. Lets storage turn `metadata.name=x` into a single-key read.
   */
  requiresExactMatch(field: string): string | undefined {
    for (const t of this.terms ?? []) {
      if (t.operator === '=' && t.field === field) return t.value;
    }
    return undefined;
  }

  /**
   * A new selector with every term rewritten by `fn` (`Selector.Transform`).
   * Terms mapped to an empty field and value are dropped. Errors thrown by
   * `fn` propagate (a plain Error becomes a 400 BadRequest with its message).
   */
  transform(fn: FieldTransformFunc): FieldSelector {
    if (this.terms === null) return this;
    const next: FieldRequirement[] = [];
    for (const t of this.terms) {
      let field: string;
      let value: string;
      try {
        [field, value] = fn(t.field, t.value);
      } catch (err) {
        if (err instanceof StatusError) throw err;
        if (err instanceof Error) throw newBadRequest(err.message);
        throw err;
      }
      if (field === '' && value === '') continue;
      next.push({ field, operator: t.operator, value });
    }
    return FieldSelector.of(next);
  }

  /**
   * Rejects terms on fields outside `allowed` with kube-apiserver's list
   * handler error: 400 `field label not supported: <field>`.
   */
  validate(allowed: Iterable<string>): FieldSelector {
    return this.transform(supportedFieldsConversion(allowed));
  }

  /** Kubernetes' text: terms joined by `,`, values escaped, `==` written as `=`. */
  toString(): string {
    return (this.terms ?? []).map((t) => `${t.field}${t.operator}${escapeFieldValue(t.value)}`).join(',');
  }
}

/** Splits on commas not escaped by a backslash; escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) {
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** Splits a term at the first operator occurrence, trying `!=`, then `==`, then `=` at each position. */
function splitTerm(term: string): [string, '!=' | '==' | '=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/**
 * Parses a field selector (`fields.ParseSelector`); the empty string selects
 * everything. Throws 400 BadRequest with Kubernetes' message, e.g.
 * `invalid selector: 'foo'; can't understand 'foo'`.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const terms: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (split === undefined) throw newBadRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, op, raw] = split;
    let value: string;
    try {
      value = unescape(raw);
    } catch (err) {
      if (err instanceof FieldSelectorSyntaxError) throw newBadRequest(err.message);
      throw err;
    }
    terms.push({ field, operator: op === '!=' ? '!=' : '=', value });
  }
  return FieldSelector.of(terms);
}

/** Parses and then transforms (`fields.ParseAndTransformSelector`). */
export function parseAndTransformFieldSelector(selector: string, fn: FieldTransformFunc): FieldSelector {
  return parseFieldSelector(selector).transform(fn);
}

/**
 * A transform that keeps terms on the allowed fields and rejects others with
 * `field label not supported: <field>` — what the field label conversion
 * functions of built-in kinds return.
 */
export function supportedFieldsConversion(allowed: Iterable<string>): FieldTransformFunc {
  const set = new Set(allowed);
  return (field, value) => {
    if (!set.has(field)) throw newBadRequest(`field label not supported: ${field}`);
    return [field, value];
  };
}

/**
 * The conversion Kubernetes applies to kinds that register no field label
 * conversion (`runtime.DefaultMetaV1FieldSelectorConversion`): only
 * `metadata.name` and `metadata.namespace`; others are rejected with
 * `"<field>" is not a known field selector: only "metadata.name", "metadata.namespace"`.
 */
export const defaultMetaFieldSelectorConversion: FieldTransformFunc = (field, value) => {
  if (field === 'metadata.name' || field === 'metadata.namespace') return [field, value];
  throw newBadRequest(`${goQuote(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
};
