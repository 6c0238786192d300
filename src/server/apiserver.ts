/**
 * Assembles the API server: storage, one generic store per resource, the
 * special endpoints (reviews, tokens, bindings), the namespace lifecycle,
 * discovery and OpenAPI, behind the filter chain.
 */
import type { HttpHandler, HttpRequest, HttpResponse } from './http.js';
import type { Storage } from '../storage/interface.js';
import { newCacher, type Cacher } from '../storage/cacher/cacher.js';
import { APIInstaller } from '../endpoints/installer.js';
import { builtinResources, defineResource, storagePrefixOf, type ResourceSpec } from '../registry/definitions.js';
import { enabledResources, parseRuntimeConfig } from '../registry/runtimeconfig.js';
import { conversionHooksFor } from '../registry/conversion/index.js';
import type { RequestInfo } from '../endpoints/request/requestinfo.js';
import type { RequestContext, UserInfo } from '../endpoints/request/context.js';
import { componentStatusEndpoint } from '../registry/core/componentstatus.js';
import { GenericStore, type RequestScope, type StoreHooks } from '../registry/generic/store.js';
import { newAdmissionChain, type Admission } from '../admission/interfaces.js';
import {
  buildAdmission,
  defaultAdmissionOptions,
  recalculateQuotaUsage,
  resyncAllQuotas,
  syncQuotaStatus,
  systemPriorityClassObjects,
  type AdmissionDeps,
  type AdmissionOptions,
  type PluginFactory,
} from '../admission/index.js';
import { contextOf } from '../endpoints/request/context.js';
import { writeError, writeObject } from '../endpoints/handlers/responsewriters.js';
import { negotiateOutput } from '../endpoints/negotiation/negotiate.js';
import { isReason, newBadRequest, newNotFound, newRouteNotFound, StatusError } from '../runtime/errors.js';
import type { KubeObject } from '../runtime/object.js';
import { createDiscoveryHandler } from '../endpoints/discovery/handler.js';
import { createOpenAPIHandler } from '../endpoints/openapi/handler.js';
import { HealthEndpoint, type HealthCheck } from './healthz/healthz.js';
import { versionInfo } from './version.js';
import type { Authorizer } from '../authz/interfaces.js';
import { selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview, subjectAccessReview, tokenReview } from '../registry/reviews/reviews.js';
import { issueToken, type TokenIssuer } from '../registry/core/token.js';
import { namespaceHooks, NamespaceLifecycle } from '../registry/core/namespace.js';
import { serviceHooks, storageBackedAllocator } from '../registry/core/service/hooks.js';
import { rbacEscalationHooks, type EscalationCheck } from '../registry/rbac/escalation.js';
import type { ServiceAllocator } from '../registry/core/service/allocator.js';
import { ensureKubernetesService } from '../registry/core/service/kubernetes.js';
import { bindingEndpoint, evictionEndpoint, podLogEndpoint, podConnectEndpoint } from '../registry/core/pod.js';

export interface APIServerConfig {
  storage: Storage;
  authorizer: Authorizer;
  caCertPem: string;
  /** Signs ServiceAccount tokens (TokenRequest). */
  tokenSigner: TokenIssuer;
  /** RBAC escalation prevention for roles and bindings (when RBAC is on). */
  rbacEscalation?: EscalationCheck;
  /** `--enable-admission-plugins` and friends. */
  admission?: AdmissionOptions;
  /** Extra admission plugin factories (webhooks, policies), by kube-apiserver plugin name. */
  admissionPlugins?: (deps: AdmissionDeps) => Record<string, PluginFactory>;
  /** Answers SelfSubjectRulesReview from the authorizers' rules. */
  rulesReview?: (user: UserInfo, review: KubeObject) => Promise<KubeObject>;
  /** `--api-audiences`: default audiences of issued tokens. */
  apiAudiences: string[];
  maxRequestBytes: number;
  /** `host:port` clients should use (discovery's serverAddressByClientCIDRs). */
  serverAddress: () => string;
  /** Extra readiness checks (storage). */
  readyChecks: HealthCheck[];
  /** True once shutdown began: /readyz fails. */
  shuttingDown: () => boolean;
  /** Serve watches and RV=0 lists from a watch cache per resource. */
  watchCache: boolean;
  /** `--service-cluster-ip-range`. */
  serviceClusterIpRange: string;
  /** `--service-node-port-range` (default 30000-32767). */
  serviceNodePortRange?: string;
  /** The address and port clients reach this server at (the `kubernetes` Service's endpoint). */
  advertise: () => { address: string; port: number };
  /** `--runtime-config` values (kube-apiserver syntax). */
  runtimeConfig?: string[];
  /** Authenticates bearer tokens for TokenReview (none until token authentication is configured). */
  tokenAuthenticator?: (token: string, audiences: string[]) => Promise<{ user: UserInfo; audiences: string[] } | null>;
}

