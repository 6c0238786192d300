/**
 * `encryptingKV`: a KV decorator that keeps values of configured resources
 * encrypted at rest. It sits directly on the backend (SQLite or etcd), under
 * Storage, so every path — get, list, watch events (and their prevKv), the
 * `current` of failed transactions — sees plaintext, and every write is
 * ciphertext.
 *
 * Keys are mapped to group/resources by their storage prefix; keys outside
 * `/registry/<resource>/` pass through untouched. Values read through a
 * provider other than the first are "stale": `isStaleValue` tells Storage to
 * write them back even when unchanged (key rotation by re-writing).
 */
import { type KeyValue, type KV, type KvEvent, type KvWatch, type RangeOptions, type RangeResult, type TxnResult, type WatchHandlers } from '../kv/interface.js';
import type { GroupResource } from './config.js';
import type { ValueTransformer } from './transformer.js';

/** Anything that gives the transformer of a resource (ResourceTransformers, DynamicTransformers). */
export interface TransformerSource {
  transformerFor(gr: GroupResource): ValueTransformer;
}

/** A storage prefix (`/registry/deployments/`) and the group/resource stored under it. */
export interface StoragePrefix {
  prefix: string;
  group: string;
  resource: string;
}

/** The subset of a resource spec the key mapping needs (src/registry/definitions ResourceSpec fits). */
export interface StoredResource {
  group: string;
  resource: string;
  storagePrefix?: string;
  storageGroup?: string;
  createOnly?: boolean;
  special?: string;
}

/** Storage prefixes of resource specs (`storagePrefixOf`), keyed to the group/resource they store. */
export function storagePrefixesOf(specs: readonly StoredResource[]): StoragePrefix[] {
  const seen = new Map<string, StoragePrefix>();
  for (const s of specs) {
    if (s.createOnly) continue;
    const prefix = `/registry/${s.storagePrefix ?? s.resource}/`;
    if (!seen.has(prefix)) seen.set(prefix, { prefix, group: s.storageGroup ?? s.group, resource: s.resource });
  }
  return [...seen.values()];
}

/**
 * A key → group/resource resolver: the longest known prefix; otherwise a
 * custom resource key `/registry/<group.with.dots>/<plural>/...`; otherwise a
 * core resource `/registry/<plural>/...`; keys outside /registry → undefined.
 */
export function newKeyResolver(prefixes: readonly StoragePrefix[]): (key: string) => GroupResource | undefined {
  const sorted = [...prefixes].sort((a, b) => b.prefix.length - a.prefix.length);
  return (key) => {
    for (const p of sorted) if (key.startsWith(p.prefix)) return { group: p.group, resource: p.resource };
    const parts = key.split('/');
    if (parts[0] !== '' || parts[1] !== 'registry' || parts.length < 4 || parts[2] === '') return undefined;
    if (parts[2].includes('.') && parts.length >= 5) return { group: parts[2], resource: parts[3] };
    return { group: '', resource: parts[2] };
  };
}

