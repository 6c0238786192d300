/**
 * Real etcd processes for tests: one member (`startEtcd`) or a cluster
 * (`startEtcdCluster`), on free loopback ports, with data in a fresh temporary
 * directory (on /dev/shm when available, so fsync costs nothing).
 *
 * - A promise resolves only once the member(s) answer etcd's `/health` with
 *   `{"health":"true"}` (a leader exists and a read went through raft).
 * - The `etcd` binary is found on PATH (or in $ETCD_BIN). When it is missing
 *   the start fails with an error saying so: tests that need etcd never skip.
 * - Every process started here is killed by `destroy()`, and also when the
 *   test process exits without calling it or is ended by SIGINT, SIGTERM or
 *   SIGHUP (not by SIGKILL, which cannot be caught).
 * - `stopMember` waits for the cluster to settle (a new leader, or certainly
 *   none), so what a test observes next does not depend on which member led.
 * - Election timing is shortened (heartbeat 50 ms, election 500 ms by
 *   default) so that fault tests see a new leader quickly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Options of startEtcd and startEtcdCluster. */
export interface EtcdStartOptions {
  /** Raft heartbeat interval in ms (etcd --heartbeat-interval). Default 50. */
  heartbeatMs?: number;
  /** Raft election timeout in ms (etcd --election-timeout). Default 500. */
  electionMs?: number;
  /** How long to wait for the member(s) to become healthy. Default 30 s. */
  readyTimeoutMs?: number;
  /**
   * Serve clients over TLS (https URLs) and require client certificates
   * signed by `caFile` (etcd --client-cert-auth). The helper's own health
   * checks use `clientCertFile`/`clientKeyFile`.
   */
  tls?: EtcdTestTls;
}

/** PEM files for an etcd that serves clients over TLS. */
export interface EtcdTestTls {
  /** CA that signed the serving certificate and the client certificates. */
  caFile: string;
  /** Serving certificate (with IP SAN 127.0.0.1) and its key. */
  certFile: string;
  keyFile: string;
  /** A client certificate the helper's health checks present. */
  clientCertFile: string;
  clientKeyFile: string;
}

/** A running single-member etcd. */
export interface EtcdHandle {
  /** Client URLs (`http://127.0.0.1:port`, or https with `tls`). */
  readonly endpoints: string[];
  /** Stops the process(es) and removes the data. Safe to call twice. */
  destroy(): Promise<void>;
}

/** A running etcd cluster whose members tests may stop and start. */
export interface EtcdCluster extends EtcdHandle {
  /** Number of members. */
  readonly size: number;
  /** The client URL of member `i`. */
  endpoint(i: number): string;
  /** Whether member `i` is running. */
  running(i: number): boolean;
  /**
   * Kills member `i` (SIGKILL, like a crash), waits for it to exit, and with
   * `settle` (default) until the cluster has settled: when the running members
   * still form a quorum, until they are healthy under a leader (so writes
   * succeed again); otherwise until none of them has a leader any more (so
   * writes are refused at once and none is left pending in a leader's log).
   */
  stopMember(i: number, opts?: { settle?: boolean }): Promise<void>;
  /**
   * Starts member `i` again on its data and ports. With `wait` (default),
   * resolves once it is healthy, which needs a quorum of running members.
   */
  startMember(i: number, opts?: { wait?: boolean }): Promise<void>;
  /** Resolves once every running member reports healthy. */
  waitHealthy(timeoutMs?: number): Promise<void>;
}

const DEFAULTS = { heartbeatMs: 50, electionMs: 500, readyTimeoutMs: 30_000 };

/** Processes started and not yet stopped, killed if the test process exits. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Data directories not yet removed, removed too when the test process exits. */
const liveRoots = new Set<string>();

function killAll(): void {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const root of liveRoots) fs.rmSync(root, { recursive: true, force: true });
}

