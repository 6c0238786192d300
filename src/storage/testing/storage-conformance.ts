/**
 * The Storage conformance suite: the behaviours k8s.io/apiserver's
 * pkg/storage/testing checks, restated for src/storage/interface.ts. Every
 * Storage implementation (over SQLite, over etcd, the watch cache) runs it.
 * Each test gets a fresh, empty store from the factory.
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { KV } from '../kv/interface.js';
import type { KubeObject } from '../../runtime/object.js';
import { isStorageError, type StorageErrorCode } from '../errors.js';
import type { SelectionPredicate, Storage, WatchEvent } from '../interface.js';
import { EventReader } from './helpers.js';

/** Options a test may ask the factory for. */
export interface StorageTestOptions {
  /** BOOKMARK period in ms. */
  bookmarkInterval?: number;
  /** Per-watcher queue bound. */
  watchQueueLimit?: number;
}

/** A fresh store for one test, and how to reach below it. */
export interface StorageTestHandle {
  storage: Storage;
  /** The KV under the storage, when there is one (lets tests look at stored bytes). */
  kv?: KV;
  /** Compacts history below `revision`; tests of compaction are skipped without it. */
  compact?(revision: number): Promise<void>;
  destroy(): Promise<void>;
}

/** Creates a fresh, empty store. */
export type StorageFactory = (opts: StorageTestOptions) => Promise<StorageTestHandle>;

const PREFIX = '/registry/configmaps/';
const key = (name: string, ns = 'ns') => `${PREFIX}${ns}/${name}`;

function configMap(name: string, data: Record<string, string> = {}, labels?: Record<string, string>, ns = 'ns'): KubeObject {
  const metadata: KubeObject['metadata'] = { name, namespace: ns, uid: `uid-${name}` };
  if (labels) metadata.labels = labels;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
}

const rvOf = (o: KubeObject | null | undefined) => o?.metadata?.resourceVersion ?? '';
const nameOf = (o: KubeObject) => o.metadata?.name ?? '';

/** Matches objects labelled app=x. */
const appX: SelectionPredicate = { empty: false, matches: (o) => o.metadata?.labels?.app === 'x' };

async function rejectsWith(p: Promise<unknown>, code: StorageErrorCode, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isStorageError(err, code), `expected StorageError ${code}, got ${String(err)}`);
    if (typeof message === 'string') assert.equal((err as Error).message, message);
    else if (message) assert.match((err as Error).message, message);
    return true;
  });
}

