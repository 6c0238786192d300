/**
 * In-process watch fan-out for the SQLite KV.
 *
 * Every committed batch is published once, in revision order; each live
 * watcher receives the events of its key range with revision above its start.
 * A watcher that starts in the past first replays the log (in chunks, one per
 * event-loop turn) up to the last published revision, then switches to live
 * delivery in the same synchronous step — so no event is missed or repeated.
 *
 * Delivery is synchronous from `publish`; handlers must not block (the
 * Storage layer only enqueues).
 */
import { KvCompactedError, type KvEvent, type KvWatch, type WatchHandlers } from '../kv/interface.js';
import type { LogReader } from './reader.js';

/** Tunables (mutable so tests may change them). */
export const watchHubTunables = {
  /** Log rows replayed per catch-up step. */
  catchUpChunk: 1000,
};

type State = 'catchup' | 'live' | 'closed';

class LogWatcher implements KvWatch {
  state: State = 'live';
  constructor(
    readonly hub: WatchHub,
    readonly key: string,
    /** Exclusive end; undefined = the single key; '\0' = no end. */
    readonly end: string | undefined,
    /** Events with revision > start are delivered. */
    public start: number,
    readonly handlers: WatchHandlers,
  ) {}

  contains(key: string): boolean {
    if (this.end === undefined) return key === this.key;
    return key >= this.key && (this.end === '\0' || key < this.end);
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.hub.remove(this);
  }
}

/** The set of watchers of one store and the revision published so far. */
export class WatchHub {
  private readonly watchers = new Set<LogWatcher>();

  constructor(
    private readonly reader: LogReader,
    /** The last revision whose events were published. */
    private published: number,
    private readonly compacted: () => number,
  ) {}

  /** Number of open watchers. */
  get size(): number {
    return this.watchers.size;
  }

  /** The last published revision. */
  get publishedRevision(): number {
    return this.published;
  }

  /** Starts a watcher; see KV.watch for the contract. */
  add(key: string, end: string | undefined, startRevision: number, handlers: WatchHandlers): KvWatch {
    const start = startRevision > 0 ? startRevision : this.published;
    const w = new LogWatcher(this, key, end, start, handlers);
    if (startRevision > 0 && startRevision < this.compacted()) {
      w.state = 'closed';
      const err = new KvCompactedError(startRevision, this.compacted());
      queueMicrotask(() => handlers.onError(err));
      return w;
    }
    this.watchers.add(w);
    if (start < this.published) {
      w.state = 'catchup';
      setImmediate(() => this.catchUp(w));
    }
    return w;
  }

  remove(w: LogWatcher): void {
    this.watchers.delete(w);
  }

  /** Publishes one committed batch (events in revision order, the last one at `revision`). */
  publish(events: KvEvent[], revision: number): void {
    this.published = revision;
    for (const w of this.watchers) {
      if (w.state !== 'live') continue;
      let mine: KvEvent[] | undefined;
      for (const ev of events) {
        if (ev.kv.modRevision > w.start && w.contains(ev.kv.key)) (mine ??= []).push(ev);
      }
      if (mine) {
        w.start = mine[mine.length - 1].kv.modRevision;
        this.deliver(w, mine);
      }
      if (w.state === 'live' && w.handlers.onProgress && revision > w.start) w.handlers.onProgress(revision);
    }
  }

  /** Ends every watcher with `err` (store closing or failed). */
  failAll(err: Error): void {
    const all = [...this.watchers];
    this.watchers.clear();
    for (const w of all) {
      if (w.state === 'closed') continue;
      w.state = 'closed';
      w.handlers.onError(err);
    }
  }

  private catchUp(w: LogWatcher): void {
    if (w.state !== 'catchup') return;
    const compacted = this.compacted();
    if (w.start < compacted) {
      this.watchers.delete(w);
      w.state = 'closed';
      w.handlers.onError(new KvCompactedError(w.start, compacted));
      return;
    }
    const upTo = this.published;
    const chunk = watchHubTunables.catchUpChunk;
    let events: KvEvent[];
    try {
      events = this.reader.eventsAfter(w.start, upTo, w.key, w.end, chunk);
    } catch (err) {
      this.watchers.delete(w);
      w.state = 'closed';
      w.handlers.onError(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const done = events.length < chunk;
    if (events.length > 0) {
      w.start = events[events.length - 1].kv.modRevision;
      this.deliver(w, events);
      if (w.state !== 'catchup') return;
    }
    if (done) {
      // Every event up to `upTo` has been delivered; nothing was published
      // since (this step is synchronous), so the watcher joins live delivery.
      w.start = Math.max(w.start, upTo);
      w.state = 'live';
      if (w.handlers.onProgress) w.handlers.onProgress(upTo);
    } else {
      setImmediate(() => this.catchUp(w));
    }
  }

  private deliver(w: LogWatcher, events: KvEvent[]): void {
    try {
      w.handlers.onEvents(events);
    } catch (err) {
      w.close();
      try {
        w.handlers.onError(err instanceof Error ? err : new Error(String(err)));
      } catch {
        // A failing handler cannot break the fan-out to other watchers.
      }
    }
  }
}
