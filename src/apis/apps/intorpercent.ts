/**
 * IntOrString values used as counts or percentages (maxUnavailable,
 * maxSurge) and the rules apps validation applies to them.
 */
import { FieldError, FieldPath, invalid, RawValue } from '../../validation/field/errors.js';
import { isValidPercent } from '../../validation/names.js';
import { IsNegativeErrorMsg } from '../../validation/objectmeta.js';

/** Go's %#v of an intstr.IntOrString. */
export function intOrStringValue(v: unknown): RawValue {
  if (typeof v === 'string') return new RawValue(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}`);
  return new RawValue(`intstr.IntOrString{Type:0, IntVal:${typeof v === 'number' ? v : 0}, StrVal:""}`);
}

function percentValue(v: unknown): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length > 0) return undefined;
  return Number.parseInt(v.slice(0, -1), 10);
}

/** The number a value stands for (the percentage for percent strings). */
export function intOrPercentValue(v: unknown): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number.parseInt(v, 10);
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

/** ValidatePositiveIntOrPercent. */
export function validatePositiveIntOrPercent(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalid(path, intOrStringValue(v), m));
  if (typeof v === 'number') return v < 0 ? [invalid(path, v, IsNegativeErrorMsg)] : [];
  return [];
}

/** IsNotMoreThan100Percent. */
export function isNotMoreThan100Percent(v: unknown, path: FieldPath): FieldError[] {
  const p = percentValue(v);
  if (p === undefined || p <= 100) return [];
  return [invalid(path, intOrStringValue(v), 'must not be greater than 100%')];
}
