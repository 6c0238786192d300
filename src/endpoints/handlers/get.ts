/** GET of one object. */
import type { HttpRequest, HttpResponse } from '../../server/http.js';
import type { RequestContext } from '../request/context.js';
import type { RequestInfo } from '../request/requestinfo.js';
import { negotiateOutput } from '../negotiation/negotiate.js';
import { writeObject } from './responsewriters.js';
import { requestScope, type EndpointScope } from './scope.js';
import { transformObject } from './transform.js';

export async function handleGet(scope: EndpointScope, req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): Promise<void> {
  const choice = negotiateOutput(req.headers.accept, { allowProtobuf: true, allowViews: true });
  const rv = ctx.query.get('resourceVersion') ?? undefined;
  const obj = await scope.store.get(requestScope(ctx, info), info.name, rv);
  writeObject(req, res, 200, transformObject(scope.def, obj, choice, ctx.query), choice, ctx.query);
}
