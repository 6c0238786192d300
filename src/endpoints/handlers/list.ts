/** LIST of a collection, with selectors, pagination and resourceVersion semantics. */
import type { HttpRequest, HttpResponse } from '../../server/http.js';
import { newBadRequest } from '../../runtime/errors.js';
import type { ListMeta } from '../../runtime/object.js';
import type { RequestContext } from '../request/context.js';
import type { RequestInfo } from '../request/requestinfo.js';
import { negotiateOutput } from '../negotiation/negotiate.js';
import { buildPredicate } from './predicate.js';
import { writeObject } from './responsewriters.js';
import { requestScope, type EndpointScope } from './scope.js';
import { transformList } from './transform.js';

/** Parses `limit` (non-negative integer). */
export function parseLimit(query: URLSearchParams): number | undefined {
  const v = query.get('limit');
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw newBadRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  return n > 0 ? n : undefined;
}

export function parseResourceVersionMatch(query: URLSearchParams): '' | 'NotOlderThan' | 'Exact' {
  const v = query.get('resourceVersionMatch') ?? '';
  if (v === '' || v === 'NotOlderThan' || v === 'Exact') {
    const rv = query.get('resourceVersion') ?? '';
    if (v !== '' && rv === '') throw newBadRequest(`resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided`);
    if (v === 'Exact' && rv === '0') throw newBadRequest(`resourceVersionMatch: Forbidden: resourceVersionMatch "Exact" is forbidden for resourceVersion "0"`);
    return v;
  }
  throw newBadRequest(`resourceVersionMatch: Unsupported value: "${v}": supported values: "Exact", "NotOlderThan", ""`);
}

export async function handleList(scope: EndpointScope, req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): Promise<void> {
  const choice = negotiateOutput(req.headers.accept, { allowProtobuf: true, allowViews: true });
  const predicate = buildPredicate(scope.def, ctx.query);
  const result = await scope.store.list(requestScope(ctx, info), {
    predicate,
    limit: parseLimit(ctx.query),
    continue: ctx.query.get('continue') ?? undefined,
    resourceVersion: ctx.query.get('resourceVersion') ?? undefined,
    resourceVersionMatch: parseResourceVersionMatch(ctx.query),
  });
  const listMeta: ListMeta = { resourceVersion: result.resourceVersion };
  if (result.continue) listMeta.continue = result.continue;
  if (result.remainingItemCount !== undefined && result.continue) listMeta.remainingItemCount = result.remainingItemCount;
  writeObject(req, res, 200, transformList(scope.def, result.items, listMeta, choice, ctx.query), choice, ctx.query);
}
