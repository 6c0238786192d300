/**
 * PATCH: JSON patch, merge patch and strategic merge patch applied to the
 * current object inside the store's guaranteedUpdate (so a storage conflict
 * re-applies the patch to the fresh object). Server-side apply answers 415
 * until it is implemented.
 */
import type { HttpRequest, HttpResponse } from '../../server/http.js';
import { newBadRequest, newNotFound, newUnsupportedMediaType } from '../../runtime/errors.js';
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../../runtime/object.js';
import { applyJsonPatch } from '../../runtime/patch/jsonpatch.js';
import { jsonMergePatch } from '../../runtime/patch/mergepatch.js';
import { strategicMergePatch } from '../../runtime/patch/strategicmerge.js';
import { catalogPatchSchema } from '../../runtime/catalog/patchschema.js';
import type { RequestContext } from '../request/context.js';
import type { RequestInfo } from '../request/requestinfo.js';
import { negotiateOutput, negotiatePatch, type PatchKind } from '../negotiation/negotiate.js';
import { parseJson, readBody } from '../negotiation/body.js';
import { auditRequestPatch } from '../../audit/context.js';
import { writeObject } from './responsewriters.js';
import { checkDecodedObject, parseFieldValidation, requestScope, type EndpointScope, type FieldValidation } from './scope.js';
import { admissionAttributes } from './admission.js';

/** Applies a parsed patch of the given kind to a JSON object. */
export function applyPatch(kind: PatchKind, current: JsonObject, patch: unknown, messageName: string): JsonObject {
  switch (kind) {
    case 'json':
      return applyJsonPatch(current, patch as JsonValue) as JsonObject;
    case 'merge':
      if (!isJsonObject(patch)) throw newBadRequest('couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct');
      return jsonMergePatch(current, patch) as JsonObject;
    case 'strategic':
      if (!isJsonObject(patch)) throw newBadRequest('couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type map[string]interface {}');
      return strategicMergePatch(current, patch, catalogPatchSchema(messageName));
    case 'apply':
      throw newUnsupportedMediaType('application/apply-patch+yaml', ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
  }
}

/** Reads and parses a PATCH body for the request's Content-Type. */
export async function readPatch(scope: EndpointScope, req: HttpRequest): Promise<{ kind: PatchKind; patch: unknown }> {
  const kind = negotiatePatch(req.headers['content-type']);
  if (kind === 'apply') {
    const err = newUnsupportedMediaType('application/apply-patch+yaml', ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
    err.status.message = 'server-side apply (application/apply-patch+yaml) is not supported by this server yet; use client-side apply (kubectl apply without --server-side) or another patch type';
    throw err;
  }
  const body = await readBody(req, scope.maxRequestBytes);
  if (body.length === 0) throw newBadRequest('the body of the request was empty');
  auditRequestPatch(req, body);
  return { kind, patch: parseJson(body.toString('utf8'), 'error decoding patch') };
}

export async function handlePatch(scope: EndpointScope, req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): Promise<void> {
  const choice = negotiateOutput(req.headers.accept, { allowProtobuf: true, allowViews: false });
  const rscope = requestScope(ctx, info);
  const validation: FieldValidation = parseFieldValidation(ctx.query, 'PatchOptions');
  const { kind, patch } = await readPatch(scope, req);
  const result = await scope.store.update(
    rscope,
    info.name,
    info.subresource,
    async (current) => {
      if (current === null) {
        // Patch never creates (apply would).
        throw newNotFound(scope.store.gr, info.name);
      }
      const warningsBefore = ctx.warnings.length;
      const patched = applyPatch(kind, current as JsonObject, patch, scope.def.message) as KubeObject;
      const obj = checkDecodedObject(scope, ctx, patched, validation);
      // On retries the same warnings would repeat: keep one set.
      ctx.warnings.splice(warningsBefore, ctx.warnings.length - warningsBefore, ...new Set(ctx.warnings.slice(warningsBefore)));
      const attrs = admissionAttributes(scope, ctx, info, 'UPDATE', obj, current, rscope.dryRun);
      await scope.admission.admit(attrs);
      return attrs.object ?? obj;
    },
    async (o, old) => {
      await scope.admission.validate(admissionAttributes(scope, ctx, info, 'UPDATE', o, old, rscope.dryRun));
    },
  );
  writeObject(req, res, 200, result.object, choice, ctx.query);
}
