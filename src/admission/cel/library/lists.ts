/**
 * Kubernetes' CEL list library (k8s.io/apiserver/pkg/cel/library/lists.go,
 * restated): `isSorted()`, `sum()`, `min()`, `max()`, `indexOf(x)` and
 * `lastIndexOf(x)` on lists.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { celEquals, CelRuntimeError, compareValues, listOf } from './common.js';

function isSorted(list: unknown): boolean {
  const items = listOf(list);
  for (let i = 1; i < items.length; i++) if (compareValues(items[i - 1], items[i]) > 0) return false;
  return true;
}

function sum(list: unknown): unknown {
  const items = listOf(list);
  if (items.every((x) => typeof x === 'bigint')) return (items as bigint[]).reduce((a, b) => a + b, 0n);
  if (items.every((x) => typeof x === 'number' || typeof x === 'bigint')) return items.reduce<number>((a, b) => a + Number(b), 0);
  throw new CelRuntimeError('no such overload');
}

function extreme(name: 'min' | 'max', list: unknown): unknown {
  const items = listOf(list);
  if (items.length === 0) throw new CelRuntimeError(`${name} called on empty list`);
  let best = items[0];
  for (const x of items.slice(1)) {
    const c = compareValues(best, x);
    if ((name === 'min' && c > 0) || (name === 'max' && c < 0)) best = x;
  }
  return best;
}

function indexOf(list: unknown, item: unknown): bigint {
  const items = listOf(list);
  for (let i = 0; i < items.length; i++) if (celEquals(items[i], item)) return BigInt(i);
  return -1n;
}

function lastIndexOf(list: unknown, item: unknown): bigint {
  const items = listOf(list);
  for (let i = items.length - 1; i >= 0; i--) if (celEquals(items[i], item)) return BigInt(i);
  return -1n;
}

/** Registers the list functions on an environment. */
export function registerListsLibrary(env: Environment): void {
  env
    .registerFunction('list.isSorted(): bool', isSorted)
    .registerFunction('list.sum(): dyn', sum)
    .registerFunction('list.min(): dyn', (l: unknown) => extreme('min', l))
    .registerFunction('list.max(): dyn', (l: unknown) => extreme('max', l))
    .registerFunction('list.indexOf(dyn): int', indexOf)
    .registerFunction('list.lastIndexOf(dyn): int', lastIndexOf);
}
