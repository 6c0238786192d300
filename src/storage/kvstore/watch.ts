/**
 * Storage watch over a KV watch: initial ADDED events, predicate transitions,
 * DELETED events with the last state, 410 ERROR events for compacted starts,
 * and bookmarks — delivered through a bounded per-watcher queue.
 */
import { KvCompactedError, KvUnavailableError, type KeyValue, type KvEvent, type KvWatch } from '../kv/interface.js';
import type { KubeObject } from '../../runtime/object.js';
import type { SelectionPredicate, WatchEvent } from '../interface.js';
import { BoundedWatchStream } from '../watch/stream.js';
import { decodeObject } from './codec.js';

/** The annotation on the bookmark that ends the initial events of a watch-list. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/** What a storage watch queues: initial state, KV events, and bookmarks. */
export type WatchItem =
  | { kind: 'initial'; kv: KeyValue }
  | { kind: 'event'; event: KvEvent }
  | { kind: 'bookmark'; revision: number; initialEventsEnd: boolean };

/** A Status object, as an ERROR watch event carries it. */
export function statusObject(code: number, reason: string, message: string, causeMessage?: string): KubeObject {
  const status: KubeObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (causeMessage !== undefined) status.details = { causes: [{ message: causeMessage }] };
  return status;
}

/** The ERROR event for a watch that cannot continue because of `err`. */
export function errorEvent(err: unknown): WatchEvent {
  if (err instanceof KvCompactedError) {
    return {
      type: 'ERROR',
      object: statusObject(410, 'Expired', `too old resource version: ${err.requested} (${err.compacted})`),
    };
  }
  const msg = err instanceof Error ? err.message : String(err);
  return { type: 'ERROR', object: statusObject(500, 'InternalError', `Internal error occurred: ${msg}`, msg) };
}

function passes(pred: SelectionPredicate | undefined, obj: KubeObject): boolean {
  if (!pred || pred.empty) return true;
  try {
    return pred.matches(obj);
  } catch {
    return false;
  }
}

/** Turns one queued item into the event a client sees (undefined = filtered out). */
export function toWatchEvent(item: WatchItem, pred: SelectionPredicate | undefined): WatchEvent | undefined {
  switch (item.kind) {
    case 'initial': {
      const obj = decodeObject(item.kv.key, item.kv.value, item.kv.modRevision);
      return passes(pred, obj) ? { type: 'ADDED', object: obj } : undefined;
    }
    case 'bookmark': {
      const metadata: KubeObject['metadata'] = { resourceVersion: String(item.revision) };
      if (item.initialEventsEnd) metadata.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: 'true' };
      return { type: 'BOOKMARK', object: { metadata } };
    }
    case 'event':
      return fromKvEvent(item.event, pred);
  }
}

function fromKvEvent(ev: KvEvent, pred: SelectionPredicate | undefined): WatchEvent | undefined {
  const filtering = pred !== undefined && !pred.empty;
  const rev = ev.kv.modRevision;
  if (ev.type === 'delete') {
    // The last state, carrying the deletion's revision.
    if (!ev.prevKv) return undefined;
    const old = decodeObject(ev.kv.key, ev.prevKv.value, rev);
    return passes(pred, old) ? { type: 'DELETED', object: old } : undefined;
  }
  const cur = decodeObject(ev.kv.key, ev.kv.value, rev);
  if (ev.kv.createRevision === rev) {
    return passes(pred, cur) ? { type: 'ADDED', object: cur } : undefined;
  }
  if (!filtering) return { type: 'MODIFIED', object: cur };
  const old = ev.prevKv ? decodeObject(ev.kv.key, ev.prevKv.value, rev) : undefined;
  const now = passes(pred, cur);
  const before = old !== undefined && passes(pred, old);
  if (now && before) return { type: 'MODIFIED', object: cur };
  if (now) return { type: 'ADDED', object: cur };
  if (before) return { type: 'DELETED', object: old! };
  return undefined;
}

/**
 * One storage watcher: the stream the client reads, the KV watch feeding it,
 * and the last revision it is known to be complete up to (for bookmarks).
 */
export class StorageWatcher {
  readonly stream: BoundedWatchStream<WatchItem>;
  /** Every change up to this revision has been queued. */
  lastRevision: number;
  private kvWatch: KvWatch | undefined;
  private bookmarkQueued = false;

  constructor(
    readonly pred: SelectionPredicate | undefined,
    readonly allowBookmarks: boolean,
    startRevision: number,
    limit: number,
    onStop: (w: StorageWatcher) => void,
  ) {
    this.lastRevision = startRevision;
    this.stream = new BoundedWatchStream<WatchItem>({
      limit,
      convert: (item) => {
        if (item.kind === 'bookmark' && !item.initialEventsEnd) this.bookmarkQueued = false;
        return toWatchEvent(item, pred);
      },
      onConvertError: (err) => errorEvent(err),
      onStop: () => {
        this.kvWatch?.close();
        onStop(this);
      },
    });
  }

  /** Attaches the KV watch (after the initial items were queued). */
  attach(w: KvWatch): void {
    if (this.stream.closed) w.close();
    else this.kvWatch = w;
  }

  /** Queues the initial state, uncounted (its size is bounded by the store). */
  pushInitial(kvs: KeyValue[]): void {
    for (const kv of kvs) this.stream.push({ kind: 'initial', kv }, false);
  }

  onEvents(events: KvEvent[]): void {
    for (const event of events) {
      if (!this.stream.push({ kind: 'event', event })) return;
      this.lastRevision = event.kv.modRevision;
    }
  }

  onProgress(revision: number): void {
    if (revision > this.lastRevision) this.lastRevision = revision;
  }

  onError(err: Error): void {
    if (err instanceof KvUnavailableError) this.stream.finish();
    else this.stream.finish(errorEvent(err));
  }

  /** Queues a BOOKMARK at the last complete revision (at most one waiting at a time). */
  bookmark(initialEventsEnd = false): void {
    if (!initialEventsEnd && (this.bookmarkQueued || this.lastRevision <= 0)) return;
    if (this.stream.push({ kind: 'bookmark', revision: this.lastRevision, initialEventsEnd }, false) && !initialEventsEnd) {
      this.bookmarkQueued = true;
    }
  }
}
