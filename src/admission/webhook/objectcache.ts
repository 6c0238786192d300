/**
 * A live, in-memory copy of one kind of configuration object (webhook
 * configurations, policies, bindings), kept current by an informer (list,
 * then watch), so that changes apply to the next request without a restart.
 * Derived views (sorted, compiled) are rebuilt only when the content changed.
 */
import type { KubeObject } from '../../runtime/object.js';
import { runInformer, type Informer, type ListWatchSource } from '../../authz/informer.js';

/** How long a request waits for the first list before admission refuses it. */
export const cacheSyncTimeoutMs = { value: 10_000 };

/** A cache of cluster-scoped objects by name. */
export class ObjectCache {
  private readonly objects = new Map<string, KubeObject>();
  private informer?: Informer;
  private readyPromise?: Promise<void>;
  private synced = false;
  private readonly listeners = new Set<() => void>();
  /** Incremented on every change; derived views compare it. */
  generation = 0;

  constructor(private readonly source: ListWatchSource | (() => ListWatchSource)) {}

  /** Starts the informer once; resolves when the first list arrived. */
  start(): Promise<void> {
    if (!this.readyPromise) {
      const src = typeof this.source === 'function' ? this.source() : this.source;
      this.informer = runInformer(src, {
        replace: (items) => {
          this.objects.clear();
          for (const o of items) this.objects.set(o.metadata?.name ?? '', o);
          this.changed();
        },
        event: (type, o) => {
          const name = o.metadata?.name ?? '';
          if (type === 'DELETED') this.objects.delete(name);
          else this.objects.set(name, o);
          this.changed();
        },
      });
      this.readyPromise = this.informer.ready.then(() => {
        this.synced = true;
      });
      this.readyPromise.catch(() => undefined);
    }
    return this.readyPromise;
  }

  private changed(): void {
    this.generation++;
    for (const l of this.listeners) l();
  }

  /** Calls `listener` after every change; returns the function that unsubscribes it. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True once the first list arrived. */
  hasSynced(): boolean {
    return this.synced;
  }

  /**
   * Starts (if needed) and waits for the first list, up to
   * {@link cacheSyncTimeoutMs}; false when it did not arrive in time.
   */
  async waitForSync(): Promise<boolean> {
    if (this.synced) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => {
      timer = setTimeout(() => r(false), cacheSyncTimeoutMs.value);
      timer.unref?.();
    });
    try {
      return await Promise.race([this.start().then(() => true), timeout]);
    } catch {
      return false;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /** The objects, sorted by name. */
  list(): KubeObject[] {
    return [...this.objects.values()].sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : (a.metadata?.name ?? '') > (b.metadata?.name ?? '') ? 1 : 0));
  }

  /** One object by name. */
  get(name: string): KubeObject | undefined {
    return this.objects.get(name);
  }

  /** Stops the informer. */
  stop(): void {
    this.informer?.stop();
  }
}

/**
 * A view derived from a cache, rebuilt when the cache changed. `build`
 * receives the previous result to reuse unchanged parts (compiled CEL).
 */
export class DerivedView<T> {
  private gen = -1;
  private value: T | undefined;
  constructor(
    private readonly cache: ObjectCache,
    private readonly build: (objects: KubeObject[], previous: T | undefined) => T,
  ) {}

  get(): T {
    if (this.gen !== this.cache.generation || this.value === undefined) {
      this.value = this.build(this.cache.list(), this.value);
      this.gen = this.cache.generation;
    }
    return this.value;
  }
}
