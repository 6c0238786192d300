/**
 * SqliteKV: the KV contract (src/storage/kv/interface.ts) over the SQLite
 * revision log, with group commit.
 *
 * Group commit: create/update/delete calls are queued; the queue is flushed
 * as one transaction at the end of the event-loop turn (setImmediate), and
 * calls made while a commit is in progress form the next batch, sent as soon
 * as that commit is acknowledged. Each call gets its own revision and its own
 * success or failure. A call resolves only after its batch is durable
 * (synchronous=FULL), and after the batch's events were published to watchers.
 *
 * Ownership: one SqliteKV (one kapi process) owns the database file. Opening
 * the same file from two processes is not supported: revisions are handed out
 * by a single writer and watchers are fed in process.
 */
import {
  KvCompactedError,
  KvFutureRevisionError,
  KvUnavailableError,
  type KV,
  type KeyValue,
  type KvEvent,
  type KvWatch,
  type RangeOptions,
  type RangeResult,
  type TxnResult,
  type WatchHandlers,
} from '../kv/interface.js';
import { LogReader, type LogRange } from './reader.js';
import { ensureSchema, openConnection, readCompactRevision, readRevision, type SqliteDatabase } from './schema.js';
import { WatchHub } from './watch-hub.js';
import {
  WRITE_CREATE,
  WRITE_DELETE,
  WRITE_UPDATE,
  type RowState,
  type WriteKind,
  type WriteOp,
  type WriteOutcome,
} from './protocol.js';
import { InlineWriter, ThreadWriter, type LogWriter } from './writer.js';

/** Options of openSqliteKV. */
export interface SqliteKVOptions {
  /** Database file, or ':memory:' (tests; implies the inline writer). */
  path: string;
  /**
   * Where commits run: 'thread' (default for files) keeps the event loop free
   * while a commit is fsynced; 'inline' commits on the calling thread.
   */
  writer?: 'thread' | 'inline';
}

/** Tunables (mutable so tests and benchmarks may change them). */
export const sqliteKvTunables = {
  /** Largest number of writes committed in one transaction. */
  maxBatch: 1000,
  /** Log revisions swept per compaction transaction. */
  compactWindow: 5000,
};

const EMPTY = Buffer.alloc(0);

interface QueuedWrite {
  op: WriteOp;
  resolve(r: TxnResult): void;
  reject(err: Error): void;
}

interface CompactJob {
  revision: number;
  resolve(): void;
  reject(err: Error): void;
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function rowToKv(key: string, r: RowState): KeyValue {
  return { key, value: toBuffer(r.value), createRevision: r.createRevision, modRevision: r.modRevision, version: r.version };
}

/** The SQLite KV backend. Create with openSqliteKV. */
export class SqliteKV implements KV {
  private readonly db: SqliteDatabase;
  private readonly reader: LogReader;
  private readonly writer: LogWriter;
  private readonly hub: WatchHub;
  private queue: QueuedWrite[] = [];
  private compactions: CompactJob[] = [];
  private busy = false;
  private scheduled = false;
  private compacted: number;
  private closed = false;
  private drained: (() => void)[] = [];
  private readonly counters = { commits: 0, writes: 0 };

  constructor(opts: SqliteKVOptions) {
    this.db = openConnection(opts.path);
    ensureSchema(this.db);
    this.reader = new LogReader(this.db);
    const inline = opts.path === ':memory:' || opts.writer === 'inline';
    this.writer = inline ? new InlineWriter(this.db) : new ThreadWriter(opts.path);
    this.compacted = readCompactRevision(this.db);
    this.hub = new WatchHub(this.reader, readRevision(this.db), () => this.compacted);
    // Finish a sweep an earlier process did not complete.
    if (this.compacted > 0) this.enqueueCompaction(this.compacted).catch(() => undefined);
  }

  /** Durable commits made and writes they carried, since open (for tests and benchmarks). */
  stats(): { commits: number; writes: number } {
    return { ...this.counters };
  }

  /** The database file this store owns. */
  get path(): string {
    return this.db.name;
  }

  async range(key: string, end: string | undefined, opts: RangeOptions = {}): Promise<RangeResult> {
    this.checkOpen();
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const countOnly = opts.countOnly === true;
    const rev = opts.revision ?? 0;
    const readCurrent = () =>
      end === undefined ? this.reader.getCurrent(key) : this.reader.rangeCurrent(key, end, limit, countOnly);
    const readAt = (at: number) =>
      end === undefined ? this.reader.getAt(key, at) : this.reader.rangeAt(key, end, at, limit, countOnly);
    let r: LogRange;
    if (rev <= 0) {
      r = readCurrent();
    } else {
      if (rev < this.compacted) throw new KvCompactedError(rev, this.compacted);
      const current = this.reader.revision();
      if (rev > current) throw new KvFutureRevisionError(rev, current);
      // The current tables answer only if nothing was committed in between.
      r = rev === current ? readCurrent() : readAt(rev);
      if (r.revision !== rev) r = readAt(rev);
    }
    let kvs = r.kvs;
    if (countOnly) kvs = [];
    else if (limit > 0 && kvs.length > limit) kvs = kvs.slice(0, limit);
    return { kvs, count: r.count, more: !countOnly && r.count > kvs.length, revision: r.revision };
  }

  create(key: string, value: Buffer): Promise<TxnResult> {
    return this.enqueue(WRITE_CREATE, key, value, 0);
  }

