/**
 * Where the log writes run. Two implementations of one small contract:
 *
 * - `InlineWriter` applies a batch on the calling (main) thread. The event
 *   loop is blocked for the transaction and its fsync.
 * - `ThreadWriter` hands each batch to a worker thread that owns the write
 *   connection, so the main thread keeps serving requests while a commit is
 *   being made durable; writes issued meanwhile form the next batch.
 *
 * The caller (SqliteKV) never has more than one request outstanding.
 */
import { Worker } from 'node:worker_threads';
import { KvUnavailableError } from '../kv/interface.js';
import { LogApplier } from './apply.js';
import type { SqliteDatabase } from './schema.js';
import type { WriteOp, WriteOutcome, WriterRequest, WriterResponse } from './protocol.js';

/** The writer contract; results may be synchronous (inline) or not (thread). */
export interface LogWriter {
  apply(ops: WriteOp[], wantPrev: boolean): WriteOutcome[] | Promise<WriteOutcome[]>;
  /** Persists the compacted revision; returns the revision the sweep starts after. */
  compactBegin(revision: number): number | Promise<number>;
  /** Sweeps superseded rows and tombstones in (from, to]. */
  compactSweep(from: number, to: number, revision: number): void | Promise<void>;
  /** False once the writer failed. */
  healthy(): boolean;
  close(): Promise<void>;
}

/** Applies writes on the calling thread, on the given connection. */
export class InlineWriter implements LogWriter {
  private readonly applier: LogApplier;

  constructor(db: SqliteDatabase) {
    this.applier = new LogApplier(db);
  }

  apply(ops: WriteOp[], wantPrev: boolean): WriteOutcome[] {
    return this.applier.apply(ops, wantPrev);
  }

  compactBegin(revision: number): number {
    return this.applier.compactBegin(revision);
  }

  compactSweep(from: number, to: number): void {
    this.applier.compactSweep(from, to);
  }

  healthy(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/**
 * Runs the writer in a worker thread (`writer-worker.js`). The worker is
 * unref'd while idle so an open store does not keep the process alive; it is
 * ref'd while a request is outstanding so acknowledged writes are never lost
 * to an early exit.
 */
export class ThreadWriter implements LogWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failed: Error | undefined;
  private exited = false;

  constructor(path: string) {
    this.worker = new Worker(new URL('./writer-worker.js', import.meta.url), { workerData: { path } });
    this.worker.unref();
    this.worker.on('message', (msg: WriterResponse) => this.onMessage(msg));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', () => {
      this.exited = true;
      this.fail(new KvUnavailableError('sqlite writer thread exited'));
    });
  }

  apply(ops: WriteOp[], wantPrev: boolean): Promise<WriteOutcome[]> {
    return this.request({ type: 'apply', id: 0, ops, wantPrev }) as Promise<WriteOutcome[]>;
  }

  compactBegin(revision: number): Promise<number> {
    return this.request({ type: 'compactBegin', id: 0, revision }) as Promise<number>;
  }

  async compactSweep(from: number, to: number, revision: number): Promise<void> {
    await this.request({ type: 'compactSweep', id: 0, from, to, revision });
  }

  healthy(): boolean {
    return this.failed === undefined;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    try {
      await this.request({ type: 'close', id: 0 });
    } catch {
      // The worker is going away either way.
    }
    await this.worker.terminate();
  }

  private request(req: WriterRequest): Promise<unknown> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    req.id = id;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage(req);
    });
  }

  private onMessage(msg: WriterResponse): void {
    if (msg.type === 'ready') return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (this.pending.size === 0) this.worker.unref();
    if (msg.type === 'result') p.resolve(msg.value);
    else p.reject(new KvUnavailableError(msg.message));
  }

  private fail(err: Error): void {
    if (!this.failed) this.failed = err instanceof KvUnavailableError ? err : new KvUnavailableError(err.message);
    for (const p of this.pending.values()) p.reject(this.failed);
    this.pending.clear();
  }
}
