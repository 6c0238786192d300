/**
 * The Webhook authorizer (k8s.io/apiserver/plugin/pkg/authorizer/webhook,
 * restated): POSTs a SubjectAccessReview (authorization.k8s.io v1, or
 * v1beta1) to the server of a kubeconfig and decides by its status —
 * `allowed` → Allow, `denied` → Deny, otherwise NoOpinion, with
 * `status.reason` as reason. Answers are cached by request (authorized for
 * 5 minutes, unauthorized for 30 seconds by default). Failed calls are
 * retried with exponential backoff, then give NoOpinion with an error (which
 * kube-apiserver answers with 500 when nothing else allowed the request).
 */
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { AuthorizationAttributes, AuthorizerResult, AuthorizerWithRules } from '../interfaces.js';
import type { WebhookClientConfig } from './kubeconfig.js';

export interface WebhookOptions {
  client: WebhookClientConfig;
  /** SubjectAccessReview version sent and expected (`--authorization-webhook-version`, default v1beta1). */
  version?: 'v1' | 'v1beta1';
  /** `--authorization-webhook-cache-authorized-ttl` in ms (default 5 min; 0 = no caching). */
  authorizedTTLMs?: number;
  /** `--authorization-webhook-cache-unauthorized-ttl` in ms (default 30 s; 0 = no caching). */
  unauthorizedTTLMs?: number;
  /** Backoff of retries: first delay, factor and attempts (default 500 ms, 1.5, 5). */
  retryBackoff?: { initialMs: number; factor: number; steps: number };
  /** Timeout of one call in ms (default 30 s). */
  timeoutMs?: number;
}

interface CachedAnswer {
  result: AuthorizerResult;
  expires: number;
}

/** Maximum number of cached answers. */
export const webhookCacheSize = 10_000;

/** The SubjectAccessReview kube-apiserver sends for a request. */
export function subjectAccessReviewFor(a: AuthorizationAttributes, version: 'v1' | 'v1beta1'): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  if (a.isResourceRequest) {
    const ra: Record<string, string> = {};
    const set = (k: string, v: string) => {
      if (v !== '') ra[k] = v;
    };
    set('namespace', a.namespace);
    set('verb', a.verb);
    set('group', a.apiGroup);
    set('version', a.apiVersion);
    set('resource', a.resource);
    set('subresource', a.subresource);
    set('name', a.name);
    spec.resourceAttributes = ra;
  } else {
    const nra: Record<string, string> = {};
    if (a.path !== '') nra.path = a.path;
    if (a.verb !== '') nra.verb = a.verb;
    spec.nonResourceAttributes = nra;
  }
  if (a.user.name !== '') spec.user = a.user.name;
  if (a.user.groups.length > 0) spec[version === 'v1' ? 'groups' : 'group'] = [...a.user.groups];
  if (Object.keys(a.user.extra).length > 0) spec.extra = a.user.extra;
  if (a.user.uid !== '') spec.uid = a.user.uid;
  return { kind: 'SubjectAccessReview', apiVersion: `authorization.k8s.io/${version}`, metadata: { creationTimestamp: null }, spec, status: { allowed: false } };
}

class RetryableError extends Error {}

function post(client: WebhookClientConfig, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  const url = new URL(client.server);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, */*', 'content-length': String(Buffer.byteLength(body)) };
  if (client.token) headers.authorization = `Bearer ${client.token}`;
  const opts = {
    method: 'POST',
    headers,
    timeout: timeoutMs,
    ca: client.caPem,
    cert: client.certPem,
    key: client.keyPem,
    rejectUnauthorized: !client.insecureSkipTLSVerify,
  };
  const req = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const r = req(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new RetryableError(`Post "${client.server}": context deadline exceeded`)));
    r.on('error', (err) => reject(err instanceof RetryableError ? err : new RetryableError(`Post "${client.server}": ${err.message}`)));
    r.end(body);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}

/** Creates the Webhook authorizer. */
export function newWebhookAuthorizer(opts: WebhookOptions): AuthorizerWithRules {
  const version = opts.version ?? 'v1beta1';
  const authorizedTTL = opts.authorizedTTLMs ?? 5 * 60_000;
  const unauthorizedTTL = opts.unauthorizedTTLMs ?? 30_000;
  const backoff = opts.retryBackoff ?? { initialMs: 500, factor: 1.5, steps: 5 };
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const cache = new Map<string, CachedAnswer>();

  async function call(body: string): Promise<Record<string, unknown>> {
    let delay = backoff.initialMs;
    let lastErr: unknown;
    for (let attempt = 0; attempt < Math.max(1, backoff.steps); attempt++) {
      if (attempt > 0) {
        await sleep(delay);
        delay *= backoff.factor;
      }
      try {
        const res = await post(opts.client, body, timeoutMs);
        if (res.status === 429 || res.status >= 500) {
          lastErr = new RetryableError(`the server responded with the status code ${res.status}`);
          continue;
        }
        if (res.status < 200 || res.status >= 300) throw new Error(`the server responded with the status code ${res.status} but did not return more information`);
        const parsed: unknown = JSON.parse(res.text);
        if (typeof parsed !== 'object' || parsed === null) throw new Error('the webhook returned a response that is not an object');
        return parsed as Record<string, unknown>;
      } catch (err) {
        if (!(err instanceof RetryableError)) throw err;
        lastErr = err;
      }
    }
    throw lastErr instanceof Error ? lastErr : new Error(String(lastErr));
  }

  return {
    async authorize(a) {
      const review = subjectAccessReviewFor(a, version);
      const key = JSON.stringify(review.spec);
      const hit = cache.get(key);
      const now = Date.now();
      if (hit && hit.expires > now) return hit.result;
      if (hit) cache.delete(key);
      let answer: Record<string, unknown>;
      try {
        answer = await call(JSON.stringify(review));
      } catch (err) {
        return { decision: 'NoOpinion', reason: '', error: (err as Error).message };
      }
      const status = typeof answer.status === 'object' && answer.status !== null ? (answer.status as Record<string, unknown>) : {};
      const reason = typeof status.reason === 'string' ? status.reason : '';
      const result: AuthorizerResult = status.allowed === true ? { decision: 'Allow', reason } : status.denied === true ? { decision: 'Deny', reason } : { decision: 'NoOpinion', reason };
      const ttl = result.decision === 'Allow' ? authorizedTTL : unauthorizedTTL;
      if (ttl > 0) {
        if (cache.size >= webhookCacheSize) cache.delete(cache.keys().next().value as string);
        cache.set(key, { result, expires: now + ttl });
      }
      return result;
    },
    rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: true, error: 'webhook authorizer does not support user rule resolution' }),
  };
}
