/**
 * The watch cache: a Storage decorator for one resource type (kube-apiserver's
 * Cacher with its CacheDelegator, restated). Writes pass through to the inner
 * store; one inner watch feeds an in-memory copy of the objects and a window
 * of recent events; reads the cache can answer consistently are served from
 * memory; every watch is served from the cache.
 *
 * What goes where (see README.md):
 * - create, guaranteedUpdate, delete, count, currentResourceVersion: inner.
 * - get: resourceVersion "" → inner (as kube-apiserver); "0" → memory;
 *   "N" → memory once the cache reached N (bounded wait), else inner, or
 *   TooLargeResourceVersion when N is beyond the store.
 * - getList: continue, resourceVersionMatch=Exact, and the legacy exact form
 *   (limit with an N) → inner. "0" → memory, ignoring limit. "" (consistent)
 *   → memory once the cache reached the store's current revision, else inner.
 *   "N" → memory once the cache reached N. Pages from memory carry a continue
 *   token at the cache's revision; the next pages come from the inner store at
 *   exactly that revision.
 * - watch: always from the cache (replay of the window, then live events).
 *
 * Concurrency: JavaScript runs one thing at a time, and the cacher relies on
 * it: a change is recorded and dispatched to every watcher in one synchronous
 * step, and a watch computes its starting point, queues its replay and joins
 * the dispatch set in one synchronous step, so no watcher can miss, repeat or
 * reorder an event.
 */
import type { KubeObject } from '../../runtime/object.js';
import { keyNotFound, tooLargeResourceVersion, unreachable } from '../errors.js';
import type {
  GetOptions,
  ListOptions,
  ListResult,
  Preconditions,
  Storage,
  ValidateDeletionFunc,
  WatchEvent,
  WatchOptions,
  WatchStream,
} from '../interface.js';
import { parseResourceVersion } from '../kvstore/resource-version.js';
import { statusObject } from '../kvstore/watch.js';
import { BoundedWatchStream } from '../watch/stream.js';
import type { CacheEvent } from './event-buffer.js';
import { listFromStore } from './list.js';
import { Reflector } from './reflector.js';
import { cacherTunables } from './tunables.js';
import { revisionOf, WatchCache } from './watch-cache.js';
import { CacheWatcher, detach, type WatchScope } from './watcher.js';
import { WatcherIndex } from './watcher-index.js';

/** Options of newCacher. */
export interface CacherOptions {
  /** The collection key prefix, e.g. "/registry/configmaps/" (a trailing "/" is added if missing). */
  prefix: string;
  /** Events kept for resuming watches (default cacherTunables.eventCapacity). */
  eventCapacity?: number;
  /** Live events a client watcher may have queued before it is terminated (default cacherTunables.watchQueueLimit). */
  watchQueueLimit?: number;
  /** Period of BOOKMARK events, in ms (default cacherTunables.bookmarkInterval). */
  bookmarkInterval?: number;
  /**
   * The storage key of an object. Default: prefix + namespace + "/" + name,
   * or prefix + name for objects without a namespace (the registry's layout).
   */
  keyFunc?: (obj: KubeObject) => string;
}

/**
 * An inner store that can confirm, on request, that its watches are
 * complete up to its current revision (etcd's RequestWatchProgress): it
 * queues on each open watch with allowWatchBookmarks a BOOKMARK carrying the
 * revision that watch is complete up to, after every event up to that
 * revision. When the inner store has it, a cacher waiting for freshness asks
 * for progress instead of giving up when it sees no events (writes under
 * other prefixes move the revision without events for this cache).
 */
export interface WatchProgressRequester {
  requestWatchProgress(): Promise<void>;
}

