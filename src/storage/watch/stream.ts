/**
 * A WatchStream with a bounded queue, fed by a producer and read by one
 * consumer with `for await`.
 *
 * The producer pushes raw items (cheap: no decoding); the consumer's pull
 * turns each into a WatchEvent, or skips it (filtered out). So decoding and
 * predicate checks run at the consumer's pace, and the queue holds at most
 * `limit` counted items: a consumer that falls further behind is terminated —
 * its stream simply ends, as Kubernetes ends the watch of a client that cannot
 * keep up; the client re-watches from the last resourceVersion it saw.
 *
 * Items pushed uncounted (initial state, bookmarks) do not count toward the
 * limit: their number is bounded by the caller.
 */
import type { WatchEvent, WatchStream } from '../interface.js';

/** How the stream turns queued items into events. */
export interface StreamOptions<T> {
  /** Most counted items allowed in the queue before the watcher is terminated. */
  limit: number;
  /** Turns an item into an event, or undefined to skip it. May throw. */
  convert(item: T): WatchEvent | undefined;
  /** The event sent when convert throws; the stream ends after it. */
  onConvertError(err: unknown): WatchEvent;
  /** Called once when the stream stops for any reason (release the source). */
  onStop(): void;
}

interface Slot<T> {
  item: T;
  counted: boolean;
}

/** The bounded, pull-converted watch stream. */
export class BoundedWatchStream<T> implements WatchStream {
  private items: Slot<T>[] = [];
  private head = 0;
  private counted = 0;
  private ended = false;
  private stopped = false;
  private final: WatchEvent | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: StreamOptions<T>) {}

  /** Items waiting to be read. */
  get pending(): number {
    return this.items.length - this.head;
  }

  /** True once no more items are accepted. */
  get closed(): boolean {
    return this.ended;
  }

  /**
   * Queues an item. Returns false when the stream no longer accepts items
   * (ended, or just terminated because this item overflowed the queue).
   */
  push(item: T, counted = true): boolean {
    if (this.ended) return false;
    if (counted) {
      if (this.counted >= this.opts.limit) {
        this.terminate();
        return false;
      }
      this.counted++;
    }
    this.items.push({ item, counted });
    this.signal();
    return true;
  }

  /** Ends the stream after the queued items and, if given, one final event (e.g. an ERROR). */
  finish(final?: WatchEvent): void {
    if (this.ended) return;
    this.ended = true;
    this.final = final;
    this.release();
    this.signal();
  }

  /** Ends the stream now, dropping what is queued (a consumer that fell too far behind). */
  terminate(): void {
    this.items = [];
    this.head = 0;
    this.counted = 0;
    this.finish();
  }

  /** Consumer side: stop watching. */
  stop(): void {
    this.terminate();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => this.next(),
      return: async () => {
        this.stop();
        return { value: undefined, done: true };
      },
    };
  }

  private async next(): Promise<IteratorResult<WatchEvent>> {
    for (;;) {
      while (this.head < this.items.length) {
        const slot = this.items[this.head];
        this.items[this.head] = undefined as unknown as Slot<T>;
        this.head++;
        if (slot.counted) this.counted--;
        this.compact();
        let ev: WatchEvent | undefined;
        try {
          ev = this.opts.convert(slot.item);
        } catch (err) {
          const errorEvent = this.opts.onConvertError(err);
          this.terminate();
          this.final = undefined;
          return { value: errorEvent, done: false };
        }
        if (ev) return { value: ev, done: false };
      }
      if (this.ended) {
        const f = this.final;
        if (f) {
          this.final = undefined;
          return { value: f, done: false };
        }
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  private signal(): void {
    const w = this.wake;
    if (w) {
      this.wake = undefined;
      w();
    }
  }

  private release(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.opts.onStop();
  }
}