/** The API server's request handler and its stores. */
export class APIServer {
  readonly installer = new APIInstaller();
  /** Stores by `group/resource` of the storage (preferred) version; every served version by `group/version/resource`. */
  readonly stores = new Map<string, GenericStore>();
  private readonly servedStores = new Map<string, GenericStore>();
  private readonly specs: ResourceSpec[];
  readonly admissionDeps: AdmissionDeps;
  private quotaResync: NodeJS.Timeout | undefined;
  private readonly cachers = new Map<string, Cacher>();
  /** The admission chain the handlers call; built once every store exists. */
  private chain: Admission = newAdmissionChain([]);
  readonly admission: Admission = { admit: (a) => this.chain.admit(a), validate: (a) => this.chain.validate(a) };
  readonly namespaces: NamespaceLifecycle;
  private readonly healthz: HealthEndpoint;
  private readonly livez: HealthEndpoint;
  private readonly readyz: HealthEndpoint;
  private readonly discovery;
  private readonly openapi;
  readonly serviceAllocator: ServiceAllocator;

  constructor(private readonly config: APIServerConfig) {
    this.serviceAllocator = storageBackedAllocator(config.storage, config.serviceClusterIpRange, config.serviceNodePortRange);
    this.namespaces = new NamespaceLifecycle(this.stores, config.caCertPem);
    this.specs = enabledResources(builtinResources, parseRuntimeConfig(config.runtimeConfig ?? []), { priorityAndFairness: false });
    for (const spec of this.specs) this.installResource(spec);
    this.installSpecialEndpoints();
    this.admissionDeps = this.newAdmissionDeps();
    this.chain = buildAdmission(config.admission ?? defaultAdmissionOptions(), this.admissionDeps, config.admissionPlugins?.(this.admissionDeps) ?? {});
    const ping: HealthCheck = { name: 'ping', check: () => true };
    const log: HealthCheck = { name: 'log', check: () => true };
    const shutdown: HealthCheck = { name: 'shutdown', check: () => !config.shuttingDown() };
    this.healthz = new HealthEndpoint('/healthz', [ping, log, ...config.readyChecks]);
    this.livez = new HealthEndpoint('/livez', [ping, log, ...config.readyChecks]);
    this.readyz = new HealthEndpoint('/readyz', [ping, log, ...config.readyChecks, shutdown]);
    const defs = () => this.installer.definitions();
    this.discovery = createDiscoveryHandler({ definitions: defs, serverAddress: config.serverAddress });
    this.openapi = createOpenAPIHandler({ definitions: defs });
  }

