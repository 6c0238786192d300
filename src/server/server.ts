/**
 * The listener: HTTPS only, HTTP/2 and HTTP/1.1 on one port (ALPN), client
 * certificates verified against the client CA; graceful shutdown on
 * SIGTERM/SIGINT (stop accepting, finish in-flight requests, close the store).
 */
import { createSecureServer, type Http2SecureServer, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { HttpHandler } from './http.js';
import type { SecureContextOptions } from 'node:tls';
import type { Socket } from 'node:net';
import type { TlsProtocolOptions } from './tls.js';

export interface ListenOptions {
  bindAddress: string;
  port: number;
  certPem: string;
  keyPem: string;
  clientCaPem: string;
  /** --tls-min-version / --tls-cipher-suites. */
  tls?: TlsProtocolOptions;
  /** Called first on every accepted TCP connection, before TLS (the source allowlist). */
  onConnection?: (socket: Socket) => void;
}

/** Counts in-flight requests; `idle()` resolves when none remain. */
export class WaitGroup {
  private n = 0;
  private waiters: (() => void)[] = [];
  add(): void {
    this.n++;
  }
  done(): void {
    this.n--;
    if (this.n === 0) for (const w of this.waiters.splice(0)) w();
  }
  get count(): number {
    return this.n;
  }
  idle(): Promise<void> {
    return this.n === 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}

/** A running secure server. */
export class SecureServer {
  private readonly server: Http2SecureServer;
  private readonly sessions = new Set<Http2Session>();
  private readonly sockets = new Set<import('node:net').Socket>();

  constructor(private readonly opts: ListenOptions, handler: HttpHandler) {
    this.server = createSecureServer(
      {
        allowHTTP1: true,
        cert: opts.certPem,
        key: opts.keyPem,
        ca: opts.clientCaPem,
        requestCert: true,
        ...(opts.tls ? { minVersion: opts.tls.minVersion, ...(opts.tls.ciphers ? { ciphers: opts.tls.ciphers } : {}) } : {}),
        rejectUnauthorized: false,
        settings: { maxConcurrentStreams: 1000 },
      },
      (req, res) => {
        void handler(req, res);
      },
    );
    if (opts.onConnection) this.server.prependListener('connection', opts.onConnection);
    this.server.on('session', (s: Http2Session) => {
      this.sessions.add(s);
      s.on('close', () => this.sessions.delete(s));
    });
    this.server.on('secureConnection', (sock) => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
    });
    this.server.on('tlsClientError', () => {
      /* a client that fails the handshake is its own problem */
    });
  }

  /** Replaces the TLS material for new connections (certificate reload). */
  setSecureContext(options: SecureContextOptions): void {
    this.server.setSecureContext(options);
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.bindAddress, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /**
   * Stops accepting connections, tells HTTP/2 clients to go away, waits for
   * in-flight requests (at most `graceMs`), then closes what remains.
   */
  async close(inFlight: WaitGroup, graceMs: number): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sessions) {
      try {
        s.goaway();
      } catch {
        /* already closing */
      }
    }
    await Promise.race([inFlight.idle(), new Promise((r) => setTimeout(r, graceMs).unref())]);
    for (const s of this.sessions) s.destroy();
    for (const sock of this.sockets) sock.destroy();
    await closed;
  }
}
