/**
 * The `scale` subresource: the workload seen as an autoscaling/v1 Scale
 * (spec.replicas, status.replicas, status.selector). GET, PUT and PATCH.
 */
import type { HttpRequest, HttpResponse } from '../../server/http.js';
import { newInvalid, newNotFound } from '../../runtime/errors.js';
import type { JsonObject, KubeObject } from '../../runtime/object.js';
import type { ScaleDefinition } from '../../registry/rest/definition.js';
import { FieldPath, invalid } from '../../validation/field/errors.js';
import type { RequestContext } from '../request/context.js';
import type { RequestInfo } from '../request/requestinfo.js';
import { negotiateOutput } from '../negotiation/negotiate.js';
import { writeObject } from './responsewriters.js';
import { checkDecodedObject, parseFieldValidation, readObject, requestScope, type EndpointScope } from './scope.js';
import { applyPatch, readPatch } from './patch.js';

const scaleTarget = { group: 'autoscaling', version: 'v1', kind: 'Scale', message: 'k8s.io.api.autoscaling.v1.Scale' };

/** The Scale view of a workload. */
export function toScale(scale: ScaleDefinition, obj: KubeObject): KubeObject {
  const m = obj.metadata ?? {};
  const meta: Record<string, unknown> = { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp };
  for (const k of Object.keys(meta)) if (meta[k] === undefined) delete meta[k];
  const status: Record<string, unknown> = { replicas: scale.statusReplicas(obj) };
  const sel = scale.selector(obj);
  if (sel) status.selector = sel;
  return { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: meta, spec: { replicas: scale.specReplicas(obj) }, status };
}

function scaleOf(scope: EndpointScope): ScaleDefinition {
  if (!scope.def.scale) throw new Error(`${scope.def.resource} has no scale subresource`);
  return scope.def.scale;
}

/** Writes the Scale's spec.replicas into the workload, checking its resourceVersion. */
function applyScale(scope: EndpointScope, current: KubeObject, desired: KubeObject): KubeObject {
  const replicas = (desired.spec as JsonObject | undefined)?.replicas;
  const n = typeof replicas === 'number' ? replicas : 0;
  if (n < 0) {
    throw newInvalid('Scale', 'autoscaling', current.metadata?.name ?? '', [invalid(FieldPath.of('spec', 'replicas'), n, 'must be greater than or equal to 0')]);
  }
  const out = structuredClone(current);
  scaleOf(scope).setSpecReplicas(out, n);
  const rv = desired.metadata?.resourceVersion;
  if (out.metadata) {
    if (rv) out.metadata.resourceVersion = rv;
  }
  return out;
}

export async function handleScaleGet(scope: EndpointScope, req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): Promise<void> {
  const choice = negotiateOutput(req.headers.accept, { allowProtobuf: true, allowViews: false });
  const obj = await scope.store.get(requestScope(ctx, info), info.name);
  writeObject(req, res, 200, toScale(scaleOf(scope), obj), choice, ctx.query);
}

export async function handleScaleUpdate(scope: EndpointScope, req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): Promise<void> {
  const choice = negotiateOutput(req.headers.accept, { allowProtobuf: true, allowViews: false });
  const validation = parseFieldValidation(ctx.query, 'UpdateOptions');
  const desired = await readObject(scope, req, ctx, validation, scaleTarget);
  const result = await scope.store.update(requestScope(ctx, info), info.name, '', (current) => {
    if (current === null) throw newNotFound(scope.store.gr, info.name);
    return applyScale(scope, current, desired);
  });
  writeObject(req, res, 200, toScale(scaleOf(scope), result.object), choice, ctx.query);
}

export async function handleScalePatch(scope: EndpointScope, req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): Promise<void> {
  const choice = negotiateOutput(req.headers.accept, { allowProtobuf: true, allowViews: false });
  const validation = parseFieldValidation(ctx.query, 'PatchOptions');
  const { kind, patch } = await readPatch(scope, req);
  const result = await scope.store.update(requestScope(ctx, info), info.name, '', (current) => {
    if (current === null) throw newNotFound(scope.store.gr, info.name);
    const scale = toScale(scaleOf(scope), current);
    const patched = applyPatch(kind, scale as JsonObject, patch, scaleTarget.message) as KubeObject;
    const desired = checkDecodedObject(scope, ctx, patched, validation, scaleTarget);
    return applyScale(scope, current, desired);
  });
  writeObject(req, res, 200, toScale(scaleOf(scope), result.object), choice, ctx.query);
}
