/**
 * One label requirement (`key op values`), validated as Kubernetes'
 * `labels.NewRequirement` validates it, matched and printed as Kubernetes does.
 */

import { goQuote, isQualifiedName, isValidLabelValue } from './validation.js';

/** The selection operators (apimachinery/pkg/selection), by their Go string values. */
export type Operator = '!' | '=' | '==' | 'in' | '!=' | 'notin' | 'exists' | 'gt' | 'lt';

/** The binary operators, in the order Kubernetes lists them in parse errors. */
export const binaryOperators: readonly Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
/** The unary operators. */
export const unaryOperators: readonly Operator[] = ['exists', '!'];

/** Go's `strconv.ParseInt(s, 10, 64)` as a bigint, or undefined when it would fail. */
export function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return undefined;
  return n;
}

/** Go's `%#v` of a `[]string`; `nil` distinguishes a nil slice from an empty one. */
function goStringSlice(values: readonly string[], nil: boolean): string {
  if (nil) return '[]string(nil)';
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

/** `<path>: Invalid value: <value>: <detail>`, the text of a field.Invalid error. */
function invalid(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${value}: ${detail}`;
}

/** Joins a path prefix and a child the way field.Path does (nil prefix → just the child). */
function child(prefix: string | undefined, name: string): string {
  return prefix === undefined ? name : `${prefix}.${name}`;
}

/** Aggregates messages as utilerrors.NewAggregate prints them: one as is, several as `[a, b]`, duplicates once. */
export function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

/** Validates a label key as the parser does; returns the error text or undefined. */
export function labelKeyError(key: string, path: string | undefined): string | undefined {
  const errs = isQualifiedName(key);
  if (errs.length === 0) return undefined;
  return invalid(path ?? '<nil>', goQuote(key), errs.join('; '));
}

/**
 * The aggregated error text `labels.NewRequirement` would return, or
 * undefined when the requirement is valid.
 *
 * @param path field path prefix of the errors (undefined = Kubernetes' nil path)
 * @param nilValues the values came from a nil Go slice (affects only error text)
 */
export function requirementError(key: string, op: string, values: readonly string[], path?: string, nilValues = false): string | undefined {
  const errs: string[] = [];
  const keyErr = isQualifiedName(key);
  if (keyErr.length > 0) errs.push(invalid(child(path, 'key'), goQuote(key), keyErr.join('; ')));
  const valuePath = child(path, 'values');
  switch (op) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalid(valuePath, goStringSlice(values, nilValues), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalid(valuePath, goStringSlice(values, nilValues), 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalid(valuePath, goStringSlice(values, nilValues), 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalid(valuePath, goStringSlice(values, nilValues), "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalid(`${valuePath}[${i}]`, goQuote(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default: {
      const supported = [...binaryOperators, ...unaryOperators].map((o) => goQuote(o)).join(', ');
      errs.push(`${child(path, 'operator')}: Unsupported value: ${goQuote(op)}: supported values: ${supported}`);
    }
  }
  values.forEach((v, i) => {
    const valueErr = isValidLabelValue(v);
    if (valueErr.length > 0) errs.push(invalid(`${valuePath}[${i}][${key}]`, goQuote(v), valueErr.join('; ')));
  });
  return errs.length === 0 ? undefined : aggregate(errs);
}

/** A label set to match against. */
export type Labels = Readonly<Record<string, string>>;

function lookup(labels: Labels, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : undefined;
}

/** Sorts a copy of the strings by UTF-16 code units (ASCII order, as Go for label values). */
function sortedCopy(values: readonly string[]): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A validated label requirement. Build it with `newRequirement` (selector.ts)
 * or through the parser; the constructor itself does not validate.
 */
export class Requirement {
  constructor(
    readonly key: string,
    readonly operator: Operator,
    readonly values: readonly string[],
  ) {}

  /**
   * Whether the labels satisfy the requirement. `!=` and `notin` also match
   * labels without the key; `gt`/`lt` compare 64-bit integers and never match
   * a non-integer label value.
   */
  matches(labels: Labels): boolean {
    const value = lookup(labels, this.key);
    switch (this.operator) {
      case 'in':
      case '=':
      case '==':
        return value !== undefined && this.values.includes(value);
      case 'notin':
      case '!=':
        return value === undefined || !this.values.includes(value);
      case 'exists':
        return value !== undefined;
      case '!':
        return value === undefined;
      case 'gt':
      case 'lt': {
        if (value === undefined || this.values.length !== 1) return false;
        const have = parseInt64(value);
        const want = parseInt64(this.values[0]!);
        if (have === undefined || want === undefined) return false;
        return this.operator === 'gt' ? have > want : have < want;
      }
      default:
        return false;
    }
  }

  /** Kubernetes' canonical text: `a=b`, `a!=b`, `!a`, `a in (x,y)` with sorted values, `a>3`. */
  toString(): string {
    let s = this.operator === '!' ? `!${this.key}` : this.key;
    switch (this.operator) {
      case 'exists':
      case '!':
        return s;
      case '=': s += '='; break;
      case '==': s += '=='; break;
      case '!=': s += '!='; break;
      case 'in': s += ' in '; break;
      case 'notin': s += ' notin '; break;
      case 'gt': s += '>'; break;
      case 'lt': s += '<'; break;
    }
    const set = this.operator === 'in' || this.operator === 'notin';
    const values = this.values.length === 1 ? this.values[0]! : sortedCopy(this.values).join(',');
    return set ? `${s}(${values})` : `${s}${values}`;
  }
}