/** What a cacher has done, for tests, metrics and benchmarks. */
export interface CacherStats {
  ready: boolean;
  /** The cache reflects every change up to this revision. */
  revision: number;
  /** Revision of the last full list of the inner store. */
  listRevision: number;
  /** Oldest revision a watch may start from without a 410. */
  oldestWatchableRevision: number;
  objects: number;
  bufferedEvents: number;
  watchers: number;
  /** Watchers ended because they fell too far behind. */
  terminatedWatchers: number;
  /** Watches answered with 410 Expired (too old resourceVersion). */
  expiredWatches: number;
  /** Full lists of the inner store (1 + relists). */
  lists: number;
  /** Inner watches started. */
  innerWatches: number;
  servedFromCache: { get: number; list: number };
  delegated: { get: number; list: number };
  /** Consistent reads (and watch snapshots) that fell back to the inner store because the cache could not catch up in time. */
  consistentReadFallbacks: number;
}

const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

/** The default key layout: prefix + namespace + "/" + name, or prefix + name. */
export function defaultKeyFunc(prefix: string): (obj: KubeObject) => string {
  return (obj) => {
    const ns = obj.metadata?.namespace;
    const name = obj.metadata?.name ?? '';
    return ns ? `${prefix}${ns}/${name}` : `${prefix}${name}`;
  };
}

function endedStream(final?: WatchEvent): WatchStream {
  const s = new BoundedWatchStream<never>({
    limit: 1,
    convert: () => undefined,
    onConvertError: () => final as WatchEvent,
    onStop: () => undefined,
  });
  s.finish(final);
  return s;
}

function progressRequester(inner: Storage): (() => void) | undefined {
  const request = (inner as Partial<WatchProgressRequester>).requestWatchProgress;
  if (typeof request !== 'function') return undefined;
  return () => {
    void Promise.resolve()
      .then(() => request.call(inner))
      .catch(() => undefined);
  };
}

/** The watch cache of one resource type; see the module comment. */
export class Cacher implements Storage {
  /** The collection key prefix (ends in "/"). */
  readonly prefix: string;
  private readonly cache: WatchCache;
  private readonly reflector: Reflector;
  private readonly index: WatcherIndex;
  private readonly watchQueueLimit: number;
  private readonly bookmarkInterval: number;
  private readonly bookmarkWatchers = new Set<CacheWatcher>();
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private readonly canRequestProgress: boolean;
  private stopped = false;
  private readonly counters = {
    terminated: 0,
    expired: 0,
    fallbacks: 0,
    servedGet: 0,
    servedList: 0,
    delegatedGet: 0,
    delegatedList: 0,
  };

  constructor(
    private readonly inner: Storage,
    opts: CacherOptions,
  ) {
    if (!opts.prefix.startsWith('/')) throw new Error(`cacher prefix must start with "/": ${JSON.stringify(opts.prefix)}`);
    this.prefix = opts.prefix.endsWith('/') ? opts.prefix : opts.prefix + '/';
    this.watchQueueLimit = opts.watchQueueLimit ?? cacherTunables.watchQueueLimit;
    this.bookmarkInterval = opts.bookmarkInterval ?? cacherTunables.bookmarkInterval;
    const requester = progressRequester(inner);
    this.canRequestProgress = requester !== undefined;
    this.cache = new WatchCache(opts.eventCapacity ?? cacherTunables.eventCapacity, opts.keyFunc ?? defaultKeyFunc(this.prefix), requester);
    this.cache.onEvent = (ev) => this.dispatch(ev);
    this.index = new WatcherIndex(this.prefix.length);
    this.reflector = new Reflector(inner, this.prefix, this.cache, () => this.endAllWatchers());
    this.reflector.start();
  }

  /** Resolves once the first list of the inner store is in memory; rejects if the cacher stops first. */
  async ready(): Promise<void> {
    for (;;) {
      if (this.reflector.ready) return;
      if (this.stopped) throw new Error(`watch cache for ${this.prefix} stopped before it was ready`);
      await this.reflector.waitReady(60_000);
    }
  }

