/**
 * The typed per-request context that filters pass down. Each field is written
 * once, by the filter that owns it (requestInfo by the request-info filter,
 * user by authentication, ...).
 */
import type { RequestInfo } from './requestinfo.js';

/** The authenticated user (user.Info). */
export interface UserInfo {
  name: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
}

export interface RequestContext {
  /** Audit-Id echoed on the response. */
  auditId: string;
  receivedAt: number;
  url: URL;
  query: URLSearchParams;
  requestInfo?: RequestInfo;
  user?: UserInfo;
  /** Texts for `Warning: 299 - "<text>"` headers. */
  warnings: string[];
  /** Aborted when the client goes away or the server shuts down. */
  signal: AbortSignal;
}

const contexts = new WeakMap<object, RequestContext>();

/** Attaches ctx to a request object. */
export function withContext(req: object, ctx: RequestContext): void {
  contexts.set(req, ctx);
}

/** The context of a request (set by the outermost filter). */
export function contextOf(req: object): RequestContext {
  const ctx = contexts.get(req);
  if (!ctx) throw new Error('request context missing');
  return ctx;
}
