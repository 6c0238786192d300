/**
 * Test support: a watcher that records every event it receives and, like a
 * client-go reflector, can disconnect and re-watch from the last
 * resourceVersion it saw (on purpose after given event counts, or when the
 * server ends the stream).
 */
import type { ApiTransport, WatchEnd, WatchEvent, WatchStream } from './transport.js';

/** Options of a {@link RecordingWatcher}. */
export interface RecordingWatcherOptions {
  /** `undefined` = unset (initial ADDED from a consistent snapshot), `'0'` = any, `'N'` = changes after N. */
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  /** Event counts (over the whole recording) after which to disconnect and re-watch from the last resourceVersion. */
  restartAfter?: number[];
  /** Re-watch from the last resourceVersion when the server ends the stream cleanly (reflector behaviour). */
  resumeOnEof?: boolean;
}

/** The query string of a watch request. */
export function watchQuery(opts: { resourceVersion?: string; labelSelector?: string; fieldSelector?: string; allowWatchBookmarks?: boolean }): string {
  const q = new URLSearchParams({ watch: '1' });
  if (opts.resourceVersion !== undefined) q.set('resourceVersion', opts.resourceVersion);
  if (opts.labelSelector !== undefined) q.set('labelSelector', opts.labelSelector);
  if (opts.fieldSelector !== undefined) q.set('fieldSelector', opts.fieldSelector);
  if (opts.allowWatchBookmarks) q.set('allowWatchBookmarks', 'true');
  return q.toString();
}

/** Records a watch's events (ADDED/MODIFIED/DELETED/ERROR) across restarts; BOOKMARKs are counted apart. */
export class RecordingWatcher {
  /** Every non-BOOKMARK event, concatenated over all streams in arrival order. */
  readonly events: WatchEvent[] = [];
  /** The resourceVersion each stream was opened with (`undefined` = unset). */
  readonly streamsFrom: (string | undefined)[] = [];
  /** How each finished stream ended (not counting our own planned restarts). */
  readonly ends: WatchEnd[] = [];
  bookmarks = 0;
  private stream: WatchStream | undefined;
  private generation = 0;
  private stopped = false;
  private lastRv: string | undefined;
  private readonly restartAt: Set<number>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly transport: ApiTransport, readonly collectionPath: string, readonly opts: RecordingWatcherOptions = {}) {
    this.restartAt = new Set(opts.restartAfter ?? []);
    this.lastRv = opts.resourceVersion;
  }

  /** Opens the first stream; resolves once the server answered 200, rejects otherwise. */
  async start(): Promise<void> {
    const status = await this.open(this.opts.resourceVersion);
    if (status !== 200) {
      const end = await this.stream?.ended;
      throw new Error(`watch ${this.collectionPath} answered ${status}: ${end?.detail ?? ''}`);
    }
  }

  /** Number of streams opened so far. */
  get streams(): number {
    return this.streamsFrom.length;
  }

  /** The last resourceVersion seen (event or bookmark). */
  get resourceVersion(): string | undefined {
    return this.lastRv;
  }

  /** True when an ERROR event arrived or a stream ended in a way we did not plan. */
  get failed(): boolean {
    return this.events.some((e) => e.type === 'ERROR') || this.ends.some((e) => e.reason === 'error' || e.reason === 'rejected' || (e.reason === 'eof' && !this.opts.resumeOnEof));
  }

  private open(rv: string | undefined): Promise<number> {
    const gen = ++this.generation;
    this.streamsFrom.push(rv);
    const path = `${this.collectionPath}?${watchQuery({ ...this.opts, resourceVersion: rv })}`;
    const s = this.transport.watch(path, (ev) => this.onEvent(gen, ev));
    this.stream = s;
    void s.ended.then((end) => this.onEnd(gen, end));
    return s.opened;
  }

  private onEvent(gen: number, ev: WatchEvent): void {
    if (gen !== this.generation || this.stopped) return; // buffered after a planned disconnect: never received
    const rv = ev.object?.metadata?.resourceVersion;
    if (ev.type === 'BOOKMARK') {
      this.bookmarks++;
      if (typeof rv === 'string') this.lastRv = rv;
    } else {
      this.events.push(ev);
      if (ev.type !== 'ERROR' && typeof rv === 'string') this.lastRv = rv;
      if (this.restartAt.has(this.events.length) && ev.type !== 'ERROR') {
        // Planned disconnect, then re-watch from the last resourceVersion seen.
        this.stream?.close();
        void this.open(this.lastRv);
      }
    }
    this.notify();
  }

  private onEnd(gen: number, end: WatchEnd): void {
    if (gen !== this.generation || this.stopped) return;
    if (end.reason === 'closed') return;
    this.ends.push(end);
    const errored = this.events.length > 0 && this.events[this.events.length - 1].type === 'ERROR';
    if (end.reason === 'eof' && this.opts.resumeOnEof && !errored) void this.open(this.lastRv);
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /**
   * Resolves once `done(events)` is true; rejects after `timeoutMs` (with the
   * recording's tail in the message) or as soon as the watch failed.
   */
  waitUntil(what: string, done: (events: WatchEvent[]) => boolean, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const describe = () => {
        const tail = this.events.slice(-5).map((e) => `${e.type} ${e.object?.metadata?.name ?? ''} ${e.object?.metadata?.resourceVersion ?? e.object?.message ?? ''}`);
        return `${what} (${this.events.length} events, streams from ${JSON.stringify(this.streamsFrom)}, ends ${JSON.stringify(this.ends)}, last: ${tail.join('; ')})`;
      };
      const check = () => {
        if (done(this.events)) {
          cleanup();
          resolve();
        } else if (this.failed) {
          cleanup();
          reject(new Error(`watch failed before ${describe()}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Closes the current stream; no more events are recorded. */
  stop(): void {
    this.stopped = true;
    this.stream?.close();
    this.notify();
  }
}

/** `metadata.resourceVersion` of an event's object, as a number. */
export function rvOf(ev: WatchEvent): number {
  return Number(ev.object?.metadata?.resourceVersion);
}