  /** Stops the inner watch and ends every client watch; later calls go straight to the inner store. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reflector.stop();
    this.endAllWatchers();
    this.cache.cancelWaits();
    if (this.bookmarkTimer !== undefined) clearInterval(this.bookmarkTimer);
    this.bookmarkTimer = undefined;
  }

  /**
   * The inner store's history below `revision` was compacted: watches may no
   * longer start before it (they get 410 Expired, as from the store itself).
   * Optional: without it the cache serves its whole window, as kube-apiserver does.
   */
  compact(revision: number): void {
    this.cache.compact(revision);
  }

  stats(): CacherStats {
    const c = this.counters;
    return {
      ready: this.reflector.ready,
      revision: this.cache.revision,
      listRevision: this.cache.listRevision,
      oldestWatchableRevision: this.cache.oldestWatchable(),
      objects: this.cache.store.size,
      bufferedEvents: this.cache.buffer.length,
      watchers: this.index.size,
      terminatedWatchers: c.terminated,
      expiredWatches: c.expired,
      lists: this.reflector.counters.lists,
      innerWatches: this.reflector.counters.watches,
      servedFromCache: { get: c.servedGet, list: c.servedList },
      delegated: { get: c.delegatedGet, list: c.delegatedList },
      consistentReadFallbacks: c.fallbacks,
    };
  }

  // ---- writes and counts: the inner store ------------------------------------------------

  create(key: string, obj: KubeObject): Promise<KubeObject> {
    return this.inner.create(key, obj);
  }

  delete(key: string, preconditions?: Preconditions, validateDeletion?: ValidateDeletionFunc): Promise<KubeObject> {
    return this.inner.delete(key, preconditions, validateDeletion);
  }

  guaranteedUpdate(
    key: string,
    ignoreNotFound: boolean,
    preconditions: Preconditions | undefined,
    tryUpdate: (current: KubeObject | null) => Promise<KubeObject> | KubeObject,
  ): Promise<KubeObject> {
    return this.inner.guaranteedUpdate(key, ignoreNotFound, preconditions, tryUpdate);
  }

  count(prefix: string): Promise<number> {
    return this.inner.count(prefix);
  }

  currentResourceVersion(): Promise<string> {
    return this.inner.currentResourceVersion();
  }

  // ---- reads ------------------------------------------------------------------------------

  async get(key: string, opts: GetOptions = {}): Promise<KubeObject | null> {
    const rv = opts.resourceVersion ?? '';
    // A consistent get is one key: kube-apiserver reads it from the store.
    if (rv === '' || !this.serves(key)) return this.delegateGet(key, opts);
    const minimum = parseResourceVersion(rv);
    if (!this.reflector.ready) return this.delegateGet(key, opts);
    if (minimum > 0 && !(await this.fresh(minimum))) {
      await this.refuseTooLarge(minimum);
      return this.delegateGet(key, opts);
    }
    if (!this.reflector.ready) return this.delegateGet(key, opts);
    this.counters.servedGet++;
    const obj = this.cache.store.get(key);
    if (obj === undefined) {
      if (opts.ignoreNotFound) return null;
      throw keyNotFound(key);
    }
    return detach(obj);
  }

  async getList(key: string, opts: ListOptions = {}): Promise<ListResult> {
    if (!this.serves(key) || mustDelegateList(opts)) return this.delegateList(key, opts);
    const rv = opts.resourceVersion ?? '';
    const minimum = parseResourceVersion(rv);
    if (!this.reflector.ready) return this.delegateList(key, opts);
    let limit = opts.limit !== undefined && opts.limit > 0 ? Math.floor(opts.limit) : 0;
    if (rv === '0') {
      // Any revision will do; kube-apiserver ignores limit for these lists served from its cache.
      limit = 0;
    } else if (rv === '') {
      // Consistent read: the cache must have seen every write acknowledged before now.
      const current = Number(await this.inner.currentResourceVersion());
      if (!(await this.fresh(current))) {
        this.counters.fallbacks++;
        return this.delegateList(key, opts);
      }
    } else if (!(await this.fresh(minimum))) {
      await this.refuseTooLarge(minimum);
      return this.delegateList(key, opts);
    }
    if (!this.reflector.ready) return this.delegateList(key, opts);
    this.counters.servedList++;
    return listFromStore(
      this.cache.store,
      { key, recursive: opts.recursive === true, predicate: opts.predicate, limit },
      this.cache.revision,
    );
  }

