/**
 * The audit filters, in the chain's Filter shape (kube-apiserver's WithAudit
 * and WithFailedAuthenticationAudit, restated).
 *
 * Position (DefaultBuildHandlerChain): audit runs right after authentication
 * and before impersonation and authorization, so it knows the user and sees
 * the authorization decision and 403s. Requests that fail authentication
 * never reach it: kube-apiserver audits them in the 401 handler instead, one
 * event at stage ResponseStarted with no user. Here that is a second filter
 * placed right before (outside) authentication, which catches the 401.
 *
 * Stages: RequestReceived before the handler; ResponseStarted when headers go
 * out, for long-running requests (watch, log, exec, ...) only;
 * ResponseComplete after the handler; Panic when the handler threw something
 * that is not a Status (re-thrown to the panic filter).
 */
import type { TLSSocket } from 'node:tls';
import { writeError } from '../endpoints/handlers/responsewriters.js';
import { contextOf, type RequestContext } from '../endpoints/request/context.js';
import { StatusError } from '../runtime/errors.js';
import type { HttpHandler, HttpRequest, HttpResponse } from '../server/http.js';
import type { Filter } from '../server/chain.js';
import { applyPendingAnnotations, auditResponseObject, auditStateOf, bindAuditState, type AuditState } from './context.js';
import { newAuditEvent, nowMs, microTime, snapshotEvent, sourceIPs } from './event.js';
import type { PolicyRuleEvaluator } from './policy.js';
import { auditMetrics, observePolicyLevel, type AuditBackend } from './sink.js';
import type { AuditAttributes, Stage } from './types.js';

/** What the filters need: the policy and where events go. */
export interface AuditSetup {
  evaluator: PolicyRuleEvaluator;
  backend: AuditBackend;
}

const longRunningSubresources = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

/** Watches, proxies and streaming subresources (kube-apiserver's long-running check). */
export function isLongRunningRequest(ctx: RequestContext): boolean {
  const info = ctx.requestInfo;
  if (!info) return false;
  return info.verb === 'watch' || info.verb === 'proxy' || longRunningSubresources.has(info.subresource);
}

/** The attributes a policy is evaluated against (the user only once authenticated). */
export function auditAttributesOf(ctx: RequestContext, method: string): AuditAttributes {
  const info = ctx.requestInfo;
  return {
    ...(ctx.user ? { user: { name: ctx.user.name, groups: ctx.user.groups } } : {}),
    verb: info?.verb ?? method.toLowerCase(),
    isResourceRequest: info?.isResourceRequest ?? false,
    namespace: info?.namespace ?? '',
    apiGroup: info?.apiGroup ?? '',
    resource: info?.resource ?? '',
    subresource: info?.subresource ?? '',
    name: info?.name ?? '',
    path: info?.path ?? ctx.url.pathname,
  };
}

/** Writes one stage of the event unless the policy omits it; false when a backend refused it. */
function processStage(setup: AuditSetup, state: AuditState, stage: Stage): boolean {
  const ev = state.event;
  if (!ev || (state.config?.omitStages ?? []).includes(stage)) return true;
  ev.stage = stage;
  ev.stageTimestamp = stage === 'RequestReceived' ? ev.requestReceivedTimestamp : microTime(nowMs());
  auditMetrics.eventTotal++;
  return setup.backend.processEvents([snapshotEvent(ev)]);
}

/** Creates the event of a request the policy selects (none at level None). */
function startEvent(setup: AuditSetup, req: HttpRequest, ctx: RequestContext): AuditState {
  const attrs = auditAttributesOf(ctx, req.method ?? 'GET');
  const config = setup.evaluator.evaluate(attrs);
  observePolicyLevel(config.level);
  const state = auditStateOf(ctx);
  bindAuditState(state, ctx, req);
  state.config = config;
  if (config.level === 'None') {
    state.pending = [];
    return state;
  }
  state.event = newAuditEvent({
    auditID: ctx.auditId,
    level: config.level,
    receivedAt: ctx.receivedAt,
    requestURI: req.url ?? ctx.url.pathname,
    userAgent: String(req.headers['user-agent'] ?? ''),
    sourceIPs: sourceIPs(req.headers, req.socket?.remoteAddress),
    attrs,
    user: ctx.user,
    apiVersion: ctx.requestInfo?.apiVersion ?? '',
  });
  applyPendingAnnotations(state);
  return state;
}

type Patched = { writeHead?: (...a: unknown[]) => unknown; write?: (...a: unknown[]) => unknown; end?: (...a: unknown[]) => unknown; flushHeaders?: (...a: unknown[]) => unknown };

/** Calls `onCode` once, with the status code, when the response headers are about to go out. */
function onResponseStarted(res: HttpResponse, onCode: (code: number) => void): void {
  let done = false;
  const fire = (code: number) => {
    if (done) return;
    done = true;
    onCode(code);
  };
  const r = res as unknown as Patched;
  const wrap = (name: keyof Patched, codeOf: (args: unknown[]) => number) => {
    const orig = r[name];
    if (typeof orig !== 'function') return;
    r[name] = function (this: unknown, ...args: unknown[]) {
      if (!res.headersSent) fire(codeOf(args));
      return orig.apply(this, args);
    };
  };
  wrap('writeHead', (args) => (typeof args[0] === 'number' ? args[0] : res.statusCode));
  wrap('write', () => res.statusCode);
  wrap('end', () => res.statusCode);
  wrap('flushHeaders', () => res.statusCode);
}

