/**
 * RequestScope for the verb handlers: the resource being served, its store,
 * and the request-derived pieces every handler needs (options parsing,
 * body decoding with field validation, kind checks).
 */
import type { HttpRequest } from '../../server/http.js';
import type { GenericStore, RequestScope } from '../../registry/generic/store.js';
import type { ResourceDefinition } from '../../registry/rest/definition.js';
import { newBadRequest, newInvalid } from '../../runtime/errors.js';
import { groupVersionString, isJsonObject, parseGroupVersion, type KubeObject } from '../../runtime/object.js';
import { FieldPath, notSupported } from '../../validation/field/errors.js';
import { findTypeErrors, findUnknownFields, pruneUnknownFields } from '../../runtime/catalog/unknownfields.js';
import { messageDef } from '../../runtime/catalog/catalog.js';
import type { RequestContext } from '../request/context.js';
import type { RequestInfo } from '../request/requestinfo.js';
import { decodeObject, readBody } from '../negotiation/body.js';
import { auditRequestObject } from '../../audit/context.js';
import { negotiateInput } from '../negotiation/negotiate.js';
import type { Admission } from '../../admission/interfaces.js';

/** Everything a handler needs to serve one resource. */
export interface EndpointScope {
  def: ResourceDefinition;
  store: GenericStore;
  maxRequestBytes: number;
  admission: Admission;
}

/** The store-level scope of one request. */
export function requestScope(ctx: RequestContext, info: RequestInfo): RequestScope {
  return { namespace: info.namespace, user: ctx.user ? { name: ctx.user.name, uid: ctx.user.uid, groups: ctx.user.groups } : undefined, dryRun: parseDryRun(ctx.query) };
}

/** `dryRun=All` → true; other values → 422 as Kubernetes answers them. */
export function parseDryRun(query: URLSearchParams): boolean {
  const vals = query.getAll('dryRun');
  if (vals.length === 0) return false;
  const bad = vals.filter((v) => v !== 'All');
  if (bad.length > 0) {
    throw newInvalid('CreateOptions', 'meta.k8s.io', '', [notSupported(FieldPath.of('dryRun'), bad, ['All'])]);
  }
  return true;
}

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** The fieldValidation directive (default Warn). */
export function parseFieldValidation(query: URLSearchParams, optionsKind = 'CreateOptions'): FieldValidation {
  const v = query.get('fieldValidation') ?? '';
  if (v === '') return 'Warn';
  if (v === 'Ignore' || v === 'Warn' || v === 'Strict') return v;
  throw newInvalid(optionsKind, 'meta.k8s.io', '', [notSupported(FieldPath.of('fieldValidation'), v, ['', 'Ignore', 'Strict', 'Warn'])]);
}

/** `<Kind> in version "<v>" cannot be handled as a <Kind>: <why>` (400). */
function cannotHandle(def: ResourceDefinition, why: string) {
  return newBadRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${why}`);
}

/**
 * Checks an object's kind/apiVersion against the endpoint (filling them when
 * absent), runs the type and unknown-field checks, and applies the
 * fieldValidation directive (Strict → 400, Warn → warnings, Ignore → drop).
 */
export function checkDecodedObject(scope: EndpointScope, ctx: RequestContext, obj: KubeObject, validation: FieldValidation, expect?: { group: string; version: string; kind: string; message: string }): KubeObject {
  const target = expect ?? { group: scope.def.group, version: scope.def.version, kind: scope.def.kind, message: scope.def.message };
  if (obj.apiVersion !== undefined && typeof obj.apiVersion !== 'string') throw newBadRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${typeof obj.apiVersion} into Go struct field .apiVersion of type string`);
  if (obj.kind !== undefined && typeof obj.kind !== 'string') throw newBadRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${typeof obj.kind} into Go struct field .kind of type string`);
  const expectedGv = groupVersionString(target.group, target.version);
  if (obj.apiVersion && obj.apiVersion !== expectedGv) {
    const gv = parseGroupVersion(obj.apiVersion);
    if (gv.group !== target.group || gv.version !== target.version) {
      throw newBadRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expectedGv})`);
    }
  }
  if (obj.kind && obj.kind !== target.kind) {
    throw newBadRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${target.kind})`);
  }
  obj.apiVersion = expectedGv;
  obj.kind = target.kind;
  if (obj.metadata !== undefined && obj.metadata !== null && !isJsonObject(obj.metadata)) {
    throw cannotHandle(scope.def, `json: cannot unmarshal ${Array.isArray(obj.metadata) ? 'array' : typeof obj.metadata} into Go struct field ${target.kind}.metadata of type v1.ObjectMeta`);
  }
  if (messageDef(target.message) === undefined) return obj;
  const typeErrors = findTypeErrors(obj, target.message);
  if (typeErrors.length > 0) throw cannotHandle({ ...scope.def, kind: target.kind, version: target.version }, typeErrors[0]);
  if (validation !== 'Ignore') {
    const unknown = findUnknownFields(obj, target.message);
    if (unknown.length > 0) {
      if (validation === 'Strict') {
        throw cannotHandle({ ...scope.def, kind: target.kind, version: target.version }, `strict decoding error: ${unknown.map((f: string) => `unknown field ${JSON.stringify(f)}`).join(', ')}`);
      }
      for (const f of unknown) ctx.warnings.push(`unknown field ${JSON.stringify(f)}`);
    }
  }
  // Unknown fields are dropped, as decoding into Kubernetes' typed structs drops them.
  pruneUnknownFields(obj, target.message);
  return obj;
}

/** Reads and decodes the body of a create/update into an object of the endpoint's kind. */
export async function readObject(scope: EndpointScope, req: HttpRequest, ctx: RequestContext, validation: FieldValidation, expect?: { group: string; version: string; kind: string; message: string }): Promise<KubeObject> {
  const format = negotiateInput(req.headers['content-type']);
  const body = await readBody(req, scope.maxRequestBytes);
  const obj = decodeObject(body, format);
  auditRequestObject(ctx, obj);
  return checkDecodedObject(scope, ctx, obj, validation, expect);
}
