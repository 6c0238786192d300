/**
 * `npm run bench`: kapi measured over HTTP/2 with the admin client
 * certificate (as client-go talks to it), next to the raw stores in the same
 * run.
 *
 * Reports, on the SQLite backend: ready time; ConfigMap creates/s at
 * concurrency 1 and 32; gets/s; updates/s; list of 2,000 and 10,000
 * ConfigMaps (ms and bytes); 1,000 concurrent watchers on one resource (event
 * delivery latency p50/p99 from the write's acknowledgement, and kapi's RSS
 * before/after); a list of 10,000 pods from the watch cache
 * (`resourceVersion=0`) and from the store (`--watch-cache=false`, the same
 * data); raw SQLite inserts. On etcd (a throwaway single member): creates/s
 * through kapi at concurrency 32 next to raw etcd puts at concurrency 32.
 * Security: GETs/s of a non-admin user under AlwaysAllow and under RBAC with
 * 100 roles and 100 bindings, and GETs/s without audit and with audit at
 * Metadata and RequestResponse levels. Admission: create latency with no
 * webhooks, one local validating webhook, and three CEL policies. And the
 * ratios between them.
 */
import { spawn } from 'node:child_process';
import { connect, type ClientHttp2Session } from 'node:http2';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { parse } from 'yaml';
import { benchRawSqlite } from './storage.js';
import { benchRawEtcdPuts } from './etcd.js';
import { benchWatchers, rssKiB } from './watch.js';
import { startEtcd } from '../src/storage/testing/etcd.js';
import { issueClientCert } from '../src/server/certs/pki.js';
import { allow as allowReview, makeWebhookPki, startWebhookServer } from '../test/support/webhook-server.js';

const repoRoot = resolve(new URL('../..', import.meta.url).pathname);
const quick = process.argv.includes('--quick');
const scale = quick ? 0.2 : 1;

interface Server {
  port: number;
  pid: number;
  kubeconfig: string;
  readyMs: number;
  selfReportedMs: number;
  stop(): Promise<void>;
}

