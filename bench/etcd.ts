/**
 * etcd write throughput: plain puts through the `etcd3` client next to
 * creates through kapi's EtcdKV (a compare-and-put transaction each), so the
 * cost of the KV layer over the raw client shows.
 *
 * Run alone (`node dist/bench/etcd.js [--quick]`) it starts a single-member
 * etcd on tmpfs and prints both rates at concurrency 1 and 64; bench/main.ts
 * may import the two functions instead.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Etcd3 } from 'etcd3';
import { openEtcdKV } from '../src/storage/etcd3/kv.js';
import { startEtcd } from '../src/storage/testing/etcd.js';

/** A value of about 400 bytes, like a small ConfigMap. */
const VALUE = Buffer.from(
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench', namespace: 'bench' }, data: { payload: 'x'.repeat(300) } }),
);

/** Runs `ops` operations with `concurrency` in flight; returns ops/s. */
async function drive(ops: number, concurrency: number, op: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < ops) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return ops / ((performance.now() - t0) / 1000);
}

/** Plain puts of distinct keys through the etcd3 client; returns ops/s. */
export async function benchRawEtcdPuts(endpoints: string[], concurrency: number, ops: number): Promise<number> {
  const client = new Etcd3({ hosts: endpoints });
  const run = randomBytes(4).toString('hex');
  try {
    await client.put(`/bench-raw/${run}/warmup`).value(VALUE);
    return await drive(ops, concurrency, async (i) => {
      await client.put(`/bench-raw/${run}/${i}`).value(VALUE);
    });
  } finally {
    await client.delete().prefix(`/bench-raw/${run}/`).catch(() => undefined);
    client.close();
  }
}

/** Creates of distinct keys through EtcdKV; returns ops/s. Throws if a create does not succeed. */
export async function benchEtcdKvCreates(endpoints: string[], concurrency: number, ops: number): Promise<number> {
  const kv = openEtcdKV({ endpoints });
  const run = randomBytes(4).toString('hex');
  const key = (i: number | string) => `/registry/bench-kv/${run}/${i}`;
  try {
    await kv.create(key('warmup'), VALUE);
    return await drive(ops, concurrency, async (i) => {
      const r = await kv.create(key(i), VALUE);
      if (!r.succeeded) throw new Error(`create of ${key(i)} did not succeed`);
    });
  } finally {
    await kv.close();
    const client = new Etcd3({ hosts: endpoints });
    await client.delete().prefix(`/registry/bench-kv/${run}/`).catch(() => undefined);
    client.close();
  }
}

async function main(): Promise<void> {
  const ops = process.argv.includes('--quick') ? 1000 : 5000;
  const etcd = await startEtcd();
  try {
    for (const concurrency of [1, 64]) {
      const raw = await benchRawEtcdPuts(etcd.endpoints, concurrency, ops);
      const kv = await benchEtcdKvCreates(etcd.endpoints, concurrency, ops);
      console.log(
        `concurrency ${String(concurrency).padStart(2)}: raw puts ${raw.toFixed(0)} ops/s, EtcdKV creates ${kv.toFixed(0)} ops/s (${((kv / raw) * 100).toFixed(0)}%)`,
      );
    }
  } finally {
    await etcd.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
