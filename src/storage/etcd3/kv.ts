/**
 * EtcdKV: the KV contract (src/storage/kv/interface.ts) on etcd v3, the way
 * kube-apiserver's etcd3 store talks to etcd.
 *
 * - create: txn `create_revision(key) == 0` → put, else range.
 * - update: txn `mod_revision(key) == expected` → put + keys-only range (for
 *   the new version and create revision), else range.
 * - delete: txn `mod_revision(key) == expected` (0: `create_revision > 0`,
 *   i.e. the key exists) → delete, else range.
 * - range: etcd's range with revision/limit/count_only; a read at a past
 *   revision reports that revision, like the SQLite backend.
 * - watch: raw gRPC watch stream per watch (watch.ts).
 * - compaction: coordinated through `compact_rev_key` (compaction.ts).
 *
 * Deadlines: every call has one deadline, `requestTimeoutMs`, covering all of
 * its attempts (connection.ts). With quorum lost, writes and reads fail with
 * KvUnavailableError after at most that long; when members come back, the
 * same EtcdKV works again (channels reconnect by themselves).
 *
 * "From now" (watch start revision 0): the watch starts after the newest
 * revision this client has seen in any response, so every write issued after
 * the `watch` call is delivered. Until the client has seen one, writes wait
 * for a revision read that the watch starts from.
 */
import {
  KvCompactedError,
  KvFutureRevisionError,
  KvUnavailableError,
  type KV,
  type KeyValue,
  type KvWatch,
  type RangeOptions,
  type RangeResult,
  type TxnResult,
  type WatchHandlers,
} from '../kv/interface.js';
import { COMPACT_REV_KEY, CompactionState } from './compaction.js';
import { EtcdCallError, EtcdConnection, type EtcdTlsOptions } from './connection.js';
import { KeyLayout } from './keys.js';
import type { PbResponseHeader, PbTxnRequest, PbTxnResponse } from './proto.js';
import { EtcdWatcher, toKeyValue, type WatchOwner } from './watch.js';

/** Options of openEtcdKV (kube-apiserver's --etcd-* flags). */
export interface EtcdKVOptions {
  /** Client URLs of the etcd members (`http://127.0.0.1:2379`). */
  endpoints: string[];
  /** Stands for `/registry` in etcd (kube-apiserver's --etcd-prefix); default `/registry`. */
  prefix?: string;
  tls?: EtcdTlsOptions;
  /** Deadline of every call, all retries included. Default etcdKvTunables.requestTimeoutMs. */
  requestTimeoutMs?: number;
}

/** Tunables (mutable so tests and benchmarks may change them). */
export const etcdKvTunables = {
  /**
   * Default deadline of one KV call. A storage operation makes at most a few
   * calls, so with quorum lost it fails well within kube-apiserver's 60 s
   * request timeout.
   */
  requestTimeoutMs: 10_000,
  /** Deadline of the health check (kube-apiserver's --etcd-healthcheck-timeout is 2 s). */
  healthTimeoutMs: 2_000,
  /** Deadline of a physical compaction, which may take long on a big database. */
  compactTimeoutMs: 60_000,
};

const COMPACT_KEY = Buffer.from(COMPACT_REV_KEY);

/** The etcd v3 KV backend. Create with openEtcdKV. */
export class EtcdKV implements KV, WatchOwner {
  readonly conn: EtcdConnection;
  readonly layout: KeyLayout;
  readonly timeoutMs: number;
  private readonly compaction: CompactionState;
  private readonly watchers = new Set<EtcdWatcher>();
  private readonly inflight = new Set<Promise<unknown>>();
  /** The newest revision seen in any response. */
  private lastSeen = 0;
  /** Set while a "from now" watch waits for a first revision; writes wait for it. */
  private gate: Promise<void> | undefined;
  private closed = false;

  constructor(opts: EtcdKVOptions) {
    this.conn = new EtcdConnection({ endpoints: opts.endpoints, tls: opts.tls });
    this.layout = new KeyLayout(opts.prefix);
    this.timeoutMs = opts.requestTimeoutMs ?? etcdKvTunables.requestTimeoutMs;
    this.compaction = new CompactionState(this.conn, () => this.timeoutMs, (h) => this.observe(h));
  }

  /** The etcd prefix standing for `/registry`. */
  get prefix(): string {
    return this.layout.prefix;
  }