async function startServer(dataDir: string, args: string[] = []): Promise<Server> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [join(repoRoot, 'bin/kapi.js'), 'serve', '--secure-port=0', `--data-dir=${dataDir}`, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
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
    pid: proc.pid ?? 0,
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
/** The CA and admin client certificate of a kubeconfig. */
function credentials(kubeconfig: string): { ca: string; cert: string; key: string } {
  const kc = parse(readFileSync(kubeconfig, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64').toString();
  return {
    ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
    cert: b64(kc.users[0].user['client-certificate-data']),
    key: b64(kc.users[0].user['client-key-data']),
  };
}

class Client {
  private readonly session: ClientHttp2Session;
  constructor(port: number, kubeconfig: string, identity?: { cert: string; key: string }) {
    this.session = connect(`https://127.0.0.1:${port}`, { ...credentials(kubeconfig), ...(identity ?? {}) });
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

/** Median time of `runs` GETs of a list path; also its size and item count. */
async function listTiming(c: Client, path: string, runs: number): Promise<{ ms: number; bytes: number; items: number }> {
  const times: number[] = [];
  let bytes = 0;
  let items = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await c.request('GET', path);
    times.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text.slice(0, 200)}`);
    bytes = r.bytes;
    items = JSON.parse(r.text).items.length;
  }
  return { ms: median(times), bytes, items };
}

/** A small pod (defaults fill in the rest). */
function pod(name: string): object {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'bench' } }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0' }] } };
}

/** Labelled figures in print order; a `null` value starts a section. */
type Results = [label: string, value: number | string | null][];

/** kapi on SQLite: the request mix, lists, watch fan-out, pods from the cache and the store. */
async function benchSqlite(results: Results): Promise<void> {
  const put = (k: string, v: number | string) => results.push([k, v]);
  const section = (title: string) => results.push([title, null]);
  section('kapi on SQLite');
  const dataDir = mkdtempSync(join(tmpdir(), 'kapi-bench-'));
  try {
    const server = await startServer(dataDir);
    put('ready (process start → ready line), ms', Math.round(server.readyMs));
    put('ready (server-reported), ms', server.selfReportedMs);
    const c = new Client(server.port, server.kubeconfig);
    const nPods = Math.round(10000 * scale);
    try {
      for (const ns of ['bench', 'list2k', 'list10k', 'pods']) await c.request('POST', '/api/v1/namespaces', { metadata: { name: ns } });
      const n1 = Math.round(1000 * scale);
      const n32 = Math.round(5000 * scale);
      put('creates/s, concurrency 1', Math.round(await drive(n1, 1, (i) => c.request('POST', '/api/v1/namespaces/bench/configmaps', configMap(`c1-${i}`)))));
      put('creates/s, concurrency 32', Math.round(await drive(n32, 32, (i) => c.request('POST', '/api/v1/namespaces/bench/configmaps', configMap(`c32-${i}`)))));
      put('gets/s, concurrency 32', Math.round(await drive(n32, 32, (i) => c.request('GET', `/api/v1/namespaces/bench/configmaps/c32-${i % n32}`))));
      put('gets/s, concurrency 1', Math.round(await drive(n1, 1, (i) => c.request('GET', `/api/v1/namespaces/bench/configmaps/c32-${i % n32}`))));
      put(
        'updates/s, concurrency 32',
        Math.round(await drive(n32, 32, (i) => c.request('PUT', `/api/v1/namespaces/bench/configmaps/c32-${i}`, { ...configMap(`c32-${i}`), data: { payload: 'y'.repeat(300) } }))),
      );
      await drive(Math.round(2000 * scale), 32, (i) => c.request('POST', '/api/v1/namespaces/list2k/configmaps', configMap(`l-${i}`)));
      await drive(Math.round(10000 * scale), 32, (i) => c.request('POST', '/api/v1/namespaces/list10k/configmaps', configMap(`l-${i}`)));
      const l2 = await listTiming(c, '/api/v1/namespaces/list2k/configmaps', 5);
      const l10 = await listTiming(c, '/api/v1/namespaces/list10k/configmaps', 5);
      put(`list of ${l2.items} ConfigMaps, ms (median of 5)`, Math.round(l2.ms));
      put(`list of ${l2.items} ConfigMaps, bytes`, l2.bytes);
      put(`list of ${l10.items} ConfigMaps, ms (median of 5)`, Math.round(l10.ms));
      put(`list of ${l10.items} ConfigMaps, bytes`, l10.bytes);

      // Watch fan-out.
      const w = await benchWatchers({
        url: `https://127.0.0.1:${server.port}`,
        credentials: credentials(server.kubeconfig),
        pid: server.pid,
        namespace: 'watch',
        watchers: quick ? 250 : 1000,
        connections: 4,
        writes: Math.round(200 * scale),
      });
      section(`watch fan-out: ${w.watchers} watchers of one resource on ${w.connections} HTTP/2 connections, ${w.writes} sequential writes`);
      put('time to open every watch, ms', Math.round(w.openMs));
      put('delivery latency, write acknowledged → event received, p50, ms', w.p50Ms.toFixed(1));
      put('delivery latency, write acknowledged → event received, p99, ms', w.p99Ms.toFixed(1));
      put('delivery latency, write acknowledged → event received, max, ms', w.maxMs.toFixed(1));
      put('  (negative: the event arrived before the writer got its 201); share, %', (w.beforeAckShare * 100).toFixed(1));
      put('delivery latency, write sent → event received, p50, ms', w.sentP50Ms.toFixed(1));
      put('delivery latency, write sent → event received, p99, ms', w.sentP99Ms.toFixed(1));
      put('events delivered, count', w.deliveries);
      put('kapi RSS before the watchers, MiB', (w.rssBeforeKiB / 1024).toFixed(1));
      put('kapi RSS with the watchers open, MiB', (w.rssOpenKiB / 1024).toFixed(1));
      put('kapi RSS after the writes, MiB', (w.rssAfterKiB / 1024).toFixed(1));
      put('kapi RSS per open watcher, KiB', ((w.rssOpenKiB - w.rssBeforeKiB) / w.watchers).toFixed(1));

      section(`${nPods} pods: cache vs store`);
      // Pods: created once, listed from the watch cache here, from the store after a restart without it.
      put(`creates/s of pods, concurrency 32 (${nPods})`, Math.round(await drive(nPods, 32, (i) => c.request('POST', '/api/v1/namespaces/pods/pods', pod(`p-${i}`)))));
      const cachedList = await listTiming(c, '/api/v1/namespaces/pods/pods?resourceVersion=0', 5);
      if (cachedList.items !== nPods) throw new Error(`cached list has ${cachedList.items} pods, want ${nPods}`);
      put(`list of ${nPods} pods from the watch cache (resourceVersion=0), ms (median of 5)`, Math.round(cachedList.ms));
      put(`list of ${nPods} pods, consistent (resourceVersion unset, cache on), ms (median of 5)`, Math.round((await listTiming(c, '/api/v1/namespaces/pods/pods', 5)).ms));
      put(`list of ${nPods} pods, bytes`, cachedList.bytes);
      put('kapi RSS at the end (cache on), MiB', (rssKiB(server.pid) / 1024).toFixed(1));
    } finally {
      c.close();
      await server.stop();
    }
    const uncached = await startServer(dataDir, ['--watch-cache=false']);
    const c2 = new Client(uncached.port, uncached.kubeconfig);
    try {
      const stored = await listTiming(c2, '/api/v1/namespaces/pods/pods', 5);
      if (stored.items !== nPods) throw new Error(`store list has ${stored.items} pods, want ${nPods}`);
      put(`list of ${nPods} pods from the store (resourceVersion unset, --watch-cache=false), ms (median of 5)`, Math.round(stored.ms));
      put('kapi RSS after that list (cache off), MiB', (rssKiB(uncached.pid) / 1024).toFixed(1));
    } finally {
      c2.close();
      await uncached.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  section('raw SQLite, same machine, same run');
  const raw = await benchRawSqlite(Math.round(2000 * scale));
  const raw32 = rawGrouped(Math.round(5000 * scale), 32);
  put('raw SQLite inserts/s, one durable commit each', Math.round(raw.perCommit));
  put('raw SQLite inserts/s, durable commit per 32', Math.round(raw32));
  put('raw SQLite inserts/s, all in one transaction', Math.round(raw.grouped));
}

/** kapi on a throwaway etcd: creates at concurrency 32 next to raw etcd puts at concurrency 32. */
async function benchEtcd(results: Results): Promise<void> {
  const put = (k: string, v: number | string) => results.push([k, v]);
  results.push(['etcd (one throwaway member on tmpfs), same run', null]);
  const ops = Math.round(3000 * scale);
  const etcd = await startEtcd();
  const dataDir = mkdtempSync(join(tmpdir(), 'kapi-bench-etcd-'));
  try {
    const server = await startServer(dataDir, [`--etcd-servers=${etcd.endpoints.join(',')}`, '--etcd-prefix=/bench']);
    const c = new Client(server.port, server.kubeconfig);
    try {
      await c.request('POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
      put(`kapi creates/s on etcd, concurrency 32 (${ops} ConfigMaps)`, Math.round(await drive(ops, 32, (i) => c.request('POST', '/api/v1/namespaces/bench/configmaps', configMap(`e-${i}`)))));
    } finally {
      c.close();
      await server.stop();
    }
    put(`raw etcd puts/s, concurrency 32 (${ops} keys, etcd3 client)`, Math.round(await benchRawEtcdPuts(etcd.endpoints, 32, ops)));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await etcd.destroy();
  }
}

/** A client certificate for `user` signed by the CA of a kapi data dir. */
async function userIdentity(dataDir: string, user: string): Promise<{ cert: string; key: string }> {
  const pki = { caCertPem: readFileSync(join(dataDir, 'pki/ca.crt'), 'utf8'), caKeyPem: readFileSync(join(dataDir, 'pki/ca.key'), 'utf8') } as Parameters<typeof issueClientCert>[0];
  const { certPem, keyPem } = await issueClientCert(pki, user, []);
  return { cert: certPem, key: keyPem };
}

/** Runs `fn` against a fresh server started with `args`. */
async function withServer<T>(args: string[], fn: (server: Server, dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapi-bench-sec-'));
  const server = await startServer(dataDir, args);
  try {
    return await fn(server, dataDir);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** GETs/s as a non-admin user under AlwaysAllow and under RBAC with 100 roles and 100 bindings; the cost of audit levels. */
async function benchSecurity(results: Results): Promise<void> {
  const put = (k: string, v: number | string) => results.push([k, v]);
  const n = Math.round(4000 * scale);
  results.push(['authorization and audit (GETs of one ConfigMap, concurrency 32)', null]);
  const getsAs = async (server: Server, dataDir: string, setup: (admin: Client) => Promise<void>): Promise<number> => {
    const admin = new Client(server.port, server.kubeconfig);
    await admin.request('POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
    await admin.request('POST', '/api/v1/namespaces/bench/configmaps', configMap('target'));
    await setup(admin);
    admin.close();
    const bob = new Client(server.port, server.kubeconfig, await userIdentity(dataDir, 'bob'));
    try {
      return await drive(n, 32, () => bob.request('GET', '/api/v1/namespaces/bench/configmaps/target'));
    } finally {
      bob.close();
    }
  };
  put('GETs/s as user bob, --authorization-mode=AlwaysAllow', Math.round(await withServer(['--authorization-mode=AlwaysAllow'], (s, d) => getsAs(s, d, async () => undefined))));
  const rbacSetup = async (admin: Client) => {
    const rbac = '/apis/rbac.authorization.k8s.io/v1/namespaces/bench';
    for (let i = 0; i < 100; i++) {
      await admin.request('POST', `${rbac}/roles`, { metadata: { name: `role-${i}` }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: i === 99 ? ['get'] : ['list'], resourceNames: i === 99 ? [] : [`cm-${i}`] }] });
      await admin.request('POST', `${rbac}/rolebindings`, { metadata: { name: `binding-${i}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `role-${i}` }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: i === 99 ? 'bob' : `user-${i}` }] });
    }
    // The informer sees the last binding before the run starts.
    for (let i = 0; i < 100; i++) {
      const r = await admin.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { spec: { user: 'bob', resourceAttributes: { namespace: 'bench', verb: 'get', resource: 'configmaps', name: 'target' } } });
      if (JSON.parse(r.text).status?.allowed) break;
      await new Promise((res) => setTimeout(res, 20));
    }
  };
  put('GETs/s as user bob, --authorization-mode=Node,RBAC (100 roles, 100 bindings)', Math.round(await withServer(['--authorization-mode=Node,RBAC'], (s, d) => getsAs(s, d, rbacSetup))));
  const policyDir = mkdtempSync(join(tmpdir(), 'kapi-bench-audit-'));
  try {
    const runAudit = async (level: string | undefined): Promise<number> => {
      const args: string[] = [];
      if (level) {
        writeFileSync(join(policyDir, `${level}.yaml`), `apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: ${level}\n`);
        args.push(`--audit-policy-file=${join(policyDir, `${level}.yaml`)}`, `--audit-log-path=${join(policyDir, `${level}.log`)}`);
      }
      return withServer(args, async (server) => {
        const admin = new Client(server.port, server.kubeconfig);
        try {
          await admin.request('POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
          await admin.request('POST', '/api/v1/namespaces/bench/configmaps', configMap('target'));
          return await drive(n, 32, () => admin.request('GET', '/api/v1/namespaces/bench/configmaps/target'));
        } finally {
          admin.close();
        }
      });
    };
    put('GETs/s as admin, no audit', Math.round(await runAudit(undefined)));
    put('GETs/s as admin, audit level Metadata (log file)', Math.round(await runAudit('Metadata')));
    put('GETs/s as admin, audit level RequestResponse (log file)', Math.round(await runAudit('RequestResponse')));
  } finally {
    rmSync(policyDir, { recursive: true, force: true });
  }
}

/** Median and p99 of `n` sequential calls of `op`, in ms. */
async function latencies(n: number, op: (i: number) => Promise<{ status: number; text: string }>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await op(i);
    times.push(performance.now() - t);
    if (r.status >= 300) throw new Error(`operation ${i} failed: ${r.status} ${r.text.slice(0, 200)}`);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n / 2)], p99: times[Math.min(n - 1, Math.floor(n * 0.99))] };
}

/** Create latency with no webhooks, with one local validating webhook, and with three CEL policies. */
async function benchAdmission(results: Results): Promise<void> {
  const put = (k: string, v: number | string) => results.push([k, v]);
  const n = Math.round(1000 * scale);
  results.push([`admission: ConfigMap create latency, ${n} sequential creates each`, null]);
  const pki = await makeWebhookPki();
  const hook = await startWebhookServer(pki, { '/validate': () => allowReview() });
  try {
    await withServer([], async (server) => {
      const c = new Client(server.port, server.kubeconfig);
      try {
        await c.request('POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
        const create = (prefix: string) => (i: number) => c.request('POST', '/api/v1/namespaces/bench/configmaps', configMap(`${prefix}-${i}`));
        const show = (label: string, l: { p50: number; p99: number }) => {
          put(`${label}, p50 ms`, l.p50.toFixed(2));
          put(`${label}, p99 ms`, l.p99.toFixed(2));
        };
        show('no webhooks, no policies', await latencies(n, create('plain')));
        const rules = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }];
        await c.request('POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', {
          metadata: { name: 'bench-hook' },
          webhooks: [{ name: 'bench.kapi.dev', clientConfig: { url: hook.url('/validate'), caBundle: pki.caBundle }, rules, sideEffects: 'None', admissionReviewVersions: ['v1'], failurePolicy: 'Fail' }],
        });
        // Wait until the webhook is called, then measure.
        for (let i = 0; hook.received.length === 0 && i < 200; i++) await create('warm')(i);
        if (hook.received.length === 0) throw new Error('the benchmark webhook was never called');
        show('one validating webhook on 127.0.0.1 (HTTPS)', await latencies(n, create('hooked')));
        await c.request('DELETE', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/bench-hook');
        const expressions = ['object.metadata.name.size() < 64', "!object.metadata.name.startsWith('deny-')", "!has(object.data) || object.data.all(k, k.size() < 64)"];
        for (const [i, expression] of expressions.entries()) {
          await c.request('POST', '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies', {
            metadata: { name: `bench-policy-${i}` },
            spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: rules }, validations: [{ expression }] },
          });
          await c.request('POST', '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings', {
            metadata: { name: `bench-binding-${i}` },
            spec: { policyName: `bench-policy-${i}`, validationActions: ['Deny'] },
          });
        }
        // Wait until the policies are in force (a `deny-` name is refused), then measure.
        let active = false;
        for (let i = 0; !active && i < 200; i++) {
          const r = await c.request('POST', '/api/v1/namespaces/bench/configmaps', configMap(`deny-${i}`));
          active = r.status >= 400;
          if (!active) await new Promise((res) => setTimeout(res, 10));
        }
        if (!active) throw new Error('the benchmark policies never took effect');
        show('three ValidatingAdmissionPolicies (CEL)', await latencies(n, create('policed')));
      } finally {
        c.close();
      }
    });
  } finally {
    await hook.close();
    pki.cleanup();
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const results: Results = [];
  await benchSqlite(results);
  await benchEtcd(results);
  await benchSecurity(results);
  await benchAdmission(results);
  results.push(['ratios', null]);
  const value = (label: string) => Number(results.find(([k]) => k === label)?.[1]);
  const ratio = (label: string, a: string, b: string) => results.push([label, (value(a) / value(b)).toFixed(2)]);
  ratio('ratio: creates c=1 / raw SQLite commit each', 'creates/s, concurrency 1', 'raw SQLite inserts/s, one durable commit each');
  ratio('ratio: creates c=32 / raw SQLite commit per 32', 'creates/s, concurrency 32', 'raw SQLite inserts/s, durable commit per 32');
  ratio('ratio: creates c=32 / raw SQLite one transaction', 'creates/s, concurrency 32', 'raw SQLite inserts/s, all in one transaction');
  const etcdKapi = results.find(([k]) => k.startsWith('kapi creates/s on etcd'))?.[0] ?? '';
  const etcdRaw = results.find(([k]) => k.startsWith('raw etcd puts/s'))?.[0] ?? '';
  ratio('ratio: etcd kapi creates c=32 / raw etcd puts c=32', etcdKapi, etcdRaw);
  const podsCache = results.find(([k]) => k.includes('pods from the watch cache'))?.[0] ?? '';
  const podsStore = results.find(([k]) => k.includes('pods from the store'))?.[0] ?? '';
  ratio('ratio: pods list from the store / from the watch cache', podsStore, podsCache);
  ratio('ratio: RBAC / AlwaysAllow GETs', 'GETs/s as user bob, --authorization-mode=Node,RBAC (100 roles, 100 bindings)', 'GETs/s as user bob, --authorization-mode=AlwaysAllow');
  ratio('ratio: audit Metadata / no audit GETs', 'GETs/s as admin, audit level Metadata (log file)', 'GETs/s as admin, no audit');
  ratio('ratio: audit RequestResponse / no audit GETs', 'GETs/s as admin, audit level RequestResponse (log file)', 'GETs/s as admin, no audit');
  results.push(['benchmark wall time, s', ((performance.now() - t0) / 1000).toFixed(0)]);
  const width = Math.max(...results.filter(([, v]) => v !== null).map(([k]) => k.length));
  process.stdout.write(`kapi benchmark (SQLite and etcd backends${quick ? ', --quick' : ''})\n`);
  for (const [k, v] of results) process.stdout.write(v === null ? `\n== ${k} ==\n` : `${k.padEnd(width)}  ${v}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
