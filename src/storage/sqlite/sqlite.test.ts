import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { prefixEnd } from '../kv/interface.js';
import { newKvStorage } from '../kvstore/index.js';
import { runKvConformance } from '../testing/kv-conformance.js';
import { runStorageConformance } from '../testing/storage-conformance.js';
import { openSqliteKV, watchHubTunables, type SqliteKVOptions } from './index.js';
import { KvEventCollector } from '../testing/helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kapi-sqlite-test-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let seq = 0;

/** A fresh database file path in a fresh directory, removed by `cleanup`. */
function tempDb(): { file: string; cleanup(): void } {
  const dir = path.join(root, String(seq++));
  fs.mkdirSync(dir);
  return { file: path.join(dir, 'kv.db'), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function kvFactory(writer: SqliteKVOptions['writer']) {
  return async () => {
    const db = tempDb();
    const kv = openSqliteKV({ path: db.file, writer });
    return {
      kv,
      async destroy() {
        await kv.close();
        db.cleanup();
      },
    };
  };
}

runKvConformance('sqlite (writer thread)', kvFactory('thread'));
runKvConformance('sqlite (inline writer)', kvFactory('inline'));

runStorageConformance('kvstore over sqlite', async (opts) => {
  const db = tempDb();
  const kv = openSqliteKV({ path: db.file });
  return {
    storage: newKvStorage(kv, opts),
    kv,
    compact: (rev) => kv.compact(rev),
    async destroy() {
      await kv.close();
      db.cleanup();
    },
  };
});

describe('sqlite KV', () => {
  test('writes issued together commit as one transaction, each with its own outcome', async () => {
    const db = tempDb();
    const kv = openSqliteKV({ path: db.file });
    try {
      await kv.create('/g/taken', Buffer.from('x'));
      const before = kv.stats();
      const rs = await Promise.all([
        ...Array.from({ length: 50 }, (_, i) => kv.create(`/g/${i}`, Buffer.from('v'))),
        kv.create('/g/taken', Buffer.from('y')),
        kv.update('/g/taken', Buffer.from('z'), 999),
      ]);
      const after = kv.stats();
      assert.equal(after.commits - before.commits, 1, 'one durable commit for the whole group');
      assert.equal(rs.filter((r) => r.succeeded).length, 50);
      assert.equal(rs[50].succeeded, false);
      assert.equal(rs[51].succeeded, false);
    } finally {
      await kv.close();
      db.cleanup();
    }
  });

  test('data, revision and compaction survive a reopen; compaction removes old rows', async () => {
    const db = tempDb();
    let kv = openSqliteKV({ path: db.file });
    const a = await kv.create('/p/a', Buffer.from('1'));
    let rev = a.revision;
    for (let i = 2; i <= 10; i++) rev = (await kv.update('/p/a', Buffer.from(String(i)), rev)).revision;
    const x = await kv.create('/p/x', Buffer.from('x'));
    await kv.delete('/p/x', x.revision);
    const mark = await kv.currentRevision();
    await kv.compact(mark);
    await kv.close();

    const raw = new Database(db.file, { readonly: true });
    const rows = raw.prepare('SELECT count(*) FROM kv_log').pluck().get();
    raw.close();
    assert.equal(rows, 1, 'only the newest row of /p/a is left');

    kv = openSqliteKV({ path: db.file });
    try {
      assert.equal(await kv.currentRevision(), mark);
      assert.equal(await kv.compactedRevision(), mark);
      const r = await kv.range('/p/', prefixEnd('/p/'));
      assert.deepEqual(r.kvs.map((k) => [k.key, k.value.toString(), k.version]), [['/p/a', '10', 10]]);
      const next = await kv.create('/p/y', Buffer.from('y'));
      assert.equal(next.revision, mark + 1, 'a revision is never reused');
    } finally {
      await kv.close();
      db.cleanup();
    }
  });

  test('a watch replaying the log in small chunks while writers run misses and repeats nothing', async () => {
    const db = tempDb();
    const kv = openSqliteKV({ path: db.file });
    const saved = watchHubTunables.catchUpChunk;
    watchHubTunables.catchUpChunk = 3;
    try {
      const first = await kv.create('/c/0', Buffer.from('0'));
      for (let i = 1; i < 20; i++) await kv.create(`/c/${i}`, Buffer.from(String(i)));
      const col = new KvEventCollector();
      const w = kv.watch('/c/', prefixEnd('/c/'), first.revision, col);
      await Promise.all(Array.from({ length: 30 }, (_, i) => kv.create(`/c/x${i}`, Buffer.from('x'))));
      const end = await kv.currentRevision();
      const events = await col.atLeast(end - first.revision);
      assert.deepEqual(
        events.map((e) => e.kv.modRevision),
        Array.from({ length: end - first.revision }, (_, i) => first.revision + 1 + i),
      );
      w.close();
    } finally {
      watchHubTunables.catchUpChunk = saved;
      await kv.close();
      db.cleanup();
    }
  });

  test('an in-memory store works (inline writer)', async () => {
    const kv = openSqliteKV({ path: ':memory:' });
    const r = await kv.create('/m', Buffer.from('1'));
    assert.equal(r.succeeded, true);
    assert.equal((await kv.range('/m', undefined)).kvs[0].value.toString(), '1');
    await kv.close();
  });

  test('listing 10,000 keys is quick, now and at a past revision', async () => {
    const db = tempDb();
    const kv = openSqliteKV({ path: db.file });
    try {
      const value = (i: number) =>
        Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'big' }, data: { v: 'x'.repeat(300) } }));
      await Promise.all(Array.from({ length: 10000 }, (_, i) => kv.create(`/big/${String(i).padStart(5, '0')}`, value(i))));
      const mark = await kv.currentRevision();
      await kv.create('/big/later', value(10000));
      const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
        const t = performance.now();
        const r = await fn();
        return [r, performance.now() - t];
      };
      const [now, currentMs] = await timed(() => kv.range('/big/', prefixEnd('/big/')));
      const [past, pastMs] = await timed(() => kv.range('/big/', prefixEnd('/big/'), { revision: mark }));
      const [page, pageMs] = await timed(() => kv.range('/big/05000', prefixEnd('/big/'), { revision: mark, limit: 500 }));
      const [list, listMs] = await timed(() => newKvStorage(kv).getList('/big/', { recursive: true }));
      assert.equal(now.kvs.length, 10001);
      assert.equal(past.kvs.length, 10000);
      assert.equal(page.kvs.length, 500);
      assert.equal(page.count, 5000);
      assert.equal(list.items.length, 10001);
      for (const [what, ms] of [['current', currentMs], ['past', pastMs], ['page', pageMs], ['storage', listMs]] as const) {
        assert.ok(ms < 1500, `${what} list of 10,000 keys took ${ms.toFixed(1)}ms`);
      }
    } finally {
      await kv.close();
      db.cleanup();
    }
  });

  test('every acknowledged write survives SIGKILL of the writing process', async () => {
    const db = tempDb();
    const child = fileURLToPath(new URL('./testdata/durability-child.js', import.meta.url));
    const proc = spawn(process.execPath, [child, db.file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let acks = 0;
    const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      out += chunk;
      acks += chunk.split('\n').length - 1;
      if (acks >= 300 && !proc.killed) proc.kill('SIGKILL');
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20000);
    await exited;
    clearTimeout(timer);
    const acked = out
      .split('\n')
      .slice(0, -1)
      .map((line) => {
        const [key, rev] = line.split(' ');
        return { key, rev: Number(rev) };
      });
    assert.ok(acked.length >= 300, `child acknowledged ${acked.length} writes`);
    const kv = openSqliteKV({ path: db.file });
    try {
      const r = await kv.range('/durable/', prefixEnd('/durable/'));
      const stored = new Map(r.kvs.map((k) => [k.key, k.modRevision]));
      for (const a of acked) assert.equal(stored.get(a.key), a.rev, `acknowledged ${a.key}@${a.rev} is on disk`);
    } finally {
      await kv.close();
      db.cleanup();
    }
  });
});
