/**
 * The cache over a backend that delivers watch events the way etcd does:
 * later than the writes are acknowledged, several revisions in one batch,
 * with progress requested in between. A watch resumed from an exact
 * resourceVersion must get exactly the events after it, whether that
 * revision is already in the cache or still on its way; and the cache's
 * revision may only move past events it has recorded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import type { KV, KvEvent, KvWatch, RangeOptions, WatchHandlers } from '../kv/interface.js';
import type { WatchEvent } from '../interface.js';
import { KvStorage } from '../kvstore/index.js';
import { openSqliteKV } from '../sqlite/index.js';
import { EventReader } from '../testing/helpers.js';
import { newCacher, type Cacher } from './index.js';

const PREFIX = '/registry/configmaps/';
const key = (name: string) => `${PREFIX}ns/${name}`;
const configMap = (name: string, n: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', uid: `uid-${name}` },
  data: { n },
});
const summary = (events: WatchEvent[]) => events.map((e) => `${e.type} ${e.object.metadata?.name}@${e.object.metadata?.resourceVersion}`);

/** One watch of a HeldKV: what the backend produced and the test has not delivered yet. */
interface HeldWatch {
  handlers: WatchHandlers;
  pending: KvEvent[];
}

/** A KV whose watch events wait until the test releases them, as one batch per watch. */
class HeldKV implements KV {
  readonly watches = new Set<HeldWatch>();

  constructor(private readonly inner: KV) {}

  /** Delivers up to `n` held events (all by default) of every watch, as a single onEvents batch each. */
  release(n = Infinity): void {
    for (const w of this.watches) {
      const batch = w.pending.splice(0, n);
      if (batch.length > 0) w.handlers.onEvents(batch);
    }
  }

  watch(k: string, end: string | undefined, startRevision: number, handlers: WatchHandlers): KvWatch {
    // Progress from the inner backend is dropped: it would overtake the held events, which etcd never does.
    const held: HeldWatch = { handlers, pending: [] };
    const w = this.inner.watch(k, end, startRevision, {
      onEvents: (events) => held.pending.push(...events),
      onError: (err) => handlers.onError(err),
    });
    this.watches.add(held);
    return {
      close: () => {
        this.watches.delete(held);
        w.close();
      },
    };
  }

  range(k: string, end: string | undefined, opts?: RangeOptions) {
    return this.inner.range(k, end, opts);
  }
  create(k: string, value: Buffer) {
    return this.inner.create(k, value);
  }
  update(k: string, value: Buffer, expected: number) {
    return this.inner.update(k, value, expected);
  }
  delete(k: string, expected: number) {
    return this.inner.delete(k, expected);
  }
  currentRevision() {
    return this.inner.currentRevision();
  }
  compactedRevision() {
    return this.inner.compactedRevision();
  }
  compact(revision: number) {
    return this.inner.compact(revision);
  }
  healthy() {
    return this.inner.healthy();
  }
  close() {
    return this.inner.close();
  }
}

async function eventually(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Lets queued stream items (events, bookmarks) reach the cache. */
const settle = () => new Promise((r) => setTimeout(r, 5));

test('batched, late delivery with progress requests: every resumed watch gets exactly the rest', async () => {
  const sqlite = openSqliteKV({ path: ':memory:' });
  const kv = new HeldKV(sqlite);
  const storage = new KvStorage(kv);
  const cacher: Cacher = newCacher(storage, { prefix: PREFIX });
  try {
    await cacher.ready();
    await eventually(() => kv.watches.size === 1, 'the cache to watch the store');
    const start = Number(await cacher.currentResourceVersion());

    // Acknowledged writes whose events have not reached the cache yet.
    for (let i = 0; i < 4; i++) await cacher.create(key(`c${i}`), configMap(`c${i}`, '0'));
    for (let i = 0; i < 4; i++) await cacher.guaranteedUpdate(key(`c${i}`), false, undefined, (c) => ({ ...c!, data: { n: '1' } }));
    await cacher.delete(key('c2'));
    const end = Number(await cacher.currentResourceVersion());
    assert.equal(end - start, 9);

    // Progress requested while nothing was delivered: the cache must not move.
    await storage.requestWatchProgress();
    await settle();
    assert.equal(cacher.stats().revision, start, 'a progress request overtook undelivered events');

    // Watches from every revision, most of them ahead of the cache.
    const early = new Map<number, EventReader>();
    for (let rev = start; rev <= end; rev++) early.set(rev, new EventReader(await cacher.watch(PREFIX, { recursive: true, resourceVersion: String(rev) })));

    // Part of the history in one batch, then progress again.
    kv.release(4);
    await storage.requestWatchProgress();
    await eventually(() => cacher.stats().revision >= start + 4, 'the first batch');
    await settle();
    assert.equal(cacher.stats().revision, start + 4, 'the cache revision ran ahead of the events it recorded');

    // Watches from every revision again, now half replayed from the window, half live.
    const middle = new Map<number, EventReader>();
    for (let rev = start; rev <= end; rev++) middle.set(rev, new EventReader(await cacher.watch(PREFIX, { recursive: true, resourceVersion: String(rev) })));

    kv.release();
    await storage.requestWatchProgress();
    await eventually(() => cacher.stats().revision >= end, 'the second batch');

    const full = summary(await early.get(start)!.take(end - start));
    assert.deepEqual(
      full.map((s) => Number(s.split('@')[1])),
      Array.from({ length: end - start }, (_, i) => start + 1 + i),
    );
    for (const [label, readers] of [['early', early], ['middle', middle]] as const) {
      for (const [rev, r] of readers) {
        if (label === 'early' && rev === start) continue;
        assert.deepEqual(summary(await r.take(end - rev)), full.slice(rev - start), `${label} watch from ${rev}`);
      }
    }
    // Nothing else was pending for any of them: the next event is a new write.
    const marker = await cacher.create(key('marker'), configMap('marker', '0'));
    kv.release();
    for (const r of [...early.values(), ...middle.values()]) {
      assert.deepEqual(summary(await r.take(1)), [`ADDED marker@${marker.metadata?.resourceVersion}`]);
      r.stop();
    }
  } finally {
    cacher.stop();
    await sqlite.close();
  }
});
