/**
 * The webhook backend (`--audit-webhook-config-file`, a kubeconfig): events
 * are POSTed as an audit.k8s.io/v1 EventList to the cluster's `server` URL,
 * with the kubeconfig's CA, client certificate and token. A failed POST is
 * retried with exponential backoff (initial `--audit-webhook-initial-backoff`,
 * factor 1.5, jitter 0.2, 5 attempts) when kube-apiserver would retry:
 * connection reset, 500, 504, 429, or any answer carrying Retry-After.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { BufferedBackend, type BatchOptions } from './buffered.js';
import { handlePluginError, type AuditBackend } from './sink.js';
import type { AuditEvent, AuditEventList } from './types.js';

/** Connection settings read from a webhook kubeconfig. */
export interface WebhookTarget {
  url: URL;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  insecureSkipTLSVerify: boolean;
  serverName?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function named(list: unknown, name: string | undefined, what: string, field: string): Obj {
  const items = Array.isArray(list) ? list.filter(isObj) : [];
  const item = name === undefined ? items[0] : items.find((i) => i.name === name);
  if (!item || !isObj(item[field])) throw new Error(`invalid configuration: ${what}${name ? ` ${JSON.stringify(name)}` : ''} not found`);
  return item[field] as Obj;
}

/** Reads a kubeconfig (current context, else the first one); relative file paths are relative to it. */
export function loadWebhookKubeconfig(path: string): WebhookTarget {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`invalid audit webhook config file ${JSON.stringify(path)}: ${(err as Error).message}`);
  }
  if (!isObj(doc)) throw new Error(`invalid audit webhook config file ${JSON.stringify(path)}: not a kubeconfig`);
  const base = dirname(path);
  const file = (p: unknown) => readFileSync(isAbsolute(String(p)) ? String(p) : join(base, String(p)), 'utf8');
  const b64 = (s: unknown) => Buffer.from(String(s), 'base64').toString('utf8');
  let clusterName: string | undefined;
  let userName: string | undefined;
  const contextName = typeof doc['current-context'] === 'string' && doc['current-context'] !== '' ? doc['current-context'] : undefined;
  if (contextName !== undefined || (Array.isArray(doc.contexts) && doc.contexts.length > 0)) {
    const ctx = named(doc.contexts, contextName, 'context', 'context');
    clusterName = typeof ctx.cluster === 'string' ? ctx.cluster : undefined;
    userName = typeof ctx.user === 'string' ? ctx.user : undefined;
  }
  const cluster = named(doc.clusters, clusterName, 'cluster', 'cluster');
  if (typeof cluster.server !== 'string' || cluster.server === '') throw new Error('invalid configuration: no server found for cluster');
  const url = new URL(cluster.server);
  const target: WebhookTarget = { url, insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true };
  if (cluster['certificate-authority-data']) target.ca = b64(cluster['certificate-authority-data']);
  else if (cluster['certificate-authority']) target.ca = file(cluster['certificate-authority']);
  if (typeof cluster['tls-server-name'] === 'string') target.serverName = cluster['tls-server-name'];
  const users = Array.isArray(doc.users) ? doc.users : [];
  if (userName !== undefined || users.length > 0) {
    const user = named(users, userName, 'user', 'user');
    if (user['client-certificate-data']) target.cert = b64(user['client-certificate-data']);
    else if (user['client-certificate']) target.cert = file(user['client-certificate']);
    if (user['client-key-data']) target.key = b64(user['client-key-data']);
    else if (user['client-key']) target.key = file(user['client-key']);
    if (typeof user.token === 'string' && user.token !== '') target.token = user.token;
    else if (user.tokenFile) target.token = file(user.tokenFile).trim();
  }
  return target;
}

/** A failed POST: why, and whether kube-apiserver would try again. */
export class WebhookError extends Error {
  constructor(message: string, readonly retriable: boolean) {
    super(message);
    this.name = 'WebhookError';
  }
}

/** POSTs one EventList; rejects with a WebhookError. */
export function postEventList(target: WebhookTarget, events: AuditEvent[], timeoutMs = 30_000): Promise<void> {
  const list: AuditEventList = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: events };
  const body = Buffer.from(JSON.stringify(list));
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json, */*', 'Content-Length': String(body.length), 'User-Agent': 'kapi-audit-webhook' };
  if (target.token) headers.Authorization = `Bearer ${target.token}`;
  const secure = target.url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const opts = {
      method: 'POST',
      headers,
      timeout: timeoutMs,
      ...(secure ? { ca: target.ca, cert: target.cert, key: target.key, rejectUnauthorized: !target.insecureSkipTLSVerify, servername: target.serverName } : {}),
    };
    const req = (secure ? httpsRequest : httpRequest)(target.url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) {
          resolve();
          return;
        }
        const text = Buffer.concat(chunks).toString('utf8').slice(0, 512);
        const retriable = code === 500 || code === 504 || code === 429 || res.headers['retry-after'] !== undefined;
        reject(new WebhookError(`the server responded with the status code ${code}: ${text}`, retriable));
      });
      res.on('error', (err) => reject(new WebhookError(err.message, true)));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const reset = err.code === 'ECONNRESET' || err.code === 'EPIPE' || /socket hang up/.test(err.message);
      reject(err instanceof WebhookError ? err : new WebhookError(`${err.code ? `${err.code}: ` : ''}${err.message}`, reset));
    });
    req.end(body);
  });
}

/** Retry schedule: `initialMs`, ×1.5 each time, ±20 % jitter, `steps` attempts in all. */
export interface Backoff {
  initialMs: number;
  factor: number;
  jitter: number;
  steps: number;
}

/** kube-apiserver's webhook retry schedule around the given initial backoff. */
export function defaultRetryBackoff(initialMs: number): Backoff {
  return { initialMs, factor: 1.5, jitter: 0.2, steps: 5 };
}

/** Runs `fn` until it succeeds, fails with a non-retriable error, or runs out of attempts. */
export async function withBackoff(backoff: Backoff, fn: () => Promise<void>): Promise<void> {
  let delay = backoff.initialMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await fn();
      return;
    } catch (err) {
      const retriable = err instanceof WebhookError ? err.retriable : false;
      if (!retriable || attempt >= backoff.steps) throw err;
    }
    const wait = delay * (1 + Math.random() * backoff.jitter);
    await new Promise((r) => setTimeout(r, wait));
    delay *= backoff.factor;
  }
}

export type WebhookMode = 'batch' | 'blocking' | 'blocking-strict';

export interface WebhookBackendOptions {
  target: WebhookTarget;
  mode: WebhookMode;
  backoff: Backoff;
  batch: BatchOptions;
}

/**
 * The webhook backend. `batch` (kube-apiserver's default) buffers and
 * batches; `blocking` and `blocking-strict` send each request's events at
 * once, one POST per event group (Node cannot hold the request while the
 * POST runs, so neither fails the request).
 */
export function newWebhookBackend(opts: WebhookBackendOptions, log: (line: string) => void): AuditBackend {
  const send = (events: AuditEvent[]) => withBackoff(opts.backoff, () => postEventList(opts.target, events));
  if (opts.mode === 'batch') return new BufferedBackend('webhook', send, opts.batch, log);
  const inFlight = new Set<Promise<void>>();
  return {
    name: 'webhook',
    processEvents(events) {
      const p = send([...events]).catch((err) => handlePluginError('webhook', err, events, log));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      return true;
    },
    async shutdown() {
      await Promise.all([...inFlight]);
    },
  };
}
