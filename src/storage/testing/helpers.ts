/**
 * Small helpers shared by the conformance suites: reading watch streams and
 * KV watch callbacks with a bounded wait (a timeout fails the test; nothing
 * here sleeps to let time pass).
 */
import type { KvEvent, WatchHandlers } from '../kv/interface.js';
import type { WatchEvent, WatchStream } from '../interface.js';

/** How long a conformance test waits for an expected event before failing. */
export const conformanceTunables = { waitMs: 5000 };

/** Rejects after `ms` with `what` unless `p` settles first. */
export async function within<T>(p: Promise<T>, what: string, ms = conformanceTunables.waitMs): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a WatchStream one event at a time, keeping one iterator. */
export class EventReader {
  private readonly it: AsyncIterator<WatchEvent>;

  constructor(readonly stream: WatchStream) {
    this.it = stream[Symbol.asyncIterator]();
  }

  /** The next event, or 'end' when the stream finished. */
  async next(what = 'a watch event'): Promise<WatchEvent | 'end'> {
    const r = await within(this.it.next(), what);
    return r.done ? 'end' : r.value;
  }

  /** Exactly `n` events (fails if the stream ends first). */
  async take(n: number): Promise<WatchEvent[]> {
    const out: WatchEvent[] = [];
    while (out.length < n) {
      const ev = await this.next(`event ${out.length + 1} of ${n}`);
      if (ev === 'end') throw new Error(`watch ended after ${out.length} of ${n} events`);
      out.push(ev);
    }
    return out;
  }

  /** Events up to the end of the stream (at most `max`). */
  async rest(max = 100000): Promise<WatchEvent[]> {
    const out: WatchEvent[] = [];
    while (out.length < max) {
      const ev = await this.next('the end of the watch');
      if (ev === 'end') return out;
      out.push(ev);
    }
    return out;
  }

  stop(): void {
    this.stream.stop();
  }
}

/** Collects KV watch callbacks. */
export class KvEventCollector implements WatchHandlers {
  readonly events: KvEvent[] = [];
  readonly progress: number[] = [];
  error: Error | undefined;
  private waiters: (() => void)[] = [];

  onEvents(events: KvEvent[]): void {
    this.events.push(...events);
    this.wake();
  }

  onError(err: Error): void {
    this.error = err;
    this.wake();
  }

  onProgress(revision: number): void {
    this.progress.push(revision);
    this.wake();
  }

  /** Resolves once `cond` holds (checked after every callback). */
  async until(cond: () => boolean, what: string): Promise<void> {
    await within(
      (async () => {
        while (!cond()) await new Promise<void>((resolve) => this.waiters.push(resolve));
      })(),
      what,
    );
  }

  /** Resolves once at least `n` events arrived. */
  async atLeast(n: number): Promise<KvEvent[]> {
    await this.until(() => this.events.length >= n || this.error !== undefined, `${n} kv events`);
    if (this.error && this.events.length < n) throw this.error;
    return this.events;
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}
