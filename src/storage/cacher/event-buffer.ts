/**
 * The revision-ordered ring buffer of recent changes (kube-apiserver's
 * watchCache "sliding window"): a watch that resumes from revision N is
 * served the buffered events with revision > N, as long as N is not older
 * than the window.
 */
import type { KubeObject } from '../../runtime/object.js';

/** What one watcher is queued for one change (shared by every watcher that sees the same thing). */
export interface EventItem {
  kind: 'event';
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The object to send (for DELETED, the last state; its resourceVersion is set to `revision` on the way out). */
  object: KubeObject;
  revision: number;
}

/**
 * One change of one key. `object` is the state after it (null when the key
 * was deleted), `prev` the state before it (null when the key was created).
 * Both are owned by the cache and never mutated.
 */
export class CacheEvent {
  /** Lazily built, shared queue items (one per kind of outcome). */
  private added: EventItem | undefined;
  private modified: EventItem | undefined;
  private deleted: EventItem | undefined;

  constructor(
    readonly key: string,
    readonly revision: number,
    readonly object: KubeObject | null,
    readonly prev: KubeObject | null,
  ) {}

  /** The item an ADDED/MODIFIED/DELETED outcome queues, shared across watchers. */
  item(type: EventItem['type']): EventItem {
    switch (type) {
      case 'ADDED':
        return (this.added ??= { kind: 'event', type, object: this.object as KubeObject, revision: this.revision });
      case 'MODIFIED':
        return (this.modified ??= { kind: 'event', type, object: this.object as KubeObject, revision: this.revision });
      case 'DELETED':
        return (this.deleted ??= { kind: 'event', type, object: this.prev as KubeObject, revision: this.revision });
    }
  }
}

/** A bounded ring of events in increasing revision order. */
export class EventBuffer {
  private readonly slots: (CacheEvent | undefined)[];
  /** Absolute index of the oldest event. */
  private start = 0;
  /** Absolute index one past the newest event. */
  private end = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`event buffer capacity must be at least 1, got ${capacity}`);
    this.slots = new Array<CacheEvent | undefined>(capacity);
  }

  /** Number of buffered events. */
  get length(): number {
    return this.end - this.start;
  }

  /** The oldest buffered event. */
  get oldest(): CacheEvent | undefined {
    return this.length > 0 ? this.slots[this.start % this.capacity] : undefined;
  }

  /** The newest buffered event. */
  get newest(): CacheEvent | undefined {
    return this.length > 0 ? this.slots[(this.end - 1) % this.capacity] : undefined;
  }

  /** Appends `ev` (its revision must exceed the newest one); returns the event evicted to make room. */
  push(ev: CacheEvent): CacheEvent | undefined {
    let evicted: CacheEvent | undefined;
    if (this.length === this.capacity) {
      const i = this.start % this.capacity;
      evicted = this.slots[i];
      this.slots[i] = undefined;
      this.start++;
    }
    this.slots[this.end % this.capacity] = ev;
    this.end++;
    return evicted;
  }

  /** The buffered events with revision > `revision`, oldest first. */
  since(revision: number): CacheEvent[] {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.slots[(this.start + mid) % this.capacity] as CacheEvent).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    const out: CacheEvent[] = new Array<CacheEvent>(this.length - lo);
    for (let i = lo; i < this.length; i++) out[i - lo] = this.slots[(this.start + i) % this.capacity] as CacheEvent;
    return out;
  }

  /** Drops the events with revision <= `revision`; returns how many were dropped. */
  dropThrough(revision: number): number {
    let n = 0;
    while (this.length > 0 && (this.oldest as CacheEvent).revision <= revision) {
      this.slots[this.start % this.capacity] = undefined;
      this.start++;
      n++;
    }
    return n;
  }

  /** Empties the buffer. */
  clear(): void {
    this.slots.fill(undefined);
    this.start = 0;
    this.end = 0;
  }
}
