/**
 * The small HTTP(S) client the remote authenticators use (OIDC discovery and
 * keys, token review webhooks): one request, a JSON or raw body, TLS trust
 * and client certificates from configuration, a timeout.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** TLS settings of a remote endpoint. */
export interface TlsClientConfig {
  /** PEM bundle to trust instead of the system roots. */
  ca?: string;
  /** PEM client certificate and key. */
  cert?: string;
  key?: string;
  /** Skip server verification (kubeconfig insecure-skip-tls-verify). */
  insecureSkipVerify?: boolean;
  /** SNI and verification name (kubeconfig tls-server-name). */
  serverName?: string;
}

export interface HttpCallOptions {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  tls?: TlsClientConfig;
  timeoutMs?: number;
  /** Largest response body accepted. */
  maxBytes?: number;
}

export interface HttpCallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Makes one HTTP(S) request; rejects on network errors, timeouts and oversized bodies (not on HTTP error codes). */
export function httpCall(url: string, opts: HttpCallOptions): Promise<HttpCallResult> {
  const u = new URL(url);
  const isHttps = u.protocol === 'https:';
  if (!isHttps && u.protocol !== 'http:') return Promise.reject(new Error(`unsupported URL scheme ${u.protocol}`));
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
  const maxBytes = opts.maxBytes ?? 4 << 20;
  return new Promise((resolve, reject) => {
    const tls = opts.tls ?? {};
    const common = { method: opts.method, headers, timeout: opts.timeoutMs ?? 30_000 };
    const onResponse = (res: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          res.destroy(new Error(`response from ${u.origin} exceeds ${maxBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    };
    const req = isHttps
      ? httpsRequest(
          u,
          {
            ...common,
            ca: tls.ca,
            cert: tls.cert,
            key: tls.key,
            rejectUnauthorized: !tls.insecureSkipVerify,
            servername: tls.serverName,
            agent: false,
          },
          onResponse,
        )
      : httpRequest(u, { ...common, agent: false }, onResponse);
    req.on('timeout', () => req.destroy(new Error(`request to ${u.origin} timed out`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
