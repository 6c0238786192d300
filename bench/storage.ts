/**
 * Storage-layer benchmarks, used by the project benchmark. Every function runs
 * a bounded number of operations against a fresh database in a temporary
 * directory (removed afterwards) and returns throughput in operations per
 * second; nothing is printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { KubeObject } from '../src/runtime/object.js';
import { newKvStorage } from '../src/storage/kvstore/index.js';
import { openSqliteKV, type SqliteKVOptions } from '../src/storage/sqlite/index.js';

/** Default number of operations per measurement. */
export const DEFAULT_OPS = 2000;

/** A ~400-byte value, the size of a small Kubernetes object. */
const VALUE = Buffer.alloc(400, 'x');

async function inTempDir<T>(fn: (file: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kapi-bench-'));
  try {
    return await fn(path.join(dir, 'bench.db'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function perSecond(ops: number, startMs: number): number {
  return Math.round((ops * 1000) / (performance.now() - startMs));
}

/** Runs `total` calls of `op` with `concurrency` callers in flight; returns ops/s. */
async function drive(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      while (next < total) await op(next++);
    }),
  );
  return perSecond(total, start);
}

/** Raw better-sqlite3 baseline: WAL, synchronous=FULL, ~400-byte rows. */
export interface RawSqliteResult {
  /** One durable commit per insert. */
  perCommit: number;
  /** All inserts in one transaction. */
  grouped: number;
}

/** Raw better-sqlite3 inserts, one commit each and all in one transaction (ops/s). */
export async function benchRawSqlite(ops = DEFAULT_OPS): Promise<RawSqliteResult> {
  return inTempDir(async (file) => {
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT NOT NULL, v BLOB NOT NULL)');
      const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
      let start = performance.now();
      for (let i = 0; i < ops; i++) insert.run(`/one/${i}`, VALUE);
      const perCommit = perSecond(ops, start);
      start = performance.now();
      db.transaction(() => {
        for (let i = 0; i < ops; i++) insert.run(`/group/${i}`, VALUE);
      })();
      const grouped = perSecond(ops, start);
      return { perCommit, grouped };
    } finally {
      db.close();
    }
  });
}

/** KV creates through SqliteKV with `concurrency` writers in flight (ops/s). */
export async function benchKvCreates(
  concurrency: number,
  ops = DEFAULT_OPS,
  writer: SqliteKVOptions['writer'] = 'thread',
): Promise<number> {
  return inTempDir(async (file) => {
    const kv = openSqliteKV({ path: file, writer });
    try {
      await kv.create('/warmup', VALUE);
      return await drive(ops, concurrency, (i) => kv.create(`/bench/${i}`, VALUE));
    } finally {
      await kv.close();
    }
  });
}

/** Storage throughput per operation kind (ops/s). */
export interface StorageBenchResult {
  creates: number;
  gets: number;
  updates: number;
}

function configMap(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `cm-${i}`,
      namespace: 'bench',
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      creationTimestamp: '2025-01-01T00:00:00Z',
      labels: { app: 'bench' },
    },
    data: { payload: 'x'.repeat(200) },
  };
}

/** Storage creates, gets and guaranteedUpdates over SQLite, `concurrency` callers in flight. */
export async function benchStorage(concurrency = 32, ops = DEFAULT_OPS): Promise<StorageBenchResult> {
  return inTempDir(async (file) => {
    const kv = openSqliteKV({ path: file });
    const storage = newKvStorage(kv);
    const key = (i: number) => `/registry/configmaps/bench/cm-${i}`;
    try {
      const creates = await drive(ops, concurrency, (i) => storage.create(key(i), configMap(i)));
      const gets = await drive(ops, concurrency, (i) => storage.get(key(i)));
      const updates = await drive(ops, concurrency, (i) =>
        storage.guaranteedUpdate(key(i), false, undefined, (cur) => ({
          ...cur!,
          data: { payload: 'y'.repeat(200) },
        })),
      );
      return { creates, gets, updates };
    } finally {
      await kv.close();
    }
  });
}
