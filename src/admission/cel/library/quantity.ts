/**
 * Kubernetes' CEL quantity library (library/quantity.go, restated):
 * `quantity(string)`, `isQuantity(string)` and, on a Quantity, `sign()`,
 * `isInteger()`, `asInteger()`, `asApproximateFloat()`, `add(q|int)`,
 * `sub(q|int)`, `isGreaterThan(q)`, `isLessThan(q)`, `compareTo(q)`.
 * Two quantities are equal when they compare equal (`1 == 1000m`).
 */
import type { Environment } from '@marcbachmann/cel-js';
import { Quantity, QuantityError } from '../../../validation/quantity.js';
import { CelRuntimeError } from './common.js';

const maxInt64 = (1n << 63n) - 1n;
const minInt64 = -(1n << 63n);

/** A quantity as a CEL value (type `kubernetes.Quantity`). */
export class CelQuantity {
  constructor(readonly q: Quantity) {}
  toString(): string {
    return this.q.toString();
  }
}

function parse(s: string): CelQuantity {
  try {
    return new CelQuantity(Quantity.parse(s));
  } catch (err) {
    throw new CelRuntimeError(err instanceof QuantityError ? err.message : String(err));
  }
}

function integerValue(q: Quantity): bigint | undefined {
  const div = 10n ** BigInt(q.decimals);
  if (q.unscaled % div !== 0n) return undefined;
  const v = q.unscaled / div;
  if (v > maxInt64 || v < minInt64) return undefined;
  return v;
}

function approximateFloat(q: Quantity): number {
  return Number(q.unscaled) / 10 ** q.decimals;
}

function plus(a: CelQuantity, b: CelQuantity | bigint, negate: boolean): CelQuantity {
  let other = typeof b === 'bigint' ? Quantity.of(b) : b.q;
  if (negate) other = Quantity.of(-other.unscaled, other.decimals, other.format);
  return new CelQuantity(a.q.add(other));
}

/** Registers the quantity type and functions on an environment. */
export function registerQuantityLibrary(env: Environment): void {
  const T = 'kubernetes.Quantity';
  env
    .registerType(T, CelQuantity)
    .registerFunction(`quantity(string): ${T}`, parse)
    .registerFunction('isQuantity(string): bool', (s: string) => Quantity.tryParse(s) !== undefined)
    .registerFunction(`${T}.sign(): int`, (a: CelQuantity) => BigInt(a.q.sign()))
    .registerFunction(`${T}.isInteger(): bool`, (a: CelQuantity) => integerValue(a.q) !== undefined)
    .registerFunction(`${T}.asInteger(): int`, (a: CelQuantity) => {
      const v = integerValue(a.q);
      if (v === undefined) throw new CelRuntimeError('cannot convert value to integer');
      return v;
    })
    .registerFunction(`${T}.asApproximateFloat(): double`, (a: CelQuantity) => approximateFloat(a.q))
    .registerFunction(`${T}.add(${T}): ${T}`, (a: CelQuantity, b: CelQuantity) => plus(a, b, false))
    .registerFunction(`${T}.add(int): ${T}`, (a: CelQuantity, b: bigint) => plus(a, b, false))
    .registerFunction(`${T}.sub(${T}): ${T}`, (a: CelQuantity, b: CelQuantity) => plus(a, b, true))
    .registerFunction(`${T}.sub(int): ${T}`, (a: CelQuantity, b: bigint) => plus(a, b, true))
    .registerFunction(`${T}.isGreaterThan(${T}): bool`, (a: CelQuantity, b: CelQuantity) => a.q.cmp(b.q) > 0)
    .registerFunction(`${T}.isLessThan(${T}): bool`, (a: CelQuantity, b: CelQuantity) => a.q.cmp(b.q) < 0)
    .registerFunction(`${T}.compareTo(${T}): int`, (a: CelQuantity, b: CelQuantity) => BigInt(a.q.cmp(b.q)))
    .registerOperator(`${T} == ${T}`, (a: CelQuantity, b: CelQuantity) => a.q.cmp(b.q) === 0);
}