  private installResource(spec: ResourceSpec): void {
    if (spec.createOnly) return; // served by installSpecialEndpoints
    const def = defineResource(spec);
    if (spec.special === 'componentStatus') {
      this.installer.installVirtual(def, componentStatusEndpoint());
      return;
    }
    let hooks: StoreHooks = { ...(conversionHooksFor(spec) ?? {}) };
    if (spec.group === '' && spec.resource === 'namespaces') hooks = { ...hooks, ...namespaceHooks(this.namespaces) };
    if (spec.group === '' && spec.resource === 'services') hooks = { ...hooks, ...serviceHooks(this.serviceAllocator) };
    if (spec.group === 'rbac.authorization.k8s.io' && this.config.rbacEscalation) {
      hooks = { ...hooks, ...rbacEscalationHooks(this.config.rbacEscalation, spec.resource as Parameters<typeof rbacEscalationHooks>[1]) };
    }
    if (spec.group === '' && spec.resource === 'resourcequotas') {
      const sync = async (obj: KubeObject) => {
        await syncQuotaStatus(this.admissionDeps, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '').catch(() => undefined);
      };
      // A spec change recomputes usage; the status writes of that recomputation do not.
      hooks = { ...hooks, afterCreate: sync, afterUpdate: (obj, _scope, sub) => (sub === '' ? sync(obj) : undefined) };
    }
    if (spec.namespaced && spec.resource !== 'resourcequotas') {
      const after = hooks.afterDelete;
      hooks = {
        ...hooks,
        afterDelete: async (obj, scope) => {
          await after?.(obj, scope);
          await recalculateQuotaUsage(this.admissionDeps, obj.metadata?.namespace ?? '', { group: spec.group, resource: spec.resource }).catch(() => undefined);
        },
      };
    }
    const prefix = storagePrefixOf(spec);
    const store = new GenericStore(def, this.storageFor(prefix), (ns) => this.namespaces.phase(ns), hooks, prefix);
    this.servedStores.set(`${spec.group}/${spec.version}/${spec.resource}`, store);
    // The first served version of a resource is its preferred one (the specs list preferred versions first).
    if (!this.stores.has(`${spec.group}/${spec.resource}`)) this.stores.set(`${spec.group}/${spec.resource}`, store);
    this.installer.install({ def, store, maxRequestBytes: this.config.maxRequestBytes, admission: this.admission });
  }

  /** What admission plugins read and write, as the system user (no admission, no authorization). */
  private newAdmissionDeps(): AdmissionDeps {
    const scope = (namespace: string): RequestScope => ({ namespace, dryRun: false, user: { name: 'system:apiserver', groups: ['system:masters'] } });
    const storeOf = (group: string, resource: string) => {
      const s = this.stores.get(`${group}/${resource}`);
      if (!s) throw new Error(`no store for ${group}/${resource}`);
      return s;
    };
    return {
      get: async (group, resource, namespace, name) => {
        try {
          return await storeOf(group, resource).get(scope(namespace), name);
        } catch (err) {
          if (isReason(err, 'NotFound')) return null;
          throw err;
        }
      },
      list: async (group, resource, namespace) => (await storeOf(group, resource).list(scope(namespace), { predicate: { empty: true, matches: () => true } })).items,
      guaranteedUpdate: async (group, resource, namespace, name, tryUpdate) => {
        // Errors of tryUpdate reach the caller as thrown (the store would turn them into a 500 Status).
        let thrown: { err: unknown } | undefined;
        try {
          const res = await storeOf(group, resource).update(scope(namespace), name, 'status', async (cur) => {
            if (cur === null) throw newNotFound({ group, resource }, name);
            try {
              return await tryUpdate(cur);
            } catch (err) {
              thrown = { err };
              throw err;
            }
          });
          return res.object;
        } catch (err) {
          if (thrown) throw thrown.err;
          throw err;
        }
      },
      authorize: (attrs) => this.config.authorizer.authorize(attrs),
    };
  }

  /** The storage of one resource prefix: the shared Storage, decorated by a watch cache when enabled. */
  private storageFor(prefix: string): Storage {
    if (!this.config.watchCache) return this.config.storage;
    let c = this.cachers.get(prefix);
    if (!c) {
      c = newCacher(this.config.storage, { prefix });
      this.cachers.set(prefix, c);
    }
    return c;
  }

