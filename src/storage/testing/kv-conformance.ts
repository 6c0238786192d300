/**
 * The KV conformance suite: what every backend of src/storage/kv/interface.ts
 * must do (etcd's MVCC semantics as kube-apiserver relies on them). Each test
 * gets a fresh, empty store from the factory.
 *
 * Usage (in a backend's test file):
 *   runKvConformance('sqlite', async () => ({ kv, destroy }));
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KvCompactedError, KvFutureRevisionError, prefixEnd, type KV, type KvEvent } from '../kv/interface.js';
import { KvEventCollector } from './helpers.js';

/** A fresh store for one test, and how to dispose of it. */
export interface KvTestHandle {
  kv: KV;
  destroy(): Promise<void>;
}

/** Creates a fresh, empty store. */
export type KvFactory = () => Promise<KvTestHandle>;

const b = (s: string) => Buffer.from(s);
const str = (v: Buffer | undefined) => (v === undefined ? undefined : v.toString());

function describeEvents(events: KvEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}${e.type === 'put' ? '=' + str(e.kv.value) : ''}`);
}

/** Registers the KV conformance tests for one backend. */
export function runKvConformance(name: string, factory: KvFactory): void {
  const withKv = (fn: (kv: KV) => Promise<void>) => async () => {
    const h = await factory();
    try {
      await fn(h.kv);
    } finally {
      await h.destroy();
    }
  };

  describe(`KV conformance: ${name}`, () => {
    test('a new store is empty, healthy, at a positive revision', withKv(async (kv) => {
      const rev = await kv.currentRevision();
      assert.ok(rev >= 1);
      const r = await kv.range('/', prefixEnd('/'));
      assert.deepEqual(r.kvs, []);
      assert.equal(r.count, 0);
      assert.equal(r.revision, rev);
      assert.equal(await kv.healthy(), true);
    }));

    test('create writes a key at the next revision; a second create fails with the current value', withKv(async (kv) => {
      const start = await kv.currentRevision();
      const c = await kv.create('/a', b('one'));
      assert.equal(c.succeeded, true);
      assert.equal(c.revision, start + 1);
      assert.deepEqual(
        { ...c.kv, value: str(c.kv?.value) },
        { key: '/a', value: 'one', createRevision: start + 1, modRevision: start + 1, version: 1 },
      );
      const again = await kv.create('/a', b('two'));
      assert.equal(again.succeeded, false);
      assert.equal(again.revision, start + 1, 'a failed write does not use a revision');
      assert.equal(str(again.current?.value), 'one');
      assert.equal(again.current?.modRevision, start + 1);
      const got = await kv.range('/a', undefined);
      assert.equal(got.kvs.length, 1);
      assert.equal(str(got.kvs[0].value), 'one');
    }));

    test('range of a missing key is empty', withKv(async (kv) => {
      const r = await kv.range('/missing', undefined);
      assert.deepEqual(r.kvs, []);
      assert.equal(r.count, 0);
    }));

    test('update compares modRevision: stale and missing bases fail', withKv(async (kv) => {
      const c = await kv.create('/a', b('v1'));
      const u = await kv.update('/a', b('v2'), c.revision);
      assert.equal(u.succeeded, true);
      assert.equal(u.revision, c.revision + 1);
      assert.equal(u.kv?.createRevision, c.revision);
      assert.equal(u.kv?.modRevision, u.revision);
      assert.equal(u.kv?.version, 2);
      const stale = await kv.update('/a', b('v3'), c.revision);
      assert.equal(stale.succeeded, false);
      assert.equal(stale.current?.modRevision, u.revision);
      assert.equal(str(stale.current?.value), 'v2');
      const missing = await kv.update('/nope', b('x'), 5);
      assert.equal(missing.succeeded, false);
      assert.equal(missing.current, undefined);
      assert.equal(await kv.currentRevision(), u.revision);
    }));

    test('delete compares modRevision (0 = unconditional) and leaves the key absent', withKv(async (kv) => {
      const a = await kv.create('/a', b('a'));
      const c = await kv.create('/c', b('c'));
      const wrong = await kv.delete('/a', a.revision + 100);
      assert.equal(wrong.succeeded, false);
      assert.equal(wrong.current?.modRevision, a.revision);
      const d = await kv.delete('/a', a.revision);
      assert.equal(d.succeeded, true);
      assert.equal(d.revision, c.revision + 1);
      const d2 = await kv.delete('/c', 0);
      assert.equal(d2.succeeded, true);
      assert.equal(d2.revision, d.revision + 1);
      const gone = await kv.delete('/a', 0);
      assert.equal(gone.succeeded, false);
      assert.equal(gone.current, undefined);
      assert.deepEqual((await kv.range('/', prefixEnd('/'))).kvs, []);
    }));

    test('a key created again after a delete starts a new life', withKv(async (kv) => {
      await kv.create('/a', b('1'));
      const u = await kv.update('/a', b('2'), (await kv.range('/a', undefined)).kvs[0].modRevision);
      await kv.delete('/a', u.revision);
      const again = await kv.create('/a', b('3'));
      assert.equal(again.succeeded, true);
      assert.equal(again.kv?.createRevision, again.revision);
      assert.equal(again.kv?.version, 1);
    }));

    test('every successful write takes exactly the next revision, failed ones none', withKv(async (kv) => {
      let rev = await kv.currentRevision();
      const steps: (() => Promise<{ succeeded: boolean; revision: number }>)[] = [
        () => kv.create('/x/1', b('a')),
        () => kv.create('/x/1', b('dup')),
        () => kv.create('/x/2', b('b')),
        () => kv.update('/x/2', b('c'), 1),
        () => kv.delete('/x/1', 0),
        () => kv.delete('/x/1', 0),
      ];
      for (const step of steps) {
        const r = await step();
        if (r.succeeded) rev++;
        assert.equal(r.revision, rev);
        assert.equal(await kv.currentRevision(), rev);
      }
    }));

    test('range over a prefix: sorted, counted, limited', withKv(async (kv) => {
      for (const k of ['/p/c', '/p/a', '/q/z', '/p/b', '/o/x', '/p/d']) await kv.create(k, b(k));
      const all = await kv.range('/p/', prefixEnd('/p/'));
      assert.deepEqual(all.kvs.map((k) => k.key), ['/p/a', '/p/b', '/p/c', '/p/d']);
      assert.equal(all.count, 4);
      assert.equal(all.more, false);
      const page = await kv.range('/p/', prefixEnd('/p/'), { limit: 2 });
      assert.deepEqual(page.kvs.map((k) => k.key), ['/p/a', '/p/b']);
      assert.equal(page.count, 4);
      assert.equal(page.more, true);
      const from = await kv.range('/p/b\0', prefixEnd('/p/'), { limit: 2 });
      assert.deepEqual(from.kvs.map((k) => k.key), ['/p/c', '/p/d']);
      assert.equal(from.more, false);
      const counted = await kv.range('/p/', prefixEnd('/p/'), { countOnly: true });
      assert.equal(counted.count, 4);
      assert.deepEqual(counted.kvs, []);
    }));

    test('range at a past revision returns the state as of that revision', withKv(async (kv) => {
      const a1 = await kv.create('/r/a', b('a1'));
      const b1 = await kv.create('/r/b', b('b1'));
      const mark = b1.revision;
      await kv.update('/r/a', b('a2'), a1.revision);
      await kv.delete('/r/b', b1.revision);
      await kv.create('/r/c', b('c1'));
      const then = await kv.range('/r/', prefixEnd('/r/'), { revision: mark });
      assert.equal(then.revision, mark);
      assert.deepEqual(then.kvs.map((k) => [k.key, str(k.value), k.modRevision]), [
        ['/r/a', 'a1', a1.revision],
        ['/r/b', 'b1', b1.revision],
      ]);
      const one = await kv.range('/r/a', undefined, { revision: a1.revision });
      assert.equal(str(one.kvs[0].value), 'a1');
      const before = await kv.range('/r/c', undefined, { revision: mark });
      assert.deepEqual(before.kvs, []);
      const now = await kv.range('/r/', prefixEnd('/r/'));
      assert.deepEqual(now.kvs.map((k) => [k.key, str(k.value)]), [['/r/a', 'a2'], ['/r/c', 'c1']]);
      await assert.rejects(kv.range('/r/', prefixEnd('/r/'), { revision: now.revision + 10 }), KvFutureRevisionError);
    }));

    test('concurrent creates of distinct keys all succeed with consecutive revisions', withKv(async (kv) => {
      const start = await kv.currentRevision();
      const n = 50;
      const rs = await Promise.all(Array.from({ length: n }, (_, i) => kv.create(`/c/${i}`, b(String(i)))));
      assert.ok(rs.every((r) => r.succeeded));
      const revs = rs.map((r) => r.revision).sort((x, y) => x - y);
      assert.deepEqual(revs, Array.from({ length: n }, (_, i) => start + 1 + i));
      assert.equal(await kv.currentRevision(), start + n);
    }));

    test('concurrent writers on one base: exactly one wins, the others see it', withKv(async (kv) => {
      const c = await kv.create('/k', b('0'));
      const creates = await Promise.all(Array.from({ length: 10 }, (_, i) => kv.create('/new', b(String(i)))));
      assert.equal(creates.filter((r) => r.succeeded).length, 1);
      const winner = creates.find((r) => r.succeeded)!;
      for (const r of creates.filter((x) => !x.succeeded)) assert.equal(r.current?.modRevision, winner.revision);
      const updates = await Promise.all(Array.from({ length: 10 }, (_, i) => kv.update('/k', b(String(i)), c.revision)));
      assert.equal(updates.filter((r) => r.succeeded).length, 1);
      const deletes = await Promise.all(Array.from({ length: 5 }, () => kv.delete('/new', winner.revision)));
      assert.equal(deletes.filter((r) => r.succeeded).length, 1);
    }));

    test('watch from now delivers puts and deletes of its range, in order, with previous values', withKv(async (kv) => {
      await kv.create('/w/pre', b('pre'));
      const col = new KvEventCollector();
      const w = kv.watch('/w/', prefixEnd('/w/'), 0, col);
      const c = await kv.create('/w/a', b('1'));
      await kv.create('/other/x', b('not mine'));
      const u = await kv.update('/w/a', b('2'), c.revision);
      const d = await kv.delete('/w/a', u.revision);
      const events = await col.atLeast(3);
      assert.deepEqual(describeEvents(events), [`put /w/a@${c.revision}=1`, `put /w/a@${u.revision}=2`, `delete /w/a@${d.revision}`]);
      assert.equal(events[0].prevKv, undefined);
      assert.equal(events[0].kv.createRevision, c.revision);
      assert.equal(str(events[1].prevKv?.value), '1');
      assert.equal(events[1].prevKv?.modRevision, c.revision);
      assert.equal(str(events[2].prevKv?.value), '2');
      assert.equal(events[2].prevKv?.modRevision, u.revision);
      w.close();
    }));

    test('a single-key watch sees only that key', withKv(async (kv) => {
      const col = new KvEventCollector();
      const w = kv.watch('/s/a', undefined, 0, col);
      await kv.create('/s/ab', b('x'));
      await kv.create('/s/a', b('y'));
      const events = await col.atLeast(1);
      assert.deepEqual(events.map((e) => e.kv.key), ['/s/a']);
      w.close();
    }));

    test('watch from a past revision replays the log, then continues live, without gaps or repeats', withKv(async (kv) => {
      const first = await kv.create('/h/a', b('1'));
      await kv.update('/h/a', b('2'), first.revision);
      await kv.create('/h/b', b('1'));
      const col = new KvEventCollector();
      const w = kv.watch('/h/', prefixEnd('/h/'), first.revision, col);
      // Writers racing with the switch from replay to live.
      const racing = Array.from({ length: 20 }, (_, i) => kv.create(`/h/r${i}`, b('r')));
      await Promise.all(racing);
      const end = await kv.currentRevision();
      const expected = end - first.revision;
      const events = await col.atLeast(expected);
      const revs = events.map((e) => e.kv.modRevision);
      assert.deepEqual(revs, Array.from({ length: expected }, (_, i) => first.revision + 1 + i));
      w.close();
    }));

    test('a closed watch receives nothing more', withKv(async (kv) => {
      const col = new KvEventCollector();
      const w = kv.watch('/z/', prefixEnd('/z/'), 0, col);
      await kv.create('/z/1', b('1'));
      await col.atLeast(1);
      w.close();
      await kv.create('/z/2', b('2'));
      const probe = new KvEventCollector();
      const w2 = kv.watch('/z/', prefixEnd('/z/'), 0, probe);
      await kv.create('/z/3', b('3'));
      await probe.atLeast(1);
      assert.equal(col.events.length, 1);
      w2.close();
    }));

    test('compaction: older revisions fail, the compacted one still reads, watches below it fail', withKv(async (kv) => {
      const a = await kv.create('/m/a', b('a1'));
      const u = await kv.update('/m/a', b('a2'), a.revision);
      const x = await kv.create('/m/x', b('x'));
      await kv.delete('/m/x', x.revision);
      const mark = await kv.currentRevision();
      await kv.update('/m/a', b('a3'), u.revision);
      await kv.compact(mark);
      assert.equal(await kv.compactedRevision(), mark);
      await assert.rejects(kv.range('/m/', prefixEnd('/m/'), { revision: a.revision }), KvCompactedError);
      const at = await kv.range('/m/', prefixEnd('/m/'), { revision: mark });
      assert.deepEqual(at.kvs.map((k) => [k.key, str(k.value)]), [['/m/a', 'a2']]);
      const now = await kv.range('/m/', prefixEnd('/m/'));
      assert.deepEqual(now.kvs.map((k) => [k.key, str(k.value)]), [['/m/a', 'a3']]);
      const col = new KvEventCollector();
      kv.watch('/m/', prefixEnd('/m/'), a.revision, col);
      await col.until(() => col.error !== undefined, 'the compaction error');
      assert.ok(col.error instanceof KvCompactedError);
      assert.deepEqual(col.events, []);
      const ok = new KvEventCollector();
      const w = kv.watch('/m/', prefixEnd('/m/'), mark, ok);
      const events = await ok.atLeast(1);
      assert.equal(str(events[0].kv.value), 'a3');
      assert.equal(str(events[0].prevKv?.value), 'a2');
      w.close();
      // Writing after compaction keeps working and keeps counting.
      const after = await kv.create('/m/new', b('n'));
      assert.equal(after.revision, (await kv.currentRevision()));
    }));

    test('compacting an old revision again is harmless', withKv(async (kv) => {
      await kv.create('/q', b('1'));
      const rev = await kv.currentRevision();
      await kv.compact(rev);
      await kv.compact(rev);
      await kv.compact(rev - 1);
      assert.equal(await kv.compactedRevision(), rev);
    }));
  });
}
