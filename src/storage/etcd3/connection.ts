/**
 * EtcdConnection: gRPC channels to the members of one etcd cluster, unary
 * calls with one deadline covering every attempt, and raw watch streams.
 *
 * - One channel per endpoint, shared by the KV, Watch and Maintenance
 *   clients of that endpoint. grpc-js reconnects a broken channel by itself
 *   (with the short backoff below), so a member that comes back is used again
 *   without a new connection object.
 * - Every request carries etcd's `hasleader` metadata: a member that has lost
 *   its leader refuses it at once with `etcdserver: no leader` instead of
 *   queueing it, and cancels watch streams it can no longer serve.
 * - A call is tried on the endpoints in turn (connected ones first, rotating
 *   for balance). It moves on only when the failure is safe to repeat (see
 *   errors.ts); when every endpoint failed that way, it waits a little
 *   (doubling, capped) and tries again: reads until the deadline, writes
 *   for `writeRetryWindowMs` at most (an election), so that a refused write
 *   is not retried, and applied, long after its caller gave up. Then it fails
 *   with KvUnavailableError: with quorum lost a write fails after
 *   min(writeRetryWindowMs, timeoutMs) when the members refuse it, and after
 *   `timeoutMs` when a member that still believes it leads holds it (its
 *   outcome is then unknown, as with any timed-out etcd write).
 */
