/**
 * Periodic compaction, as kube-apiserver does it: every interval, compact
 * to the revision seen at the previous tick, so at least one interval of
 * history stays readable for watches and continue tokens that are up to date.
 */
import type { KV } from './kv/interface.js';

export interface Compactor {
  stop(): void;
  /** Runs one tick now (for tests). */
  tick(): Promise<void>;
}

export function startCompactor(kv: KV, intervalMs: number, onError: (err: unknown) => void = () => undefined): Compactor {
  let last = 0;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const current = await kv.currentRevision();
      if (last > 0 && last > (await kv.compactedRevision())) await kv.compact(last);
      last = current;
    } catch (err) {
      onError(err);
    } finally {
      running = false;
    }
  };
  const timer = intervalMs > 0 ? setInterval(() => void tick(), intervalMs) : undefined;
  timer?.unref();
  return {
    stop: () => {
      if (timer) clearInterval(timer);
    },
    tick,
  };
}