/** Kills the processes on exit, and on the signals that end a test run before it exits normally. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      // Then end as the signal would have without this handler.
      process.kill(process.pid, sig);
    });
  }
}

/** The etcd binary: $ETCD_BIN, else `etcd` on PATH. Throws a clear error when missing. */
export function etcdBinary(): string {
  const fromEnv = process.env.ETCD_BIN;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`ETCD_BIN=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'etcd');
    if (isExecutable(candidate)) return candidate;
  }
  throw new Error(
    'the etcd binary was not found on PATH (set ETCD_BIN or install it, e.g. `apt-get install etcd-server`); ' +
      'tests that need a real etcd cannot run without it',
  );
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A loopback TCP port that was free a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function tempRoot(): string {
  const shm = '/dev/shm';
  let base = os.tmpdir();
  try {
    fs.accessSync(shm, fs.constants.W_OK);
    base = shm;
  } catch {
    // no tmpfs: use the temp dir
  }
  return fs.mkdtempSync(path.join(base, 'kapi-etcd-'));
}

/** GET `path` of a member's client URL: status and body, or undefined when unreachable. */
function get(clientUrl: string, path: string, tls: EtcdTestTls | undefined, timeoutMs = 1000): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const onResponse = (res: http.IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(undefined));
    };
    const req = tls
      ? https.get(`${clientUrl}${path}`, { timeout: timeoutMs, ca: fs.readFileSync(tls.caFile), cert: fs.readFileSync(tls.clientCertFile), key: fs.readFileSync(tls.clientKeyFile) }, onResponse)
      : http.get(`${clientUrl}${path}`, { timeout: timeoutMs }, onResponse);
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** GET /health of one member: true when it reports healthy. */
async function checkHealth(m: Member): Promise<boolean> {
  const r = await get(m.clientUrl, '/health', m.tls);
  if (!r || r.status !== 200) return false;
  try {
    return (JSON.parse(r.body) as { health?: unknown }).health === 'true';
  } catch {
    return false;
  }
}

/** A member's `etcd_server_has_leader` gauge from /metrics (undefined when unreachable). */
async function hasLeader(m: Member): Promise<boolean | undefined> {
  const r = await get(m.clientUrl, '/metrics', m.tls);
  const g = r ? /^etcd_server_has_leader (\d+)/m.exec(r.body) : null;
  return g ? g[1] !== '0' : undefined;
}

interface MemberSpec {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  logFile: string;
}

class Member {
  proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(readonly spec: MemberSpec, private readonly args: string[], readonly tls: EtcdTestTls | undefined) {}

  get clientUrl(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.spec.clientPort}`;
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  start(): void {
    if (this.proc) return;
    installExitHook();
    const log = fs.openSync(this.spec.logFile, 'a');
    const proc = spawn(etcdBinary(), this.args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.proc = proc;
    live.add(proc);
    this.exited = new Promise<void>((resolve) => {
      proc.once('exit', () => {
        live.delete(proc);
        if (this.proc === proc) this.proc = undefined;
        resolve();
      });
      proc.once('error', () => {
        live.delete(proc);
        if (this.proc === proc) this.proc = undefined;
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    p.kill('SIGKILL');
    await this.exited;
  }

  /** The end of the member's log, for error messages. */
  logTail(): string {
    try {
      const text = fs.readFileSync(this.spec.logFile, 'utf8');
      return text.slice(-2000);
    } catch {
      return '';
    }
  }
}

/** Polls until no member of `members` has a leader. */
async function waitLeaderless(members: Member[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(members.map((m) => hasLeader(m)));
    if (states.every((s) => s === false)) return;
    if (Date.now() > deadline) throw new Error(`etcd members still had a leader after ${timeoutMs}ms without quorum`);
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls /health of `members` until all are healthy; fails early when one exits. */
async function waitMembersHealthy(members: Member[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = members.find((m) => !m.running);
    if (dead) throw new Error(`etcd member ${dead.spec.name} exited while starting; log:\n${dead.logTail()}`);
    const ok = await Promise.all(members.map((m) => checkHealth(m)));
    if (ok.every(Boolean)) return;
    if (Date.now() > deadline) {
      const bad = members.filter((_, i) => !ok[i]).map((m) => `${m.spec.name}:\n${m.logTail()}`);
      throw new Error(`etcd did not become healthy within ${timeoutMs}ms; logs:\n${bad.join('\n')}`);
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
  }
}

async function launch(size: number, opts: EtcdStartOptions): Promise<{ members: Member[]; root: string }> {
  const o = { ...DEFAULTS, ...opts };
  etcdBinary();
  const root = tempRoot();
  liveRoots.add(root);
  const token = `kapi-test-${randomBytes(6).toString('hex')}`;
  const specs: MemberSpec[] = [];
  for (let i = 0; i < size; i++) {
    const name = `m${i}`;
    const dataDir = path.join(root, name);
    specs.push({ name, clientPort: await freePort(), peerPort: await freePort(), dataDir, logFile: path.join(root, `${name}.log`) });
  }
  const initialCluster = specs.map((s) => `${s.name}=http://127.0.0.1:${s.peerPort}`).join(',');
  const scheme = o.tls ? 'https' : 'http';
  const tlsArgs = o.tls
    ? [`--cert-file=${o.tls.certFile}`, `--key-file=${o.tls.keyFile}`, `--trusted-ca-file=${o.tls.caFile}`, '--client-cert-auth']
    : [];
  const members = specs.map(
    (s) =>
      new Member(s, [
        `--name=${s.name}`,
        `--data-dir=${s.dataDir}`,
        `--listen-client-urls=${scheme}://127.0.0.1:${s.clientPort}`,
        `--advertise-client-urls=${scheme}://127.0.0.1:${s.clientPort}`,
        ...tlsArgs,
        `--listen-peer-urls=http://127.0.0.1:${s.peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${s.peerPort}`,
        `--initial-cluster=${initialCluster}`,
        '--initial-cluster-state=new',
        `--initial-cluster-token=${token}`,
        `--heartbeat-interval=${o.heartbeatMs}`,
        `--election-timeout=${o.electionMs}`,
        '--logger=zap',
        '--log-level=warn',
      ], o.tls),
  );
  for (const m of members) m.start();
  try {
    await waitMembersHealthy(members, o.readyTimeoutMs);
  } catch (err) {
    await Promise.all(members.map((m) => m.stop()));
    fs.rmSync(root, { recursive: true, force: true });
    liveRoots.delete(root);
    throw err;
  }
  return { members, root };
}

/** Starts, with one retry (a port taken between choosing and binding it). */
async function launchWithRetry(size: number, opts: EtcdStartOptions): Promise<{ members: Member[]; root: string }> {
  try {
    return await launch(size, opts);
  } catch (err) {
    if (err instanceof Error && /address already in use/.test(err.message)) return launch(size, opts);
    throw err;
  }
}

function destroyer(members: Member[], root: string): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () =>
    (done ??= (async () => {
      await Promise.all(members.map((m) => m.stop()));
      fs.rmSync(root, { recursive: true, force: true });
      liveRoots.delete(root);
    })());
}

/** Starts a single-member etcd and resolves once it is healthy. */
export async function startEtcd(opts: EtcdStartOptions = {}): Promise<EtcdHandle> {
  const { members, root } = await launchWithRetry(1, opts);
  return { endpoints: [members[0].clientUrl], destroy: destroyer(members, root) };
}

/** Starts an etcd cluster of `size` members and resolves once all are healthy. */
export async function startEtcdCluster(size = 3, opts: EtcdStartOptions = {}): Promise<EtcdCluster> {
  const readyTimeoutMs = opts.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs;
  const { members, root } = await launchWithRetry(size, opts);
  const member = (i: number) => {
    const m = members[i];
    if (!m) throw new Error(`no etcd member ${i} (cluster of ${size})`);
    return m;
  };
  return {
    size,
    endpoints: members.map((m) => m.clientUrl),
    endpoint: (i) => member(i).clientUrl,
    running: (i) => member(i).running,
    async stopMember(i, o = {}) {
      await member(i).stop();
      if (o.settle === false) return;
      const running = members.filter((m) => m.running);
      if (running.length === 0) return;
      if (running.length > size / 2) await waitMembersHealthy(running, readyTimeoutMs);
      else await waitLeaderless(running, readyTimeoutMs);
    },
    async startMember(i, o = {}) {
      const m = member(i);
      m.start();
      if (o.wait !== false) await waitMembersHealthy([m], readyTimeoutMs);
    },
    waitHealthy: (timeoutMs = readyTimeoutMs) => waitMembersHealthy(members.filter((m) => m.running), timeoutMs),
    destroy: destroyer(members, root),
  };
}
