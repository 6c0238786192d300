/**
 * Webhook token authentication (`--authentication-token-webhook-config-file`,
 * plugin/pkg/authenticator/token/webhook): the token is POSTed as a
 * TokenReview to the server named in a kubeconfig file, and the answer
 * (authenticated, user, audiences) decides. Results are cached for
 * `--authentication-token-webhook-cache-ttl` (default 2m); errors are not.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import type { UserInfo } from '../endpoints/request/context.js';
import { AuthenticationError, errorText, intersectAudiences, type TokenAuthenticator } from './interfaces.js';
import { httpCall, type HttpCallResult, type TlsClientConfig } from './httpclient.js';
import { newCachedTokenAuthenticator } from './tokencache.js';

/** Where and how to call the webhook, from its kubeconfig. */
export interface WebhookEndpoint {
  server: string;
  tls: TlsClientConfig;
  /** Extra request headers (a bearer token or basic credentials of the kubeconfig user). */
  headers: Record<string, string>;
}

type Yaml = Record<string, unknown>;

function obj(v: unknown): Yaml {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Yaml) : {};
}

function str(o: Yaml, k: string): string {
  return typeof o[k] === 'string' ? (o[k] as string) : '';
}

function named(list: unknown, name: string, field: string): Yaml | undefined {
  if (!Array.isArray(list)) return undefined;
  const item = list.map(obj).find((x) => x.name === name);
  return item ? obj(item[field]) : undefined;
}

/**
 * Reads a webhook kubeconfig: the current context's cluster (server,
 * certificate-authority[-data], insecure-skip-tls-verify, tls-server-name)
 * and user (client-certificate[-data], client-key[-data], token,
 * username/password). Relative paths are relative to the file.
 */
export function loadWebhookKubeconfig(path: string): WebhookEndpoint {
  const doc = obj(parse(readFileSync(path, 'utf8')));
  const base = dirname(path);
  const file = (p: string) => readFileSync(isAbsolute(p) ? p : join(base, p), 'utf8');
  const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  let contextName = str(doc, 'current-context');
  if (contextName === '' && Array.isArray(doc.contexts) && doc.contexts.length === 1) contextName = str(obj(doc.contexts[0]), 'name');
  const context = named(doc.contexts, contextName, 'context') ?? {};
  const firstOf = (list: unknown, field: string): Yaml | undefined => (Array.isArray(list) && list.length === 1 ? obj(obj(list[0])[field]) : undefined);
  const cluster = named(doc.clusters, str(context, 'cluster'), 'cluster') ?? firstOf(doc.clusters, 'cluster') ?? {};
  const user = named(doc.users, str(context, 'user'), 'user') ?? firstOf(doc.users, 'user') ?? {};
  const server = str(cluster, 'server');
  if (server === '') throw new Error(`invalid configuration: no server found for the webhook in ${path}`);
  const tls: TlsClientConfig = {};
  if (str(cluster, 'certificate-authority-data')) tls.ca = b64(str(cluster, 'certificate-authority-data'));
  else if (str(cluster, 'certificate-authority')) tls.ca = file(str(cluster, 'certificate-authority'));
  if (cluster['insecure-skip-tls-verify'] === true) tls.insecureSkipVerify = true;
  if (str(cluster, 'tls-server-name')) tls.serverName = str(cluster, 'tls-server-name');
  if (str(user, 'client-certificate-data')) tls.cert = b64(str(user, 'client-certificate-data'));
  else if (str(user, 'client-certificate')) tls.cert = file(str(user, 'client-certificate'));
  if (str(user, 'client-key-data')) tls.key = b64(str(user, 'client-key-data'));
  else if (str(user, 'client-key')) tls.key = file(str(user, 'client-key'));
  const headers: Record<string, string> = {};
  const token = str(user, 'token') || (str(user, 'tokenFile') ? file(str(user, 'tokenFile')).trim() : '');
  if (token) headers.authorization = `Bearer ${token}`;
  else if (str(user, 'username')) headers.authorization = `Basic ${Buffer.from(`${str(user, 'username')}:${str(user, 'password')}`).toString('base64')}`;
  return { server, tls, headers };
}

