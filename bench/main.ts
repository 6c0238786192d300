/**
 * `npm run bench`: kapi on the SQLite backend, measured over HTTP/2 with the
 * admin client certificate (as client-go talks to it), next to the same
 * writes done directly on SQLite in the same run.
 *
 * Reports: ready time; ConfigMap creates/s at concurrency 1 and 32; gets/s;
 * updates/s; list of 2,000 and 10,000 ConfigMaps (ms and bytes); raw SQLite
 * inserts (one durable commit each, in groups of 32, and all in one
 * transaction); and the ratios between them.
 */
import { spawn } from 'node:child_process';
import { connect, type ClientHttp2Session } from 'node:http2';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { parse } from 'yaml';
import { benchRawSqlite } from './storage.js';

const repoRoot = resolve(new URL('../..', import.meta.url).pathname);
const quick = process.argv.includes('--quick');
const scale = quick ? 0.2 : 1;

interface Server {
  port: number;
  kubeconfig: string;
  readyMs: number;
  selfReportedMs: number;
  stop(): Promise<void>;
}

async function startServer(dataDir: string): Promise<Server> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [join(repoRoot, 'bin/kapi.js'), 'serve', '--secure-port=0', `--data-dir=${dataDir}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const port = await new Promise<number>((res, rej) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving on https:\/\/[^:]+:(\d+).*ready in (\d+) ms/.exec(out);
      if (m && out.includes('export KUBECONFIG')) res(Number(m[1]));
    });
    proc.on('exit', (c) => rej(new Error(`kapi exited ${c}: ${out}`)));
  });
  const readyMs = performance.now() - t0;
  const selfReportedMs = Number(/ready in (\d+) ms/.exec(out)?.[1] ?? 0);
  return {
    port,
    kubeconfig: join(dataDir, 'admin.kubeconfig'),
    readyMs,
    selfReportedMs,
    stop: () =>
      new Promise((r) => {
        proc.on('exit', () => r());
        proc.kill('SIGTERM');
      }),
  };
}

/** A small HTTP/2 client with the kubeconfig's credentials. */
class Client {
  private readonly session: ClientHttp2Session;
  constructor(port: number, kubeconfig: string) {
    const kc = parse(readFileSync(kubeconfig, 'utf8'));
    const b64 = (s: string) => Buffer.from(s, 'base64').toString();
    this.session = connect(`https://127.0.0.1:${port}`, {
      ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
      cert: b64(kc.users[0].user['client-certificate-data']),
      key: b64(kc.users[0].user['client-key-data']),
    });
    this.session.on('error', () => undefined);
  }

  request(method: string, path: string, body?: unknown): Promise<{ status: number; bytes: number; text: string }> {
    return new Promise((res, rej) => {
      const headers: Record<string, string> = { ':method': method, ':path': path, accept: 'application/json' };
      let payload: Buffer | undefined;
      if (body !== undefined) {
        payload = Buffer.from(JSON.stringify(body));
        headers['content-type'] = 'application/json';
      }
      const req = this.session.request(headers);
      let status = 0;
      const chunks: Buffer[] = [];
      req.on('response', (h) => (status = Number(h[':status'])));
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const buf = Buffer.concat(chunks);
        res({ status, bytes: buf.length, text: buf.toString() });
      });
      req.on('error', rej);
      req.end(payload);
    });
  }

  close(): void {
    this.session.close();
  }
}