/** kube-apiserver's plain-text 500 for an event that could not be stored. */
function failedToStore(req: HttpRequest, res: HttpResponse): void {
  res.statusCode = 500;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(`Internal Server Error: ${JSON.stringify(req.url ?? '')}: failed to store audit event\n`);
}

/** The audit filter. Place it right after `authentication`. */
export function newAuditFilter(setup: AuditSetup): Filter {
  return {
    name: 'audit',
    build: (next: HttpHandler): HttpHandler => async (req, res) => {
      const ctx = contextOf(req);
      const state = startEvent(setup, req, ctx);
      const ev = state.event;
      if (!ev) {
        await next(req, res);
        return;
      }
      if (!processStage(setup, state, 'RequestReceived')) {
        failedToStore(req, res);
        return;
      }
      const longRunning = isLongRunningRequest(ctx);
      onResponseStarted(res, (code) => {
        ev.responseStatus ??= { metadata: {} };
        ev.responseStatus.code = code;
        if (longRunning) processStage(setup, state, 'ResponseStarted');
      });
      try {
        await next(req, res);
      } catch (err) {
        if (!(err instanceof StatusError)) {
          ev.responseStatus = { metadata: {}, status: 'Failure', message: `APIServer panic'd: ${err instanceof Error ? err.message : String(err)}`, reason: 'InternalError', code: 500 };
          processStage(setup, state, 'Panic');
          throw err;
        }
        // Errors thrown inside (403 from authorization, ...) are answered here so the event sees them.
        auditResponseObject(ctx, err.status);
        writeError(req, res, err);
      }
      if (!ev.responseStatus) {
        // Neither a code nor a body was sent.
        ev.responseStatus = { metadata: {}, status: 'Success', message: 'Connection closed early', code: 200 };
        if (longRunning) processStage(setup, state, 'ResponseStarted');
      }
      processStage(setup, state, 'ResponseComplete');
    },
  };
}

/** kube-apiserver's description of the credentials a failed request carried. */
export function attemptedAuthMethods(req: HttpRequest, ctx: RequestContext): string {
  const methods: string[] = [];
  const auth = String(req.headers.authorization ?? '').trim();
  if (/^basic\s/i.test(auth)) methods.push('basic');
  const parts = auth.split(' ');
  if (parts.length > 1 && parts[0].toLowerCase() === 'bearer') methods.push('bearer');
  if ((ctx.query.get('access_token') ?? '').trim() !== '') methods.push('access_token');
  const sock = req.socket as TLSSocket | undefined;
  const peer = typeof sock?.getPeerCertificate === 'function' ? sock.getPeerCertificate() : undefined;
  if (peer && Object.keys(peer).length > 0) methods.push('x509');
  return methods.length > 0 ? `Authentication failed, attempted: ${methods.join(', ')}` : 'Authentication failed, no credentials provided';
}

/**
 * The failed-authentication audit filter. Place it right before
 * `authentication`: it turns the 401 that authentication throws into the
 * response itself and records one event (stage ResponseStarted, no user).
 */
export function newFailedAuthenticationAuditFilter(setup: AuditSetup): Filter {
  return {
    name: 'failed-authentication-audit',
    build: (next: HttpHandler): HttpHandler => async (req, res) => {
      try {
        await next(req, res);
      } catch (err) {
        let ctx: RequestContext;
        try {
          ctx = contextOf(req);
        } catch {
          throw err;
        }
        if (ctx.user !== undefined || !(err instanceof StatusError) || err.status.code !== 401) throw err;
        const state = startEvent(setup, req, ctx);
        const ev = state.event;
        if (!ev) throw err;
        ev.responseStatus = { metadata: {}, message: attemptedAuthMethods(req, ctx) };
        ev.stage = 'ResponseStarted';
        onResponseStarted(res, (code) => {
          ev.responseStatus ??= { metadata: {} };
          ev.responseStatus.code = code;
          processStage(setup, state, 'ResponseStarted');
        });
        // As the 401 writer does: the Status it writes becomes responseStatus.
        auditResponseObject(ctx, err.status);
        writeError(req, res, err);
      }
    },
  };
}

/**
 * The chain with the audit filters inserted where kube-apiserver has them:
 * `failed-authentication-audit` immediately before `authentication`, `audit`
 * immediately after it. Throws if the chain has no `authentication` filter.
 */
export function withAuditFilters(filters: readonly Filter[], setup: AuditSetup): Filter[] {
  const i = filters.findIndex((f) => f.name === 'authentication');
  if (i < 0) throw new Error('withAuditFilters: the chain has no "authentication" filter');
  return [...filters.slice(0, i), newFailedAuthenticationAuditFilter(setup), filters[i], newAuditFilter(setup), ...filters.slice(i + 1)];
}
