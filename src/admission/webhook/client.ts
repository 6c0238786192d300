/**
 * Calling a webhook over HTTPS as kube-apiserver's webhook client does:
 * POST of the AdmissionReview to the configured `url`, or to a `service`
 * (`https://<name>.<namespace>.svc:<port><path>`, dialed at an address the
 * service resolver finds and verified against that name), trusting the
 * `caBundle` (system roots when empty), with `?timeout=<n>s` added and the
 * call cut off after `timeoutSeconds`.
 *
 * Failures are reported in Go's words, since they reach the client verbatim:
 * `Post "https://…?timeout=10s": context deadline exceeded`,
 * `… dial tcp 127.0.0.1:1: connect: connection refused`,
 * `… tls: failed to verify certificate: x509: certificate signed by unknown authority`,
 * and client-go's texts for non-2xx answers.
 */
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** `clientConfig` of a webhook. */
export interface WebhookClientConfig {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port?: number };
  /** Base64 of PEM certificates (the JSON form of the []byte field). */
  caBundle?: string;
}

/** Resolves a service reference to an address to dial. */
export interface ServiceResolver {
  /** Throws an Error whose message Kubernetes would print (`service "x" not found`, `no endpoints available for service "x"`). */
  resolveEndpoint(namespace: string, name: string, port: number): Promise<{ host: string; port: number }>;
}

/** What a successful call returned. */
export interface WebhookCallResult {
  status: number;
  body: unknown;
}

/** Upper bound of a webhook response body. */
export const maxWebhookResponseBytes = 32 * 1024 * 1024;

const agents = new Map<string, Agent>();

function agentFor(ca: string | undefined): Agent {
  const key = ca ?? '';
  let a = agents.get(key);
  if (!a) {
    a = new Agent({ keepAlive: true, maxSockets: 64, ...(ca ? { ca } : {}) });
    agents.set(key, a);
  }
  return a;
}

/** Closes idle connections to webhooks (shutdown, tests). */
export function closeWebhookConnections(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The URL Kubernetes posts to (and prints in errors), with `?timeout=`. */
export function webhookURL(cfg: WebhookClientConfig, timeoutSeconds: number): string {
  const q = `timeout=${timeoutSeconds}s`;
  if (cfg.url) {
    const u = new URL(cfg.url);
    const path = u.pathname === '' ? '/' : u.pathname;
    return `${u.protocol}//${u.host}${path}?${q}`;
  }
  const svc = cfg.service;
  if (!svc) return '';
  let path = svc.path ?? '/';
  if (!path.startsWith('/')) path = `/${path}`;
  return `https://${svc.name}.${svc.namespace}.svc:${svc.port ?? 443}${path}?${q}`;
}

const unknownAuthority = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE']);

/** Go's text for a transport error. */
export function transportErrorText(err: unknown, host: string, port: number, servername: string): string {
  const e = err as NodeJS.ErrnoException & { reason?: string; cert?: { subjectaltname?: string } };
  const code = e?.code ?? '';
  if (unknownAuthority.has(code)) return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = (e.cert?.subjectaltname ?? '').split(',').map((s) => s.trim().replace(/^(DNS|IP Address):/, '')).filter((s) => s !== '');
    return `tls: failed to verify certificate: x509: certificate is valid for ${names.join(', ')}, not ${servername}`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
  if (code === 'ECONNREFUSED') return `dial tcp ${hostPort(host, port)}: connect: connection refused`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `dial tcp: lookup ${host}: no such host`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `dial tcp ${hostPort(host, port)}: connect: no route to host`;
  if (code === 'ETIMEDOUT') return `dial tcp ${hostPort(host, port)}: i/o timeout`;
  if (code === 'ECONNRESET') return e.message === 'socket hang up' ? 'EOF' : 'read: connection reset by peer';
  if (code === 'EPROTO' || /wrong version number|packet length too long/.test(e?.message ?? '')) return 'http: server gave HTTP response to HTTPS client';
  return e?.message ?? String(err);
}

/** client-go's text for a non-2xx answer (a Status body's message, else the generic one for the code). */
export function responseErrorText(status: number, contentType: string, body: Buffer): string {
  if (/json/.test(contentType)) {
    try {
      const v = JSON.parse(body.toString('utf8'));
      if (v && typeof v === 'object' && v.kind === 'Status' && typeof v.message === 'string') return v.message;
    } catch {
      // not a Status
    }
  }
  const text = /^text\//.test(contentType) ? body.toString('utf8').trim() : 'unknown';
  switch (status) {
    case 409:
      return 'the server reported a conflict';
    case 404:
      return 'the server could not find the requested resource';
    case 400:
      return 'the server rejected our request for an unknown reason';
    case 401:
      return 'the server has asked for the client to provide credentials';
    case 403:
    case 415:
      return text;
    case 406:
      return text === '' || text === 'unknown' ? 'the server was unable to respond with a content type that the client supports' : text;
    case 405:
      return 'the server does not allow this method on the requested resource';
    case 422:
      return 'the server rejected our request due to an error in our request';
    case 503:
      return 'the server is currently unable to handle the request';
    case 504:
      return 'the server was unable to return a response in the time allotted, but may still be processing the request';
    case 429:
      return 'the server has received too many requests and has asked us to try again later';
    default:
      if (status >= 500) return `an error on the server (${JSON.stringify(text)}) has prevented the request from succeeding`;
      return `the server responded with the status code ${status} but did not return more information`;
  }
}

/** Why a call failed (the text after `failed to call webhook: `). */
export class WebhookTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTransportError';
  }
}