import {
  Channel,
  credentials as grpcCredentials,
  connectivityState,
  Metadata,
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  type ClientDuplexStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { KvUnavailableError } from '../kv/interface.js';
import { classifyEtcdError, isRetryable, type EtcdFailure } from './errors.js';
import { etcdServices, type EtcdServiceName, type EtcdUnaryMethods, type PbWatchRequest, type PbWatchResponse } from './proto.js';

/** TLS material for etcd client connections (file paths, as kube-apiserver's --etcd-* flags). */
export interface EtcdTlsOptions {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** Options of EtcdConnection. */
export interface EtcdConnectionOptions {
  /** Client URLs (`http://host:port`, `https://host:port`) or bare `host:port`. */
  endpoints: string[];
  tls?: EtcdTlsOptions;
}

/** Tunables (mutable so tests may change them). */
export const etcdConnectionTunables = {
  /** First pause after every endpoint failed retryably. */
  retryBackoffMs: 25,
  /** Longest pause between rounds of attempts. */
  maxRetryBackoffMs: 500,
  /**
   * How long a write refused without being applied (no leader, no connection)
   * is tried again: long enough for a leader election, short enough that a
   * write never lands long after its caller gave up.
   */
  writeRetryWindowMs: 3000,
  /** Shortest time one read attempt gets before the next member is tried (else a third of the deadline). */
  minReadAttemptMs: 1000,
  /** grpc-js reconnect backoff of a channel whose member went away. */
  initialReconnectBackoffMs: 100,
  maxReconnectBackoffMs: 1000,
  /** HTTP/2 keepalive pings, as kube-apiserver's etcd client sets them. */
  keepaliveTimeMs: 30_000,
  keepaliveTimeoutMs: 10_000,
};

/** Call options of one unary call. */
export interface UnaryCallOptions {
  /** Overall deadline of the call, all attempts included. */
  timeoutMs: number;
  /** The call changes data (decides which failures may be retried). */
  write: boolean;
}

/** A raw etcd watch stream (requests in, responses out). */
export type EtcdWatchStream = ClientDuplexStream<PbWatchRequest, PbWatchResponse>;

type UnaryCallback<Res> = (err: ServiceError | null, res?: Res) => void;
type UnaryFn<Req, Res> = (req: Req, md: Metadata, opts: CallOptions, cb: UnaryCallback<Res>) => void;

class Endpoint {
  readonly channel: Channel;
  readonly clients: Record<EtcdServiceName, Client>;

  constructor(readonly url: string, readonly target: string, creds: ChannelCredentials, opts: ChannelOptions) {
    this.channel = new Channel(target, creds, opts);
    const s = etcdServices();
    const clientOpts = { channelOverride: this.channel };
    this.clients = {
      KV: new s.KV(target, creds, clientOpts),
      Watch: new s.Watch(target, creds, clientOpts),
      Maintenance: new s.Maintenance(target, creds, clientOpts),
    };
  }

  /** READY endpoints first, then ones connecting or idle, then failing ones. */
  rank(): number {
    const state = this.channel.getConnectivityState(true);
    if (state === connectivityState.READY) return 0;
    if (state === connectivityState.TRANSIENT_FAILURE) return 2;
    return 1;
  }

  close(): void {
    for (const c of Object.values(this.clients)) c.close();
    this.channel.close();
  }
}

/**
 * Splits an endpoint into a gRPC target and whether it wants TLS: the scheme
 * decides (`https://`), and a bare `host:port` uses TLS when TLS files are given.
 */
export function parseEndpoint(url: string, tlsGiven = false): { target: string; secure: boolean } {
  const u = url.trim();
  const m = /^(https?):\/\/([^/]+)\/?$/.exec(u);
  if (m) return { target: m[2], secure: m[1] === 'https' };
  if (/^[^/]+:\d+$/.test(u)) return { target: u, secure: tlsGiven };
  throw new Error(`invalid etcd endpoint ${JSON.stringify(url)}: expected http(s)://host:port`);
}

function buildCredentials(secure: boolean, tls: EtcdTlsOptions | undefined): ChannelCredentials {
  if (!secure) return grpcCredentials.createInsecure();
  const read = (f: string | undefined) => (f ? readFileSync(f) : null);
  if (!tls?.certFile !== !tls?.keyFile) throw new Error('etcd client certificate and key must be given together');
  // No CA file: the system's trusted roots.
  return grpcCredentials.createSsl(read(tls?.caFile), read(tls?.keyFile), read(tls?.certFile));
}

/** How long one attempt of a read may take before the next member is tried. */
function readAttemptMs(timeoutMs: number): number {
  return Math.max(etcdConnectionTunables.minReadAttemptMs, Math.floor(timeoutMs / 3));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Connections to one etcd cluster. */
export class EtcdConnection {
  private readonly endpoints: Endpoint[];
  private next = 0;
  private closed = false;
  private readonly metadata = new Metadata();

  constructor(opts: EtcdConnectionOptions) {
    if (opts.endpoints.length === 0) throw new Error('at least one etcd endpoint is required');
    const tlsGiven = Boolean(opts.tls?.caFile || opts.tls?.certFile || opts.tls?.keyFile);
    const parsed = opts.endpoints.map((e) => parseEndpoint(e, tlsGiven));
    if (parsed.some((p) => p.secure) && parsed.some((p) => !p.secure)) {
      throw new Error('etcd endpoints must all use http or all use https');
    }
    const creds = buildCredentials(parsed[0].secure, opts.tls);
    const t = etcdConnectionTunables;
    const channelOpts: ChannelOptions = {
      'grpc.max_receive_message_length': 2 ** 31 - 1,
      'grpc.max_send_message_length': 2 ** 31 - 1,
      'grpc.initial_reconnect_backoff_ms': t.initialReconnectBackoffMs,
      'grpc.max_reconnect_backoff_ms': t.maxReconnectBackoffMs,
      'grpc.keepalive_time_ms': t.keepaliveTimeMs,
      'grpc.keepalive_timeout_ms': t.keepaliveTimeoutMs,
      'grpc.keepalive_permit_without_calls': 0,
    };
    this.endpoints = parsed.map((p, i) => new Endpoint(opts.endpoints[i], p.target, creds, channelOpts));
    // etcd refuses requests carrying this when the member has no leader.
    this.metadata.set('hasleader', 'true');
  }

  /** The endpoint URLs, as given. */
  get urls(): string[] {
    return this.endpoints.map((e) => e.url);
  }

  /** Endpoints in the order to try them for the next call. */
  private order(): Endpoint[] {
    const n = this.endpoints.length;
    const start = this.next++ % n;
    const rotated = Array.from({ length: n }, (_, i) => this.endpoints[(start + i) % n]);
    const ranks = new Map(rotated.map((e) => [e, e.rank()]));
    return rotated.sort((a, b) => ranks.get(a)! - ranks.get(b)!);
  }

  /**
   * Calls `method` with one overall deadline. Resolves with the response, or
   * rejects with KvUnavailableError (unreachable, no leader, timed out) or an
   * EtcdCallError carrying the classified failure (compacted, future, fatal).
   */
  async unary<M extends keyof EtcdUnaryMethods>(
    method: M,
    req: EtcdUnaryMethods[M][0],
    opts: UnaryCallOptions,
  ): Promise<EtcdUnaryMethods[M][1]> {
    const [service, name] = method.split('.') as [EtcdServiceName, string];
    const started = Date.now();
    const deadline = started + opts.timeoutMs;
    // Refused writes are tried again only for a while (an election), not until the
    // deadline: a write must not land long after its caller has given up.
    const retryUntil = opts.write ? Math.min(deadline, started + etcdConnectionTunables.writeRetryWindowMs) : deadline;
    let backoff = etcdConnectionTunables.retryBackoffMs;
    let last: EtcdFailure | undefined;
    let attempts = 0;
    for (;;) {
      for (const ep of this.order()) {
        if (this.closed) throw new KvUnavailableError('etcd client closed');
        if (Date.now() >= deadline) break;
        attempts++;
        // A read stuck on one member (e.g. cut off from its leader) moves on to the next in time.
        const attemptDeadline = opts.write || this.endpoints.length === 1 ? deadline : Math.min(deadline, Date.now() + readAttemptMs(opts.timeoutMs));
        try {
          return await this.callOnce<EtcdUnaryMethods[M][0], EtcdUnaryMethods[M][1]>(ep, service, name, req, attemptDeadline);
        } catch (err) {
          const f = classifyEtcdError(err);
          if (f.kind === 'compacted' || f.kind === 'future' || f.kind === 'fatal') throw new EtcdCallError(f);
          if (f.kind === 'deadline' && attemptDeadline < deadline) {
            last = f;
            continue;
          }
          if (f.kind === 'deadline') throw timedOut(method, opts.timeoutMs, attempts, last ?? f);
          if (f.kind === 'cancelled' || !isRetryable(f, opts.write)) {
            throw new KvUnavailableError(`etcd ${method} failed: ${f.message}`);
          }
          // What a member said is more telling than a refused connection to another.
          if (!last || !last.message.startsWith('etcdserver:') || f.message.startsWith('etcdserver:')) last = f;
        }
      }
      const left = retryUntil - Date.now();
      if (left <= 0) throw timedOut(method, Date.now() - started, attempts, last);
      await sleep(Math.min(backoff, left));
      backoff = Math.min(backoff * 2, etcdConnectionTunables.maxRetryBackoffMs);
    }
  }

  private callOnce<Req, Res>(ep: Endpoint, service: EtcdServiceName, name: string, req: Req, deadline: number): Promise<Res> {
    const client = ep.clients[service] as unknown as Record<string, UnaryFn<Req, Res>>;
    return new Promise<Res>((resolve, reject) => {
      client[name].call(client, req, this.metadata, { deadline }, (err, res) => {
        if (err) reject(err);
        else resolve(res as Res);
      });
    });
  }

  /**
   * Opens a watch stream on the next endpoint in turn. The caller attaches
   * its handlers at once (an 'error' event may follow) and ends the stream
   * with `cancel()`.
   */
  openWatchStream(): EtcdWatchStream {
    if (this.closed) throw new KvUnavailableError('etcd client closed');
    const ep = this.order()[0];
    const client = ep.clients.Watch as unknown as { watch(md: Metadata, opts: CallOptions): EtcdWatchStream };
    return client.watch(this.metadata, {});
  }

  /** Closes every channel; calls in flight fail. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const e of this.endpoints) e.close();
  }
}

/** A failure etcd answered that the KV layer maps itself (compacted, future revision, fatal). */
export class EtcdCallError extends Error {
  constructor(readonly failure: EtcdFailure) {
    super(failure.message);
    this.name = 'EtcdCallError';
  }
}

function timedOut(method: string, ms: number, attempts: number, f: EtcdFailure | undefined): KvUnavailableError {
  const why = f ? f.message : 'no endpoint could be tried';
  return new KvUnavailableError(`etcd ${method} did not succeed within ${ms}ms (${attempts} attempts): ${why}`);
}
