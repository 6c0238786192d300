/**
 * Reads a webhook's kubeconfig (`--authorization-webhook-config-file`): the
 * server URL and TLS/credentials of the current context (or the first
 * cluster and user when there is no current context). Relative file paths
 * are resolved against the kubeconfig's folder, as client-go does.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

/** What a webhook client needs to reach the server. */
export interface WebhookClientConfig {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  insecureSkipTLSVerify: boolean;
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function named(list: unknown, name: string, field: string): Record<string, unknown> | undefined {
  const items = Array.isArray(list) ? list.map(rec) : [];
  const hit = name === '' ? items[0] : items.find((i) => i.name === name);
  return hit ? rec(hit[field]) : undefined;
}

/** Parses kubeconfig text; `baseDir` resolves relative file references. */
export function parseWebhookKubeconfig(text: string, baseDir: string): WebhookClientConfig {
  const kc = rec(parse(text));
  const ctxName = typeof kc['current-context'] === 'string' ? kc['current-context'] : '';
  const ctx = ctxName !== '' ? named(kc.contexts, ctxName, 'context') : undefined;
  const clusterName = typeof ctx?.cluster === 'string' ? ctx.cluster : '';
  const userName = typeof ctx?.user === 'string' ? ctx.user : '';
  const cluster = named(kc.clusters, clusterName, 'cluster');
  if (!cluster || typeof cluster.server !== 'string' || cluster.server === '') throw new Error('invalid configuration: no server found for cluster');
  const user = named(kc.users, userName, 'user') ?? {};
  const file = (p: unknown) => readFileSync(isAbsolute(String(p)) ? String(p) : resolve(baseDir, String(p)), 'utf8');
  const b64 = (v: unknown) => Buffer.from(String(v), 'base64').toString('utf8');
  const pick = (o: Record<string, unknown>, data: string, path: string): string | undefined => {
    if (typeof o[data] === 'string' && o[data] !== '') return b64(o[data]);
    if (typeof o[path] === 'string' && o[path] !== '') return file(o[path]);
    return undefined;
  };
  const out: WebhookClientConfig = { server: cluster.server, insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true };
  const ca = pick(cluster, 'certificate-authority-data', 'certificate-authority');
  if (ca) out.caPem = ca;
  const cert = pick(user, 'client-certificate-data', 'client-certificate');
  if (cert) out.certPem = cert;
  const key = pick(user, 'client-key-data', 'client-key');
  if (key) out.keyPem = key;
  if (typeof user.token === 'string' && user.token !== '') out.token = user.token;
  else if (typeof user.tokenFile === 'string' && user.tokenFile !== '') out.token = file(user.tokenFile).trim();
  return out;
}

/** Loads a webhook kubeconfig file. */
export function loadWebhookKubeconfig(path: string): WebhookClientConfig {
  return parseWebhookKubeconfig(readFileSync(path, 'utf8'), dirname(resolve(path)));
}
