/**
 * The watchers of one cacher, indexed so that dispatching a change touches
 * only the watchers that can be interested in its key: watchers of that
 * exact key, and recursive watchers of each prefix of the key (the
 * collection, the namespace), further narrowed by name when the predicate
 * selects a single name.
 */
import type { CacheWatcher } from './watcher.js';

/** Watchers by the key or prefix they watch. */
export class WatcherIndex {
  private readonly exact = new Map<string, Set<CacheWatcher>>();
  private readonly prefixes = new Map<string, Set<CacheWatcher>>();
  private count = 0;

  /** `rootLength` is the length of the cacher's prefix (ending in "/"): no watched prefix is shorter. */
  constructor(private readonly rootLength: number) {}

  /** Number of watchers. */
  get size(): number {
    return this.count;
  }

  add(w: CacheWatcher): void {
    const [map, k] = this.slot(w);
    let set = map.get(k);
    if (!set) map.set(k, (set = new Set()));
    if (!set.has(w)) {
      set.add(w);
      this.count++;
    }
  }

  remove(w: CacheWatcher): void {
    const [map, k] = this.slot(w);
    const set = map.get(k);
    if (set?.delete(w)) {
      this.count--;
      if (set.size === 0) map.delete(k);
    }
  }

  /** Every watcher, in no particular order. */
  *all(): IterableIterator<CacheWatcher> {
    for (const set of this.exact.values()) yield* set;
    for (const set of this.prefixes.values()) yield* set;
  }

  /**
   * Calls `fn` for each watcher that may be interested in a change of `key`.
   * `fn` may stop (and so remove) the watcher it is given.
   */
  forEachCandidate(key: string, fn: (w: CacheWatcher) => void): void {
    const exact = this.exact.get(key);
    if (exact) for (const w of exact) fn(w);
    if (this.prefixes.size === 0) return;
    const name = key.slice(key.lastIndexOf('/') + 1);
    for (let i = key.indexOf('/', this.rootLength - 1); i >= 0 && i < key.length - 1; i = key.indexOf('/', i + 1)) {
      const prefix = key.slice(0, i + 1);
      const all = this.prefixes.get(prefix);
      if (all) for (const w of all) fn(w);
      const named = this.prefixes.get(prefix + '\0' + name);
      if (named) for (const w of named) fn(w);
    }
  }

  private slot(w: CacheWatcher): [Map<string, Set<CacheWatcher>>, string] {
    const { key, recursive, predicate } = w.scope;
    if (!recursive) return [this.exact, key];
    const single = predicate?.singleName;
    return [this.prefixes, single !== undefined ? key + '\0' + single : key];
  }
}
