/**
 * Watch-cache benchmarks. Each function builds a fresh in-memory SQLite
 * store with a cacher over it, measures, tears everything down and returns
 * numbers (nothing is printed unless the file is run directly:
 * `node dist/bench/cacher.js`).
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { KubeObject } from '../src/runtime/object.js';
import type { Storage, WatchStream } from '../src/storage/interface.js';
import { newCacher, type Cacher } from '../src/storage/cacher/index.js';
import { newKvStorage } from '../src/storage/kvstore/index.js';
import { openSqliteKV } from '../src/storage/sqlite/index.js';

const PREFIX = '/registry/configmaps/';

/** A ConfigMap of about 400 bytes. */
function configMap(name: string, data: Record<string, string> = { payload: 'x'.repeat(256) }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'bench', uid: `uid-${name}`, labels: { app: 'bench' }, creationTimestamp: '2025-01-01T00:00:00Z' },
    data,
  };
}

interface Setup {
  inner: Storage;
  cacher: Cacher;
  close(): Promise<void>;
}

async function setup(opts: { watchQueueLimit?: number } = {}): Promise<Setup> {
  const kv = openSqliteKV({ path: ':memory:' });
  const inner = newKvStorage(kv);
  const cacher = newCacher(inner, { prefix: PREFIX, ...opts });
  await cacher.ready();
  return {
    inner,
    cacher,
    async close() {
      cacher.stop();
      await kv.close();
    },
  };
}

/** Creates `n` objects, `concurrency` at a time (they commit in groups). */
async function fill(storage: Storage, n: number, concurrency = 256): Promise<void> {
  for (let i = 0; i < n; i += concurrency) {
    const batch: Promise<KubeObject>[] = [];
    for (let j = i; j < Math.min(n, i + concurrency); j++) batch.push(storage.create(`${PREFIX}bench/cm-${String(j).padStart(6, '0')}`, configMap(`cm-${j}`)));
    await Promise.all(batch);
  }
}

async function caughtUp(cacher: Cacher): Promise<void> {
  const current = Number(await cacher.currentResourceVersion());
  while (cacher.stats().revision < current) await new Promise((r) => setTimeout(r, 1));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Result of benchCacherList (milliseconds, medians). */
export interface CacherListResult {
  objects: number;
  /** resourceVersion=0 list served from the cache. */
  cacheMs: number;
  /** Consistent list (no resourceVersion) served from the cache after checking freshness. */
  consistentCacheMs: number;
  /** Consistent list read from the inner store (SQLite, decode every object). */
  innerMs: number;
  /** innerMs / cacheMs. */
  speedup: number;
}

/** Lists `n` objects from the cache and from the inner store, `rounds` times each; medians in ms. */
export async function benchCacherList(n: number, rounds = 5): Promise<CacherListResult> {
  const s = await setup();
  try {
    await fill(s.inner, n);
    await caughtUp(s.cacher);
    const time = async (fn: () => Promise<unknown>) => {
      const ms: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const t0 = performance.now();
        await fn();
        ms.push(performance.now() - t0);
      }
      return median(ms);
    };
    const cacheMs = await time(() => s.cacher.getList(PREFIX, { recursive: true, resourceVersion: '0' }));
    const consistentCacheMs = await time(() => s.cacher.getList(PREFIX, { recursive: true }));
    const innerMs = await time(() => s.inner.getList(PREFIX, { recursive: true }));
    return { objects: n, cacheMs: round3(cacheMs), consistentCacheMs: round3(consistentCacheMs), innerMs: round3(innerMs), speedup: round3(innerMs / cacheMs) };
  } finally {
    await s.close();
  }
}

/** Result of benchWatchFanout. */
export interface WatchFanoutResult {
  watchers: number;
  events: number;
  /** Events received by all watchers together. */
  delivered: number;
  /** From the start of the write to a watcher receiving its event, in ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Wall time from the first write to the last delivery, in ms. */
  totalMs: number;
  /** Heap used with the watchers open, before and after the events, in MB. */
  heapBeforeMB: number;
  heapAfterMB: number;
  /** Watchers terminated for falling behind. */
  terminated: number;
}

/**
 * Opens `watchers` watches on one resource, each read by its own consumer,
 * then writes `events` updates one after another and measures how long each
 * event takes to reach each watcher.
 */
export async function benchWatchFanout(watchers: number, events: number): Promise<WatchFanoutResult> {
  const s = await setup({ watchQueueLimit: Math.max(1000, events + 10) });
  try {
    await s.inner.create(`${PREFIX}bench/hot`, configMap('hot', { t: '0' }));
    await caughtUp(s.cacher);
    const start = await s.cacher.currentResourceVersion();
    const latencies: number[] = [];
    let delivered = 0;
    let lastAt = 0;
    const streams: WatchStream[] = [];
    const consumers: Promise<void>[] = [];
    for (let i = 0; i < watchers; i++) {
      const stream = await s.cacher.watch(PREFIX, { recursive: true, resourceVersion: start });
      streams.push(stream);
      consumers.push(
        (async () => {
          let seen = 0;
          for await (const ev of stream) {
            const now = performance.now();
            if (ev.type !== 'MODIFIED') continue;
            latencies.push(now - Number((ev.object.data as Record<string, string>).t));
            delivered++;
            lastAt = now;
            if (++seen === events) break;
          }
        })(),
      );
    }
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    for (let e = 0; e < events; e++) {
      await s.inner.guaranteedUpdate(`${PREFIX}bench/hot`, false, undefined, (cur) => ({
        ...cur!,
        data: { t: String(performance.now()), n: String(e) },
      }));
    }
    await Promise.all(consumers);
    const heapAfter = process.memoryUsage().heapUsed;
    const totalMs = lastAt - t0;
    for (const st of streams) st.stop();
    latencies.sort((a, b) => a - b);
    const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
    return {
      watchers,
      events,
      delivered,
      p50Ms: round3(percentile(latencies, 50)),
      p99Ms: round3(percentile(latencies, 99)),
      maxMs: round3(latencies[latencies.length - 1] ?? 0),
      totalMs: round3(totalMs),
      heapBeforeMB: mb(heapBefore),
      heapAfterMB: mb(heapAfter),
      terminated: s.cacher.stats().terminatedWatchers,
    };
  } finally {
    await s.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const out = {
    list2k: await benchCacherList(2000),
    list10k: quick ? undefined : await benchCacherList(10000),
    fanout: await benchWatchFanout(quick ? 200 : 1000, quick ? 50 : 200),
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}
