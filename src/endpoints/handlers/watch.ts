/**
 * WATCH: a stream of `{"type":...,"object":...}` JSON documents, one per
 * line, over HTTP/1.1 chunked encoding or an HTTP/2 stream. Table views get
 * column definitions on the first event only.
 */
import { once } from 'node:events';
import { streamOf, type HttpRequest, type HttpResponse } from '../../server/http.js';
import { newBadRequest, toStatusError } from '../../runtime/errors.js';
import type { KubeObject } from '../../runtime/object.js';
import { queryFlag, queryOptionalFlag } from '../../runtime/query.js';
import type { RequestContext } from '../request/context.js';
import type { RequestInfo } from '../request/requestinfo.js';
import { negotiateOutput } from '../negotiation/negotiate.js';
import { buildPredicate } from './predicate.js';
import { requestScope, type EndpointScope } from './scope.js';
import { transformObject } from './transform.js';
import { stringify } from 'yaml';

/** Lower bound of the server-chosen watch timeout (kube-apiserver --min-request-timeout). */
export const minRequestTimeoutSeconds = 1800;

function parseTimeoutSeconds(query: URLSearchParams): number {
  const v = query.get('timeoutSeconds');
  if (v === null || v === '') return minRequestTimeoutSeconds * (1 + Math.random());
  if (!/^\d+$/.test(v)) throw newBadRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

export async function handleWatch(scope: EndpointScope, req: HttpRequest, res: HttpResponse, ctx: RequestContext, info: RequestInfo): Promise<void> {
  const choice = negotiateOutput(req.headers.accept, { allowProtobuf: false, allowViews: true });
  const predicate = buildPredicate(scope.def, ctx.query);
  if (info.watchPrefix && info.name !== '') predicate.singleName = info.name;
  const timeoutMs = parseTimeoutSeconds(ctx.query) * 1000;
  const sendInitialEvents = queryOptionalFlag(ctx.query, 'sendInitialEvents');
  const allowWatchBookmarks = queryFlag(ctx.query, 'allowWatchBookmarks');
  const rv = ctx.query.get('resourceVersion') ?? undefined;
  if (sendInitialEvents !== undefined) {
    if (ctx.query.get('resourceVersionMatch') !== 'NotOlderThan') {
      throw newBadRequest(`resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan`);
    }
    if (!allowWatchBookmarks && sendInitialEvents) throw newBadRequest('allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true');
  }
  const stream = await scope.store.watch(requestScope(ctx, info), { predicate, resourceVersion: rv, allowWatchBookmarks, sendInitialEvents });

  let finished = false;
  let aborted = false;
  let wakeWriter: (() => void) | undefined;
  const stopped = new Promise<void>((r) => (wakeWriter = r));
  const stop = () => {
    if (finished) return;
    finished = true;
    stream.stop();
    wakeWriter?.();
  };
  // A client that cancels an HTTP/2 stream only triggers 'aborted': neither
  // 'close' nor 'drain' may follow, so the stream is torn down here.
  const abort = () => {
    aborted = true;
    stop();
  };
  const timer = setTimeout(stop, timeoutMs);
  req.on('aborted', abort);
  req.on('close', stop);
  res.on('close', stop);
  ctx.signal.addEventListener('abort', stop, { once: true });

  res.statusCode = 200;
  res.setHeader('Content-Type', choice.format === 'yaml' ? 'application/yaml' : 'application/json');
  res.setHeader('Cache-Control', 'no-cache, private');
  res.setHeader('Audit-Id', ctx.auditId);
  (res as { flushHeaders?: () => void }).flushHeaders?.();

  let first = true;
  try {
    for await (const ev of stream) {
      if (finished) break;
      let object: unknown = ev.object;
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED') {
        object = transformObject(scope.def, ev.object as KubeObject, choice, ctx.query, { noHeaders: !first });
        first = false;
      } else if (ev.type === 'BOOKMARK') {
        const o = ev.object as KubeObject;
        object = { ...o, kind: scope.def.kind, apiVersion: scope.def.group === '' ? scope.def.version : `${scope.def.group}/${scope.def.version}` };
      }
      const line = choice.format === 'yaml' ? `---\n${stringify({ type: ev.type, object })}` : JSON.stringify({ type: ev.type, object }) + '\n';
      if (!streamOf(res).write(line)) {
        await Promise.race([once(res as NodeJS.EventEmitter, 'drain'), once(res as NodeJS.EventEmitter, 'close'), stopped]);
      }
      if (ev.type === 'ERROR') break;
    }
  } catch (err) {
    if (!finished) {
      const se = toStatusError(err);
      streamOf(res).write(JSON.stringify({ type: 'ERROR', object: se.status }) + '\n');
    }
  } finally {
    clearTimeout(timer);
    stop();
    const h2stream = (res as { stream?: { destroyed: boolean; destroy(): void } }).stream;
    if (aborted && h2stream && !h2stream.destroyed) h2stream.destroy();
    else if (!res.writableEnded) res.end();
  }
}