  async range(key: string, end: string | undefined, opts: RangeOptions = {}): Promise<RangeResult> {
    const revision = opts.revision && opts.revision > 0 ? opts.revision : 0;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const countOnly = opts.countOnly === true;
    if (revision > 0 && revision < this.compaction.known) throw new KvCompactedError(revision, this.compaction.known);
    const r = await this.track(async () => {
      try {
        return await this.conn.unary(
          'KV.range',
          { key: this.layout.toEtcd(key), range_end: end === undefined ? undefined : this.layout.toEtcd(end), limit, revision, count_only: countOnly },
          { timeoutMs: this.timeoutMs, write: false },
        );
      } catch (err) {
        throw await this.revisionError(err, revision);
      }
    });
    this.observe(r.header);
    const kvs = countOnly ? [] : r.kvs.map((kv) => toKeyValue(this.layout, kv));
    const count = Number(r.count);
    return { kvs, count, more: !countOnly && count > kvs.length, revision: revision > 0 ? revision : Number(r.header.revision) };
  }

  async create(key: string, value: Buffer): Promise<TxnResult> {
    const k = this.layout.toEtcd(key);
    const r = await this.txn({
      compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key: k, value } }],
      failure: [{ request_range: { key: k } }],
    });
    const revision = Number(r.header.revision);
    if (!r.succeeded) return { succeeded: false, revision, current: this.firstKv(r, 0) };
    return { succeeded: true, revision, kv: { key, value, createRevision: revision, modRevision: revision, version: 1 } };
  }

  async update(key: string, value: Buffer, expectedModRevision: number): Promise<TxnResult> {
    const k = this.layout.toEtcd(key);
    if (expectedModRevision <= 0) {
      // A key that exists always has a modRevision; like the SQLite backend, 0 never matches.
      const cur = await this.range(key, undefined);
      return { succeeded: false, revision: cur.revision, current: cur.kvs[0] };
    }
    const r = await this.txn({
      compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }],
      success: [{ request_put: { key: k, value } }, { request_range: { key: k, keys_only: true } }],
      failure: [{ request_range: { key: k } }],
    });
    const revision = Number(r.header.revision);
    if (!r.succeeded) return { succeeded: false, revision, current: this.firstKv(r, 0) };
    const written = this.firstKv(r, 1);
    const kv: KeyValue = {
      key,
      value,
      createRevision: written?.createRevision ?? revision,
      modRevision: revision,
      version: written?.version ?? 1,
    };
    return { succeeded: true, revision, kv };
  }

  async delete(key: string, expectedModRevision: number): Promise<TxnResult> {
    const k = this.layout.toEtcd(key);
    const r = await this.txn({
      compare:
        expectedModRevision > 0
          ? [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }]
          : [{ key: k, target: 'Create', result: 'Greater', create_revision: 0 }],
      success: [{ request_delete_range: { key: k } }],
      failure: [{ request_range: { key: k } }],
    });
    const revision = Number(r.header.revision);
    if (!r.succeeded) return { succeeded: false, revision, current: this.firstKv(r, 0) };
    return { succeeded: true, revision };
  }

  watch(key: string, end: string | undefined, startRevision: number, handlers: WatchHandlers): KvWatch {
    if (this.closed) throw new KvUnavailableError('kv store closed');
    const from = startRevision > 0 ? startRevision : 0;
    const w = new EtcdWatcher(this, this.layout.toEtcd(key), end === undefined ? undefined : this.layout.toEtcd(end), 0, from, handlers);
    this.watchers.add(w);
    const known = this.compaction.known;
    if (from > 0 && from < known) {
      queueMicrotask(() => w.fail(new KvCompactedError(from, known)));
      return w;
    }
    if (from > 0) {
      w.setStart(from + 1);
      w.start();
    } else if (this.lastSeen > 0) {
      w.setStart(this.lastSeen + 1);
      w.start();
    } else {
      // No revision seen yet: learn one before any later write goes out.
      const gate = (this.gate ??= this.currentRevision().then(
        () => undefined,
        () => undefined,
      ));
      void gate.then(() => {
        if (this.gate === gate) this.gate = undefined;
        w.setStart(this.lastSeen > 0 ? this.lastSeen + 1 : 0);
        w.start();
      });
    }
    return w;
  }

  async currentRevision(): Promise<number> {
    const r = await this.track(() =>
      this.conn.unary('KV.range', { key: COMPACT_KEY, count_only: true }, { timeoutMs: this.timeoutMs, write: false }),
    );
    this.observe(r.header);
    return Number(r.header.revision);
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    return this.track(() => this.compaction.refresh());
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (revision <= this.compaction.known) return;
    await this.track(async () => {
      if (revision > this.lastSeen) {
        const current = await this.currentRevision();
        if (revision > current) throw new KvFutureRevisionError(revision, current);
      }
      await this.compaction.compact(revision, Math.max(this.timeoutMs, etcdKvTunables.compactTimeoutMs));
    });
  }

  async healthy(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.conn.unary('KV.range', { key: COMPACT_KEY, count_only: true }, { timeoutMs: Math.min(this.timeoutMs, etcdKvTunables.healthTimeoutMs), write: false });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inflight]);
    for (const w of [...this.watchers]) w.fail(new KvUnavailableError('kv store closed'));
    this.conn.close();
  }

  /** WatchOwner: records the revision of a response. */
  observe(h: PbResponseHeader | null): void {
    if (!h) return;
    const rev = Number(h.revision);
    if (rev > this.lastSeen) this.lastSeen = rev;
  }

  /** WatchOwner: records a compacted revision etcd revealed. */
  learnCompacted(revision: number): void {
    this.compaction.learn(revision);
  }

  /** WatchOwner: forgets an ended watch. */
  forget(w: EtcdWatcher): void {
    this.watchers.delete(w);
  }

  private checkOpen(): void {
    if (this.closed) throw new KvUnavailableError('kv store closed');
  }

  /** Runs `fn` as an in-flight call (close waits for it). */
  private track<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new KvUnavailableError('kv store closed'));
    const p = fn();
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  private async txn(req: PbTxnRequest): Promise<PbTxnResponse> {
    const r = await this.track(async () => {
      if (this.gate) await this.gate;
      try {
        return await this.conn.unary('KV.txn', req, { timeoutMs: this.timeoutMs, write: true });
      } catch (err) {
        if (err instanceof EtcdCallError) throw new Error(err.message);
        throw err;
      }
    });
    this.observe(r.header);
    return r;
  }

  /** The first key of the range response at `index` of a transaction's branch. */
  private firstKv(r: PbTxnResponse, index: number): KeyValue | undefined {
    const kv = r.responses[index]?.response_range?.kvs[0];
    return kv ? toKeyValue(this.layout, kv) : undefined;
  }

  /** Maps a failed read at `revision` to the KV contract's errors. */
  private async revisionError(err: unknown, revision: number): Promise<unknown> {
    if (!(err instanceof EtcdCallError)) return err;
    if (err.failure.kind === 'compacted') return new KvCompactedError(revision, await this.probeCompacted(revision));
    if (err.failure.kind === 'future') {
      const current = await this.currentRevision().catch(() => this.lastSeen);
      return new KvFutureRevisionError(revision, current);
    }
    return new Error(err.message);
  }

  /**
   * The compacted revision, once etcd refused a read at `revision` as
   * compacted: what this client knows if that explains the refusal, else
   * etcd's own figure, from a watch started at `revision` (cancelled at once
   * with `compact_revision`).
   */
  private async probeCompacted(revision: number): Promise<number> {
    if (this.compaction.known > revision) return this.compaction.known;
    await this.compaction.refresh().catch(() => undefined);
    if (this.compaction.known > revision) return this.compaction.known;
    const compacted = await new Promise<number>((resolve) => {
      const timer = setTimeout(() => {
        w.close();
        resolve(this.compaction.known);
      }, Math.min(this.timeoutMs, 2000));
      const w = new EtcdWatcher(this, COMPACT_KEY, undefined, revision, revision, {
        onEvents: () => undefined,
        onError: (e) => {
          clearTimeout(timer);
          resolve(e instanceof KvCompactedError ? e.compacted : this.compaction.known);
        },
      });
      w.start();
    });
    return Math.max(compacted, this.compaction.known);
  }
}

/** Opens a KV on the etcd cluster at `opts.endpoints` (connections are made lazily). */
export function openEtcdKV(opts: EtcdKVOptions): EtcdKV {
  return new EtcdKV(opts);
}