/**
 * POSTs `body` to the webhook and returns the decoded JSON answer. Throws
 * WebhookTransportError with the Go-style reason on any failure.
 */
export async function postAdmissionReview(cfg: WebhookClientConfig, body: Buffer, opts: { timeoutSeconds: number; signal?: AbortSignal; resolver?: ServiceResolver }): Promise<WebhookCallResult> {
  const display = webhookURL(cfg, opts.timeoutSeconds);
  const post = (why: string): WebhookTransportError => new WebhookTransportError(`Post ${JSON.stringify(display)}: ${why}`);
  const ca = cfg.caBundle ? Buffer.from(cfg.caBundle, 'base64').toString('utf8') : undefined;
  const controller = new AbortController();
  let reason: 'deadline' | 'canceled' | undefined;
  const timer = setTimeout(() => {
    reason = 'deadline';
    controller.abort();
  }, opts.timeoutSeconds * 1000);
  const onParentAbort = (): void => {
    reason ??= 'canceled';
    controller.abort();
  };
  opts.signal?.addEventListener('abort', onParentAbort, { once: true });
  if (opts.signal?.aborted) onParentAbort();
  const abortedText = (): string => (reason === 'canceled' ? 'context canceled' : 'context deadline exceeded');
  try {
    let host: string;
    let port: number;
    let servername: string;
    let hostHeader: string;
    let path: string;
    if (cfg.url) {
      const u = new URL(display);
      host = u.hostname.replace(/^\[|\]$/g, '');
      port = u.port ? Number(u.port) : 443;
      servername = host;
      hostHeader = u.host;
      path = `${u.pathname}${u.search}`;
    } else if (cfg.service) {
      const svc = cfg.service;
      const svcPort = svc.port ?? 443;
      servername = `${svc.name}.${svc.namespace}.svc`;
      hostHeader = `${servername}:${svcPort}`;
      path = display.slice(`https://${hostHeader}`.length);
      if (!opts.resolver) throw post(`dial tcp: lookup ${servername}: no such host`);
      let ep: { host: string; port: number };
      try {
        ep = await raceAbort(opts.resolver.resolveEndpoint(svc.namespace, svc.name, svcPort), controller.signal);
      } catch (err) {
        if (controller.signal.aborted) throw post(abortedText());
        throw post(err instanceof Error ? err.message : String(err));
      }
      host = ep.host;
      port = ep.port;
    } else {
      throw new WebhookTransportError('no clientConfig url or service');
    }
    const res = await new Promise<{ status: number; contentType: string; body: Buffer }>((resolve, reject) => {
      const req = httpsRequest(
        {
          host,
          port,
          method: 'POST',
          path,
          servername: isIP(servername) ? undefined : servername,
          agent: agentFor(ca),
          headers: { 'Content-Type': 'application/json', Accept: 'application/json, */*', Host: hostHeader, 'Content-Length': String(body.length), 'User-Agent': 'kube-apiserver-admission' },
          signal: controller.signal,
        },
        (r: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          r.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxWebhookResponseBytes) {
              r.destroy(new Error('response body too large'));
              return;
            }
            chunks.push(c);
          });
          r.on('end', () => resolve({ status: r.statusCode ?? 0, contentType: String(r.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
          r.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    }).catch((err: unknown) => {
      if (controller.signal.aborted) throw post(abortedText());
      throw post(transportErrorText(err, host, port, servername));
    });
    if (res.status < 200 || res.status > 299) throw new WebhookTransportError(responseErrorText(res.status, res.contentType, res.body));
    let decoded: unknown;
    try {
      decoded = JSON.parse(res.body.toString('utf8'));
    } catch (err) {
      throw new WebhookTransportError(`couldn't get version/kind; json parse error: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { status: res.status, body: decoded };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onParentAbort);
  }
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