function summary(events: WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}@${rvOf(e.object)}`);
}

function decodeToken(token: string): { v: string; rv: number; start: string } {
  return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v: string; rv: number; start: string };
}

/** Registers the Storage conformance tests for one implementation. */
export function runStorageConformance(name: string, factory: StorageFactory): void {
  const withStore =
    (fn: (h: StorageTestHandle, t: TestContext) => Promise<void>, opts: StorageTestOptions = {}) =>
    async (t: TestContext) => {
      const h = await factory(opts);
      try {
        await fn(h, t);
      } finally {
        await h.destroy();
      }
    };

  describe(`Storage conformance: ${name}`, () => {
    describe('create, get', () => {
      test('create returns the stored object with its resourceVersion; get reads it back', withStore(async ({ storage }) => {
        const created = await storage.create(key('a'), configMap('a', { k: 'v' }));
        assert.match(rvOf(created), /^[1-9][0-9]*$/);
        assert.deepEqual(created.data, { k: 'v' });
        const got = await storage.get(key('a'));
        assert.deepEqual(got, created);
        assert.equal(await storage.currentResourceVersion(), rvOf(created));
      }));

      test('the resourceVersion is not stored inside the value', withStore(async ({ storage, kv }, t) => {
        if (!kv) return t.skip('the implementation exposes no KV to inspect stored bytes');
        const obj = configMap('a');
        obj.metadata!.resourceVersion = '';
        const created = await storage.create(key('a'), obj);
        const raw = (await kv.range(key('a'), undefined)).kvs[0];
        const stored = JSON.parse(raw.value.toString()) as KubeObject;
        assert.equal(stored.metadata?.resourceVersion, undefined);
        assert.equal(String(raw.modRevision), rvOf(created));
        assert.equal(obj.metadata?.resourceVersion, '', "the caller's object is left alone");
      }));

      test('creating an existing key fails with KeyExists', withStore(async ({ storage }) => {
        await storage.create(key('a'), configMap('a'));
        await rejectsWith(storage.create(key('a'), configMap('a')), 'KeyExists');
      }));

      test('an object to be created must not carry a resourceVersion', withStore(async ({ storage }) => {
        const obj = configMap('a');
        obj.metadata!.resourceVersion = '12';
        await assert.rejects(storage.create(key('a'), obj), /resourceVersion should not be set on objects to be created/);
      }));

      test('get of a missing key: KeyNotFound, or null with ignoreNotFound', withStore(async ({ storage }) => {
        await rejectsWith(storage.get(key('nope')), 'KeyNotFound');
        assert.equal(await storage.get(key('nope'), { ignoreNotFound: true }), null);
      }));

      test('get honours resourceVersion: "0" any, N not older than N, too large, invalid', withStore(async ({ storage }) => {
        const created = await storage.create(key('a'), configMap('a'));
        const rv = Number(rvOf(created));
        assert.equal(rvOf(await storage.get(key('a'), { resourceVersion: '0' })), String(rv));
        assert.equal(rvOf(await storage.get(key('a'), { resourceVersion: String(rv) })), String(rv));
        await rejectsWith(storage.get(key('a'), { resourceVersion: String(rv + 100) }), 'TooLargeResourceVersion');
        await rejectsWith(storage.get(key('a'), { resourceVersion: 'abc' }), 'InvalidResourceVersion');
      }));
    });

    describe('guaranteedUpdate', () => {
      test('updates through tryUpdate and bumps the resourceVersion', withStore(async ({ storage }) => {
        const created = await storage.create(key('a'), configMap('a', { n: '1' }));
        const updated = await storage.guaranteedUpdate(key('a'), false, undefined, (cur) => ({
          ...cur!,
          data: { n: '2' },
        }));
        assert.ok(Number(rvOf(updated)) > Number(rvOf(created)));
        assert.deepEqual(updated.data, { n: '2' });
        assert.deepEqual(await storage.get(key('a')), updated);
      }));

      test('an update that changes nothing writes nothing and keeps the resourceVersion', withStore(async ({ storage }) => {
        const created = await storage.create(key('a'), configMap('a', { n: '1' }));
        const before = await storage.currentResourceVersion();
        const same = await storage.guaranteedUpdate(key('a'), false, undefined, (cur) => cur!);
        assert.equal(rvOf(same), rvOf(created));
        assert.equal(await storage.currentResourceVersion(), before);
      }));

      test('a missing key is NotFound, or created with ignoreNotFound', withStore(async ({ storage }) => {
        await rejectsWith(
          storage.guaranteedUpdate(key('a'), false, undefined, () => configMap('a')),
          'KeyNotFound',
        );
        let seen: KubeObject | null | undefined;
        const made = await storage.guaranteedUpdate(key('a'), true, undefined, (cur) => {
          seen = cur;
          return configMap('a', { made: 'yes' });
        });
        assert.equal(seen, null);
        assert.deepEqual((await storage.get(key('a')))?.data, { made: 'yes' });
        assert.equal(rvOf(made), rvOf(await storage.get(key('a'))));
      }));

      test('preconditions: a wrong uid is InvalidObj, a stale resourceVersion a Conflict with the optimistic-lock text', withStore(async ({ storage }) => {
        const created = await storage.create(key('a'), configMap('a'));
        await rejectsWith(
          storage.guaranteedUpdate(key('a'), false, { uid: 'other' }, (cur) => cur!),
          'InvalidObj',
          'Precondition failed: UID in precondition: other, UID in object meta: uid-a',
        );
        await storage.guaranteedUpdate(key('a'), false, undefined, (cur) => ({ ...cur!, data: { x: '1' } }));
        await rejectsWith(
          storage.guaranteedUpdate(key('a'), false, { resourceVersion: rvOf(created) }, (cur) => ({ ...cur!, data: { x: '2' } })),
          'ResourceVersionConflicts',
          'the object has been modified; please apply your changes to the latest version and try again',
        );
        const cur = await storage.get(key('a'));
        const ok = await storage.guaranteedUpdate(key('a'), false, { uid: 'uid-a', resourceVersion: rvOf(cur) }, (c) => ({
          ...c!,
          data: { x: '3' },
        }));
        assert.deepEqual(ok.data, { x: '3' });
      }));

      test('an error thrown by tryUpdate aborts without writing', withStore(async ({ storage }) => {
        await storage.create(key('a'), configMap('a'));
        const before = await storage.currentResourceVersion();
        await assert.rejects(
          storage.guaranteedUpdate(key('a'), false, undefined, () => {
            throw new Error('refused');
          }),
          /refused/,
        );
        assert.equal(await storage.currentResourceVersion(), before);
      }));

      test('concurrent writers: every update lands, tryUpdate re-runs on the fresh object', withStore(async ({ storage }) => {
        await storage.create(key('counter'), configMap('counter', { n: '0' }));
        const writers = 10;
        let calls = 0;
        await Promise.all(
          Array.from({ length: writers }, () =>
            storage.guaranteedUpdate(key('counter'), false, undefined, async (cur) => {
              calls++;
              const n = Number((cur!.data as Record<string, string>).n);
              await Promise.resolve();
              return { ...cur!, data: { n: String(n + 1) } };
            }),
          ),
        );
        const final = await storage.get(key('counter'));
        assert.deepEqual(final?.data, { n: String(writers) });
        assert.ok(calls > writers, `tryUpdate ran ${calls} times for ${writers} concurrent writers`);
      }));
    });

    describe('delete', () => {
      test('returns the last state with the deletion revision; the key is gone', withStore(async ({ storage }) => {
        const created = await storage.create(key('a'), configMap('a', { k: 'v' }));
        const deleted = await storage.delete(key('a'));
        assert.deepEqual(deleted.data, { k: 'v' });
        assert.ok(Number(rvOf(deleted)) > Number(rvOf(created)));
        assert.equal(rvOf(deleted), await storage.currentResourceVersion());
        await rejectsWith(storage.get(key('a')), 'KeyNotFound');
        await rejectsWith(storage.delete(key('a')), 'KeyNotFound');
      }));

      test('preconditions are checked against the current object', withStore(async ({ storage }) => {
        const created = await storage.create(key('a'), configMap('a'));
        await rejectsWith(
          storage.delete(key('a'), { uid: 'other' }),
          'InvalidObj',
          'Precondition failed: UID in precondition: other, UID in object meta: uid-a',
        );
        await rejectsWith(
          storage.delete(key('a'), { resourceVersion: '1' }),
          'InvalidObj',
          `Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${rvOf(created)}`,
        );
        await storage.delete(key('a'), { uid: 'uid-a', resourceVersion: rvOf(created) });
        await rejectsWith(storage.get(key('a')), 'KeyNotFound');
      }));

      test('validateDeletion can refuse, and is re-run when the object changed underneath', withStore(async ({ storage }) => {
        await storage.create(key('a'), configMap('a', { v: '1' }));
        await assert.rejects(
          storage.delete(key('a'), undefined, () => {
            throw new Error('not allowed');
          }),
          /not allowed/,
        );
        assert.ok(await storage.get(key('a')));
        const seen: string[] = [];
        let first = true;
        const deleted = await storage.delete(key('a'), undefined, async (cur) => {
          seen.push((cur.data as Record<string, string>).v);
          if (first) {
            first = false;
            await storage.guaranteedUpdate(key('a'), false, undefined, (c) => ({ ...c!, data: { v: '2' } }));
          }
        });
        assert.deepEqual(seen, ['1', '2']);
        assert.deepEqual(deleted.data, { v: '2' });
      }));
    });

    describe('getList', () => {
      test('lists a prefix in key order; a non-recursive list is the one object', withStore(async ({ storage }) => {
        for (const n of ['c', 'a', 'b']) await storage.create(key(n), configMap(n));
        await storage.create(key('z', 'other'), configMap('z', {}, undefined, 'other'));
        const list = await storage.getList(`${PREFIX}ns`, { recursive: true });
        assert.deepEqual(list.items.map(nameOf), ['a', 'b', 'c']);
        assert.equal(list.continue, '');
        assert.equal(list.resourceVersion, await storage.currentResourceVersion());
        for (const item of list.items) assert.match(rvOf(item), /^[0-9]+$/);
        const all = await storage.getList(PREFIX, { recursive: true });
        assert.equal(all.items.length, 4);
        const one = await storage.getList(key('b'), {});
        assert.deepEqual(one.items.map(nameOf), ['b']);
        const none = await storage.getList(key('nope'), {});
        assert.deepEqual(none.items, []);
        assert.equal(await storage.count(`${PREFIX}ns`), 3);
        assert.equal(await storage.count(PREFIX), 4);
      }));

      test('resourceVersion semantics: Exact reads the past, NotOlderThan rejects the future', withStore(async ({ storage }) => {
        await storage.create(key('a'), configMap('a', { v: '1' }));
        const mark = await storage.currentResourceVersion();
        await storage.guaranteedUpdate(key('a'), false, undefined, (c) => ({ ...c!, data: { v: '2' } }));
        await storage.create(key('b'), configMap('b'));
        const exact = await storage.getList(PREFIX, { recursive: true, resourceVersion: mark, resourceVersionMatch: 'Exact' });
        assert.equal(exact.resourceVersion, mark);
        assert.deepEqual(exact.items.map((o) => [nameOf(o), (o.data as Record<string, string>).v]), [['a', '1']]);
        const legacyPaged = await storage.getList(PREFIX, { recursive: true, resourceVersion: mark, limit: 10 });
        assert.equal(legacyPaged.resourceVersion, mark);
        assert.equal(legacyPaged.items.length, 1);
        const notOlder = await storage.getList(PREFIX, { recursive: true, resourceVersion: mark, resourceVersionMatch: 'NotOlderThan' });
        assert.equal(notOlder.items.length, 2);
        assert.equal(notOlder.resourceVersion, await storage.currentResourceVersion());
        const any = await storage.getList(PREFIX, { recursive: true, resourceVersion: '0' });
        assert.equal(any.items.length, 2);
        const future = String(Number(await storage.currentResourceVersion()) + 50);
        await rejectsWith(storage.getList(PREFIX, { recursive: true, resourceVersion: future }), 'TooLargeResourceVersion');
        await rejectsWith(
          storage.getList(PREFIX, { recursive: true, resourceVersion: future, resourceVersionMatch: 'NotOlderThan' }),
          'TooLargeResourceVersion',
        );
        await rejectsWith(storage.getList(PREFIX, { recursive: true, resourceVersion: 'x1' }), 'InvalidResourceVersion');
      }));

      test('pagination: continue tokens in Kubernetes format, remainingItemCount, later pages at the first revision', withStore(async ({ storage }) => {
        for (let i = 0; i < 5; i++) await storage.create(key(`o${i}`), configMap(`o${i}`));
        const p1 = await storage.getList(PREFIX, { recursive: true, limit: 2 });
        assert.deepEqual(p1.items.map(nameOf), ['o0', 'o1']);
        assert.equal(p1.remainingItemCount, 3);
        const tok = decodeToken(p1.continue);
        assert.deepEqual(tok, { v: 'meta.k8s.io/v1', rv: Number(p1.resourceVersion), start: 'ns/o1\u0000' });
        assert.doesNotMatch(p1.continue, /[=+/]/, 'unpadded base64url');
        // Writes between pages do not show up in later pages.
        await storage.create(key('o15'), configMap('o15'));
        await storage.delete(key('o3'));
        await storage.guaranteedUpdate(key('o2'), false, undefined, (c) => ({ ...c!, data: { changed: 'yes' } }));
        const p2 = await storage.getList(PREFIX, { recursive: true, limit: 2, continue: p1.continue });
        assert.deepEqual(p2.items.map(nameOf), ['o2', 'o3']);
        assert.deepEqual(p2.items[0].data, {});
        assert.equal(p2.resourceVersion, p1.resourceVersion);
        assert.equal(p2.remainingItemCount, 1);
        const p3 = await storage.getList(PREFIX, { recursive: true, limit: 2, continue: p2.continue });
        assert.deepEqual(p3.items.map(nameOf), ['o4']);
        assert.equal(p3.continue, '');
        assert.equal(p3.remainingItemCount, undefined);
        const fresh = await storage.getList(PREFIX, { recursive: true });
        assert.deepEqual(fresh.items.map(nameOf), ['o0', 'o1', 'o15', 'o2', 'o4']);
      }));

      test('invalid continue tokens, and a resourceVersion with continue, are rejected', withStore(async ({ storage }) => {
        for (let i = 0; i < 3; i++) await storage.create(key(`o${i}`), configMap(`o${i}`));
        const p1 = await storage.getList(PREFIX, { recursive: true, limit: 1 });
        await rejectsWith(storage.getList(PREFIX, { recursive: true, continue: '%%%' }), 'InvalidContinue', /continue key is not valid/);
        const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        await rejectsWith(
          storage.getList(PREFIX, { recursive: true, continue: enc({ v: 'meta.k8s.io/v1', rv: 0, start: 'ns/o1' }) }),
          'InvalidContinue',
          /incorrect encoded start resourceVersion \(version meta\.k8s\.io\/v1\)/,
        );
        await rejectsWith(
          storage.getList(PREFIX, { recursive: true, continue: enc({ v: 'meta.k8s.io/v1', rv: 5, start: '' }) }),
          'InvalidContinue',
          /encoded start key empty \(version meta\.k8s\.io\/v1\)/,
        );
        await rejectsWith(
          storage.getList(PREFIX, { recursive: true, continue: enc({ v: 'v2', rv: 5, start: 'ns/o1' }) }),
          'InvalidContinue',
          /server does not recognize this encoded version/,
        );
        await rejectsWith(
          storage.getList(PREFIX, { recursive: true, continue: enc({ v: 'meta.k8s.io/v1', rv: 5, start: '../secrets/x' }) }),
          'InvalidContinue',
        );
        await rejectsWith(
          storage.getList(PREFIX, { recursive: true, continue: p1.continue, resourceVersion: '3' }),
          'InvalidContinue',
          'specifying resource version is not allowed when using continue',
        );
        const withZero = await storage.getList(PREFIX, { recursive: true, continue: p1.continue, resourceVersion: '0' });
        assert.equal(withZero.items.length, 2);
      }));

      test('filtering with a limit keeps reading until the page is full', withStore(async ({ storage }) => {
        for (let i = 0; i < 12; i++) {
          await storage.create(key(`f${String(i).padStart(2, '0')}`), configMap(`f${i}`, {}, { app: i % 4 === 0 ? 'x' : 'y' }));
        }
        const p1 = await storage.getList(PREFIX, { recursive: true, limit: 2, predicate: appX });
        assert.deepEqual(p1.items.map(nameOf), ['f0', 'f4']);
        assert.notEqual(p1.continue, '');
        assert.equal(p1.remainingItemCount, undefined, 'not known when filtering');
        const p2 = await storage.getList(PREFIX, { recursive: true, limit: 2, predicate: appX, continue: p1.continue });
        assert.deepEqual(p2.items.map(nameOf), ['f8']);
        assert.equal(p2.continue, '');
        const all = await storage.getList(PREFIX, { recursive: true, predicate: appX });
        assert.deepEqual(all.items.map(nameOf), ['f0', 'f4', 'f8']);
      }));

      test('compacted revisions: Exact and continue answer Compacted (the latter with an rv -1 token)', withStore(async (h, t) => {
        if (!h.compact) return t.skip('the implementation cannot compact');
        const { storage } = h;
        for (let i = 0; i < 3; i++) await storage.create(key(`o${i}`), configMap(`o${i}`));
        const p1 = await storage.getList(PREFIX, { recursive: true, limit: 1 });
        const old = p1.resourceVersion;
        await storage.create(key('late'), configMap('late'));
        await h.compact(Number(await storage.currentResourceVersion()));
        await rejectsWith(storage.getList(PREFIX, { recursive: true, resourceVersion: old, resourceVersionMatch: 'Exact' }), 'Compacted');
        await assert.rejects(storage.getList(PREFIX, { recursive: true, limit: 1, continue: p1.continue }), (err: unknown) => {
          assert.ok(isStorageError(err, 'Compacted'));
          const tok = decodeToken((err as { continueToken?: string }).continueToken ?? '');
          assert.deepEqual(tok, { v: 'meta.k8s.io/v1', rv: -1, start: 'ns/o0\u0000' });
          return true;
        });
        const latest = decodeToken(p1.continue);
        const resumed = await storage.getList(PREFIX, {
          recursive: true,
          continue: Buffer.from(JSON.stringify({ ...latest, rv: -1 })).toString('base64url'),
        });
        assert.deepEqual(resumed.items.map(nameOf), ['o1', 'o2']);
      }));
    });

    describe('watch', () => {
      test('from a resourceVersion: the changes after it, deletes carrying the last state', withStore(async ({ storage }) => {
        const a = await storage.create(key('a'), configMap('a', { v: '1' }));
        const w = new EventReader(await storage.watch(PREFIX, { recursive: true, resourceVersion: rvOf(a) }));
        const b = await storage.create(key('b'), configMap('b'));
        const a2 = await storage.guaranteedUpdate(key('a'), false, undefined, (c) => ({ ...c!, data: { v: '2' } }));
        const gone = await storage.delete(key('b'));
        const events = await w.take(3);
        assert.deepEqual(summary(events), [`ADDED b@${rvOf(b)}`, `MODIFIED a@${rvOf(a2)}`, `DELETED b@${rvOf(gone)}`]);
        assert.deepEqual(events[1].object, a2);
        assert.deepEqual(events[2].object.data, {});
        w.stop();
      }));

      test('from "" or "0": the current objects as ADDED first, then changes', withStore(async ({ storage }) => {
        let existing = 0;
        for (const rv of ['', '0']) {
          const x = await storage.create(key(`x${rv}`), configMap(`x${rv}`));
          existing++;
          const w = new EventReader(await storage.watch(PREFIX, { recursive: true, resourceVersion: rv }));
          const initial = await w.take(existing);
          assert.ok(initial.every((e) => e.type === 'ADDED'));
          assert.ok(summary(initial).includes(`ADDED x${rv}@${rvOf(x)}`));
          const y = await storage.create(key(`y${rv}`), configMap(`y${rv}`));
          existing++;
          assert.deepEqual(summary(await w.take(1)), [`ADDED y${rv}@${rvOf(y)}`]);
          w.stop();
        }
      }));

      test('a watch on one key sees only it', withStore(async ({ storage }) => {
        const a = await storage.create(key('a'), configMap('a'));
        const w = new EventReader(await storage.watch(key('a'), { resourceVersion: rvOf(a) }));
        await storage.create(key('ab'), configMap('ab'));
        const a2 = await storage.guaranteedUpdate(key('a'), false, undefined, (c) => ({ ...c!, data: { n: '1' } }));
        assert.deepEqual(summary(await w.take(1)), [`MODIFIED a@${rvOf(a2)}`]);
        w.stop();
      }));

      test('predicates: objects that start matching arrive ADDED, that stop matching DELETED', withStore(async ({ storage }) => {
        const start = await storage.currentResourceVersion();
        const w = new EventReader(await storage.watch(PREFIX, { recursive: true, resourceVersion: start, predicate: appX }));
        const set = (name: string, app: string) =>
          storage.guaranteedUpdate(key(name), false, undefined, (c) => ({
            ...c!,
            metadata: { ...c!.metadata, labels: { app } },
          }));
        await storage.create(key('p'), configMap('p', {}, { app: 'y' }));
        const p1 = await set('p', 'x');
        const p2 = await storage.guaranteedUpdate(key('p'), false, undefined, (c) => ({ ...c!, data: { n: '1' } }));
        const p3 = await set('p', 'y');
        await set('p', 'z');
        const p5 = await set('p', 'x');
        const gone = await storage.delete(key('p'));
        const events = await w.take(5);
        assert.deepEqual(summary(events), [
          `ADDED p@${rvOf(p1)}`,
          `MODIFIED p@${rvOf(p2)}`,
          `DELETED p@${rvOf(p3)}`,
          `ADDED p@${rvOf(p5)}`,
          `DELETED p@${rvOf(gone)}`,
        ]);
        assert.equal(events[2].object.metadata?.labels?.app, 'x', 'the DELETED event carries the last matching state');
        w.stop();
      }));

      test('an update that changes nothing sends no event', withStore(async ({ storage }) => {
        const a = await storage.create(key('a'), configMap('a'));
        const w = new EventReader(await storage.watch(PREFIX, { recursive: true, resourceVersion: rvOf(a) }));
        await storage.guaranteedUpdate(key('a'), false, undefined, (c) => c!);
        const marker = await storage.create(key('marker'), configMap('marker'));
        assert.deepEqual(summary(await w.take(1)), [`ADDED marker@${rvOf(marker)}`]);
        w.stop();
      }));

      test('a compacted resourceVersion ends the watch with a 410 Expired ERROR event', withStore(async (h, t) => {
        if (!h.compact) return t.skip('the implementation cannot compact');
        const { storage } = h;
        const a = await storage.create(key('a'), configMap('a'));
        await storage.create(key('b'), configMap('b'));
        const compactTo = Number(await storage.currentResourceVersion());
        await h.compact(compactTo);
        const w = new EventReader(await storage.watch(PREFIX, { recursive: true, resourceVersion: String(Number(rvOf(a)) - 1) }));
        const ev = await w.next();
        assert.notEqual(ev, 'end');
        const e = ev as WatchEvent;
        assert.equal(e.type, 'ERROR');
        assert.deepEqual(e.object, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${Number(rvOf(a)) - 1} (${compactTo})`,
          reason: 'Expired',
          code: 410,
        });
        assert.equal(await w.next(), 'end');
      }));

      test('bookmarks carry the resourceVersion the watcher is complete up to', withStore(async ({ storage }) => {
        const a = await storage.create(key('a'), configMap('a'));
        const w = new EventReader(
          await storage.watch(PREFIX, { recursive: true, resourceVersion: rvOf(a), allowWatchBookmarks: true, predicate: appX }),
        );
        const b = await storage.create(key('b'), configMap('b', {}, { app: 'no' }));
        let ev: WatchEvent | 'end';
        do {
          ev = await w.next('a bookmark');
        } while (ev !== 'end' && (ev.type !== 'BOOKMARK' || rvOf(ev.object) !== rvOf(b)));
        assert.notEqual(ev, 'end');
        assert.deepEqual((ev as WatchEvent).object, { metadata: { resourceVersion: rvOf(b) } });
        w.stop();
      }, { bookmarkInterval: 10 }));

      test('sendInitialEvents: ADDED for the snapshot, an initial-events-end BOOKMARK, then changes', withStore(async ({ storage }) => {
        await storage.create(key('a'), configMap('a'));
        await storage.create(key('b'), configMap('b'));
        const snapshot = await storage.currentResourceVersion();
        const w = new EventReader(
          await storage.watch(PREFIX, { recursive: true, sendInitialEvents: true, allowWatchBookmarks: true }),
        );
        const events = await w.take(3);
        assert.deepEqual(events.slice(0, 2).map((e) => e.type), ['ADDED', 'ADDED']);
        assert.deepEqual(events[2], {
          type: 'BOOKMARK',
          object: { metadata: { resourceVersion: snapshot, annotations: { 'k8s.io/initial-events-end': 'true' } } },
        });
        const c = await storage.create(key('c'), configMap('c'));
        const next = await w.next();
        assert.notEqual(next, 'end');
        assert.deepEqual(summary([next as WatchEvent]), [`ADDED c@${rvOf(c)}`]);
        w.stop();
      }, { bookmarkInterval: 3_600_000 }));

      test('a watcher that falls too far behind is terminated rather than buffering without bound', withStore(async ({ storage }) => {
        const start = await storage.currentResourceVersion();
        const w = new EventReader(await storage.watch(PREFIX, { recursive: true, resourceVersion: start }));
        for (let i = 0; i < 20; i++) await storage.create(key(`s${i}`), configMap(`s${i}`));
        const got = await w.rest();
        assert.ok(got.length < 20, `a slow watcher got ${got.length} of 20 events`);
      }, { watchQueueLimit: 5 }));

      test('no event is missed or repeated under concurrent writers', withStore(async ({ storage }) => {
        const start = await storage.currentResourceVersion();
        const w = new EventReader(await storage.watch(PREFIX, { recursive: true, resourceVersion: start }));
        const names = Array.from({ length: 8 }, (_, i) => `c${i}`);
        await Promise.all(names.map((n) => storage.create(key(n), configMap(n, { n: '0' }))));
        const rounds = 5;
        await Promise.all(
          names.map(async (n) => {
            for (let r = 0; r < rounds; r++) {
              await storage.guaranteedUpdate(key(n), false, undefined, (c) => ({ ...c!, data: { n: String(r + 1) } }));
            }
          }),
        );
        const end = Number(await storage.currentResourceVersion());
        const total = end - Number(start);
        const events = await w.take(total);
        const revs = events.map((e) => Number(rvOf(e.object)));
        assert.deepEqual(revs, Array.from({ length: total }, (_, i) => Number(start) + 1 + i));
        const last = new Map<string, string>();
        for (const e of events) last.set(nameOf(e.object), (e.object.data as Record<string, string>).n);
        for (const n of names) assert.equal(last.get(n), String(rounds));
        w.stop();
      }));

      test('a watch from a past revision started during writes agrees with a list at the end', withStore(async ({ storage }) => {
        for (let i = 0; i < 5; i++) await storage.create(key(`l${i}`), configMap(`l${i}`, { n: '0' }));
        const listed = await storage.getList(PREFIX, { recursive: true });
        const state = new Map(listed.items.map((o) => [nameOf(o), o]));
        const writes = (async () => {
          for (let r = 1; r <= 4; r++) {
            await Promise.all(
              [0, 1, 2, 3, 4].map((i) =>
                storage.guaranteedUpdate(key(`l${i}`), false, undefined, (c) => ({ ...c!, data: { n: String(r) } })),
              ),
            );
          }
          await storage.delete(key('l0'));
        })();
        const w = new EventReader(await storage.watch(PREFIX, { recursive: true, resourceVersion: listed.resourceVersion }));
        await writes;
        const final = await storage.getList(PREFIX, { recursive: true });
        const total = Number(final.resourceVersion) - Number(listed.resourceVersion);
        for (const e of await w.take(total)) {
          if (e.type === 'DELETED') state.delete(nameOf(e.object));
          else state.set(nameOf(e.object), e.object);
        }
        assert.deepEqual(
          [...state.values()].sort((x, y) => nameOf(x).localeCompare(nameOf(y))),
          final.items,
        );
        w.stop();
      }));
    });
  });
}
