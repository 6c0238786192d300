/**
 * The installer: maps (group, version, resource, subresource, verb) to the
 * handler that serves it, from the resource definitions. Verbs a resource
 * does not support answer 405; unknown resources 404.
 */
import type { HttpRequest, HttpResponse } from '../server/http.js';
import { newMethodNotAllowed, newMethodNotSupported, newNotFound, newRouteNotFound, newBadRequest } from '../runtime/errors.js';
import { deprecationWarning } from '../registry/definitions.js';
import { transformList, transformObject } from './handlers/transform.js';
import type { KubeObject } from '../runtime/object.js';
import type { ResourceDefinition } from '../registry/rest/definition.js';
import type { RequestContext } from './request/context.js';
import type { RequestInfo } from './request/requestinfo.js';
import { negotiateOutput } from './negotiation/negotiate.js';
import { handleGet } from './handlers/get.js';
import { handleList } from './handlers/list.js';
import { handleWatch } from './handlers/watch.js';
import { handleCreate } from './handlers/create.js';
import { handleUpdate } from './handlers/update.js';
import { handlePatch } from './handlers/patch.js';
import { handleDelete, handleDeleteCollection } from './handlers/delete.js';
import { handleScaleGet, handleScalePatch, handleScaleUpdate } from './handlers/scale.js';
import { writeObject } from './handlers/responsewriters.js';
import { parseFieldValidation, readObject, type EndpointScope } from './handlers/scope.js';

/**
 * A create-only endpoint (review APIs, serviceaccounts/token, pods/binding,
 * pods/eviction): decodes the body as `kind` and answers what `create` returns.
 */
export interface CreateOnlyEndpoint {
  group: string;
  version: string;
  kind: string;
  message: string;
  /** Answer code (201 for reviews and tokens). */
  code: number;
  create(ctx: RequestContext, info: RequestInfo, body: KubeObject): Promise<unknown>;
  /** Warning header for a deprecated version. */
  deprecationWarning?: string;
}

/** A read-only resource computed on request (componentstatuses). */
export interface VirtualEndpoint {
  get(name: string): KubeObject | undefined;
  list(): KubeObject[];
}

/** A GET-style connect endpoint (pods/log, exec...) that kapi answers itself. */
export type ConnectEndpoint = (ctx: RequestContext, info: RequestInfo, req: HttpRequest, res: HttpResponse) => Promise<void>;

