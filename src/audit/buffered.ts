/**
 * The batching buffer in front of a slow backend (kube-apiserver's
 * plugin/pkg/audit/buffered): events are queued (bounded: when full, new
 * events are dropped and reported), sent in batches of at most `maxBatchSize`
 * once that many are waiting or `maxBatchWaitMs` after the first one, with an
 * optional rate limit on batches. Sends run concurrently; shutdown delivers
 * what is queued and waits for sends in flight.
 */
import { handlePluginError, type AuditBackend } from './sink.js';
import type { AuditEvent } from './types.js';

export interface BatchOptions {
  /** Queue bound (events). */
  bufferSize: number;
  /** Largest batch. */
  maxBatchSize: number;
  /** Longest an event waits for its batch to fill. */
  maxBatchWaitMs: number;
  /** Rate limit of batches (undefined = none). */
  throttle?: { qps: number; burst: number };
}

/** A token bucket (batches per second, with a burst). */
class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(private readonly qps: number, private readonly burst: number) {
    this.tokens = burst;
  }

  /** Milliseconds to wait for a token (taking it). */
  take(): number {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }
}

/** Batches events for `send`, which delivers one batch (rejecting when it could not). */
export class BufferedBackend implements AuditBackend {
  private queue: AuditEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly bucket: TokenBucket | undefined;
  private nextSendAt = 0;
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly send: (events: AuditEvent[]) => Promise<void>,
    private readonly opts: BatchOptions,
    private readonly log: (line: string) => void,
  ) {
    this.bucket = opts.throttle && opts.throttle.qps > 0 ? new TokenBucket(opts.throttle.qps, Math.max(1, opts.throttle.burst)) : undefined;
  }

  processEvents(events: AuditEvent[]): boolean {
    if (this.stopped) {
      if (events.length > 0) handlePluginError(this.name, new Error('audit backend shut down'), events, this.log);
      return true;
    }
    for (let i = 0; i < events.length; i++) {
      if (this.queue.length >= this.opts.bufferSize) {
        handlePluginError(this.name, new Error('audit buffer queue blocked'), events.slice(i), this.log);
        break;
      }
      this.queue.push(events[i]);
    }
    if (this.queue.length >= this.opts.maxBatchSize) this.flushFull();
    else if (this.queue.length > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.dispatch(this.queue.splice(0, this.opts.maxBatchSize));
        if (this.queue.length > 0) this.processEvents([]);
      }, this.opts.maxBatchWaitMs);
      this.timer.unref();
    }
    return true;
  }

  private flushFull(): void {
    while (this.queue.length >= this.opts.maxBatchSize) this.dispatch(this.queue.splice(0, this.opts.maxBatchSize));
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length > 0) this.processEvents([]);
  }

  private dispatch(batch: AuditEvent[]): void {
    if (batch.length === 0) return;
    let delay = 0;
    if (this.bucket) {
      // Batches leave in order, spaced by the rate limit.
      delay = Math.max(this.bucket.take(), this.nextSendAt - Date.now(), 0);
      this.nextSendAt = Date.now() + delay;
    }
    const p = (async () => {
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      try {
        await this.send(batch);
      } catch (err) {
        handlePluginError(this.name, err, batch, this.log);
      }
    })();
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Sends what is queued, then waits (at most `timeoutMs`) for every send to finish. */
  async shutdown(timeoutMs = 30_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) this.dispatch(this.queue.splice(0, this.opts.maxBatchSize));
    let t: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all([...this.inFlight]), new Promise((r) => (t = setTimeout(r, timeoutMs)))]);
    if (t) clearTimeout(t);
  }
}
