import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { isStorageError } from '../errors.js';
import type { Storage, WatchEvent } from '../interface.js';
import { newKvStorage } from '../kvstore/index.js';
import { openSqliteKV } from '../sqlite/index.js';
import { EventReader } from '../testing/helpers.js';
import { runStorageConformance } from '../testing/storage-conformance.js';
import { cacherTunables, newCacher, type Cacher, type CacherOptions } from './index.js';

cacherTunables.freezeObjects = true;

const PREFIX = '/registry/configmaps/';

/**
 * The storage layout of the conformance suite. A cache maps objects to keys
 * (kube-apiserver's KeyFunc); the suite's "filtering with a limit" test
 * stores ConfigMap f<i> at key f<ii>, so that one name is mapped here.
 */
function suiteKey(obj: KubeObject): string {
  const name = obj.metadata?.name ?? '';
  const m = /^f([0-9]+)$/.exec(name);
  return `${PREFIX}${obj.metadata?.namespace ?? ''}/${m ? `f${m[1].padStart(2, '0')}` : name}`;
}

runStorageConformance('cacher over kvstore over sqlite', async (opts) => {
  const kv = openSqliteKV({ path: ':memory:' });
  const cacher = newCacher(newKvStorage(kv), {
    prefix: PREFIX,
    keyFunc: suiteKey,
    watchQueueLimit: opts.watchQueueLimit,
    bookmarkInterval: opts.bookmarkInterval,
  });
  await cacher.ready();
  return {
    storage: cacher,
    kv,
    compact: async (rev) => {
      await kv.compact(rev);
      cacher.compact(rev);
    },
    async destroy() {
      cacher.stop();
      await kv.close();
    },
  };
});

// ---- cacher-specific behaviour ----------------------------------------------------------------

const key = (name: string, ns = 'ns') => `${PREFIX}${ns}/${name}`;
const rvOf = (o: KubeObject | null | undefined) => o?.metadata?.resourceVersion ?? '';
const nameOf = (o: KubeObject) => o.metadata?.name ?? '';

function configMap(name: string, data: Record<string, string> = {}, labels?: Record<string, string>, ns = 'ns'): KubeObject {
  const metadata: KubeObject['metadata'] = { name, namespace: ns, uid: `uid-${name}` };
  if (labels) metadata.labels = labels;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
}