function key(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

export class APIInstaller {
  private readonly scopes = new Map<string, EndpointScope>();
  private readonly createOnly = new Map<string, CreateOnlyEndpoint>();
  private readonly connect = new Map<string, ConnectEndpoint>();
  private readonly virtual = new Map<string, { def: ResourceDefinition; endpoint: VirtualEndpoint }>();
  private readonly defs: ResourceDefinition[] = [];

  /** Serves a stored resource through its generic store. */
  install(scope: EndpointScope): void {
    this.scopes.set(key(scope.def.group, scope.def.version, scope.def.resource), scope);
    this.defs.push(scope.def);
  }

  /** Serves a create-only resource (no store) or subresource (`serviceaccounts/token`). */
  installCreateOnly(group: string, version: string, resource: string, endpoint: CreateOnlyEndpoint, def?: ResourceDefinition): void {
    this.createOnly.set(key(group, version, resource), def?.deprecationWarning ? { ...endpoint, deprecationWarning: def.deprecationWarning } : endpoint);
    if (def) this.defs.push(def);
  }

  /** Serves a read-only computed resource. */
  installVirtual(def: ResourceDefinition, endpoint: VirtualEndpoint): void {
    this.virtual.set(key(def.group, def.version, def.resource), { def, endpoint });
    this.defs.push(def);
  }

  /** Serves a connect-style subresource (`pods/log`). */
  installConnect(group: string, version: string, resource: string, endpoint: ConnectEndpoint): void {
    this.connect.set(key(group, version, resource), endpoint);
  }

  /** Every served definition (for discovery and OpenAPI). */
  definitions(): ResourceDefinition[] {
    return this.defs;
  }

  /** The scope of a stored resource. */
  scopeFor(group: string, version: string, resource: string): EndpointScope | undefined {
    return this.scopes.get(key(group, version, resource));
  }

  /** True when the group/version is served at all. */
  servesGroupVersion(group: string, version: string): boolean {
    return this.defs.some((d) => d.group === group && d.version === version);
  }

  /** Dispatches a resource request. */
  async handle(req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): Promise<void> {
    if (!this.servesGroupVersion(info.apiGroup, info.apiVersion)) throw newRouteNotFound();
    const resourcePath = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
    const co = this.createOnly.get(key(info.apiGroup, info.apiVersion, resourcePath));
    if (co) {
      const w = co.deprecationWarning;
      if (w) ctx.warnings.push(w);
      return this.handleCreateOnly(co, req, res, ctx, info);
    }
    const connect = this.connect.get(key(info.apiGroup, info.apiVersion, resourcePath));
    if (connect) return connect(ctx, info, req, res);

    const virtual = this.virtual.get(key(info.apiGroup, info.apiVersion, info.resource));
    if (virtual) return this.handleVirtual(virtual.def, virtual.endpoint, req, res, ctx, info);
    const scope = this.scopes.get(key(info.apiGroup, info.apiVersion, info.resource));
    if (!scope) throw newRouteNotFound();
    const warning = deprecationWarning(scope.def, info.subresource);
    if (warning) ctx.warnings.push(warning);
    const def = scope.def;
    if (def.namespaced === false && info.namespace !== '' && info.resource !== 'namespaces') throw newRouteNotFound();
    if (info.parts.length > 3) throw newRouteNotFound();

    if (info.subresource !== '') {
      const sub = def.subresources.find((s) => s.name === info.subresource);
      if (!sub) throw newRouteNotFound();
      if (sub.name === 'scale') {
        if (info.verb === 'get') return handleScaleGet(scope, req, res, ctx, info);
        if (info.verb === 'update') return handleScaleUpdate(scope, req, res, ctx, info);
        if (info.verb === 'patch') return handleScalePatch(scope, req, res, ctx, info);
        throw newMethodNotAllowed();
      }
      if (sub.name === 'status' || sub.name === 'finalize' || sub.name === 'ephemeralcontainers' || sub.name === 'resize' || sub.name === 'approval') {
        if (info.verb === 'get' && sub.verbs.includes('get')) return handleGet(scope, req, res, ctx, info);
        if (info.verb === 'update' && sub.verbs.includes('update')) return handleUpdate(scope, req, res, ctx, info);
        if (info.verb === 'patch' && sub.verbs.includes('patch')) return handlePatch(scope, req, res, ctx, info);
        throw newMethodNotAllowed();
      }
      throw newMethodNotAllowed();
    }

    const verbs = def.verbs;
    const notSupported = () => newMethodNotSupported({ group: def.group, resource: def.resource }, info.verb);
    switch (info.verb) {
      case 'get':
        if (!verbs.includes('get')) throw notSupported();
        return handleGet(scope, req, res, ctx, info);
      case 'list':
        if (!verbs.includes('list')) throw notSupported();
        return handleList(scope, req, res, ctx, info);
      case 'watch':
        if (!verbs.includes('watch')) throw notSupported();
        return handleWatch(scope, req, res, ctx, info);
      case 'create':
        if (info.name !== '') throw newMethodNotAllowed();
        if (!verbs.includes('create')) throw notSupported();
        return handleCreate(scope, req, res, ctx, info);
      case 'update':
        if (info.name === '') throw newMethodNotAllowed();
        if (!verbs.includes('update')) throw notSupported();
        return handleUpdate(scope, req, res, ctx, info);
      case 'patch':
        if (info.name === '') throw newMethodNotAllowed();
        if (!verbs.includes('patch')) throw notSupported();
        return handlePatch(scope, req, res, ctx, info);
      case 'delete':
        if (!verbs.includes('delete')) throw notSupported();
        return handleDelete(scope, req, res, ctx, info);
      case 'deletecollection':
        if (!verbs.includes('deletecollection')) throw notSupported();
        return handleDeleteCollection(scope, req, res, ctx, info);
      default:
        throw newMethodNotAllowed();
    }
  }

  private handleVirtual(def: ResourceDefinition, ep: VirtualEndpoint, req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): void {
    const warning = deprecationWarning(def);
    if (warning) ctx.warnings.push(warning);
    if (info.subresource !== '') throw newRouteNotFound();
    const choice = negotiateOutput(req.headers.accept, { allowProtobuf: true, allowViews: true });
    if (info.verb === 'get') {
      const obj = ep.get(info.name);
      if (!obj) throw newNotFound({ group: def.group, resource: def.resource }, info.name);
      writeObject(req, res, 200, transformObject(def, obj, choice, ctx.query), choice, ctx.query);
      return;
    }
    if (info.verb === 'list') {
      writeObject(req, res, 200, transformList(def, ep.list(), {}, choice, ctx.query), choice, ctx.query);
      return;
    }
    throw newMethodNotSupported({ group: def.group, resource: def.resource }, info.verb);
  }

  private async handleCreateOnly(ep: CreateOnlyEndpoint, req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): Promise<void> {
    if (info.verb !== 'create') throw newMethodNotAllowed();
    const choice = negotiateOutput(req.headers.accept, { allowProtobuf: true, allowViews: false });
    const fake = { def: { group: ep.group, version: ep.version, kind: ep.kind, message: ep.message, resource: info.resource } as ResourceDefinition } as EndpointScope;
    const maxBytes = 3 * 1024 * 1024;
    const body = await readObject({ ...fake, maxRequestBytes: maxBytes } as EndpointScope, req, ctx, parseFieldValidation(ctx.query), ep);
    if (body.metadata?.name && info.name && info.subresource && body.metadata.name !== info.name && ep.kind !== 'TokenRequest') {
      throw newBadRequest(`name in URL does not match name in ${ep.kind} object`);
    }
    const out = await ep.create(ctx, info, body);
    writeObject(req, res, ep.code, out, choice, ctx.query);
  }
}
