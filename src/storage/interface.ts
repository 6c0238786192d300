/**
 * The Storage interface: Kubernetes object semantics on top of a KV backend
 * (k8s.io/apiserver/pkg/storage/interfaces.go, restated). Objects are JSON
 * objects (KubeObject); `metadata.resourceVersion` is the KV modRevision.
 *
 * Errors are the closed taxonomy in ./errors.ts; the registry layer turns
 * them into API Status errors in exactly one place.
 */
import type { KubeObject } from '../runtime/object.js';

/** Preconditions checked against the current object before a write. */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** How `resourceVersion` on a list/get is interpreted (resourceVersionMatch). */
export type ResourceVersionMatch = '' | 'NotOlderThan' | 'Exact';

/** Filters objects on a list or watch. */
export interface SelectionPredicate {
  /** Returns true when the object matches (label and field selectors). */
  matches(obj: KubeObject): boolean;
  /** When the predicate selects exactly one name (metadata.name=x), that name. */
  singleName?: string;
  /** True when it matches everything (lets the store skip decoding work). */
  empty: boolean;
}

export interface GetOptions {
  /** "" = latest (consistent read); "0" = any; otherwise not older than this revision. */
  resourceVersion?: string;
  ignoreNotFound?: boolean;
}

export interface ListOptions {
  resourceVersion?: string;
  resourceVersionMatch?: ResourceVersionMatch;
  predicate?: SelectionPredicate;
  /** Page size; 0/absent = all. */
  limit?: number;
  /** Opaque continue token from a previous page. */
  continue?: string;
  /** Whether the key is a prefix (a collection) rather than one object. */
  recursive?: boolean;
}

export interface ListResult {
  items: KubeObject[];
  /** Revision the list was read at. */
  resourceVersion: string;
  /** Continue token for the next page, or "" when complete. */
  continue: string;
  /** Number of items left after this page, when known. */
  remainingItemCount?: number;
}

export interface WatchOptions {
  /** "" or "0": start now (with "0", initial ADDED events for what exists); else after that revision. */
  resourceVersion?: string;
  predicate?: SelectionPredicate;
  recursive?: boolean;
  /** Emit BOOKMARK events (the caller sets the period). */
  allowWatchBookmarks?: boolean;
  /** sendInitialEvents (watch-list). */
  sendInitialEvents?: boolean;
}

/** An event on a watch stream. `object` is the object after the change (before it, for DELETED). */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

/** A running watch. Consumers read with `for await`; `stop()` ends it. */
export interface WatchStream extends AsyncIterable<WatchEvent> {
  stop(): void;
}

/**
 * tryUpdate is given the current object and returns the desired new object.
 * It is re-run against a fresh object on every conflict. It may throw to abort.
 */
export type UpdateFunc = (current: KubeObject) => Promise<KubeObject> | KubeObject;

/** Called with the current object before a delete; throws to refuse it. */
export type ValidateDeletionFunc = (current: KubeObject) => Promise<void> | void;

/** The Storage contract that every registry store uses. */
export interface Storage {
  /** Creates the object at key. Fails with KeyExistsError. Returns the stored object (with resourceVersion). */
  create(key: string, obj: KubeObject): Promise<KubeObject>;

  /** Reads the object at key. Fails with KeyNotFoundError unless ignoreNotFound (then returns null). */
  get(key: string, opts?: GetOptions): Promise<KubeObject | null>;

  /** Lists objects under a key prefix (recursive) or the one object at key. */
  getList(key: string, opts?: ListOptions): Promise<ListResult>;

  /** Watches a key or prefix. */
  watch(key: string, opts?: WatchOptions): Promise<WatchStream>;

  /**
   * Deletes the object at key after checking preconditions and validateDeletion
   * against the current object. Returns the deleted object (its last state).
   */
  delete(key: string, preconditions?: Preconditions, validateDeletion?: ValidateDeletionFunc): Promise<KubeObject>;

  /**
   * Read-modify-write with optimistic concurrency: reads the current object
   * (or null if absent and ignoreNotFound), checks preconditions, calls
   * tryUpdate, and writes with compare-and-swap on modRevision; on conflict it
   * re-reads and retries. If tryUpdate returns an object equal to the current
   * one, nothing is written and the current object is returned.
   */
  guaranteedUpdate(
    key: string,
    ignoreNotFound: boolean,
    preconditions: Preconditions | undefined,
    tryUpdate: (current: KubeObject | null) => Promise<KubeObject> | KubeObject,
  ): Promise<KubeObject>;

  /** Count of objects under a prefix. */
  count(prefix: string): Promise<number>;

  /** The current revision of the store, as a string resourceVersion. */
  currentResourceVersion(): Promise<string>;
}
