/**
 * Tunables of the watch cache. Mutable so tests and benchmarks may change
 * them; a cacher reads them when it is created (eventCapacity,
 * watchQueueLimit, bookmarkInterval) or at each use (the waits).
 */
export const cacherTunables = {
  /** Events kept in each cacher's ring buffer (the window a watch may resume from). */
  eventCapacity: 10_000,
  /**
   * Live events a client watcher may have queued before it is terminated
   * (its stream ends; the client re-watches from the last revision it saw).
   * Initial and replayed events do not count: they are bounded by the store
   * and by eventCapacity.
   */
  watchQueueLimit: 1_000,
  /** Period of BOOKMARK events for watchers that allow them, in ms (kube-apiserver: one minute). */
  bookmarkInterval: 60_000,
  /** Longest wait for the cache to reach a revision (consistent reads, resourceVersion=N), in ms. */
  freshnessTimeoutMs: 3_000,
  /**
   * When the inner store cannot be asked for progress notifications, a wait
   * for freshness gives up once the cache has not progressed for this long
   * (the missing revisions were written under other prefixes), in ms. The
   * read then goes to the inner store: correct, only slower.
   */
  freshnessIdleMs: 25,
  /** While a wait for freshness is pending, how often progress is requested from the inner store, in ms. */
  progressRequestIntervalMs: 100,
  /** How long a watch waits for a cache that is (re)initializing, in ms. */
  readyTimeoutMs: 3_000,
  /** Pause before listing again after the inner list or watch failed, in ms. */
  relistBackoffMs: 1_000,
  /** Page size of the cacher's own lists of the inner store. */
  listPageSize: 10_000,
  /** Deep-freeze cached objects (tests use it to prove nothing mutates the cache). */
  freezeObjects: false,
};
