/**
 * DELETE of one object and of a collection (DeleteOptions from the body or
 * the query). Answers the object (still there, or removed for resources that
 * return it) or a Success Status.
 */
import type { HttpRequest, HttpResponse } from '../../server/http.js';
import { newBadRequest, newInvalid, successStatus } from '../../runtime/errors.js';
import { isJsonObject, type KubeObject } from '../../runtime/object.js';
import { FieldPath, invalid, notSupported } from '../../validation/field/errors.js';
import type { DeleteOptions } from '../../registry/generic/store.js';
import type { RequestContext } from '../request/context.js';
import type { RequestInfo } from '../request/requestinfo.js';
import { negotiateOutput, negotiateInput } from '../negotiation/negotiate.js';
import { decodeValue, readBody } from '../negotiation/body.js';
import { auditRequestObject } from '../../audit/context.js';
import { writeObject } from './responsewriters.js';
import { requestScope, type EndpointScope } from './scope.js';
import { buildPredicate } from './predicate.js';
import { parseGoBool } from '../../runtime/query.js';
import { transformList } from './transform.js';
import { admissionAttributes } from './admission.js';

/** Resources whose DELETE answers the removed object instead of a Status. */
const returnDeletedObject = new Set(['pods', 'namespaces']);

/** DeleteOptions from the body (JSON/YAML) merged over the query parameters. */
export async function readDeleteOptions(scope: EndpointScope, req: HttpRequest, query: URLSearchParams): Promise<DeleteOptions & { dryRun?: string[] }> {
  const opts: DeleteOptions & { dryRun?: string[] } = {};
  const gp = query.get('gracePeriodSeconds');
  if (gp !== null && gp !== '') {
    if (!/^-?\d+$/.test(gp)) throw newBadRequest(`strconv.ParseInt: parsing ${JSON.stringify(gp)}: invalid syntax`);
    opts.gracePeriodSeconds = Number(gp);
  }
  const pp = query.get('propagationPolicy');
  if (pp) opts.propagationPolicy = pp as DeleteOptions['propagationPolicy'];
  const od = query.get('orphanDependents');
  if (od !== null) opts.orphanDependents = parseGoBool(od) ?? false;
  const body = await readBody(req, scope.maxRequestBytes);
  if (body.length > 0) {
    const fmt = negotiateInput(req.headers['content-type'], ['json', 'yaml']);
    const v = decodeValue(body, fmt === 'yaml' ? 'yaml' : 'json');
    auditRequestObject(req, v);
    if (v !== null) {
      if (!isJsonObject(v)) throw newBadRequest('json: cannot unmarshal array into Go value of type v1.DeleteOptions');
      if (v.kind !== undefined && v.kind !== 'DeleteOptions') throw newBadRequest(`the kind in the data (${String(v.kind)}) does not match the expected kind (DeleteOptions)`);
      if (typeof v.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = v.gracePeriodSeconds;
      if (typeof v.propagationPolicy === 'string') opts.propagationPolicy = v.propagationPolicy as DeleteOptions['propagationPolicy'];
      if (typeof v.orphanDependents === 'boolean') opts.orphanDependents = v.orphanDependents;
      if (isJsonObject(v.preconditions)) {
        const p = v.preconditions;
        opts.preconditions = {};
        if (typeof p.uid === 'string') opts.preconditions.uid = p.uid;
        if (typeof p.resourceVersion === 'string') opts.preconditions.resourceVersion = p.resourceVersion;
      }
      if (Array.isArray(v.dryRun)) opts.dryRun = v.dryRun.map(String);
    }
  }
  const errs = [];
  if (opts.propagationPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    errs.push(notSupported(FieldPath.of('propagationPolicy'), opts.propagationPolicy, ['Foreground', 'Background', 'Orphan', 'nil']));
  }
  if (opts.propagationPolicy !== undefined && opts.orphanDependents !== undefined) {
    errs.push(invalid(FieldPath.of('propagationPolicy'), opts.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set'));
  }
  if (opts.dryRun && opts.dryRun.some((d) => d !== 'All')) errs.push(notSupported(FieldPath.of('dryRun'), opts.dryRun, ['All']));
  if (errs.length > 0) throw newInvalid('DeleteOptions', 'meta.k8s.io', '', errs);
  return opts;
}

export async function handleDelete(scope: EndpointScope, req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): Promise<void> {
  const choice = negotiateOutput(req.headers.accept, { allowProtobuf: true, allowViews: false });
  const opts = await readDeleteOptions(scope, req, ctx.query);
  const rscope = requestScope(ctx, info);
  if (opts.dryRun?.includes('All')) rscope.dryRun = true;
  const current = await scope.store.get(rscope, info.name);
  const attrs = admissionAttributes(scope, ctx, info, 'DELETE', null, current, rscope.dryRun);
  await scope.admission.admit(attrs);
  await scope.admission.validate(attrs);
  const result = await scope.store.delete(rscope, info.name, opts);
  if (!result.deleted || returnDeletedObject.has(scope.def.resource)) {
    writeObject(req, res, 200, result.object, choice, ctx.query);
    return;
  }
  const meta = result.object.metadata ?? {};
  const details: { name?: string; group?: string; kind?: string; uid?: string } = { name: meta.name };
  if (scope.def.group !== '') details.group = scope.def.group;
  details.kind = scope.def.resource;
  details.uid = meta.uid;
  writeObject(req, res, 200, successStatus(details), choice, ctx.query);
}

export async function handleDeleteCollection(scope: EndpointScope, req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): Promise<void> {
  const choice = negotiateOutput(req.headers.accept, { allowProtobuf: true, allowViews: false });
  const opts = await readDeleteOptions(scope, req, ctx.query);
  const rscope = requestScope(ctx, info);
  if (opts.dryRun?.includes('All')) rscope.dryRun = true;
  const predicate = buildPredicate(scope.def, ctx.query);
  const deleted: KubeObject[] = await scope.store.deleteCollection(rscope, { predicate }, opts);
  writeObject(req, res, 200, transformList(scope.def, deleted, {}, { ...choice, as: undefined }, ctx.query), choice, ctx.query);
}
