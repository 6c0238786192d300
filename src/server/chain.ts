/**
 * THE filter chain, outermost first (kube-apiserver's DefaultBuildHandlerChain,
 * restated as one ordered list). Each filter wraps the next handler; state
 * passes only through the typed RequestContext.
 */
import { randomUUID } from 'node:crypto';
import type { HttpHandler, HttpRequest, HttpResponse } from './http.js';
import { contextOf, withContext, type RequestContext } from '../endpoints/request/context.js';
import { parseRequestInfo } from '../endpoints/request/requestinfo.js';
import { writeError } from '../endpoints/handlers/responsewriters.js';
import { newForbidden, newInternalError, newTimeout, newUnauthorized, StatusError } from '../runtime/errors.js';
import type { Authenticator } from '../authn/interfaces.js';
import { withAuthenticatedGroup } from '../authn/interfaces.js';
import type { Authorizer } from '../authz/interfaces.js';
import { forbiddenMessage } from '../authz/interfaces.js';
import { recordAuthorizationDecision } from '../audit/context.js';
import { withImpersonation } from '../endpoints/filters/impersonation.js';

/** What the filters need from the server. */
export interface ChainConfig {
  authenticator: Authenticator;
  authorizer: Authorizer;
  /** Paths anyone may read without credentials (system:public-info-viewer). */
  publicPaths: (path: string) => boolean;
  /** Aborted when the server shuts down. */
  shutdownSignal: AbortSignal;
  /** Timeout of non-long-running requests in ms (0 = none). */
  requestTimeoutMs: number;
  /** Counts in-flight requests for graceful shutdown. */
  inFlight: { add(): void; done(): void };
}

export interface Filter {
  name: string;
  build(next: HttpHandler, config: ChainConfig): HttpHandler;
}

/** Recovers from anything a handler throws: a 500 Status, never a dropped socket. */
const withPanicRecovery: Filter = {
  name: 'panic-recovery',
  build: (next) => async (req, res) => {
    try {
      await next(req, res);
    } catch (err) {
      if (err instanceof StatusError) writeError(req, res, err);
      else writeError(req, res, newInternalError(err));
    }
  },
};

/** Tracks in-flight requests so shutdown can wait for them. */
const withWaitGroup: Filter = {
  name: 'waitgroup',
  build: (next, config) => async (req, res) => {
    config.inFlight.add();
    try {
      await next(req, res);
    } finally {
      config.inFlight.done();
    }
  },
};

/** Creates the RequestContext (audit id, URL, abort signal). Must precede every filter that reads it. */
const withRequestContext: Filter = {
  name: 'request-context',
  build: (next, config) => async (req, res) => {
    const url = new URL(req.url ?? '/', 'https://kapi.invalid');
    const ac = new AbortController();
    const abort = () => ac.abort();
    res.on('close', abort);
    req.on('aborted', abort);
    config.shutdownSignal.addEventListener('abort', abort, { once: true });
    const given = req.headers['audit-id'];
    const ctx: RequestContext = {
      auditId: typeof given === 'string' && given !== '' ? given : randomUUID(),
      receivedAt: Date.now(),
      url,
      query: url.searchParams,
      warnings: [],
      signal: ac.signal,
    };
    withContext(req, ctx);
    res.setHeader('Audit-Id', ctx.auditId);
    try {
      await next(req, res);
    } finally {
      config.shutdownSignal.removeEventListener('abort', abort);
    }
  },
};

/** Parses RequestInfo once; authorization, admission and handlers read it. */
const withRequestInfo: Filter = {
  name: 'request-info',
  build: (next) => async (req, res) => {
    const ctx = contextOf(req);
    ctx.requestInfo = parseRequestInfo(req.method ?? 'GET', ctx.url.pathname, ctx.query);
    await next(req, res);
  },
};