  // ---- watch ------------------------------------------------------------------------------

  async watch(key: string, opts: WatchOptions = {}): Promise<WatchStream> {
    if (!this.serves(key)) return this.inner.watch(key, opts);
    const recursive = opts.recursive === true;
    const scope: WatchScope = {
      key: recursive && !key.endsWith('/') ? key + '/' : key,
      recursive,
      predicate: opts.predicate,
    };
    const rv = opts.resourceVersion ?? '';
    const requested = parseResourceVersion(rv);
    const initialEvents = opts.sendInitialEvents === true || (opts.sendInitialEvents === undefined && requested === 0);
    if (!(await this.reflector.waitReady(cacherTunables.readyTimeoutMs))) {
      if (this.stopped) return this.inner.watch(key, opts);
      throw unreachable(scope.key, 'storage is (re)initializing');
    }
    const generation = this.reflector.generation;

    // Where the watch starts: undefined = the cache's revision when it registers.
    let start: number | undefined;
    // The initial state, when it had to be read from the inner store.
    let snapshot: KubeObject[] | undefined;
    if (initialEvents) {
      if (rv !== '0') {
        // A snapshot at least as new as N, or (no N) consistent: as new as the store now.
        const minimum = requested > 0 ? requested : Number(await this.inner.currentResourceVersion());
        if (!(await this.fresh(minimum))) {
          if (requested > 0) await this.refuseTooLarge(requested);
          this.counters.fallbacks++;
          const list = await this.inner.getList(scope.key, {
            recursive,
            predicate: opts.predicate,
            resourceVersion: requested > 0 ? String(requested) : '',
            resourceVersionMatch: requested > 0 ? 'NotOlderThan' : undefined,
          });
          snapshot = list.items;
          start = Number(list.resourceVersion);
        }
      }
    } else if (requested > 0) {
      start = requested;
    } else if (rv !== '0') {
      // sendInitialEvents=false without a resourceVersion: start at the most recent revision.
      start = Number(await this.inner.currentResourceVersion());
    }
    return this.register(scope, opts, initialEvents, start, snapshot, generation);
  }

  /**
   * Starts a watcher in one synchronous step: initial events, the replay of
   * the window after its start, then membership in the dispatch set.
   */
  private register(
    scope: WatchScope,
    opts: WatchOptions,
    initialEvents: boolean,
    start: number | undefined,
    snapshot: KubeObject[] | undefined,
    generation: number,
  ): WatchStream {
    // The cache was relisted while this watch was being prepared: end it; the client re-watches.
    if (this.stopped || !this.reflector.ready || this.reflector.generation !== generation) return endedStream();
    const from = start ?? this.cache.revision;
    const oldest = this.cache.oldestWatchable();
    if (from < oldest) {
      this.counters.expired++;
      return endedStream({ type: 'ERROR', object: statusObject(410, 'Expired', `too old resource version: ${from} (${oldest})`) });
    }
    const allowBookmarks = opts.allowWatchBookmarks === true;
    const w = new CacheWatcher(scope, allowBookmarks, from, this.watchQueueLimit, (cw) => this.forget(cw));
    if (initialEvents) {
      if (snapshot) for (const obj of snapshot) w.initial(obj, revisionOf(obj));
      else this.queueSnapshot(w);
      if (opts.sendInitialEvents === true && allowBookmarks) w.bookmark(from, true);
    }
    for (const ev of this.cache.buffer.since(from)) {
      if (w.covers(ev.key)) w.offer(ev, false);
    }
    this.index.add(w);
    if (allowBookmarks) this.trackBookmarks(w);
    return w.stream;
  }

