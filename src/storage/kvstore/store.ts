/**
 * The Storage implementation over any KV backend (kube-apiserver's etcd3
 * store, restated): JSON values, resourceVersion = modRevision, preconditions,
 * guaranteedUpdate with compare-and-swap and retry, list pagination, watch.
 */
import { prefixEnd, type KV, type KeyValue } from '../kv/interface.js';
import { isStaleValue } from '../value/kv.js';
import type { KubeObject } from '../../runtime/object.js';
import { keyExists, keyNotFound, tooLargeResourceVersion } from '../errors.js';
import type {
  GetOptions,
  ListOptions,
  ListResult,
  Preconditions,
  Storage,
  ValidateDeletionFunc,
  WatchOptions,
  WatchStream,
} from '../interface.js';
import { decodeObject, encodeObject, withResourceVersion } from './codec.js';
import { fromKvError } from './kv-errors.js';
import { getList } from './list.js';
import { checkDeletePreconditions, checkUpdatePreconditions } from './preconditions.js';
import { parseResourceVersion } from './resource-version.js';
import { StorageWatcher } from './watch.js';

/** Defaults for newKvStorage options (mutable so tests may change them). */
export const kvStorageTunables = {
  /** Period of BOOKMARK events on watches that allow them, in ms. */
  bookmarkInterval: 60_000,
  /** Events a watcher may have queued before it is terminated. */
  watchQueueLimit: 10_000,
};

/** Options of newKvStorage. */
export interface KvStorageOptions {
  /** Period of BOOKMARK events, in ms (default kvStorageTunables.bookmarkInterval). */
  bookmarkInterval?: number;
  /** Per-watcher queue bound (default kvStorageTunables.watchQueueLimit). */
  watchQueueLimit?: number;
}

/** The state of one key as read for a read-modify-write. */
interface ObjState {
  obj: KubeObject | null;
  revision: number;
  data: Buffer | null;
}

function validateKey(key: string): void {
  if (
    key === '..' ||
    key.startsWith('../') ||
    key.endsWith('/..') ||
    key.includes('/../') ||
    key === '.' ||
    key.startsWith('./') ||
    key.endsWith('/.') ||
    key.includes('/./')
  ) {
    throw new Error(`invalid key: ${JSON.stringify(key)}`);
  }
  if (key === '' || key === '/') throw new Error(`empty key: ${JSON.stringify(key)}`);
}