  /**
   * Waits until every watch cache has its initial list, at most `timeoutMs`:
   * a cache that cannot list (e.g. a value that no configured key decrypts)
   * must not keep the server from starting; its requests fail until it lists.
   */
  async ready(timeoutMs = 10_000, log: (line: string) => void = () => undefined): Promise<void> {
    const pending = new Set(this.cachers.keys());
    const all = Promise.all([...this.cachers].map(([prefix, c]) => c.ready().then(() => pending.delete(prefix))));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    await Promise.race([all, timedOut]);
    clearTimeout(timer);
    if (pending.size > 0) log(`kapi: watch caches not ready after ${timeoutMs} ms, serving anyway: ${[...pending].join(', ')}`);
  }

  /** Stops the watch caches and the quota resync. */
  stop(): void {
    if (this.quotaResync) clearInterval(this.quotaResync);
    for (const c of this.cachers.values()) c.stop();
  }

  /** The store of a resource (`""/pods`, `apps/deployments`). */
  store(group: string, resource: string): GenericStore {
    const s = this.stores.get(`${group}/${resource}`);
    if (!s) throw new Error(`no store for ${group}/${resource}`);
    return s;
  }

  private installSpecialEndpoints(): void {
    const authorizer = this.config.authorizer;
    const userOf = (ctx: RequestContext) => {
      if (!ctx.user) throw newBadRequest('no user');
      return ctx.user;
    };
    const pods = this.store('', 'pods');
    for (const spec of this.specs.filter((s) => s.createOnly)) {
      const def = defineResource(spec);
      const base = { group: spec.group, version: spec.version, kind: spec.kind, message: def.message, code: 201 };
      let create: (ctx: RequestContext, info: RequestInfo, body: KubeObject) => Promise<unknown> | unknown;
      switch (spec.special) {
        case 'selfSubjectAccessReview':
          create = (ctx, _info, body) => selfSubjectAccessReview(authorizer, userOf(ctx), body);
          break;
        case 'selfSubjectRulesReview': {
          const rules = this.config.rulesReview;
          create = (ctx, _info, body) => (rules ? rules(userOf(ctx), body) : selfSubjectRulesReview(authorizer, userOf(ctx), body));
          break;
        }
        case 'selfSubjectReview':
          create = (ctx, _info, body) => selfSubjectReview(userOf(ctx), body);
          break;
        case 'subjectAccessReview':
          create = (_ctx, _info, body) => subjectAccessReview(authorizer, body, '');
          break;
        case 'localSubjectAccessReview':
          create = (_ctx, info, body) => subjectAccessReview(authorizer, body, info.namespace);
          break;
        case 'tokenReview':
          create = (_ctx, _info, body) => tokenReview(this.config.tokenAuthenticator, body);
          break;
        case 'binding': {
          const ep = bindingEndpoint(pods);
          create = (ctx, info, body) => ep.create(ctx, { ...info, name: body.metadata?.name ?? '' }, body);
          break;
        }
        default:
          continue;
      }
      this.installer.installCreateOnly(spec.group, spec.version, spec.resource, { ...base, create: async (ctx, info, body) => create(ctx, info, body) }, def);
    }
    const saStore = this.store('', 'serviceaccounts');
    this.installer.installCreateOnly('', 'v1', 'serviceaccounts/token', {
      group: 'authentication.k8s.io',
      version: 'v1',
      kind: 'TokenRequest',
      message: 'k8s.io.api.authentication.v1.TokenRequest',
      code: 201,
      create: async (ctx, info, body) => {
        const sa = await saStore.get(scopeOf(ctx, info), info.name);
        const spec = (body.spec ?? {}) as { boundObjectRef?: { kind?: string; name?: string; uid?: string } };
        const ref = spec.boundObjectRef;
        if (ref && ref.kind === 'Pod' && ref.name) {
          const pod = await this.store('', 'pods').get(scopeOf(ctx, info), ref.name);
          ref.uid = pod.metadata?.uid ?? '';
        }
        return issueToken(this.config.tokenSigner, sa, body, this.config.apiAudiences);
      },
    });
    this.installer.installCreateOnly('', 'v1', 'pods/binding', bindingEndpoint(pods));
    this.installer.installCreateOnly('', 'v1', 'pods/eviction', evictionEndpoint(pods));
    this.installer.installConnect('', 'v1', 'pods/log', podLogEndpoint(pods));
    for (const sub of ['exec', 'attach', 'portforward', 'proxy']) this.installer.installConnect('', 'v1', `pods/${sub}`, podConnectEndpoint(pods, sub));
  }

