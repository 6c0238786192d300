/**
 * Keeps a WatchCache in step with the inner store through ONE inner watch
 * (the reflector of kube-apiserver's cacher): list the prefix, then watch
 * from the list's revision; when the watch ends, watch again from the
 * cache's revision (the inner store replays what was missed); when it fails
 * (410 Expired: the revision was compacted, or another error), list again.
 *
 * Readiness: the cache is ready from a successful list until a failure
 * forces a new list. Each successful list starts a new generation; a watch
 * registered against an older generation must not start.
 */
import type { KubeObject } from '../../runtime/object.js';
import type { Storage, WatchStream } from '../interface.js';
import { cacherTunables } from './tunables.js';
import { revisionOf, type WatchCache } from './watch-cache.js';

/** How a run of the inner watch ended. */
interface WatchOutcome {
  failed: boolean;
  expired: boolean;
  events: number;
}

/** Called when the cache stops being ready (its watchers must end). */
export type ResetHook = () => void;

/** Feeds one WatchCache from the inner store. */
export class Reflector {
  /** True while the cache reflects the inner store (between a list and a failure). */
  ready = false;
  /** Incremented at every successful list. */
  generation = 0;
  /** Counters for stats(). */
  readonly counters = { lists: 0, watches: 0, failures: 0 };
  /** The last error met, for diagnosis. */
  lastError: unknown;
  private stopped = false;
  private stream: WatchStream | undefined;
  private sleeping: { timer: NodeJS.Timeout; wake(): void } | undefined;
  private readyWaiters = new Set<(ok: boolean) => void>();

  constructor(
    private readonly inner: Storage,
    private readonly prefix: string,
    private readonly cache: WatchCache,
    private readonly onReset: ResetHook,
  ) {}

  /** Starts the list/watch loop. */
  start(): void {
    void this.run();
  }

  /** Stops the loop and the inner watch; pending readiness waits get false. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.ready = false;
    this.stream?.stop();
    if (this.sleeping) {
      clearTimeout(this.sleeping.timer);
      this.sleeping.wake();
    }
    for (const w of [...this.readyWaiters]) w(false);
  }

  /** Resolves true once ready, false after `timeoutMs` or when stopped. */
  waitReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.readyWaiters.delete(done);
        resolve(ok);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.readyWaiters.add(done);
    });
  }

  private async run(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.list();
          needList = false;
          continue;
        }
        const outcome = await this.watchOnce();
        if (this.stopped) break;
        if (outcome.failed) {
          this.counters.failures++;
          needList = true;
          this.setNotReady();
          // A compacted revision is cured by listing now; other failures wait a little.
          if (!outcome.expired) await this.sleep(cacherTunables.relistBackoffMs);
        } else if (outcome.events === 0) {
          // Ended without delivering anything: do not spin on a store that keeps ending watches.
          await this.sleep(Math.min(100, cacherTunables.relistBackoffMs));
        }
      } catch (err) {
        if (this.stopped) break;
        this.counters.failures++;
        this.lastError = err;
        needList = true;
        this.setNotReady();
        await this.sleep(cacherTunables.relistBackoffMs);
      }
    }
  }

  /** Lists the prefix (in pages, all at the first page's revision) and replaces the cache content. */
  private async list(): Promise<void> {
    const items: KubeObject[] = [];
    let cont = '';
    let revision = 0;
    do {
      const page = await this.inner.getList(this.prefix, {
        recursive: true,
        limit: cacherTunables.listPageSize,
        continue: cont === '' ? undefined : cont,
      });
      if (this.stopped) return;
      for (const obj of page.items) items.push(obj);
      if (revision === 0) revision = Number(page.resourceVersion);
      cont = page.continue;
    } while (cont !== '');
    this.counters.lists++;
    this.cache.replace(items, revision);
    this.generation++;
    this.ready = true;
    for (const w of [...this.readyWaiters]) w(true);
  }

  /** Watches from the cache's revision until the stream ends or fails. */
  private async watchOnce(): Promise<WatchOutcome> {
    const stream = await this.inner.watch(this.prefix, {
      recursive: true,
      resourceVersion: String(this.cache.revision),
      allowWatchBookmarks: true,
    });
    if (this.stopped) {
      stream.stop();
      return { failed: false, expired: false, events: 0 };
    }
    this.stream = stream;
    this.counters.watches++;
    let events = 0;
    try {
      for await (const ev of stream) {
        switch (ev.type) {
          case 'ADDED':
          case 'MODIFIED':
            this.cache.put(ev.object);
            events++;
            break;
          case 'DELETED':
            this.cache.remove(ev.object);
            events++;
            break;
          case 'BOOKMARK': {
            const rev = revisionOf(ev.object);
            if (rev > 0) this.cache.progress(rev);
            break;
          }
          case 'ERROR':
            this.lastError = ev.object;
            return { failed: true, expired: ev.object.code === 410, events };
        }
      }
    } finally {
      this.stream = undefined;
    }
    return { failed: false, expired: false, events };
  }

  private setNotReady(): void {
    if (!this.ready) return;
    this.ready = false;
    this.onReset();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.sleeping = undefined;
        resolve();
      }, ms);
      timer.unref();
      this.sleeping = { timer, wake: resolve };
    });
  }
}
