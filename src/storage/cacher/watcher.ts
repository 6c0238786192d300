/**
 * One client watch served by the cache (kube-apiserver's cacheWatcher):
 * what it watches (a key, or a prefix, with a predicate), the revision it is
 * complete up to, and the bounded stream the client reads.
 *
 * The dispatcher only classifies each change (ADDED, MODIFIED, DELETED or
 * nothing, from the predicate on the old and new state) and queues a shared
 * item; the copy the client receives is made at the client's pace, when it
 * pulls. A client that lets more than `limit` live items pile up is
 * terminated: its stream ends and it re-watches, as with kube-apiserver.
 */
import type { KubeObject } from '../../runtime/object.js';
import type { SelectionPredicate, WatchEvent } from '../interface.js';
import { INITIAL_EVENTS_END_ANNOTATION } from '../kvstore/watch.js';
import { BoundedWatchStream } from '../watch/stream.js';
import type { CacheEvent, EventItem } from './event-buffer.js';

/** A BOOKMARK waiting in a watcher's queue. */
interface BookmarkItem {
  kind: 'bookmark';
  revision: number;
  initialEventsEnd: boolean;
}

type WatcherItem = EventItem | BookmarkItem;

/** True when `pred` is absent or matches `obj` (a predicate that throws does not match). */
export function passes(pred: SelectionPredicate | undefined, obj: KubeObject): boolean {
  if (!pred || pred.empty) return true;
  try {
    return pred.matches(obj);
  } catch {
    return false;
  }
}

/**
 * A copy of a cached object for a consumer: top level and metadata are new
 * objects (consumers set kind, apiVersion and metadata fields on what they
 * get), nested values are shared and must not be mutated in place.
 */
export function detach(obj: KubeObject, revision?: number): KubeObject {
  const out: KubeObject = { ...obj };
  if (obj.metadata) {
    out.metadata = { ...obj.metadata };
    if (revision !== undefined) out.metadata.resourceVersion = String(revision);
  } else if (revision !== undefined) {
    out.metadata = { resourceVersion: String(revision) };
  }
  return out;
}

function toEvent(item: WatcherItem): WatchEvent {
  if (item.kind === 'bookmark') {
    const metadata: KubeObject['metadata'] = { resourceVersion: String(item.revision) };
    if (item.initialEventsEnd) metadata.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: 'true' };
    return { type: 'BOOKMARK', object: { metadata } };
  }
  return { type: item.type, object: detach(item.object, item.revision) };
}

/** What a watcher watches. */
export interface WatchScope {
  /** The watched key, or for a recursive watch the prefix (ending in "/"). */
  key: string;
  recursive: boolean;
  predicate: SelectionPredicate | undefined;
}

/** One client watch. */
export class CacheWatcher {
  readonly stream: BoundedWatchStream<WatcherItem>;
  /** Every change with revision <= position has been considered (queued or filtered out). */
  position: number;
  private bookmarkQueued = false;

  constructor(
    readonly scope: WatchScope,
    readonly allowBookmarks: boolean,
    startRevision: number,
    limit: number,
    onStop: (w: CacheWatcher) => void,
  ) {
    this.position = startRevision;
    this.stream = new BoundedWatchStream<WatcherItem>({
      limit,
      convert: (item) => {
        if (item.kind === 'bookmark' && !item.initialEventsEnd) this.bookmarkQueued = false;
        return toEvent(item);
      },
      onConvertError: (err) => {
        const msg = err instanceof Error ? err.message : String(err);
        return {
          type: 'ERROR',
          object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred: ${msg}`, reason: 'InternalError', code: 500, details: { causes: [{ message: msg }] } },
        };
      },
      onStop: () => onStop(this),
    });
  }

  /** True when a change of `key` is within this watch's key or prefix. */
  covers(key: string): boolean {
    return this.scope.recursive ? key.startsWith(this.scope.key) : key === this.scope.key;
  }

  /**
   * Offers one change (already known to be within scope). Changes at or
   * below the position are skipped (a watch from N gets only revisions > N).
   * Replayed changes are queued uncounted: their number is bounded by the
   * event window. Returns false once the watcher no longer accepts items.
   */
  offer(ev: CacheEvent, counted = true): boolean {
    if (ev.revision <= this.position) return !this.stream.closed;
    this.position = ev.revision;
    const item = this.classify(ev);
    if (item === undefined) return !this.stream.closed;
    return this.stream.push(item, counted);
  }

  /** Queues an initial ADDED for an object of the snapshot the watch starts from. */
  initial(obj: KubeObject, revision: number): void {
    if (passes(this.scope.predicate, obj)) {
      this.stream.push({ kind: 'event', type: 'ADDED', object: obj, revision }, false);
    }
  }

  /** Queues a BOOKMARK at `revision` (at most one periodic bookmark waits at a time). */
  bookmark(revision: number, initialEventsEnd = false): void {
    if (!initialEventsEnd && (this.bookmarkQueued || revision <= 0)) return;
    if (this.stream.push({ kind: 'bookmark', revision, initialEventsEnd }, false) && !initialEventsEnd) {
      this.bookmarkQueued = true;
    }
  }

  /** What this watcher sees of `ev`: predicate transitions as kube-apiserver's cacheWatcher computes them. */
  private classify(ev: CacheEvent): EventItem | undefined {
    const pred = this.scope.predicate;
    if (!pred || pred.empty) {
      if (ev.object !== null) return ev.item(ev.prev !== null ? 'MODIFIED' : 'ADDED');
      return ev.prev !== null ? ev.item('DELETED') : undefined;
    }
    const now = ev.object !== null && passes(pred, ev.object);
    const before = ev.prev !== null && passes(pred, ev.prev);
    if (now) return ev.item(before ? 'MODIFIED' : 'ADDED');
    // Stopped matching (or deleted): the last matching state, at the event's revision.
    if (before) return ev.item('DELETED');
    return undefined;
  }
}