  update(key: string, value: Buffer, expectedModRevision: number): Promise<TxnResult> {
    return this.enqueue(WRITE_UPDATE, key, value, expectedModRevision);
  }

  delete(key: string, expectedModRevision: number): Promise<TxnResult> {
    return this.enqueue(WRITE_DELETE, key, undefined, expectedModRevision);
  }

  watch(key: string, end: string | undefined, startRevision: number, handlers: WatchHandlers): KvWatch {
    this.checkOpen();
    return this.hub.add(key, end, startRevision, handlers);
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.reader.revision();
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (revision <= this.compacted) return;
    const current = this.reader.revision();
    if (revision > current) throw new KvFutureRevisionError(revision, current);
    // From now on reads and watches below `revision` fail, before any row goes.
    this.compacted = revision;
    await this.enqueueCompaction(revision);
  }

  async healthy(): Promise<boolean> {
    if (this.closed || !this.writer.healthy()) return false;
    try {
      this.reader.revision();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.busy || this.scheduled || this.queue.length > 0 || this.compactions.length > 0) {
      await new Promise<void>((resolve) => this.drained.push(resolve));
    }
    this.hub.failAll(new KvUnavailableError('kv store closed'));
    await this.writer.close();
    this.db.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new KvUnavailableError('kv store closed');
  }

  private enqueue(kind: WriteKind, key: string, value: Buffer | undefined, expected: number): Promise<TxnResult> {
    if (this.closed) return Promise.reject(new KvUnavailableError('kv store closed'));
    return new Promise<TxnResult>((resolve, reject) => {
      this.queue.push({ op: { kind, key, value, expected }, resolve, reject });
      this.schedule();
    });
  }

  private enqueueCompaction(revision: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.compactions.push({ revision, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.busy || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Runs the next unit of work: a write batch first, then a compaction. */
  private pump(): void {
    if (this.busy) return;
    if (this.queue.length > 0) {
      this.busy = true;
      const max = sqliteKvTunables.maxBatch;
      const batch = this.queue.length <= max ? this.queue : this.queue.slice(0, max);
      this.queue = this.queue.length <= max ? [] : this.queue.slice(max);
      void this.commit(batch).finally(() => this.next());
      return;
    }
    if (this.compactions.length > 0) {
      this.busy = true;
      const job = this.compactions.shift()!;
      void this.runCompaction(job).finally(() => this.next());
      return;
    }
    this.next();
  }

  private next(): void {
    this.busy = false;
    // Writes issued while the commit ran (and by the continuations of the
    // writes it just acknowledged) form the next batch at the end of this turn.
    if (this.queue.length > 0 || this.compactions.length > 0) {
      this.schedule();
      return;
    }
    const waiters = this.drained;
    this.drained = [];
    for (const w of waiters) w();
  }

  private async commit(batch: QueuedWrite[]): Promise<void> {
    const ops = batch.map((q) => q.op);
    let outcomes: WriteOutcome[];
    try {
      const r = this.writer.apply(ops, true);
      outcomes = Array.isArray(r) ? r : await r;
    } catch (err) {
      const e = err instanceof KvUnavailableError ? err : new KvUnavailableError(err instanceof Error ? err.message : String(err));
      for (const q of batch) q.reject(e);
      return;
    }
    this.counters.commits++;
    this.counters.writes += batch.length;
    const events: KvEvent[] = [];
    const results: TxnResult[] = new Array(batch.length);
    let last = this.hub.publishedRevision;
    for (let i = 0; i < batch.length; i++) {
      const op = ops[i];
      const o = outcomes[i];
      if (!o.ok) {
        results[i] = { succeeded: false, revision: o.revision, current: o.current ? rowToKv(op.key, o.current) : undefined };
        continue;
      }
      last = o.revision;
      const prevKv = o.prev ? rowToKv(op.key, o.prev) : undefined;
      if (op.kind === WRITE_DELETE) {
        events.push({ type: 'delete', kv: { key: op.key, value: EMPTY, createRevision: 0, modRevision: o.revision, version: 0 }, prevKv });
        results[i] = { succeeded: true, revision: o.revision };
      } else {
        const kv: KeyValue = {
          key: op.key,
          value: op.value as Buffer,
          createRevision: o.createRevision ?? o.revision,
          modRevision: o.revision,
          version: o.version ?? 1,
        };
        events.push({ type: 'put', kv, prevKv });
        results[i] = { succeeded: true, revision: o.revision, kv };
      }
    }
    if (events.length > 0) this.hub.publish(events, last);
    for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
  }

  private async runCompaction(job: CompactJob): Promise<void> {
    try {
      let from = await this.writer.compactBegin(job.revision);
      const window = sqliteKvTunables.compactWindow;
      while (from < job.revision) {
        const to = Math.min(job.revision, from + window);
        await this.writer.compactSweep(from, to, job.revision);
        from = to;
        // Let queued writes go between windows.
        if (this.queue.length > 0) await this.yieldToWrites();
      }
      job.resolve();
    } catch (err) {
      job.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Commits the writes queued so far before the compaction continues. */
  private async yieldToWrites(): Promise<void> {
    while (this.queue.length > 0) {
      const max = sqliteKvTunables.maxBatch;
      const batch = this.queue.slice(0, max);
      this.queue = this.queue.slice(batch.length);
      await this.commit(batch);
    }
  }
}

/** Opens (creating if needed) the SQLite KV at `opts.path`. */
export function openSqliteKV(opts: SqliteKVOptions): SqliteKV {
  return new SqliteKV(opts);
}