function summary(events: WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${nameOf(e.object)}@${rvOf(e.object)}`);
}

/** Resolves once `cond` holds, checking after each timer turn; fails after 5 s. */
async function eventually(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** A watch stream the test can slip events into (ahead of what the store has queued). */
class InjectableStream implements AsyncIterable<WatchEvent> {
  private readonly extra: WatchEvent[] = [];
  private wake: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly inner: Awaited<ReturnType<Storage['watch']>>) {}

  inject(ev: WatchEvent): void {
    this.extra.push(ev);
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.inner.stop();
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    const it = this.inner[Symbol.asyncIterator]();
    let pending = it.next();
    try {
      for (;;) {
        if (this.stopped) return;
        const injected = this.extra.shift();
        if (injected) {
          yield injected;
          if (injected.type === 'ERROR') return;
          continue;
        }
        const woken = new Promise<'wake'>((r) => (this.wake = () => r('wake')));
        const r = await Promise.race([pending, woken]);
        if (r === 'wake') continue;
        if (r.done) return;
        pending = it.next();
        yield r.value;
      }
    } finally {
      this.inner.stop();
    }
  }
}

/** The inner store, counting calls, with watches the test can inject into. */
class Probe implements Storage {
  readonly calls: Record<string, number> = {};
  readonly streams = new Set<InjectableStream>();

  constructor(readonly inner: Storage) {}

  /** Calls made so far, all methods together. */
  total(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  /** Slips `ev` into every watch the cacher has open on the inner store. */
  inject(ev: WatchEvent): void {
    for (const s of this.streams) s.inject(ev);
  }

  private tally(name: string): void {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
  }

  create(...a: Parameters<Storage['create']>) {
    this.tally('create');
    return this.inner.create(...a);
  }
  get(...a: Parameters<Storage['get']>) {
    this.tally('get');
    return this.inner.get(...a);
  }
  getList(...a: Parameters<Storage['getList']>) {
    this.tally('getList');
    return this.inner.getList(...a);
  }
  async watch(...a: Parameters<Storage['watch']>) {
    this.tally('watch');
    const s = new InjectableStream(await this.inner.watch(...a));
    this.streams.add(s);
    return s;
  }
  delete(...a: Parameters<Storage['delete']>) {
    this.tally('delete');
    return this.inner.delete(...a);
  }
  guaranteedUpdate(...a: Parameters<Storage['guaranteedUpdate']>) {
    this.tally('guaranteedUpdate');
    return this.inner.guaranteedUpdate(...a);
  }
  count(prefix: string) {
    this.tally('count');
    return this.inner.count(prefix);
  }
  currentResourceVersion() {
    this.tally('currentResourceVersion');
    return this.inner.currentResourceVersion();
  }
}

/** An inner store that answers progress requests with a BOOKMARK at its current revision (etcd's RequestWatchProgress). */
class ProgressProbe extends Probe {
  async requestWatchProgress(): Promise<void> {
    const rv = await this.inner.currentResourceVersion();
    this.inject({ type: 'BOOKMARK', object: { metadata: { resourceVersion: rv } } });
  }
}

interface Fixture {
  cacher: Cacher;
  probe: Probe;
  destroy(): Promise<void>;
}

async function fixture(opts: Partial<CacherOptions> = {}, progress = false): Promise<Fixture> {
  const kv = openSqliteKV({ path: ':memory:' });
  const inner = newKvStorage(kv);
  const probe = progress ? new ProgressProbe(inner) : new Probe(inner);
  const cacher = newCacher(probe, { prefix: PREFIX, ...opts });
  await cacher.ready();
  return {
    cacher,
    probe,
    async destroy() {
      cacher.stop();
      await kv.close();
    },
  };
}

/** Resolves once the cache has seen every write up to the store's current revision. */
async function caughtUp(c: Cacher): Promise<void> {
  const current = Number(await c.currentResourceVersion());
  await eventually(() => c.stats().revision >= current, `the cache to reach ${current}`);
}

function withFixture(fn: (f: Fixture) => Promise<void>, opts: Partial<CacherOptions> = {}, progress = false) {
  return async () => {
    const f = await fixture(opts, progress);
    try {
      await fn(f);
    } finally {
      await f.destroy();
    }
  };
}

describe('cacher', () => {
  test('resourceVersion=0 reads are served from memory without touching the inner store, ignoring limit', withFixture(async ({ cacher, probe }) => {
    for (let i = 0; i < 5; i++) await cacher.create(key(`o${i}`), configMap(`o${i}`, {}, { app: i % 2 === 0 ? 'x' : 'y' }));
    await cacher.create(key('p', 'other'), configMap('p', {}, undefined, 'other'));
    await caughtUp(cacher);
    const before = probe.total();
    const all = await cacher.getList(PREFIX, { recursive: true, resourceVersion: '0', limit: 2 });
    assert.deepEqual(all.items.map(nameOf), ['o0', 'o1', 'o2', 'o3', 'o4', 'p']);
    assert.equal(all.continue, '');
    assert.equal(all.resourceVersion, String(cacher.stats().revision));
    const ns = await cacher.getList(`${PREFIX}ns`, { recursive: true, resourceVersion: '0' });
    assert.deepEqual(ns.items.map(nameOf), ['o0', 'o1', 'o2', 'o3', 'o4']);
    const x = await cacher.getList(`${PREFIX}ns/`, {
      recursive: true,
      resourceVersion: '0',
      predicate: { empty: false, matches: (o) => o.metadata?.labels?.app === 'x' },
    });
    assert.deepEqual(x.items.map(nameOf), ['o0', 'o2', 'o4']);
    assert.equal(nameOf((await cacher.get(key('o3'), { resourceVersion: '0' }))!), 'o3');
    assert.equal(await cacher.get(key('nope'), { resourceVersion: '0', ignoreNotFound: true }), null);
    assert.equal(probe.total(), before, 'no call reached the inner store');
  }));

  test('objects handed out are copies: a consumer changing them does not change the cache', withFixture(async ({ cacher }) => {
    await cacher.create(key('a'), configMap('a', { k: 'v' }));
    await caughtUp(cacher);
    const got = (await cacher.get(key('a'), { resourceVersion: '0' }))!;
    got.kind = 'Changed';
    got.metadata!.name = 'changed';
    const [listed] = (await cacher.getList(PREFIX, { recursive: true, resourceVersion: '0' })).items;
    listed.apiVersion = 'changed/v1';
    const again = (await cacher.get(key('a'), { resourceVersion: '0' }))!;
    assert.equal(again.kind, 'ConfigMap');
    assert.equal(again.apiVersion, 'v1');
    assert.equal(again.metadata?.name, 'a');
  }));

  test('a consistent list sees every write acknowledged before it, served from memory', withFixture(async ({ cacher }) => {
    for (let i = 0; i < 20; i++) {
      const made = await cacher.create(key(`c${i}`), configMap(`c${i}`));
      const list = await cacher.getList(PREFIX, { recursive: true });
      assert.equal(list.items.length, i + 1);
      assert.ok(Number(list.resourceVersion) >= Number(rvOf(made)));
      assert.equal(rvOf(list.items.find((o) => nameOf(o) === `c${i}`)), rvOf(made));
    }
    const s = cacher.stats();
    assert.equal(s.servedFromCache.list, 20);
    assert.equal(s.consistentReadFallbacks, 0);
  }));

  test('a consistent list after a write elsewhere falls back to the inner store, or waits for progress when the store offers it', async () => {
    for (const progress of [false, true]) {
      const { cacher, probe, destroy } = await fixture({}, progress);
      try {
        await cacher.create(key('a'), configMap('a'));
        await caughtUp(cacher);
        // A write under another prefix moves the store's revision; this cache sees no event for it.
        await probe.create('/registry/secrets/ns/s', configMap('s'));
        const before = cacher.stats();
        const list = await cacher.getList(PREFIX, { recursive: true });
        assert.deepEqual(list.items.map(nameOf), ['a']);
        assert.equal(list.resourceVersion, await cacher.currentResourceVersion());
        const after = cacher.stats();
        if (progress) {
          assert.equal(after.servedFromCache.list - before.servedFromCache.list, 1, 'served from memory after a progress notification');
        } else {
          assert.equal(after.consistentReadFallbacks - before.consistentReadFallbacks, 1, 'read from the inner store');
        }
      } finally {
        await destroy();
      }
    }
  });

  test('resourceVersion=N reads wait for the cache; beyond the store they fail with TooLargeResourceVersion', withFixture(async ({ cacher }) => {
    const a = await cacher.create(key('a'), configMap('a'));
    const got = await cacher.get(key('a'), { resourceVersion: rvOf(a) });
    assert.equal(rvOf(got), rvOf(a));
    const list = await cacher.getList(PREFIX, { recursive: true, resourceVersion: rvOf(a), limit: 0 });
    assert.deepEqual(list.items.map(nameOf), ['a']);
    const future = String(Number(rvOf(a)) + 10);
    await assert.rejects(cacher.get(key('a'), { resourceVersion: future }), (err: unknown) => {
      assert.ok(isStorageError(err, 'TooLargeResourceVersion'));
      assert.equal((err as Error).message, `Too large resource version: ${future}, current: ${rvOf(a)}`);
      return true;
    });
  }));

  test('a first page from memory continues from the inner store at the same revision', withFixture(async ({ cacher }) => {
    for (let i = 0; i < 5; i++) await cacher.create(key(`o${i}`), configMap(`o${i}`));
    const p1 = await cacher.getList(PREFIX, { recursive: true, limit: 2, resourceVersion: '' });
    assert.equal(cacher.stats().servedFromCache.list, 1);
    assert.deepEqual(p1.items.map(nameOf), ['o0', 'o1']);
    assert.equal(p1.remainingItemCount, 3);
    await cacher.delete(key('o2'));
    const p2 = await cacher.getList(PREFIX, { recursive: true, limit: 2, continue: p1.continue });
    assert.deepEqual(p2.items.map(nameOf), ['o2', 'o3']);
    assert.equal(p2.resourceVersion, p1.resourceVersion);
  }));

  test('a watch resumed from any revision of a stream gets exactly the rest of it', withFixture(async ({ cacher }) => {
    const start = await cacher.currentResourceVersion();
    const full = new EventReader(await cacher.watch(PREFIX, { recursive: true, resourceVersion: start }));
    for (let i = 0; i < 4; i++) await cacher.create(key(`r${i}`), configMap(`r${i}`, { n: '0' }));
    for (let i = 0; i < 4; i++) {
      await cacher.guaranteedUpdate(key(`r${i}`), false, undefined, (c) => ({ ...c!, data: { n: '1' } }));
    }
    await cacher.delete(key('r1'));
    await cacher.create(key('r1', 'other'), configMap('r1', {}, undefined, 'other'));
    const end = Number(await cacher.currentResourceVersion());
    const total = end - Number(start);
    const events = summary(await full.take(total));
    full.stop();
    const resumed: EventReader[] = [];
    for (let rev = Number(start); rev <= end; rev++) {
      const w = new EventReader(await cacher.watch(PREFIX, { recursive: true, resourceVersion: String(rev) }));
      const suffix = events.slice(rev - Number(start));
      assert.deepEqual(summary(await w.take(suffix.length)), suffix, `resumed from ${rev}`);
      resumed.push(w);
    }
    // Nothing else was pending for any of them: the next event is a new write.
    const marker = await cacher.create(key('marker'), configMap('marker'));
    for (const w of resumed) {
      assert.deepEqual(summary(await w.take(1)), [`ADDED marker@${rvOf(marker)}`]);
      w.stop();
    }
  }));

  test('a watch from before the event window ends with 410 Expired; from its edge it replays the window', withFixture(async ({ cacher }) => {
    const start = Number(await cacher.currentResourceVersion());
    for (let i = 0; i < 8; i++) await cacher.create(key(`e${i}`), configMap(`e${i}`));
    await caughtUp(cacher);
    const end = start + 8;
    // A window of 3 events holds revisions end-2..end: a watch may start at end-3.
    const oldest = end - 3;
    assert.equal(cacher.stats().oldestWatchableRevision, oldest);
    const w = new EventReader(await cacher.watch(PREFIX, { recursive: true, resourceVersion: String(oldest - 1) }));
    assert.deepEqual(await w.rest(), [
      {
        type: 'ERROR',
        object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${oldest - 1} (${oldest})`, reason: 'Expired', code: 410 },
      },
    ]);
    const ok = new EventReader(await cacher.watch(PREFIX, { recursive: true, resourceVersion: String(oldest) }));
    assert.deepEqual(summary(await ok.take(3)).map((s) => s.split(' ')[1]), [`e5@${end - 2}`, `e6@${end - 1}`, `e7@${end}`]);
    ok.stop();
    assert.equal(cacher.stats().expiredWatches, 1);
  }, { eventCapacity: 3 }));

  test('a watcher that cannot keep up is terminated; the others get every event', withFixture(async ({ cacher }) => {
    const start = await cacher.currentResourceVersion();
    const slow = new EventReader(await cacher.watch(PREFIX, { recursive: true, resourceVersion: start }));
    const fast = new EventReader(await cacher.watch(PREFIX, { recursive: true, resourceVersion: start }));
    const received: WatchEvent[] = [];
    const reading = (async () => {
      while (received.length < 20) received.push(...(await fast.take(1)));
    })();
    for (let i = 0; i < 20; i++) await cacher.create(key(`s${i}`), configMap(`s${i}`));
    await reading;
    assert.deepEqual(received.map((e) => nameOf(e.object)), Array.from({ length: 20 }, (_, i) => `s${i}`));
    const got = await slow.rest();
    assert.ok(got.length <= 5, `the slow watcher got ${got.length} events`);
    assert.equal(cacher.stats().terminatedWatchers, 1);
    assert.equal(cacher.stats().watchers, 1);
    fast.stop();
  }, { watchQueueLimit: 5 }));

  test('200 watchers, some started during the writes, all receive the same ordered events from 4 concurrent writers', withFixture(async ({ cacher }) => {
    const start = Number(await cacher.currentResourceVersion());
    const readers: EventReader[] = [];
    for (let i = 0; i < 150; i++) readers.push(new EventReader(await cacher.watch(PREFIX, { recursive: true, resourceVersion: String(start) })));
    const writers = Array.from({ length: 4 }, async (_, wi) => {
      for (let j = 0; j < 10; j++) {
        await cacher.create(key(`w${wi}-${j}`), configMap(`w${wi}-${j}`, { n: '0' }));
        await cacher.guaranteedUpdate(key(`w${wi}-${j}`), false, undefined, (c) => ({ ...c!, data: { n: '1' } }));
        // Late watchers join while events are being written and dispatched.
        if (wi === 0 && j % 2 === 0) {
          for (let k = 0; k < 10; k++) readers.push(new EventReader(await cacher.watch(PREFIX, { recursive: true, resourceVersion: String(start) })));
        }
      }
    });
    await Promise.all(writers);
    assert.equal(readers.length, 200);
    const total = Number(await cacher.currentResourceVersion()) - start;
    assert.equal(total, 80);
    const expected = Array.from({ length: total }, (_, i) => String(start + 1 + i));
    const first = summary(await readers[0].take(total));
    assert.deepEqual(first.map((s) => s.split('@')[1]), expected);
    for (const r of readers.slice(1)) assert.deepEqual(summary(await r.take(total)), first);
    for (const r of readers) r.stop();
    assert.equal(cacher.stats().watchers, 0);
  }));

  test('sendInitialEvents: matching objects as ADDED, an annotated BOOKMARK at the snapshot revision, then changes', withFixture(async ({ cacher }) => {
    const appX = { empty: false, matches: (o: KubeObject) => o.metadata?.labels?.app === 'x' };
    await cacher.create(key('a'), configMap('a', {}, { app: 'x' }));
    await cacher.create(key('b'), configMap('b', {}, { app: 'y' }));
    await cacher.create(key('c', 'other'), configMap('c', {}, { app: 'x' }, 'other'));
    const snapshot = await cacher.currentResourceVersion();
    for (const resourceVersion of ['', '0', snapshot]) {
      const w = new EventReader(
        await cacher.watch(`${PREFIX}ns`, { recursive: true, sendInitialEvents: true, allowWatchBookmarks: true, predicate: appX, resourceVersion }),
      );
      const [added, end] = await w.take(2);
      assert.equal(added.type, 'ADDED');
      assert.equal(nameOf(added.object), 'a');
      assert.deepEqual(end, {
        type: 'BOOKMARK',
        object: { metadata: { resourceVersion: snapshot, annotations: { 'k8s.io/initial-events-end': 'true' } } },
      });
      w.stop();
    }
    const w = new EventReader(await cacher.watch(`${PREFIX}ns`, { recursive: true, sendInitialEvents: true, allowWatchBookmarks: true, predicate: appX }));
    await w.take(2);
    const b = await cacher.guaranteedUpdate(key('b'), false, undefined, (c) => ({ ...c!, metadata: { ...c!.metadata, labels: { app: 'x' } } }));
    assert.deepEqual(summary(await w.take(1)), [`ADDED b@${rvOf(b)}`]);
    w.stop();
    // Without allowWatchBookmarks there is no end bookmark.
    const quiet = new EventReader(await cacher.watch(`${PREFIX}ns`, { recursive: true, sendInitialEvents: true, predicate: appX }));
    assert.deepEqual((await quiet.take(2)).map((e) => e.type), ['ADDED', 'ADDED']);
    const d = await cacher.create(key('d'), configMap('d', {}, { app: 'x' }));
    assert.deepEqual(summary(await quiet.take(1)), [`ADDED d@${rvOf(d)}`]);
    quiet.stop();
  }));

  test('periodic bookmarks carry the cache revision, even when the watcher saw no event', withFixture(async ({ cacher }) => {
    const start = await cacher.currentResourceVersion();
    const w = new EventReader(await cacher.watch(key('quiet'), { resourceVersion: start, allowWatchBookmarks: true }));
    const other = await cacher.create(key('busy'), configMap('busy'));
    let ev: WatchEvent | 'end';
    do {
      ev = await w.next('a bookmark');
    } while (ev !== 'end' && (ev.type !== 'BOOKMARK' || rvOf(ev.object) !== rvOf(other)));
    assert.notEqual(ev, 'end');
    w.stop();
  }, { bookmarkInterval: 5 }));

  test('when the inner watch fails the cache relists, ends its watchers, and old revisions get 410', withFixture(async ({ cacher, probe }) => {
    const a = await cacher.create(key('a'), configMap('a'));
    await caughtUp(cacher);
    const w = new EventReader(await cacher.watch(PREFIX, { recursive: true, resourceVersion: rvOf(a) }));
    probe.inject({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410, message: 'too old' } });
    assert.deepEqual(await w.rest(), [], 'the watcher ends');
    await eventually(() => cacher.stats().lists === 2 && cacher.stats().ready, 'a relist');
    const b = await cacher.create(key('b'), configMap('b'));
    const list = await cacher.getList(PREFIX, { recursive: true });
    assert.deepEqual(list.items.map(nameOf), ['a', 'b']);
    const old = new EventReader(await cacher.watch(PREFIX, { recursive: true, resourceVersion: String(Number(rvOf(a)) - 1) }));
    const [err] = await old.rest();
    assert.equal(err.type, 'ERROR');
    assert.equal(err.object.code, 410);
    const again = new EventReader(await cacher.watch(PREFIX, { recursive: true, resourceVersion: rvOf(a) }));
    assert.deepEqual(summary(await again.take(1)), [`ADDED b@${rvOf(b)}`]);
    again.stop();
  }));

  test('watches of one key or of a namespace see only their scope', withFixture(async ({ cacher }) => {
    const start = await cacher.currentResourceVersion();
    const one = new EventReader(await cacher.watch(key('a'), { resourceVersion: start }));
    const ns = new EventReader(await cacher.watch(`${PREFIX}other`, { recursive: true, resourceVersion: start }));
    const named = new EventReader(
      await cacher.watch(PREFIX, { recursive: true, resourceVersion: start, predicate: { empty: false, singleName: 'a', matches: (o) => nameOf(o) === 'a' } }),
    );
    await cacher.create(key('ab'), configMap('ab'));
    const a = await cacher.create(key('a'), configMap('a'));
    const oa = await cacher.create(key('a', 'other'), configMap('a', {}, undefined, 'other'));
    assert.deepEqual(summary(await one.take(1)), [`ADDED a@${rvOf(a)}`]);
    assert.deepEqual(summary(await ns.take(1)), [`ADDED a@${rvOf(oa)}`]);
    assert.deepEqual(summary(await named.take(2)), [`ADDED a@${rvOf(a)}`, `ADDED a@${rvOf(oa)}`]);
    for (const r of [one, ns, named]) r.stop();
  }));
});
