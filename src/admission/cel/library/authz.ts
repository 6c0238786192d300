/**
 * Kubernetes' CEL authorizer library (library/authz.go, restated): the
 * `authorizer` variable of admission expressions checks what the requesting
 * user (or a service account) may do.
 *
 * `authorizer.path(p).check(verb)`,
 * `authorizer.group(g).resource(r)[.subresource(s)][.namespace(ns)][.name(n)][.fieldSelector(f)][.labelSelector(l)].check(verb)`,
 * `authorizer.serviceAccount(ns, name)` (an authorizer for that account),
 * `authorizer.requestResource` (a resource check for the request itself);
 * a Decision answers `allowed()`, `reason()`, `errored()` and `error()`.
 */
import type { Environment } from '@marcbachmann/cel-js';
import type { AuthorizationAttributes, Authorizer, AuthorizerResult } from '../../../authz/interfaces.js';
import type { UserInfo } from '../../../endpoints/request/context.js';

/** The resource the request is about (for `authorizer.requestResource`). */
export interface RequestResource {
  group: string;
  version: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

/** A decision (type `kubernetes.authorization.Decision`). */
export class CelDecision {
  constructor(readonly result: AuthorizerResult) {}
}

/** An authorizer bound to a user (type `kubernetes.authorization.Authorizer`). */
export class CelAuthorizer {
  readonly requestResource: CelResourceCheck;
  constructor(
    readonly authorizer: Authorizer,
    readonly user: UserInfo,
    request: RequestResource,
  ) {
    this.requestResource = new CelResourceCheck(this, request.group, request.resource, request.subresource, request.namespace, request.name, '', '', request.version);
  }

  /** Runs one authorization check (results are cached per evaluation context by the caller's authorizer). */
  async authorize(a: Omit<AuthorizationAttributes, 'user'>): Promise<CelDecision> {
    try {
      return new CelDecision(await this.authorizer.authorize({ ...a, user: this.user }));
    } catch (err) {
      return new CelDecision({ decision: 'NoOpinion', reason: '', error: err instanceof Error ? err.message : String(err) });
    }
  }
}

/** A path check (type `kubernetes.authorization.PathCheck`). */
export class CelPathCheck {
  constructor(
    readonly authz: CelAuthorizer,
    readonly path: string,
  ) {}
}

/** A group check (type `kubernetes.authorization.GroupCheck`). */
export class CelGroupCheck {
  constructor(
    readonly authz: CelAuthorizer,
    readonly group: string,
  ) {}
}

/** A resource check (type `kubernetes.authorization.ResourceCheck`); each builder returns a copy. */
export class CelResourceCheck {
  constructor(
    readonly authz: CelAuthorizer,
    readonly group: string,
    readonly resource: string,
    readonly subresource = '',
    readonly namespace = '',
    readonly name = '',
    readonly fieldSelector = '',
    readonly labelSelector = '',
    readonly version = '*',
  ) {}

  with(patch: Partial<Pick<CelResourceCheck, 'subresource' | 'namespace' | 'name' | 'fieldSelector' | 'labelSelector'>>): CelResourceCheck {
    const p = { ...this, ...patch };
    return new CelResourceCheck(this.authz, this.group, this.resource, p.subresource, p.namespace, p.name, p.fieldSelector, p.labelSelector, this.version);
  }
}

/** The service account user `system:serviceaccount:<ns>:<name>` with its groups. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    name: `system:serviceaccount:${namespace}:${name}`,
    uid: '',
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`],
    extra: {},
  };
}

/** Registers the authorizer types and functions on an environment. */
export function registerAuthzLibrary(env: Environment): void {
  const P = 'kubernetes.authorization';
  const A = `${P}.Authorizer`;
  const PC = `${P}.PathCheck`;
  const GC = `${P}.GroupCheck`;
  const RC = `${P}.ResourceCheck`;
  const D = `${P}.Decision`;
  env
    .registerType(D, CelDecision)
    .registerType(PC, CelPathCheck)
    .registerType(GC, CelGroupCheck)
    .registerType(RC, CelResourceCheck)
    .registerType(A, { ctor: CelAuthorizer, fields: { requestResource: RC } })
    .registerFunction(`${A}.path(string): ${PC}`, (a: CelAuthorizer, p: string) => new CelPathCheck(a, p))
    .registerFunction(`${A}.group(string): ${GC}`, (a: CelAuthorizer, g: string) => new CelGroupCheck(a, g))
    .registerFunction(`${A}.serviceAccount(string, string): ${A}`, (a: CelAuthorizer, ns: string, name: string) =>
      new CelAuthorizer(a.authorizer, serviceAccountUser(ns, name), { group: '', version: '', resource: '', subresource: '', namespace: '', name: '' }))
    .registerFunction(`${GC}.resource(string): ${RC}`, (g: CelGroupCheck, r: string) => new CelResourceCheck(g.authz, g.group, r))
    .registerFunction(`${RC}.subresource(string): ${RC}`, (r: CelResourceCheck, s: string) => r.with({ subresource: s }))
    .registerFunction(`${RC}.namespace(string): ${RC}`, (r: CelResourceCheck, s: string) => r.with({ namespace: s }))
    .registerFunction(`${RC}.name(string): ${RC}`, (r: CelResourceCheck, s: string) => r.with({ name: s }))
    .registerFunction(`${RC}.fieldSelector(string): ${RC}`, (r: CelResourceCheck, s: string) => r.with({ fieldSelector: s }))
    .registerFunction(`${RC}.labelSelector(string): ${RC}`, (r: CelResourceCheck, s: string) => r.with({ labelSelector: s }))
    .registerFunction(`${RC}.check(string): ${D}`, (r: CelResourceCheck, verb: string) =>
      r.authz.authorize({
        verb,
        isResourceRequest: true,
        namespace: r.namespace,
        apiGroup: r.group,
        apiVersion: r.version,
        resource: r.resource,
        subresource: r.subresource,
        name: r.name,
        path: '',
        fieldSelector: r.fieldSelector || undefined,
        labelSelector: r.labelSelector || undefined,
      }))
    .registerFunction(`${PC}.check(string): ${D}`, (p: CelPathCheck, verb: string) =>
      p.authz.authorize({ verb, isResourceRequest: false, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '', path: p.path }))
    .registerFunction(`${D}.allowed(): bool`, (d: CelDecision) => d.result.decision === 'Allow')
    .registerFunction(`${D}.reason(): string`, (d: CelDecision) => d.result.reason)
    .registerFunction(`${D}.errored(): bool`, (d: CelDecision) => d.result.error !== undefined && d.result.error !== '')
    .registerFunction(`${D}.error(): string`, (d: CelDecision) => d.result.error ?? '');
}

/**
 * Wraps an authorizer so that identical checks within one admission request
 * are answered once (admission's caching authorizer).
 */
export function cachingAuthorizer(inner: Authorizer): Authorizer {
  const cache = new Map<string, Promise<AuthorizerResult>>();
  return {
    authorize(a) {
      const key = JSON.stringify([a.user.name, a.user.uid, [...a.user.groups].sort(), a.verb, a.isResourceRequest, a.namespace, a.apiGroup, a.apiVersion, a.resource, a.subresource, a.name, a.path, a.fieldSelector ?? '', a.labelSelector ?? '']);
      let r = cache.get(key);
      if (!r) {
        r = Promise.resolve(inner.authorize(a));
        cache.set(key, r);
      }
      return r;
    },
  };
}
