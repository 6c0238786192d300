/**
 * The state of one watch cache: the current objects (ObjectStore), the
 * window of recent events (EventBuffer), the revision the cache is complete
 * up to, and waits for the cache to reach a revision.
 *
 * Invariant: every change with revision <= `revision` under the cacher's
 * prefix is reflected in `store`; `onEvent` has been called for each change
 * recorded since the last `replace`, synchronously and in revision order.
 */
import type { KubeObject } from '../../runtime/object.js';
import { CacheEvent, EventBuffer } from './event-buffer.js';
import { cacherTunables } from './tunables.js';
import { ObjectStore } from './object-store.js';

/** The resourceVersion of a stored object as a number (0 when absent or malformed). */
export function revisionOf(obj: KubeObject): number {
  const rv = obj.metadata?.resourceVersion;
  if (typeof rv !== 'string' || !/^[0-9]+$/.test(rv)) return 0;
  return Number(rv);
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

interface Waiter {
  revision: number;
  finish(ok: boolean): void;
}

/** Watch cache state for one prefix. */
export class WatchCache {
  readonly store = new ObjectStore();
  readonly buffer: EventBuffer;
  /** The cache reflects every change up to this revision. */
  revision = 0;
  /** Revision of the last full list (replace). */
  listRevision = 0;
  /** History below this revision is gone from the store (see compact). */
  compactedRevision = 0;
  /** Called for each recorded change, in revision order (the dispatcher). */
  onEvent: (ev: CacheEvent) => void = () => undefined;
  /** Events dropped from the window since the last replace. */
  private evicted = false;
  private lastProgressAt = 0;
  private readonly waiters = new Set<Waiter>();
  private progressTimer: NodeJS.Timeout | undefined;

  constructor(
    capacity: number,
    private readonly keyOf: (obj: KubeObject) => string,
    /** Asks the inner store for a progress notification (when it can give one). */
    private readonly requestProgress?: () => void,
  ) {
    this.buffer = new EventBuffer(capacity);
  }

  /** Replaces the content with a full list read at `revision`; empties the window. */
  replace(items: KubeObject[], revision: number): void {
    const freeze = cacherTunables.freezeObjects;
    const entries: [string, KubeObject][] = [];
    for (const obj of items) {
      if (freeze) deepFreeze(obj);
      entries.push([this.keyOf(obj), obj]);
    }
    this.store.replace(entries);
    this.buffer.clear();
    this.evicted = false;
    this.listRevision = revision;
    this.revision = revision;
    this.progressed();
  }

  /** Records a create or update (the object carries its new resourceVersion). Stale revisions are ignored. */
  put(obj: KubeObject): CacheEvent | undefined {
    const rev = revisionOf(obj);
    if (rev <= this.revision) return undefined;
    if (cacherTunables.freezeObjects) deepFreeze(obj);
    const key = this.keyOf(obj);
    const prev = this.store.set(key, obj) ?? null;
    return this.record(new CacheEvent(key, rev, obj, prev));
  }

  /** Records a deletion (`last` is the last state, carrying the deletion's revision). */
  remove(last: KubeObject): CacheEvent | undefined {
    const rev = revisionOf(last);
    if (rev <= this.revision) return undefined;
    if (cacherTunables.freezeObjects) deepFreeze(last);
    const key = this.keyOf(last);
    const prev = this.store.delete(key) ?? last;
    return this.record(new CacheEvent(key, rev, null, prev));
  }

  /** Every change up to `revision` has been seen (a progress notification). */
  progress(revision: number): void {
    if (revision <= this.revision) return;
    this.revision = revision;
    this.progressed();
  }

  /**
   * The store's history below `revision` was compacted: a watch may no
   * longer start before it, and buffered events at or below it are dropped.
   */
  compact(revision: number): void {
    if (revision <= this.compactedRevision) return;
    this.compactedRevision = revision;
    if (this.buffer.dropThrough(revision) > 0) this.evicted = true;
  }

  /**
   * The oldest revision a watch may start from: a watch from N is served the
   * events with revision > N, so N must not be below the window's floor nor
   * below the compacted revision.
   */
  oldestWatchable(): number {
    let floor: number;
    if (!this.evicted) floor = this.listRevision;
    else floor = this.buffer.length > 0 ? (this.buffer.oldest as CacheEvent).revision - 1 : this.revision;
    return Math.max(floor, this.compactedRevision);
  }

  /**
   * Resolves true once the cache reached `revision`, false after `timeoutMs`,
   * or (with `idleMs`) once the cache made no progress for that long.
   */
  waitFor(revision: number, timeoutMs: number, idleMs?: number): Promise<boolean> {
    if (this.revision >= revision) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const started = Date.now();
      let idleTimer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        revision,
        finish: (ok) => {
          clearTimeout(timeout);
          clearTimeout(idleTimer);
          this.waiters.delete(waiter);
          if (this.waiters.size === 0) this.stopProgressRequests();
          resolve(ok);
        },
      };
      const timeout = setTimeout(() => waiter.finish(false), timeoutMs);
      if (idleMs !== undefined) {
        const check = () => {
          const idle = Date.now() - Math.max(started, this.lastProgressAt);
          if (idle >= idleMs) waiter.finish(false);
          else idleTimer = setTimeout(check, idleMs - idle);
        };
        idleTimer = setTimeout(check, idleMs);
      }
      this.waiters.add(waiter);
      this.startProgressRequests();
    });
  }

  /** Ends every pending wait with false (the cacher stops). */
  cancelWaits(): void {
    for (const w of [...this.waiters]) w.finish(false);
  }

  private record(ev: CacheEvent): CacheEvent {
    if (this.buffer.push(ev) !== undefined) this.evicted = true;
    this.revision = ev.revision;
    this.onEvent(ev);
    this.progressed();
    return ev;
  }

  private progressed(): void {
    this.lastProgressAt = Date.now();
    if (this.waiters.size === 0) return;
    for (const w of [...this.waiters]) if (w.revision <= this.revision) w.finish(true);
  }

  private startProgressRequests(): void {
    if (!this.requestProgress || this.progressTimer !== undefined) return;
    const request = this.requestProgress;
    request();
    this.progressTimer = setInterval(request, cacherTunables.progressRequestIntervalMs);
    this.progressTimer.unref();
  }

  private stopProgressRequests(): void {
    if (this.progressTimer === undefined) return;
    clearInterval(this.progressTimer);
    this.progressTimer = undefined;
  }
}