  /** Queues the cached objects in the watcher's scope as initial ADDED events. */
  private queueSnapshot(w: CacheWatcher): void {
    const store = this.cache.store;
    if (!w.scope.recursive) {
      const obj = store.get(w.scope.key);
      if (obj !== undefined) w.initial(obj, revisionOf(obj));
      return;
    }
    const [from, to] = store.prefixRange(w.scope.key);
    for (let i = from; i < to; i++) {
      const obj = store.valueAt(i);
      w.initial(obj, revisionOf(obj));
    }
  }

  /** Hands one recorded change to every interested watcher (synchronous; never blocks on a watcher). */
  private dispatch(ev: CacheEvent): void {
    if (this.index.size === 0) return;
    this.index.forEachCandidate(ev.key, (w) => {
      if (!w.offer(ev)) this.counters.terminated++;
    });
  }

  private forget(w: CacheWatcher): void {
    this.index.remove(w);
    if (this.bookmarkWatchers.delete(w) && this.bookmarkWatchers.size === 0 && this.bookmarkTimer !== undefined) {
      clearInterval(this.bookmarkTimer);
      this.bookmarkTimer = undefined;
    }
  }

  private trackBookmarks(w: CacheWatcher): void {
    if (w.stream.closed) return;
    this.bookmarkWatchers.add(w);
    if (this.bookmarkTimer === undefined) {
      this.bookmarkTimer = setInterval(() => this.sendBookmarks(), this.bookmarkInterval);
      this.bookmarkTimer.unref();
    }
  }

  /** Every watcher is complete up to the cache's revision (or its own start, if later). */
  private sendBookmarks(): void {
    const rev = this.cache.revision;
    for (const w of this.bookmarkWatchers) w.bookmark(Math.max(w.position, rev));
  }

  /** Ends every client watch after what it has queued (the cache is relisting, or stopping). */
  private endAllWatchers(): void {
    for (const w of [...this.index.all()]) w.stream.finish();
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** True when `key` is this cacher's prefix or under it (and is a clean key). */
  private serves(key: string): boolean {
    if (this.stopped) return false;
    if (!key.startsWith(this.prefix) && key + '/' !== this.prefix) return false;
    return !DOT_SEGMENT.test(key);
  }

  /**
   * Waits (bounded) until the cache reached `revision`. Progress requests
   * answer at once where the backend knows its watches are complete (SQLite);
   * where they cannot prove it (etcd 3.4), the wait ends after a short idle
   * time and the read goes to the store.
   */
  private fresh(revision: number): Promise<boolean> {
    return this.cache.waitFor(revision, cacherTunables.freshnessTimeoutMs, cacherTunables.freshnessIdleMs);
  }

  /** Throws TooLargeResourceVersion when `minimum` is beyond the inner store's current revision. */
  private async refuseTooLarge(minimum: number): Promise<void> {
    const current = Number(await this.inner.currentResourceVersion());
    if (minimum > current) throw tooLargeResourceVersion(minimum, current);
  }

  private delegateGet(key: string, opts: GetOptions): Promise<KubeObject | null> {
    this.counters.delegatedGet++;
    return this.inner.get(key, opts);
  }

  private delegateList(key: string, opts: ListOptions): Promise<ListResult> {
    this.counters.delegatedList++;
    return this.inner.getList(key, opts);
  }
}

/**
 * Lists the cache cannot answer consistently (kube-apiserver's
 * shouldDelegateList): continuations, Exact, the legacy exact form (limit
 * with an N other than "0"), and unknown matches (the inner store rejects them).
 */
function mustDelegateList(opts: ListOptions): boolean {
  if (opts.continue) return true;
  const match = opts.resourceVersionMatch ?? '';
  if (match !== '' && match !== 'NotOlderThan') return true;
  const rv = opts.resourceVersion ?? '';
  return match === '' && opts.limit !== undefined && opts.limit > 0 && rv !== '' && rv !== '0';
}

/** A watch cache for the objects under `opts.prefix`, over `inner`. Call stop() when done. */
export function newCacher(inner: Storage, opts: CacherOptions): Cacher {
  return new Cacher(inner, opts);
}