/** A value that could not be decrypted (or was encrypted where identity reads). Mapped to 500 above. */
export class ValueTransformError extends Error {
  constructor(readonly key: string, reason: string) {
    super(`unable to transform key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'ValueTransformError';
  }
}

const staleValues = new WeakSet<Buffer>();

/**
 * True when `value` (a Buffer this decorator returned) was read through a
 * provider other than the first: Storage must write it back even if the
 * object did not change, so that re-writing re-encrypts with the current key.
 */
export function isStaleValue(value: Buffer): boolean {
  return staleValues.has(value);
}

export interface EncryptingKVOptions {
  /** Maps a key to its group/resource (default: newKeyResolver over no known prefixes). */
  resolve?: (key: string) => GroupResource | undefined;
  /**
   * The authenticated data of a key (AES-GCM binds the value to it): the full
   * etcd key. Default: the key itself, which is the etcd key under the
   * default `--etcd-prefix=/registry`; pass the etcd layout's mapping otherwise.
   */
  authenticatedData?: (key: string) => Buffer;
}

class EncryptingKV implements KV {
  private readonly resolve: (key: string) => GroupResource | undefined;
  private readonly ad: (key: string) => Buffer;

  constructor(private readonly inner: KV, private readonly source: TransformerSource, opts: EncryptingKVOptions) {
    this.resolve = opts.resolve ?? newKeyResolver([]);
    this.ad = opts.authenticatedData ?? ((k) => Buffer.from(k, 'utf8'));
  }

  private transformerOf(key: string): ValueTransformer | undefined {
    const gr = this.resolve(key);
    return gr ? this.source.transformerFor(gr) : undefined;
  }

  private encode(key: string, value: Buffer): Buffer {
    const t = this.transformerOf(key);
    return t ? t.toStorage(value, this.ad(key)) : value;
  }

  private decode(kv: KeyValue): KeyValue {
    // Deletion events carry no value.
    if (kv.value.length === 0) return kv;
    const t = this.transformerOf(kv.key);
    if (!t) return kv;
    let r;
    try {
      r = t.fromStorage(kv.value, this.ad(kv.key));
    } catch (err) {
      throw new ValueTransformError(kv.key, err instanceof Error ? err.message : String(err));
    }
    if (r.stale) staleValues.add(r.data);
    // Identity (resources the configuration does not name): the same bytes, no copy.
    return r.data === kv.value ? kv : { ...kv, value: r.data };
  }

  private result(res: TxnResult, plain?: Buffer): TxnResult {
    const out: TxnResult = { succeeded: res.succeeded, revision: res.revision };
    if (res.kv) out.kv = plain ? { ...res.kv, value: plain } : this.decode(res.kv);
    if (res.current) out.current = this.decode(res.current);
    return out;
  }

  async range(key: string, end: string | undefined, opts?: RangeOptions): Promise<RangeResult> {
    const r = await this.inner.range(key, end, opts);
    return { ...r, kvs: r.kvs.map((kv) => this.decode(kv)) };
  }

  async create(key: string, value: Buffer): Promise<TxnResult> {
    return this.result(await this.inner.create(key, this.encode(key, value)), value);
  }

  async update(key: string, value: Buffer, expectedModRevision: number): Promise<TxnResult> {
    return this.result(await this.inner.update(key, this.encode(key, value), expectedModRevision), value);
  }

  async delete(key: string, expectedModRevision: number): Promise<TxnResult> {
    return this.result(await this.inner.delete(key, expectedModRevision));
  }

  watch(key: string, end: string | undefined, startRevision: number, handlers: WatchHandlers): KvWatch {
    let failed = false;
    let inner: KvWatch | undefined;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      inner?.close();
      handlers.onError(err);
    };
    inner = this.inner.watch(key, end, startRevision, {
      onEvents: (events) => {
        if (failed) return;
        let decoded: KvEvent[];
        try {
          decoded = events.map((e) => ({ type: e.type, kv: this.decode(e.kv), ...(e.prevKv ? { prevKv: this.decode(e.prevKv) } : {}) }));
        } catch (err) {
          fail(err as Error);
          return;
        }
        handlers.onEvents(decoded);
      },
      onError: (err) => fail(err),
      ...(handlers.onProgress ? { onProgress: (rev: number) => !failed && handlers.onProgress?.(rev) } : {}),
    });
    // A failure delivered synchronously while starting.
    if (failed) inner.close();
    return { close: () => inner?.close() };
  }

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  compactedRevision(): Promise<number> {
    return this.inner.compactedRevision();
  }

  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }

  healthy(): Promise<boolean> {
    return this.inner.healthy();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * Wraps the backend KV so that the values of every configured resource are
 * stored through its transformers. Wrap the backend directly (under Storage
 * and the watch cache): `newKvStorage(encryptingKV(openKV(), transformers, {resolve}))`.
 */
export function encryptingKV(kv: KV, transformers: TransformerSource, opts: EncryptingKVOptions = {}): KV {
  return new EncryptingKV(kv, transformers, opts);
}
