/**
 * resource.Quantity (apimachinery/pkg/api/resource): parsing with
 * Kubernetes' grammar and rounding rules, comparison, and the canonical
 * string form servers write back (`0.5` → `500m`, `1.5Gi` → `1536Mi`).
 *
 * Values are exact: an unscaled BigInt and a count of decimal places.
 */

/** How a quantity is written: `1e3`, `1Ki`, `1k`. */
export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/** `quantities must match the regular expression ...` (ErrFormatWrong). */
export const ErrFormatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/** `unable to parse quantity's suffix` (ErrSuffix). */
export const ErrSuffix = "unable to parse quantity's suffix";

/** A parse failure, carrying one of Kubernetes' quantity error texts. */
export class QuantityError extends Error {}

const decSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binSuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decByExp = new Map(Object.entries(decSuffixes).map(([k, v]) => [v, k]));
const binByExp = new Map<number, string>([[0, ''], ...Object.entries(binSuffixes).map(([k, v]) => [v, k] as [number, string])]);

const maxInt64 = (1n << 63n) - 1n;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function absBig(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** Splits a quantity string the way parseQuantityString does. */
function splitQuantity(s: string): { positive: boolean; num: string; denom: string; suffix: string } {
  let positive = true;
  let pos = 0;
  const end = s.length;
  if (pos < end && (s[0] === '-' || s[0] === '+')) {
    positive = s[0] !== '-';
    pos++;
  }
  while (pos < end && s[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  const isDigit = (c: string): boolean => c >= '0' && c <= '9';
  let start = pos;
  while (pos < end && isDigit(s[pos])) pos++;
  let num = s.slice(start, pos);
  if (pos >= end) return { positive, num: num === '' ? '0' : num, denom: '', suffix: '' };
  if (num === '') num = '0';
  let denom = '';
  if (s[pos] === '.') {
    pos++;
    start = pos;
    while (pos < end && isDigit(s[pos])) pos++;
    denom = s.slice(start, pos);
    if (pos >= end) return { positive, num, denom, suffix: '' };
  }
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(s[pos])) pos++;
  if (pos >= end) return { positive, num, denom, suffix: s.slice(suffixStart) };
  if (s[pos] === '-' || s[pos] === '+') pos++;
  while (pos < end && isDigit(s[pos])) pos++;
  if (pos < end) throw new QuantityError(ErrFormatWrong);
  return { positive, num, denom, suffix: s.slice(suffixStart) };
}

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  if (suffix in decSuffixes) return { base: 10, exponent: decSuffixes[suffix], format: 'DecimalSI' };
  if (suffix in binSuffixes) return { base: 2, exponent: binSuffixes[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const rest = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(rest)) return undefined;
    return { base: 10, exponent: Number.parseInt(rest, 10), format: 'DecimalExponent' };
  }
  return undefined;
}

/** An exact quantity: unscaled / 10^decimals, and the format it was written in. */
export class Quantity {
  private constructor(
    /** The value times 10^decimals. */
    readonly unscaled: bigint,
    /** Decimal places (≥ 0). */
    readonly decimals: number,
    readonly format: QuantityFormat,
  ) {}

  /** Parses a quantity string; throws QuantityError with Kubernetes' message. */
  static parse(s: string): Quantity {
    if (s.length === 0) throw new QuantityError(ErrFormatWrong);
    if (s === '0') return new Quantity(0n, 0, 'DecimalSI');
    const { positive, num, denom, suffix } = splitQuantity(s);
    const interp = interpretSuffix(suffix);
    if (!interp) throw new QuantityError(ErrSuffix);
    let format = interp.format;
    let unscaled = BigInt(num + denom);
    let decimals = denom.length;
    if (interp.base === 10) {
      decimals -= interp.exponent;
    } else {
      unscaled *= 1n << BigInt(interp.exponent);
    }
    if (decimals < 0) {
      unscaled *= pow10(-decimals);
      decimals = 0;
    }
    // Round non-zero values up (away from zero) to nano precision.
    if (unscaled !== 0n && decimals > 9) {
      const div = pow10(decimals - 9);
      const q = unscaled / div;
      unscaled = unscaled % div === 0n ? q : q + 1n;
      decimals = 9;
    }
    if (format === 'BinarySI' && unscaled > maxInt64 * pow10(decimals)) {
      unscaled = maxInt64;
      decimals = 0;
    }
    if (format === 'BinarySI' && unscaled > 0n && unscaled < pow10(decimals)) format = 'DecimalSI';
    return new Quantity(positive ? unscaled : -unscaled, decimals, format);
  }

  /** Parses, returning undefined instead of throwing. */
  static tryParse(s: string): Quantity | undefined {
    try {
      return Quantity.parse(s);
    } catch {
      return undefined;
    }
  }

  /** A quantity from an integer and decimal places. */
  static of(unscaled: bigint, decimals = 0, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(unscaled, decimals, format);
  }

  private aligned(other: Quantity): [bigint, bigint] {
    const d = Math.max(this.decimals, other.decimals);
    return [this.unscaled * pow10(d - this.decimals), other.unscaled * pow10(d - other.decimals)];
  }

  /** -1, 0 or 1. */
  cmp(other: Quantity): number {
    const [a, b] = this.aligned(other);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** -1, 0 or 1. */
  sign(): number {
    return this.unscaled < 0n ? -1 : this.unscaled > 0n ? 1 : 0;
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  /** The sum, keeping this quantity's format. */
  add(other: Quantity): Quantity {
    const d = Math.max(this.decimals, other.decimals);
    const [a, b] = this.aligned(other);
    return new Quantity(a + b, d, this.format);
  }

  /** ceil(value * 10^places) as a BigInt (ScaledValue; `places` 3 is MilliValue). */
  scaledValue(places: number): bigint {
    const shift = places - this.decimals;
    if (shift >= 0) return this.unscaled * pow10(shift);
    const div = pow10(-shift);
    const q = this.unscaled / div;
    return this.unscaled % div !== 0n && this.unscaled > 0n ? q + 1n : q;
  }

  /** MilliValue. */
  milliValue(): bigint {
    return this.scaledValue(3);
  }

  /** Value (rounded up to an integer). */
  value(): bigint {
    return this.scaledValue(0);
  }

  /** Rounds away from zero to at most `places` decimal places (RoundUp(-places)). */
  roundUp(places: number): Quantity {
    if (this.decimals <= places) return this;
    const div = pow10(this.decimals - places);
    const abs = absBig(this.unscaled);
    const q = abs / div;
    const r = abs % div === 0n ? q : q + 1n;
    return new Quantity(this.unscaled < 0n ? -r : r, places, this.format);
  }

  /** The canonical string Kubernetes serializes this quantity as. */
  toString(): string {
    if (this.unscaled === 0n) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      const whole = this.unscaled % pow10(this.decimals) === 0n;
      if (this.cmp(Quantity.of(-1024n)) > 0 && this.cmp(Quantity.of(1024n)) < 0) format = 'DecimalSI';
      else if (!whole) format = 'DecimalSI';
    }
    if (format === 'BinarySI') {
      let v = this.unscaled / pow10(this.decimals);
      let exp = 0;
      while (v !== 0n && v % 1024n === 0n) {
        v /= 1024n;
        exp++;
      }
      return `${v}${binByExp.get(exp * 10) ?? ''}`;
    }
    let mantissa = this.unscaled;
    let exponent = -this.decimals;
    while (mantissa % 10n === 0n) {
      mantissa /= 10n;
      exponent++;
    }
    const rem = exponent % 3;
    if (rem === 1 || rem === -2) {
      mantissa *= 10n;
      exponent -= 1;
    } else if (rem === 2 || rem === -1) {
      mantissa *= 100n;
      exponent -= 2;
    }
    if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
    return `${mantissa}${decByExp.get(exponent) ?? ''}`;
  }
}

/** Parses and returns the canonical form, or undefined when s is not a quantity. */
export function canonicalQuantity(s: string): string | undefined {
  return Quantity.tryParse(s)?.toString();
}
