/**
 * Test support: starts the real `kapi serve` binary on a free port with a
 * fresh data directory, and gives a client that speaks HTTPS with the admin
 * certificate from the kubeconfig it wrote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request as httpsRequest, Agent } from 'node:https';
import { parse } from 'yaml';

export const repoRoot = resolve(new URL('../../..', import.meta.url).pathname);

export interface KapiProcess {
  port: number;
  url: string;
  dataDir: string;
  kubeconfig: string;
  proc: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  client: KapiClient;
}

/** Starts kapi; resolves when it printed its ready line. */
export async function startKapi(opts: { dataDir?: string; args?: string[]; keepDataDir?: boolean } = {}): Promise<KapiProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kapi-test-'));
  const proc = spawn(process.execPath, [join(repoRoot, 'bin/kapi.js'), 'serve', '--secure-port=0', `--data-dir=${dataDir}`, ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`kapi did not become ready:\n${out}`)), 30_000);
    const check = () => {
      const m = /serving on https:\/\/[^:]+:(\d+)/.exec(out);
      if (m && out.includes('export KUBECONFIG=')) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    };
    proc.stdout?.on('data', check);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kapi exited with ${code}:\n${out}`));
    });
  });
  const kubeconfig = join(dataDir, 'admin.kubeconfig');
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const client = new KapiClient(`https://127.0.0.1:${port}`, kubeconfig);
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    dataDir,
    kubeconfig,
    proc,
    output: () => out,
    client,
    async stop() {
      client.close();
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const code = await exited;
      if (!opts.keepDataDir && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    async kill() {
      client.close();
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A minimal HTTPS client authenticated with the admin certificate of a kubeconfig. */
export class KapiClient {
  private readonly agent: Agent;

  constructor(readonly base: string, kubeconfigPath: string, identity?: { cert: string; key: string }) {
    const kc = parse(readFileSync(kubeconfigPath, 'utf8'));
    const b64 = (s: string) => Buffer.from(s, 'base64').toString();
    const ca = b64(kc.clusters[0].cluster['certificate-authority-data']);
    const cert = identity?.cert ?? b64(kc.users[0].user['client-certificate-data']);
    const key = identity?.key ?? b64(kc.users[0].user['client-key-data']);
    this.agent = new Agent({ ca, cert, key, keepAlive: true, maxSockets: 64 });
  }

  /** An unauthenticated request (no client certificate). */
  static anonymous(base: string, kubeconfigPath: string): KapiClient {
    const c = new KapiClient(base, kubeconfigPath);
    const kc = parse(readFileSync(kubeconfigPath, 'utf8'));
    const ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
    (c as unknown as { agent: Agent }).agent = new Agent({ ca, keepAlive: true });
    return c;
  }

  request(method: string, path: string, opts: { body?: string | Buffer | object; headers?: Record<string, string> } = {}): Promise<Response> {
    let body: Buffer | undefined;
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.body !== undefined) {
      if (Buffer.isBuffer(opts.body)) body = opts.body;
      else if (typeof opts.body === 'string') body = Buffer.from(opts.body);
      else {
        body = Buffer.from(JSON.stringify(opts.body));
        headers['content-type'] ??= 'application/json';
      }
      headers['content-length'] = String(body.length);
    }
    return new Promise((resolveRes, reject) => {
      const req = httpsRequest(this.base + path, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolveRes({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Opens a watch and collects events until `until` returns true or the timeout passes. */
  watch(path: string, until: (events: { type: string; object: any }[]) => boolean, timeoutMs = 10_000, headers: Record<string, string> = {}): Promise<{ type: string; object: any }[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return new Promise((resolveEvents, reject) => {
      const events: { type: string; object: any }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
      let buf = '';
      const req = httpsRequest(this.base + path, { method: 'GET', agent: this.agent, headers }, (res) => {
        if (res.statusCode !== 200) {
          let t = '';
          res.on('data', (c: Buffer) => (t += c.toString()));
          res.on('end', () => reject(new Error(`watch ${path}: ${res.statusCode} ${t}`)));
          return;
        }
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (line.trim()) events.push(JSON.parse(line));
          }
          if (until(events)) {
            clearTimeout(timer);
            req.destroy();
            resolveEvents(events);
          }
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolveEvents(events);
        });
      });
      const timer = setTimeout(() => {
        req.destroy();
        resolveEvents(events);
      }, timeoutMs);
      req.on('error', (err) => {
        if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
      });
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
