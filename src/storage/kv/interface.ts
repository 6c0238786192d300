/**
 * The revisioned key-value contract (etcd's data model). Every backend (SQLite,
 * etcd v3) implements it and passes the same conformance suite
 * (src/storage/testing). Nothing above this layer knows SQL or gRPC.
 *
 * Revisions: one global counter, strictly increasing by one for every write
 * (put or delete) across all keys. Keys and values are raw bytes/strings; the
 * layer above decides their meaning.
 */

/** One key at one revision. */
export interface KeyValue {
  key: string;
  value: Buffer;
  /** Revision of the write that created the key (since its last deletion). */
  createRevision: number;
  /** Revision of the last write to the key. */
  modRevision: number;
  /** Number of writes since creation (1 after create). */
  version: number;
}

/** A change seen by a watch. For deletes, `kv.value` is empty and `prevKv` holds the last value. */
export interface KvEvent {
  type: 'put' | 'delete';
  kv: KeyValue;
  prevKv?: KeyValue;
}

export interface RangeOptions {
  /** Read at this revision (0 or absent = current). Older than the compacted revision → KvCompactedError. */
  revision?: number;
  /** Maximum number of keys (0 = no limit). */
  limit?: number;
  /** Only count; `kvs` is empty. */
  countOnly?: boolean;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** Number of keys in the range (ignoring limit). */
  count: number;
  /** True when `limit` cut the result. */
  more: boolean;
  /** The store's revision the read was served at. */
  revision: number;
}

/** Result of a conditional write. */
export interface TxnResult {
  succeeded: boolean;
  /** Revision after the transaction (the new revision on success). */
  revision: number;
  /** On success, the written key (absent for a delete). */
  kv?: KeyValue;
  /** On failure, the current value of the key, if it exists. */
  current?: KeyValue;
}

/** A running watch. Events arrive in revision order; `close` stops it. */
export interface KvWatch {
  close(): void;
}

export interface WatchHandlers {
  /** A batch of events, all with modRevision > the start revision, in revision order. */
  onEvents(events: KvEvent[]): void;
  /** The watch ended with an error (KvCompactedError when the start revision was compacted). */
  onError(err: Error): void;
  /** Optional progress notification: every change up to `revision` has been delivered. */
  onProgress?(revision: number): void;
}

/**
 * The KV backend.
 *
 * Keys under a prefix: `range(prefix, prefixEnd(prefix))`.
 */
export interface KV {
  /** Reads one key (end undefined) or the half-open range [key, end). Keys sorted ascending. */
  range(key: string, end: string | undefined, opts?: RangeOptions): Promise<RangeResult>;

  /** Creates key if it does not exist (createRevision == 0). Fails with `current` set otherwise. */
  create(key: string, value: Buffer): Promise<TxnResult>;

  /** Writes key if its modRevision equals `expectedModRevision`. Fails with `current` (or none, if absent). */
  update(key: string, value: Buffer, expectedModRevision: number): Promise<TxnResult>;

  /** Deletes key if its modRevision equals `expectedModRevision` (0 = unconditionally). */
  delete(key: string, expectedModRevision: number): Promise<TxnResult>;

  /**
   * Watches the range [key, end) for changes after `startRevision` (exclusive:
   * events with modRevision > startRevision). startRevision 0 means "from now".
   * A compacted startRevision fails via onError(KvCompactedError).
   */
  watch(key: string, end: string | undefined, startRevision: number, handlers: WatchHandlers): KvWatch;

  /** The current revision. */
  currentRevision(): Promise<number>;

  /** The oldest revision still readable (the last compaction revision). */
  compactedRevision(): Promise<number>;

  /** Drops history older than `revision`: later reads/watches below it fail with KvCompactedError. */
  compact(revision: number): Promise<void>;

  /** Checks the backend is usable (for /readyz). */
  healthy(): Promise<boolean>;

  /** Releases resources. Pending writes complete first. */
  close(): Promise<void>;
}

/** A read or watch below the compacted revision. */
export class KvCompactedError extends Error {
  constructor(readonly requested: number, readonly compacted: number) {
    super(`mvcc: required revision has been compacted (requested ${requested}, compacted ${compacted})`);
    this.name = 'KvCompactedError';
  }
}

/** A read at a revision newer than the current one. */
export class KvFutureRevisionError extends Error {
  constructor(readonly requested: number, readonly current: number) {
    super(`mvcc: required revision is a future revision (requested ${requested}, current ${current})`);
    this.name = 'KvFutureRevisionError';
  }
}

/** The backend cannot be reached or failed (mapped to 5xx above). */
export class KvUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KvUnavailableError';
  }
}

/** The smallest key greater than every key with this prefix (etcd's prefix end). */
export function prefixEnd(prefix: string): string {
  const buf = Buffer.from(prefix, 'utf8');
  for (let i = buf.length - 1; i >= 0; i--) {
    if (buf[i] < 0xff) {
      const out = Buffer.from(buf.subarray(0, i + 1));
      out[i] += 1;
      return out.toString('latin1') === out.toString('utf8') ? out.toString('utf8') : out.toString('latin1');
    }
  }
  return '\0';
}