/** Storage over a KV. */
export class KvStorage implements Storage {
  private readonly bookmarkInterval: number;
  private readonly watchQueueLimit: number;
  private readonly bookmarkWatchers = new Set<StorageWatcher>();
  private bookmarkTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kv: KV,
    opts: KvStorageOptions = {},
  ) {
    this.bookmarkInterval = opts.bookmarkInterval ?? kvStorageTunables.bookmarkInterval;
    this.watchQueueLimit = opts.watchQueueLimit ?? kvStorageTunables.watchQueueLimit;
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    validateKey(key);
    const rv = obj.metadata?.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== '0' && /^[0-9]+$/.test(rv)) {
      throw new Error('resourceVersion should not be set on objects to be created');
    }
    const data = encodeObject(obj);
    const res = await this.call(key, () => this.kv.create(key, data));
    if (!res.succeeded) throw keyExists(key);
    return withResourceVersion(obj, res.revision);
  }

  async get(key: string, opts: GetOptions = {}): Promise<KubeObject | null> {
    validateKey(key);
    const minimum = parseResourceVersion(opts.resourceVersion);
    const r = await this.call(key, () => this.kv.range(key, undefined));
    if (minimum > r.revision) throw tooLargeResourceVersion(minimum, r.revision);
    if (r.kvs.length === 0) {
      if (opts.ignoreNotFound) return null;
      throw keyNotFound(key);
    }
    const kv = r.kvs[0];
    return decodeObject(key, kv.value, kv.modRevision);
  }

  getList(key: string, opts: ListOptions = {}): Promise<ListResult> {
    validateKey(key);
    return getList(this.kv, key, opts);
  }

  async watch(key: string, opts: WatchOptions = {}): Promise<WatchStream> {
    validateKey(key);
    const recursive = opts.recursive === true;
    const watchKey = recursive && !key.endsWith('/') ? key + '/' : key;
    const end = recursive ? prefixEnd(watchKey) : undefined;
    const requested = parseResourceVersion(opts.resourceVersion);
    const initialEvents =
      opts.sendInitialEvents === true || (opts.sendInitialEvents === undefined && requested === 0);

    let initial: KeyValue[] = [];
    let start = requested;
    if (initialEvents) {
      const r = await this.call(watchKey, () => this.kv.range(watchKey, end));
      if (requested > r.revision) throw tooLargeResourceVersion(requested, r.revision);
      initial = r.kvs;
      start = r.revision;
    } else if (requested === 0) {
      start = await this.call(watchKey, () => this.kv.currentRevision());
    }

    const allowBookmarks = opts.allowWatchBookmarks === true;
    const w = new StorageWatcher(opts.predicate, allowBookmarks, start, this.watchQueueLimit, (sw) =>
      this.forgetBookmarks(sw),
    );
    w.pushInitial(initial);
    if (opts.sendInitialEvents === true && allowBookmarks) w.bookmark(true);
    w.attach(
      this.kv.watch(watchKey, end, start, {
        onEvents: (events) => w.onEvents(events),
        onError: (err) => w.onError(err),
        onProgress: (rev) => w.onProgress(rev),
      }),
    );
    if (allowBookmarks && !w.stream.closed) this.trackBookmarks(w);
    return w.stream;
  }

  async delete(key: string, preconditions?: Preconditions, validateDeletion?: ValidateDeletionFunc): Promise<KubeObject> {
    validateKey(key);
    let state = await this.readState(key, false);
    for (;;) {
      const obj = state.obj as KubeObject;
      checkDeletePreconditions(key, preconditions, obj);
      if (validateDeletion) await validateDeletion(obj);
      const res = await this.call(key, () => this.kv.delete(key, state.revision));
      // The last state, carrying the deletion's revision.
      if (res.succeeded) return withResourceVersion(obj, res.revision);
      if (!res.current) throw keyNotFound(key);
      state = this.stateFrom(key, res.current);
    }
  }

  async guaranteedUpdate(
    key: string,
    ignoreNotFound: boolean,
    preconditions: Preconditions | undefined,
    tryUpdate: (current: KubeObject | null) => Promise<KubeObject> | KubeObject,
  ): Promise<KubeObject> {
    validateKey(key);
    let state = await this.readState(key, ignoreNotFound);
    for (;;) {
      checkUpdatePreconditions(key, preconditions, state.obj);
      const next = await tryUpdate(state.obj);
      const data = encodeObject(next);
      if (state.data !== null && !isStaleValue(state.data) && data.equals(state.data)) {
        // Nothing changed: no write, the current object (and revision) comes back.
        return withResourceVersion(next, state.revision);
      }
      const res = await this.call(key, () =>
        state.revision === 0 ? this.kv.create(key, data) : this.kv.update(key, data, state.revision),
      );
      if (res.succeeded) return withResourceVersion(next, res.revision);
      // Someone else wrote first: re-run tryUpdate on what is there now.
      if (res.current) state = this.stateFrom(key, res.current);
      else if (ignoreNotFound) state = { obj: null, revision: 0, data: null };
      else throw keyNotFound(key);
    }
  }

  async count(prefix: string): Promise<number> {
    validateKey(prefix);
    const p = prefix.endsWith('/') ? prefix : prefix + '/';
    const r = await this.call(p, () => this.kv.range(p, prefixEnd(p), { countOnly: true }));
    return r.count;
  }

  /**
   * Asks every bookmark-enabled watch for a BOOKMARK at the last revision it
   * has completely delivered (after its pending events). The watch cache uses
   * it to learn it is up to date when writes to other resources moved the
   * revision (kube-apiserver's RequestWatchProgress).
   */
  async requestWatchProgress(): Promise<void> {
    for (const w of this.bookmarkWatchers) w.bookmark();
  }

  async currentResourceVersion(): Promise<string> {
    return String(await this.call('', () => this.kv.currentRevision()));
  }

  private async readState(key: string, ignoreNotFound: boolean): Promise<ObjState> {
    const r = await this.call(key, () => this.kv.range(key, undefined));
    if (r.kvs.length === 0) {
      if (!ignoreNotFound) throw keyNotFound(key);
      return { obj: null, revision: 0, data: null };
    }
    return this.stateFrom(key, r.kvs[0]);
  }

  private stateFrom(key: string, kv: KeyValue): ObjState {
    return { obj: decodeObject(key, kv.value, kv.modRevision), revision: kv.modRevision, data: kv.value };
  }

  private async call<T>(key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw fromKvError(err, key);
    }
  }

  private trackBookmarks(w: StorageWatcher): void {
    this.bookmarkWatchers.add(w);
    if (this.bookmarkTimer === undefined) {
      this.bookmarkTimer = setInterval(() => {
        for (const sw of this.bookmarkWatchers) sw.bookmark();
      }, this.bookmarkInterval);
      this.bookmarkTimer.unref();
    }
  }

  private forgetBookmarks(w: StorageWatcher): void {
    this.bookmarkWatchers.delete(w);
    if (this.bookmarkWatchers.size === 0 && this.bookmarkTimer !== undefined) {
      clearInterval(this.bookmarkTimer);
      this.bookmarkTimer = undefined;
    }
  }
}

/** Storage over `kv`. Keys are used as given (the registry passes /registry/<group>/<resource>/...). */
export function newKvStorage(kv: KV, opts?: KvStorageOptions): Storage {
  return new KvStorage(kv, opts);
}
