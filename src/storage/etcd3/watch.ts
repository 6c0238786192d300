/**
 * One KV watch over its own raw etcd watch stream.
 *
 * The high-level `Watcher` of the etcd3 package hides why etcd cancelled a
 * watch; the raw stream keeps `compact_revision`, so a start below the
 * compacted revision ends with KvCompactedError(requested, compacted).
 *
 * - Events arrive in revision order; deletes carry the previous value
 *   (`prev_kv` is requested). Progress notifications (`progress_notify`) are
 *   passed on as onProgress(revision).
 * - When the stream breaks (member stopped, member lost its leader), the
 *   watch is resumed on another member from the revision after the last one
 *   delivered, so nothing is missed or repeated. If no member accepts it for
 *   `timeoutMs` in a row, the watch ends with KvUnavailableError.
 * - `close()` cancels the stream; nothing is delivered afterwards.
 */
import { KvCompactedError, KvUnavailableError, type KeyValue, type KvEvent, type KvWatch, type WatchHandlers } from '../kv/interface.js';
import type { EtcdConnection, EtcdWatchStream } from './connection.js';
import type { KeyLayout } from './keys.js';
import type { PbKeyValue, PbResponseHeader, PbWatchResponse } from './proto.js';

/** Tunables (mutable so tests may change them). */
export const etcdWatchTunables = {
  /** First pause before resuming a broken watch stream. */
  resumeBackoffMs: 50,
  /** Longest pause between resume attempts. */
  maxResumeBackoffMs: 1000,
};

/** What an EtcdWatcher needs from the KV that owns it. */
export interface WatchOwner {
  readonly conn: EtcdConnection;
  readonly layout: KeyLayout;
  /** How long the watch may stay without a stream before it fails. */
  readonly timeoutMs: number;
  /** Records a response header's revision. */
  observe(h: PbResponseHeader | null): void;
  /** Records a compacted revision etcd revealed. */
  learnCompacted(revision: number): void;
  /** Forgets a watch that ended. */
  forget(w: EtcdWatcher): void;
}

const EMPTY = Buffer.alloc(0);

/** Converts an etcd KeyValue to the KV contract's shape. */
export function toKeyValue(layout: KeyLayout, kv: PbKeyValue): KeyValue {
  return {
    key: layout.fromEtcd(kv.key),
    value: kv.value ?? EMPTY,
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    version: Number(kv.version),
  };
}

/** A watch on [key, end) of etcd, resumed across stream failures. */
export class EtcdWatcher implements KvWatch {
  private stream: EtcdWatchStream | undefined;
  private closed = false;
  private created = false;
  private timer: NodeJS.Timeout | undefined;
  private backoff = etcdWatchTunables.resumeBackoffMs;
  /** When the watch last lost (or never had) an established stream. */
  private downSince = Date.now();

  /**
   * @param nextRevision etcd start revision of the next stream: the first
   *   revision not yet delivered (0 = etcd's current revision, "from now").
   * @param requested the start revision the caller asked for (for errors).
   */
  constructor(
    private readonly owner: WatchOwner,
    private readonly key: Buffer,
    private readonly end: Buffer | undefined,
    private nextRevision: number,
    private readonly requested: number,
    private readonly handlers: WatchHandlers,
  ) {}

  /** Sets the etcd start revision of the first stream (before `start`). */
  setStart(revision: number): void {
    this.nextRevision = revision;
  }

  /** Opens a stream from the first revision not yet delivered. */
  start(): void {
    if (this.closed) return;
    let stream: EtcdWatchStream;
    try {
      stream = this.owner.conn.openWatchStream();
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.stream = stream;
    this.created = false;
    stream.on('data', (r: PbWatchResponse) => {
      if (this.stream === stream) this.onResponse(r);
    });
    stream.on('error', () => {
      if (this.stream === stream) this.broken();
    });
    stream.on('end', () => {
      if (this.stream === stream) this.broken();
    });
    stream.write({
      create_request: {
        key: this.key,
        range_end: this.end,
        start_revision: this.nextRevision,
        prev_kv: true,
        progress_notify: true,
      },
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    this.owner.forget(this);
  }

  /** Ends the watch with `err` (the KV closing, or a failure). */
  fail(err: Error): void {
    if (this.closed) return;
    this.close();
    this.handlers.onError(err);
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const s = this.stream;
    this.stream = undefined;
    if (s) {
      s.on('error', () => undefined);
      s.cancel();
    }
  }

  private onResponse(r: PbWatchResponse): void {
    if (this.closed) return;
    this.owner.observe(r.header);
    if (r.created) {
      this.created = true;
      this.backoff = etcdWatchTunables.resumeBackoffMs;
      // "From now": the stream starts after the revision etcd was at.
      if (this.nextRevision === 0 && r.header) this.nextRevision = Number(r.header.revision) + 1;
    }
    if (r.canceled) {
      const compacted = Number(r.compact_revision);
      if (compacted > 0) {
        this.owner.learnCompacted(compacted);
        this.fail(new KvCompactedError(this.nextRevision > 0 ? this.nextRevision - 1 : this.requested, compacted));
      } else {
        // e.g. the member lost its leader: try another one.
        this.broken();
      }
      return;
    }
    if (r.events.length > 0) {
      const events: KvEvent[] = [];
      for (const e of r.events) {
        if (!e.kv) continue;
        const kv = toKeyValue(this.owner.layout, e.kv);
        if (kv.modRevision < this.nextRevision) continue;
        events.push(
          e.type === 'Delete'
            ? { type: 'delete', kv: { ...kv, value: EMPTY }, prevKv: e.prev_kv ? toKeyValue(this.owner.layout, e.prev_kv) : undefined }
            : { type: 'put', kv, prevKv: e.prev_kv ? toKeyValue(this.owner.layout, e.prev_kv) : undefined },
        );
      }
      if (events.length > 0) {
        this.nextRevision = events[events.length - 1].kv.modRevision + 1;
        this.handlers.onEvents(events);
      }
      return;
    }
    if (!r.created && !r.fragment && r.header) {
      // A progress notification: everything up to this revision was sent.
      const rev = Number(r.header.revision);
      if (rev >= this.nextRevision && this.nextRevision > 0) {
        this.nextRevision = rev + 1;
        this.handlers.onProgress?.(rev);
      }
    }
  }

  /** The stream failed: resume after a pause, or give up after the timeout. */
  private broken(): void {
    if (this.closed) return;
    if (this.created) this.downSince = Date.now();
    this.stop();
    const down = Date.now() - this.downSince;
    if (down >= this.owner.timeoutMs) {
      this.fail(new KvUnavailableError(`etcd watch could not be (re)established for ${down}ms`));
      return;
    }
    const pause = Math.min(this.backoff, this.owner.timeoutMs - down);
    this.backoff = Math.min(this.backoff * 2, etcdWatchTunables.maxResumeBackoffMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, pause);
  }
}
