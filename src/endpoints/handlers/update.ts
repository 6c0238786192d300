/** PUT of an object or its status: optimistic concurrency, 200 (or 201 when it created). */
import type { HttpRequest, HttpResponse } from '../../server/http.js';
import type { RequestContext } from '../request/context.js';
import type { RequestInfo } from '../request/requestinfo.js';
import { negotiateOutput } from '../negotiation/negotiate.js';
import { writeObject } from './responsewriters.js';
import { parseFieldValidation, readObject, requestScope, type EndpointScope } from './scope.js';
import { admissionAttributes } from './admission.js';

export async function handleUpdate(scope: EndpointScope, req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): Promise<void> {
  const choice = negotiateOutput(req.headers.accept, { allowProtobuf: true, allowViews: false });
  const rscope = requestScope(ctx, info);
  const validation = parseFieldValidation(ctx.query, 'UpdateOptions');
  const obj = await readObject(scope, req, ctx, validation);
  const result = await scope.store.update(
    rscope,
    info.name,
    info.subresource,
    async (current) => {
      const attrs = admissionAttributes(scope, ctx, info, current === null ? 'CREATE' : 'UPDATE', structuredClone(obj), current, rscope.dryRun);
      await scope.admission.admit(attrs);
      return attrs.object ?? obj;
    },
    async (o, old) => {
      await scope.admission.validate(admissionAttributes(scope, ctx, info, old === null ? 'CREATE' : 'UPDATE', o, old, rscope.dryRun));
    },
  );
  writeObject(req, res, result.created ? 201 : 200, result.object, choice, ctx.query);
}