/** Authenticates the request; no credentials → 401 (except public paths, served as system:anonymous). */
const withAuthentication: Filter = {
  name: 'authentication',
  build: (next, config) => async (req, res) => {
    const ctx = contextOf(req);
    // Invalid credentials throw AuthenticationError (a 401 StatusError); anonymous access is the authenticator's decision.
    const result = await config.authenticator.authenticate(req);
    if (!result) throw newUnauthorized();
    ctx.user = withAuthenticatedGroup(result.user);
    await next(req, res);
  },
};

/** Authorizes with RequestInfo; anything but Allow → 403 with Kubernetes' message. */
const withAuthorization: Filter = {
  name: 'authorization',
  build: (next, config) => async (req, res) => {
    const ctx = contextOf(req);
    const info = ctx.requestInfo;
    const user = ctx.user;
    if (!info || !user) throw newInternalError('authorization without request info or user');
    if (user.name === 'system:anonymous' && config.publicPaths(ctx.url.pathname)) {
      await next(req, res);
      return;
    }
    const attrs = {
      user,
      verb: info.verb,
      isResourceRequest: info.isResourceRequest,
      namespace: info.namespace,
      apiGroup: info.apiGroup,
      apiVersion: info.apiVersion,
      resource: info.resource,
      subresource: info.subresource,
      name: info.name,
      path: info.path,
      fieldSelector: ctx.query.get('fieldSelector') ?? undefined,
      labelSelector: ctx.query.get('labelSelector') ?? undefined,
    };
    const decision = await config.authorizer.authorize(attrs);
    recordAuthorizationDecision(ctx, decision.decision === 'Allow' ? 'allow' : 'forbid', decision.reason);
    // An authorizer that failed (rather than denied) makes kube-apiserver answer 500.
    if (decision.decision !== 'Allow' && decision.error) throw newInternalError(decision.error);
    if (decision.decision !== 'Allow') {
      const msg = forbiddenMessage(attrs, decision.reason);
      const err = newForbidden({ group: info.apiGroup, resource: info.resource }, info.name, msg);
      // kube-apiserver's text: `<res> "<name>" is forbidden: User ...`; non-resource: `forbidden: User ...`.
      if (!info.isResourceRequest) {
        err.status.message = `forbidden: ${msg}`;
        delete err.status.details;
      }
      throw err;
    }
    await next(req, res);
  },
};

/** Watches and streaming subresources are long-running: no request timeout applies. */
function isLongRunning(verb: string, subresource: string): boolean {
  return verb === 'watch' || verb === 'proxy' || ['log', 'exec', 'attach', 'portforward', 'proxy'].includes(subresource);
}

/** Answers 504 Timeout when a short request has not answered within the request timeout. */
const withRequestTimeout: Filter = {
  name: 'request-timeout',
  build: (next, config) => async (req, res) => {
    const ctx = contextOf(req);
    const info = ctx.requestInfo;
    if (config.requestTimeoutMs <= 0 || (info && isLongRunning(info.verb, info.subresource))) {
      await next(req, res);
      return;
    }
    const timer = setTimeout(() => {
      if (!res.headersSent) writeError(req, res, newTimeout());
    }, config.requestTimeoutMs);
    try {
      await next(req, res);
    } finally {
      clearTimeout(timer);
    }
  },
};

/** The chain, outermost first. The order is the contract; each comment says why. */
export const defaultFilters: Filter[] = [
  withPanicRecovery, // outermost: nothing escapes as a dropped socket
  withWaitGroup, // every request, including failed ones, counts for graceful shutdown
  withRequestContext, // creates the context all later filters read
  withRequestInfo, // before authn/authz: they read RequestInfo
  withAuthentication,
  withImpersonation, // after authentication (needs the user), before authorization (which sees the impersonated user)
  withAuthorization, // after authentication: needs the user
  withRequestTimeout, // innermost: only authorized work is timed
];

/** Wraps `handler` with the filters, the first being the outermost. */
export function buildHandlerChain(handler: HttpHandler, config: ChainConfig, filters: Filter[] = defaultFilters): HttpHandler {
  let h = handler;
  for (let i = filters.length - 1; i >= 0; i--) h = filters[i].build(h, config);
  return h;
}

export type { HttpRequest, HttpResponse };