  /** Creates the default namespaces and their ServiceAccount/ConfigMap. */
  async bootstrap(): Promise<void> {
    await this.namespaces.bootstrap(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
    const priorityClasses = this.stores.get('scheduling.k8s.io/priorityclasses');
    if (priorityClasses) {
      for (const pc of systemPriorityClassObjects()) {
        await priorityClasses.create({ namespace: '', dryRun: false, user: { name: 'system:apiserver', groups: ['system:masters'] } }, pc).catch((err) => {
          if (!isReason(err, 'AlreadyExists')) throw err;
        });
      }
    }
    // kapi has no controller manager: quota usage is recomputed here periodically.
    this.quotaResync = setInterval(() => void resyncAllQuotas(this.admissionDeps).catch(() => undefined), quotaResyncIntervalMs);
    this.quotaResync.unref();
  }

  /** Creates the `kubernetes` Service and points its Endpoints at this server (once it listens). */
  async publishKubernetesService(): Promise<void> {
    await ensureKubernetesService(this.store('', 'services'), this.store('', 'endpoints'), this.serviceAllocator.kubernetesServiceIP, this.config.advertise());
  }

  /** The innermost handler: routes non-resource paths, then resource requests. */
  readonly handler: HttpHandler = async (req: HttpRequest, res: HttpResponse) => {
    const ctx = contextOf(req);
    const path = ctx.url.pathname;
    const method = req.method ?? 'GET';
    const info = ctx.requestInfo;
    try {
      if (info && info.isResourceRequest) {
        await this.installer.handle(req, res, ctx, info);
        return;
      }
      if (method === 'GET' || method === 'HEAD') {
        if (await this.healthz.serve(req, res, path, ctx.query)) return;
        if (await this.livez.serve(req, res, path, ctx.query)) return;
        if (await this.readyz.serve(req, res, path, ctx.query)) return;
        if (path === '/version' || path === '/version/') {
          writeObject(req, res, 200, versionInfo(), { format: 'json', contentType: 'application/json' }, ctx.query);
          return;
        }
        if (this.discovery(req, res, path)) return;
        if (this.openapi(req, res, path, ctx.query)) return;
        if (path === '/' || path === '') {
          const paths = ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/readyz', '/openapi/v2', '/openapi/v3', '/version'];
          for (const d of this.installer.definitions()) if (d.group !== '') paths.push(`/apis/${d.group}`, `/apis/${d.group}/${d.version}`);
          writeObject(req, res, 200, { paths: [...new Set(paths)].sort() }, { format: 'json', contentType: 'application/json' }, ctx.query);
          return;
        }
      }
      if (path.startsWith('/api/') || path.startsWith('/apis/') || path === '/api' || path === '/apis') {
        throw newRouteNotFound();
      }
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.end('404 page not found\n');
    } catch (err) {
      let choice;
      try {
        choice = negotiateOutput(req.headers.accept, { allowProtobuf: false, allowViews: false });
      } catch {
        choice = undefined;
      }
      writeError(req, res, err instanceof StatusError ? err : err, choice);
    }
  };
}

/** How often quota usage is recomputed from the stored objects. */
export const quotaResyncIntervalMs = 5 * 60_000;

/** A store-level scope from a request. */
export function scopeOf(ctx: RequestContext, info: { namespace: string }): RequestScope {
  return { namespace: info.namespace, user: ctx.user, dryRun: ctx.query.get('dryRun') === 'All' };
}

