/**
 * Watch fan-out benchmark: many concurrent watchers of one resource over
 * HTTP/2 streams multiplexed on a few connections (as client-go's shared
 * transport does), then writes one at a time; for each write, the time from
 * its acknowledgement (the 201 arriving at the writer) to each watcher
 * receiving the event (negative when the event came first), and from the
 * write being sent. Also the server's resident memory before and after.
 *
 * The watchers run in the benchmark process on the same machine, so the
 * figures include the client's own parsing of every event.
 */
import { connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** TLS material of the admin user. */
export interface BenchCredentials {
  ca: string;
  cert: string;
  key: string;
}

/** Options of {@link benchWatchers}. */
export interface WatchBenchOptions {
  /** Base URL of kapi (`https://127.0.0.1:port`). */
  url: string;
  credentials: BenchCredentials;
  /** kapi's process id, for its memory. */
  pid: number;
  /** Namespace to create and watch ConfigMaps in. */
  namespace: string;
  watchers: number;
  connections: number;
  /** Writes, one at a time, each awaited until every watcher received it. */
  writes: number;
}

/** What {@link benchWatchers} measured. */
export interface WatchBenchResult {
  watchers: number;
  connections: number;
  writes: number;
  /** Events received in total (watchers × writes). */
  deliveries: number;
  /** Time to open every watch (all response headers in), ms. */
  openMs: number;
  /**
   * Delivery latency from the write's acknowledgement (the 201 arriving at
   * the writer) to each watcher receiving the event, ms; negative when the
   * event arrived first (the server fans out before its answer is read).
   */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Delivery latency from sending the write request, ms. */
  sentP50Ms: number;
  sentP99Ms: number;
  /** Share of deliveries that arrived before the writer got its 201. */
  beforeAckShare: number;
  /** kapi's VmRSS in KiB: before the watchers, with them open, after the writes. */
  rssBeforeKiB: number;
  rssOpenKiB: number;
  rssAfterKiB: number;
}

/** VmRSS of a process in KiB, from /proc/<pid>/status. */
export function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]);
}

/** The p-th percentile (0–100) of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function session(url: string, creds: BenchCredentials): ClientHttp2Session {
  // Large windows, as Go's HTTP/2 transport uses, so flow control does not pace the fan-out.
  const s = connect(url, { ...creds, settings: { initialWindowSize: 4 << 20 } });
  s.on('connect', () => s.setLocalWindowSize(1 << 30));
  s.on('error', () => undefined);
  return s;
}

function request(s: ClientHttp2Session, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ':method': method, ':path': path, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const req = s.request(headers);
    let status = 0;
    const chunks: Buffer[] = [];
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString() }));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Runs the watch fan-out benchmark against a running kapi. */
export async function benchWatchers(o: WatchBenchOptions): Promise<WatchBenchResult> {
  const writer = session(o.url, o.credentials);
  const sessions = Array.from({ length: o.connections }, () => session(o.url, o.credentials));
  const streams: ClientHttp2Stream[] = [];
  try {
    const ns = await request(writer, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.namespace } });
    if (ns.status !== 201 && ns.status !== 409) throw new Error(`namespace: ${ns.status} ${ns.text}`);
    const path = `/api/v1/namespaces/${o.namespace}/configmaps`;
    const list = await request(writer, 'GET', path);
    const rv = JSON.parse(list.text).metadata.resourceVersion as string;
    const rssBeforeKiB = rssKiB(o.pid);

    // Arrival times per object name; resolves `complete` once every watcher got it.
    const arrivals = new Map<string, number[]>();
    let complete: { name: string; resolve: () => void } | undefined;
    const onEvent = (name: string, at: number) => {
      const a = arrivals.get(name);
      if (!a) return;
      a.push(at);
      if (a.length === o.watchers && complete?.name === name) complete.resolve();
    };

    const t0 = performance.now();
    const opened: Promise<void>[] = [];
    for (let i = 0; i < o.watchers; i++) {
      const s = sessions[i % sessions.length];
      const st = s.request({ ':method': 'GET', ':path': `${path}?watch=1&resourceVersion=${rv}`, accept: 'application/json' });
      streams.push(st);
      let buf = '';
      st.setEncoding('utf8');
      st.on('data', (chunk: string) => {
        const at = performance.now();
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line) onEvent(JSON.parse(line).object?.metadata?.name, at);
        }
      });
      st.on('error', () => undefined);
      opened.push(
        new Promise((resolve, reject) => {
          st.once('response', (h) => (Number(h[':status']) === 200 ? resolve() : reject(new Error(`watch ${i}: ${h[':status']}`))));
        }),
      );
      st.end();
    }
    await Promise.all(opened);
    const openMs = performance.now() - t0;
    const rssOpenKiB = rssKiB(o.pid);

    const latencies: number[] = [];
    const fromSent: number[] = [];
    let beforeAck = 0;
    for (let i = 0; i < o.writes; i++) {
      const name = `w-${i}`;
      arrivals.set(name, []);
      const allIn = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`write ${name}: only ${arrivals.get(name)?.length} of ${o.watchers} watchers got it within 30 s`)), 30_000);
        complete = {
          name,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      });
      const sentAt = performance.now();
      const r = await request(writer, 'POST', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { payload: 'x'.repeat(300) } });
      const ackAt = performance.now();
      if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${r.text.slice(0, 200)}`);
      if ((arrivals.get(name)?.length ?? 0) < o.watchers) await allIn;
      for (const at of arrivals.get(name) ?? []) {
        if (at < ackAt) beforeAck++;
        latencies.push(at - ackAt);
        fromSent.push(at - sentAt);
      }
      arrivals.delete(name);
    }
    const rssAfterKiB = rssKiB(o.pid);
    latencies.sort((a, b) => a - b);
    fromSent.sort((a, b) => a - b);
    return {
      watchers: o.watchers,
      connections: o.connections,
      writes: o.writes,
      deliveries: latencies.length,
      openMs,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1] ?? NaN,
      sentP50Ms: percentile(fromSent, 50),
      sentP99Ms: percentile(fromSent, 99),
      beforeAckShare: latencies.length ? beforeAck / latencies.length : 0,
      rssBeforeKiB,
      rssOpenKiB,
      rssAfterKiB,
    };
  } finally {
    for (const st of streams) st.close();
    for (const s of sessions) s.destroy();
    writer.destroy();
  }
}