export interface WebhookTokenAuthenticatorOptions {
  endpoint: WebhookEndpoint;
  /** `--authentication-token-webhook-version`: v1beta1 (Kubernetes' default) or v1. */
  version?: 'v1' | 'v1beta1';
  /** The API audiences, assumed when the webhook's answer names none. */
  implicitAudiences: string[];
  /** `--authentication-token-webhook-cache-ttl` in ms (default 2 minutes; 0 disables the cache). */
  cacheTtlMs?: number;
  /** First retry delay (default 500 ms, ×1.5 per retry, 5 attempts in all). */
  initialBackoffMs?: number;
  attempts?: number;
  timeoutMs?: number;
}

/** True for failures Kubernetes' webhook client retries (connection reset, 500, 504, 429, Retry-After). */
function retriable(r: HttpCallResult | undefined, err: unknown): boolean {
  if (err) return (err as NodeJS.ErrnoException).code === 'ECONNRESET';
  if (!r) return false;
  return r.status === 500 || r.status === 504 || r.status === 429 || r.headers['retry-after'] !== undefined;
}

function errorOfResponse(r: HttpCallResult): Error {
  try {
    const s = JSON.parse(r.body.toString('utf8')) as { kind?: string; message?: string };
    if (s.kind === 'Status' && typeof s.message === 'string') return new Error(s.message);
  } catch {
    /* not a Status */
  }
  return new Error(`the server responded with the status code ${r.status} but did not return more information`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function userOfStatus(u: Yaml): UserInfo {
  const extra: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(obj(u.extra))) extra[k] = Array.isArray(v) ? v.map(String) : [];
  return {
    name: str(u, 'username'),
    uid: str(u, 'uid'),
    groups: Array.isArray(u.groups) ? u.groups.map(String) : [],
    extra,
  };
}

/** The uncached webhook authenticator: one TokenReview per token. */
export function newWebhookTokenReviewer(opts: WebhookTokenAuthenticatorOptions): TokenAuthenticator {
  const version = opts.version ?? 'v1beta1';
  const attempts = opts.attempts ?? 5;
  async function post(body: string): Promise<Yaml> {
    let delay = opts.initialBackoffMs ?? 500;
    for (let i = 1; ; i++) {
      let r: HttpCallResult | undefined;
      let err: unknown;
      try {
        r = await httpCall(opts.endpoint.server, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, */*', ...opts.endpoint.headers },
          body,
          tls: opts.endpoint.tls,
          timeoutMs: opts.timeoutMs ?? 30_000,
        });
      } catch (e) {
        err = e;
      }
      if (i < attempts && retriable(r, err)) {
        await sleep(delay * (1 + Math.random() * 0.2));
        delay *= 1.5;
        continue;
      }
      if (err) throw err;
      const res = r as HttpCallResult;
      if (res.status < 200 || res.status > 299) throw errorOfResponse(res);
      const parsed: unknown = JSON.parse(res.body.toString('utf8'));
      return obj(parsed);
    }
  }
  return {
    async authenticateToken(token, audiences) {
      const review = {
        kind: 'TokenReview',
        apiVersion: `authentication.k8s.io/${version}`,
        metadata: { creationTimestamp: null },
        spec: audiences.length > 0 ? { token, audiences } : { token },
        status: { user: {} },
      };
      let result: Yaml;
      try {
        result = await post(JSON.stringify(review));
      } catch (err) {
        throw new AuthenticationError(`Post "${opts.endpoint.server}": ${errorText(err)}`);
      }
      const status = obj(result.status);
      let auds: string[] = [];
      if (audiences.length > 0) {
        const got = Array.isArray(status.audiences) && status.audiences.length > 0 ? status.audiences.map(String) : opts.implicitAudiences;
        auds = intersectAudiences(audiences, got);
        if (auds.length === 0) return null;
      }
      if (status.authenticated !== true) {
        if (str(status, 'error')) throw new AuthenticationError(str(status, 'error'));
        return null;
      }
      return { user: userOfStatus(obj(status.user)), audiences: auds };
    },
  };
}

/** The webhook authenticator with Kubernetes' result cache (successes and plain denials; not errors). */
export function newWebhookTokenAuthenticator(opts: WebhookTokenAuthenticatorOptions): TokenAuthenticator {
  const reviewer = newWebhookTokenReviewer(opts);
  const ttl = opts.cacheTtlMs ?? 120_000;
  if (ttl <= 0) return reviewer;
  return newCachedTokenAuthenticator(reviewer, { successTtlMs: ttl, failureTtlMs: ttl, cacheErrors: false });
}
