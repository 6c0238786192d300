/**
 * Field errors as Kubernetes builds them (apimachinery/pkg/util/validation/field):
 * a type, a field path and a detail. Validation collects them into a list and
 * never throws the first one; the API layer turns the list into a 422 Invalid.
 */

/** The cause reasons of a field error, as they appear in `details.causes[].reason`. */
export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Types whose message omits the bad value. */
const omitsValue = new Set<FieldErrorType>(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError']);

const NoValue = Symbol('omitValue');

/**
 * A bad value whose printed form is given verbatim. Kubernetes prints
 * non-scalar bad values with Go's `%#v` (`map[string]string{"app":"x"}`) or,
 * for types with a String method, that string (a Quantity prints `500m`);
 * validators build that text and wrap it in a RawValue.
 */
export class RawValue {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

/** Formats a bad value the way Go's %#v-ish printing in field errors does. */
function formatValue(v: unknown): string {
  if (v instanceof RawValue) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return 'null';
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** One field error. */
export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** The message without the field: `Invalid value: "x": detail`. Used for `causes[].message`. */
  body(): string {
    let s = typeText[this.type];
    if (!omitsValue.has(this.type) && this.badValue !== NoValue) {
      s += `: ${formatValue(this.badValue)}`;
    }
    if (this.detail !== '') s += `: ${this.detail}`;
    return s;
  }

  /** `<field>: <body>`. */
  message(): string {
    return this.field === '' ? this.body() : `${this.field}: ${this.body()}`;
  }
}

/** An immutable field path: `spec.containers[0].image`, `metadata.labels[app]`. */
export class FieldPath {
  private constructor(private readonly text: string) {}

  /** A root path from one or more names: `newPath('metadata', 'name')`. */
  static of(...names: string[]): FieldPath {
    return new FieldPath(names.join('.'));
  }

  child(...names: string[]): FieldPath {
    const rest = names.join('.');
    return new FieldPath(this.text === '' ? rest : `${this.text}.${rest}`);
  }

  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }

  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }
}

/** The path with no name. */
export const rootPath = FieldPath.of();

export type FieldErrorList = FieldError[];

export function required(path: FieldPath, detail = ''): FieldError {
  return new FieldError('FieldValueRequired', path.toString(), '', detail);
}

export function invalid(path: FieldPath, value: unknown, detail = ''): FieldError {
  return new FieldError('FieldValueInvalid', path.toString(), value, detail);
}

export function notSupported(path: FieldPath, value: unknown, supported: string[]): FieldError {
  const detail = supported.length ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` : '';
  return new FieldError('FieldValueNotSupported', path.toString(), value, detail);
}

export function forbidden(path: FieldPath, detail = ''): FieldError {
  return new FieldError('FieldValueForbidden', path.toString(), '', detail);
}

export function duplicate(path: FieldPath, value: unknown): FieldError {
  return new FieldError('FieldValueDuplicate', path.toString(), value, '');
}

export function notFound(path: FieldPath, value: unknown): FieldError {
  return new FieldError('FieldValueNotFound', path.toString(), value, '');
}

export function tooLong(path: FieldPath, _value: unknown, maxLength: number): FieldError {
  return new FieldError('FieldValueTooLong', path.toString(), '', `may not be more than ${maxLength} bytes`);
}

export function tooMany(path: FieldPath, actual: number, max: number): FieldError {
  return new FieldError('FieldValueTooMany', path.toString(), actual, `must have at most ${max} items`);
}

export function typeInvalid(path: FieldPath, value: unknown, detail: string): FieldError {
  return new FieldError('FieldValueTypeInvalid', path.toString(), value, detail);
}

export function internalError(path: FieldPath, err: Error): FieldError {
  return new FieldError('InternalError', path.toString(), '', err.message);
}