/** Runs `n` operations with `concurrency` in flight; returns ops/s. Throws on any non-2xx answer. */
async function drive(n: number, concurrency: number, op: (i: number) => Promise<{ status: number; text: string }>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const r = await op(i);
      if (r.status >= 300) throw new Error(`operation ${i} failed: ${r.status} ${r.text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return n / ((performance.now() - t0) / 1000);
}

/** A ConfigMap of about 400 bytes. */
function configMap(name: string): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'bench', tier: 'load' } }, data: { payload: 'x'.repeat(300) } };
}

/** Raw SQLite inserts committed in groups of `group` rows (one fsync per group). */
function rawGrouped(ops: number, group: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'kapi-bench-raw-'));
  try {
    const db = new Database(join(dir, 'raw.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT NOT NULL, v BLOB NOT NULL)');
    const ins = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    const value = Buffer.alloc(400, 'x');
    const batch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) ins.run(`/registry/configmaps/bench/cm-${i}`, value);
    });
    const t0 = performance.now();
    for (let i = 0; i < ops; i += group) batch(i, Math.min(ops, i + group));
    const rate = ops / ((performance.now() - t0) / 1000);
    db.close();
    return rate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function listTiming(c: Client, ns: string, runs: number): Promise<{ ms: number; bytes: number; items: number }> {
  const times: number[] = [];
  let bytes = 0;
  let items = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await c.request('GET', `/api/v1/namespaces/${ns}/configmaps`);
    times.push(performance.now() - t0);
    bytes = r.bytes;
    items = JSON.parse(r.text).items.length;
  }
  return { ms: median(times), bytes, items };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapi-bench-'));
  const results: Record<string, number | string> = {};
  const server = await startServer(dataDir);
  results['ready (process start → ready line), ms'] = Math.round(server.readyMs);
  results['ready (server-reported), ms'] = server.selfReportedMs;
  const c = new Client(server.port, server.kubeconfig);
  try {
    for (const ns of ['bench', 'list2k', 'list10k']) await c.request('POST', '/api/v1/namespaces', { metadata: { name: ns } });
    const n1 = Math.round(1000 * scale);
    const n32 = Math.round(5000 * scale);
    results['creates/s, concurrency 1'] = Math.round(await drive(n1, 1, (i) => c.request('POST', '/api/v1/namespaces/bench/configmaps', configMap(`c1-${i}`))));
    results['creates/s, concurrency 32'] = Math.round(await drive(n32, 32, (i) => c.request('POST', '/api/v1/namespaces/bench/configmaps', configMap(`c32-${i}`))));
    results['gets/s, concurrency 32'] = Math.round(await drive(n32, 32, (i) => c.request('GET', `/api/v1/namespaces/bench/configmaps/c32-${i % n32}`)));
    results['gets/s, concurrency 1'] = Math.round(await drive(n1, 1, (i) => c.request('GET', `/api/v1/namespaces/bench/configmaps/c32-${i % n32}`)));
    results['updates/s, concurrency 32'] = Math.round(
      await drive(n32, 32, (i) => c.request('PUT', `/api/v1/namespaces/bench/configmaps/c32-${i}`, { ...configMap(`c32-${i}`), data: { payload: 'y'.repeat(300) } })),
    );
    await drive(Math.round(2000 * scale), 32, (i) => c.request('POST', '/api/v1/namespaces/list2k/configmaps', configMap(`l-${i}`)));
    await drive(Math.round(10000 * scale), 32, (i) => c.request('POST', '/api/v1/namespaces/list10k/configmaps', configMap(`l-${i}`)));
    const l2 = await listTiming(c, 'list2k', 5);
    const l10 = await listTiming(c, 'list10k', 5);
    results[`list of ${l2.items} ConfigMaps, ms (median of 5)`] = Math.round(l2.ms);
    results[`list of ${l2.items} ConfigMaps, bytes`] = l2.bytes;
    results[`list of ${l10.items} ConfigMaps, ms (median of 5)`] = Math.round(l10.ms);
    results[`list of ${l10.items} ConfigMaps, bytes`] = l10.bytes;
  } finally {
    c.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const raw = await benchRawSqlite(Math.round(2000 * scale));
  const raw32 = rawGrouped(Math.round(5000 * scale), 32);
  results['raw SQLite inserts/s, one durable commit each'] = Math.round(raw.perCommit);
  results['raw SQLite inserts/s, durable commit per 32'] = Math.round(raw32);
  results['raw SQLite inserts/s, all in one transaction'] = Math.round(raw.grouped);
  const r = (a: string, b: string) => (Number(results[a]) / Number(results[b])).toFixed(2);
  results['ratio: creates c=1 / raw commit each'] = r('creates/s, concurrency 1', 'raw SQLite inserts/s, one durable commit each');
  results['ratio: creates c=32 / raw commit per 32'] = r('creates/s, concurrency 32', 'raw SQLite inserts/s, durable commit per 32');
  results['ratio: creates c=32 / raw one transaction'] = r('creates/s, concurrency 32', 'raw SQLite inserts/s, all in one transaction');
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  process.stdout.write(`kapi benchmark (SQLite backend${quick ? ', --quick' : ''})\n`);
  for (const [k, v] of Object.entries(results)) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
