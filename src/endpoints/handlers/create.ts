/** POST to a collection: decode, admit, validate, store; 201 with the object. */
import type { HttpRequest, HttpResponse } from '../../server/http.js';
import { newMethodNotAllowed } from '../../runtime/errors.js';
import type { RequestContext } from '../request/context.js';
import type { RequestInfo } from '../request/requestinfo.js';
import { negotiateOutput } from '../negotiation/negotiate.js';
import { writeObject } from './responsewriters.js';
import { parseFieldValidation, readObject, requestScope, type EndpointScope } from './scope.js';
import { admissionAttributes } from './admission.js';

export async function handleCreate(scope: EndpointScope, req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): Promise<void> {
  if (scope.def.namespaced && info.namespace === '') throw newMethodNotAllowed();
  const choice = negotiateOutput(req.headers.accept, { allowProtobuf: true, allowViews: false });
  const rscope = requestScope(ctx, info);
  const validation = parseFieldValidation(ctx.query, 'CreateOptions');
  const obj = await readObject(scope, req, ctx, validation);
  const attrs = admissionAttributes(scope, ctx, info, 'CREATE', obj, null, rscope.dryRun);
  await scope.admission.admit(attrs);
  const created = await scope.store.create(rscope, obj, async (o) => {
    await scope.admission.validate({ ...attrs, object: o, name: o.metadata?.name ?? '' });
  });
  writeObject(req, res, 201, created, choice, ctx.query);
}
