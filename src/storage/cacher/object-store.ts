/**
 * The current objects of one resource type, by key, with the keys kept in
 * sorted order so prefix ranges (a namespace, the collection) and pages are
 * read in the same order the KV lists them (byte order; keys are ASCII).
 *
 * Not thread-safe by design: the cacher mutates it only from its reflector,
 * synchronously, and reads it synchronously.
 */
import type { KubeObject } from '../../runtime/object.js';

/** First index of `keys` whose key is >= `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Objects by key with ordered prefix ranges. */
export class ObjectStore {
  private byKey = new Map<string, KubeObject>();
  private keys: string[] = [];

  /** Number of objects. */
  get size(): number {
    return this.byKey.size;
  }

  get(key: string): KubeObject | undefined {
    return this.byKey.get(key);
  }

  /** Stores `obj` at `key`; returns the object it replaced, if any. */
  set(key: string, obj: KubeObject): KubeObject | undefined {
    const prev = this.byKey.get(key);
    this.byKey.set(key, obj);
    if (prev === undefined) this.keys.splice(lowerBound(this.keys, key), 0, key);
    return prev;
  }

  /** Removes `key`; returns the object it held, if any. */
  delete(key: string): KubeObject | undefined {
    const prev = this.byKey.get(key);
    if (prev === undefined) return undefined;
    this.byKey.delete(key);
    this.keys.splice(lowerBound(this.keys, key), 1);
    return prev;
  }

  /** Replaces the whole content. */
  replace(entries: Iterable<readonly [string, KubeObject]>): void {
    this.byKey = new Map(entries);
    this.keys = [...this.byKey.keys()].sort();
  }

  /** The half-open index range [from, to) of the keys starting with `prefix`. */
  prefixRange(prefix: string): [number, number] {
    const keys = this.keys;
    const from = lowerBound(keys, prefix);
    // Keys with the prefix are contiguous from `from`; find the first one after them.
    let lo = from;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid].startsWith(prefix)) lo = mid + 1;
      else hi = mid;
    }
    return [from, lo];
  }

  /** The key at sorted position `i`. */
  keyAt(i: number): string {
    return this.keys[i];
  }

  /** The object at sorted position `i`. */
  valueAt(i: number): KubeObject {
    return this.byKey.get(this.keys[i]) as KubeObject;
  }
}
