/**
 * Test support: API clients over HTTP/2 (several streams multiplexed on a few
 * connections, as client-go talks) and HTTP/1.1 (one connection per watch),
 * both authenticated with the admin certificate of a kubeconfig, with
 * streaming watches that hand every event to a callback as it arrives.
 */
import { connect, type ClientHttp2Session, type IncomingHttpHeaders as H2Headers } from 'node:http2';
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** TLS material of the admin user. */
export interface Credentials {
  ca: string;
  cert: string;
  key: string;
}

/** Reads the CA and the first user's client certificate from a kubeconfig. */
export function credentialsFromKubeconfig(path: string): Credentials {
  const kc = parse(readFileSync(path, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64').toString();
  return {
    ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
    cert: b64(kc.users[0].user['client-certificate-data']),
    key: b64(kc.users[0].user['client-key-data']),
  };
}

/** A complete answer. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders | H2Headers;
  body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One decoded watch event. */
export interface WatchEvent {
  type: string;
  object: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** How a watch stream ended. */
export interface WatchEnd {
  /** HTTP status of the response (0 when no response arrived). */
  status: number;
  /** `closed` = closed by us; `eof` = the server ended the stream; `error` = transport error; `rejected` = non-200 answer. */
  reason: 'closed' | 'eof' | 'error' | 'rejected';
  /** Body of a non-200 answer, or the error message. */
  detail?: string;
}

/** An open watch. */
export interface WatchStream {
  /** Resolves with the HTTP status once response headers arrived (or 0 on transport error). */
  readonly opened: Promise<number>;
  /** Resolves once the stream ended for any reason; never rejects. */
  readonly ended: Promise<WatchEnd>;
  /** Closes the stream from the client side. */
  close(): void;
}

/** The verbs the tests need, over either HTTP version. */
export interface ApiTransport {
  readonly base: string;
  readonly protocol: 'h2' | 'http/1.1';
  request(method: string, path: string, body?: unknown, opts?: { headers?: Record<string, string>; timeoutMs?: number }): Promise<Answer>;
  watch(path: string, onEvent: (ev: WatchEvent) => void): WatchStream;
  close(): void;
}

function encodeBody(body: unknown, headers: Record<string, string>): Buffer | undefined {
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  headers['content-type'] ??= 'application/json';
  return Buffer.from(JSON.stringify(body));
}

function answer(status: number, headers: IncomingHttpHeaders | H2Headers, chunks: Buffer[]): Answer {
  const body = Buffer.concat(chunks).toString();
  return { status, headers, body, json: () => JSON.parse(body) };
}

/** Splits newline-delimited JSON into events. */
class LineDecoder {
  private buf = '';
  constructor(private readonly onEvent: (ev: WatchEvent) => void) {}
  push(chunk: Buffer): void {
    this.buf += chunk.toString();
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      if (line.trim() !== '') this.onEvent(JSON.parse(line) as WatchEvent);
    }
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** HTTP/2 client: requests and watches are streams spread round-robin over `sessions` connections. */
export class H2Client implements ApiTransport {
  readonly protocol = 'h2' as const;
  private readonly sessions: (ClientHttp2Session | undefined)[];
  private next = 0;

  constructor(readonly base: string, private readonly creds: Credentials, sessions = 1) {
    this.sessions = new Array<ClientHttp2Session | undefined>(Math.max(1, sessions)).fill(undefined);
  }

  static fromKubeconfig(base: string, kubeconfig: string, sessions = 1): H2Client {
    return new H2Client(base, credentialsFromKubeconfig(kubeconfig), sessions);
  }

  private session(): ClientHttp2Session {
    const i = this.next++ % this.sessions.length;
    let s = this.sessions[i];
    if (!s || s.closed || s.destroyed) {
      s = connect(this.base, { ...this.creds, settings: { initialWindowSize: 1 << 20 } });
      s.on('error', () => undefined);
      s.on('connect', (sess: ClientHttp2Session) => sess.setLocalWindowSize(1 << 24));
      this.sessions[i] = s;
    }
    return s;
  }

  request(method: string, path: string, body?: unknown, opts: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
    const payload = encodeBody(body, headers);
    return new Promise((resolve, reject) => {
      const req = this.session().request({ ':method': method, ':path': path, ...headers });
      let status = 0;
      let resHeaders: H2Headers = {};
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => {
        req.close();
        reject(new Error(`${method} ${path}: no answer within ${opts.timeoutMs ?? 30_000} ms`));
      }, opts.timeoutMs ?? 30_000);
      req.on('response', (h) => {
        status = Number(h[':status']);
        resHeaders = h;
      });
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        clearTimeout(timer);
        if (status === 0) reject(new Error(`${method} ${path}: stream ended without a response`));
        else resolve(answer(status, resHeaders, chunks));
      });
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(payload);
    });
  }

  watch(path: string, onEvent: (ev: WatchEvent) => void): WatchStream {
    const opened = deferred<number>();
    const ended = deferred<WatchEnd>();
    let status = 0;
    let closedByUs = false;
    let done = false;
    const finish = (e: WatchEnd) => {
      if (done) return;
      done = true;
      opened.resolve(status);
      ended.resolve(e);
    };
    const req = this.session().request({ ':method': 'GET', ':path': path, accept: 'application/json' });
    const decoder = new LineDecoder(onEvent);
    const body: Buffer[] = [];
    // Node emits 'response' on the next tick, but DATA frames that arrived in
    // the same read as the headers may be emitted before it: keep them until
    // the status is known instead of mistaking them for an error body.
    const early: Buffer[] = [];
    const consume = (c: Buffer) => {
      if (status !== 200) body.push(c);
      else decoder.push(c);
    };
    req.on('response', (h) => {
      status = Number(h[':status']);
      opened.resolve(status);
      for (const c of early.splice(0)) if (!done) consume(c);
    });
    req.on('data', (c: Buffer) => {
      if (done) return;
      if (status === 0) early.push(c);
      else consume(c);
    });
    req.on('end', () => finish(status === 200 ? { status, reason: closedByUs ? 'closed' : 'eof' } : { status, reason: 'rejected', detail: Buffer.concat(body).toString() }));
    req.on('close', () => finish({ status, reason: closedByUs ? 'closed' : status === 200 ? 'eof' : 'error' }));
    req.on('error', (err) => finish({ status, reason: closedByUs ? 'closed' : 'error', detail: String(err) }));
    req.end();
    return {
      opened: opened.promise,
      ended: ended.promise,
      close: () => {
        closedByUs = true;
        finish({ status, reason: 'closed' });
        req.close();
      },
    };
  }

  /**
   * Closes the connections at once (in-flight streams fail). Not a graceful
   * close: that would wait for every stream, including cancelled watches the
   * server has not let go of yet.
   */
  close(): void {
    for (const s of this.sessions) s?.destroy();
  }
}

/** HTTP/1.1 client with keep-alive; every watch holds its own connection. */
export class Http1Client implements ApiTransport {
  readonly protocol = 'http/1.1' as const;
  private readonly agent: Agent;

  constructor(readonly base: string, creds: Credentials) {
    this.agent = new Agent({ ...creds, keepAlive: true, maxSockets: 256 });
  }

  static fromKubeconfig(base: string, kubeconfig: string): Http1Client {
    return new Http1Client(base, credentialsFromKubeconfig(kubeconfig));
  }

  request(method: string, path: string, body?: unknown, opts: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
    const payload = encodeBody(body, headers);
    if (payload) headers['content-length'] = String(payload.length);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(this.base + path, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve(answer(res.statusCode ?? 0, res.headers, chunks));
        });
        res.on('error', reject);
      });
      const timer = setTimeout(() => {
        req.destroy(new Error(`${method} ${path}: no answer within ${opts.timeoutMs ?? 30_000} ms`));
      }, opts.timeoutMs ?? 30_000);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(payload);
    });
  }

  watch(path: string, onEvent: (ev: WatchEvent) => void): WatchStream {
    const opened = deferred<number>();
    const ended = deferred<WatchEnd>();
    let status = 0;
    let closedByUs = false;
    let done = false;
    const finish = (e: WatchEnd) => {
      if (done) return;
      done = true;
      opened.resolve(status);
      ended.resolve(e);
    };
    const decoder = new LineDecoder(onEvent);
    // A private agent: a watch holds its connection until it ends.
    const req = httpsRequest(this.base + path, { method: 'GET', headers: { accept: 'application/json' }, agent: this.agent }, (res) => {
      status = res.statusCode ?? 0;
      opened.resolve(status);
      const body: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        if (done) return;
        if (status !== 200) body.push(c);
        else decoder.push(c);
      });
      res.on('end', () => finish(status === 200 ? { status, reason: closedByUs ? 'closed' : 'eof' } : { status, reason: 'rejected', detail: Buffer.concat(body).toString() }));
      res.on('close', () => finish({ status, reason: closedByUs ? 'closed' : 'eof' }));
      res.on('error', (err) => finish({ status, reason: closedByUs ? 'closed' : 'error', detail: String(err) }));
    });
    req.on('error', (err) => finish({ status, reason: closedByUs ? 'closed' : 'error', detail: String(err) }));
    req.end();
    return {
      opened: opened.promise,
      ended: ended.promise,
      close: () => {
        closedByUs = true;
        finish({ status, reason: 'closed' });
        req.destroy();
      },
    };
  }

  close(): void {
    this.agent.destroy();
  }
}
