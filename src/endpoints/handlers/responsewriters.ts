/**
 * Writing answers: objects in the negotiated format, Status errors with their
 * code, and the headers every API response carries.
 */
import { stringify } from 'yaml';
import { streamOf, type HttpRequest, type HttpResponse } from '../../server/http.js';
import { toStatusError, type Status } from '../../runtime/errors.js';
import { contextOf } from '../request/context.js';
import type { OutputChoice } from '../negotiation/negotiate.js';
import { encodeKubeProtobuf } from '../../runtime/protobuf/encode.js';
import type { KubeObject } from '../../runtime/object.js';
import { auditResponseObject } from '../../audit/context.js';

/** True when the answer should be indented (`?pretty=true` or a curl/browser User-Agent). */
export function wantsPretty(req: HttpRequest, query: URLSearchParams): boolean {
  const p = query.get('pretty');
  if (p !== null) return /^(1|t|T|true|TRUE|True)$/.test(p);
  const ua = String(req.headers['user-agent'] ?? '');
  return ua.startsWith('curl') || ua.startsWith('Wget') || ua.startsWith('Mozilla/5.0');
}

function setCommonHeaders(req: HttpRequest, res: HttpResponse): void {
  let auditId = '';
  try {
    auditId = contextOf(req).auditId;
  } catch {
    /* no context: a path outside the API chain */
  }
  if (auditId) res.setHeader('Audit-Id', auditId);
  res.setHeader('Cache-Control', 'no-cache, private');
  try {
    const warnings = contextOf(req).warnings;
    if (warnings.length > 0) {
      res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
    }
  } catch {
    /* no context */
  }
}

/** Serializes a value in the chosen format. */
export function encodeBody(value: unknown, choice: OutputChoice, pretty: boolean): Buffer {
  if (choice.format === 'yaml') return Buffer.from(stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }));
  if (choice.format === 'protobuf') return encodeKubeProtobuf(value as KubeObject);
  return Buffer.from(pretty ? JSON.stringify(value, null, 2) + '\n' : JSON.stringify(value) + '\n');
}

/** Writes an object (or list, table, status) with the given HTTP code. */
export function writeObject(req: HttpRequest, res: HttpResponse, code: number, value: unknown, choice: OutputChoice, query: URLSearchParams): void {
  // A request that already timed out (504 sent) or whose client left gets nothing more.
  if (res.headersSent || res.writableEnded) return;
  auditResponseObject(req, value);
  let body: Buffer;
  let contentType = choice.contentType;
  try {
    body = encodeBody(value, choice, wantsPretty(req, query));
  } catch {
    body = encodeBody(value, { format: 'json', contentType: 'application/json' }, false);
    contentType = 'application/json';
  }
  setCommonHeaders(req, res);
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', String(body.length));
  if (req.method === 'HEAD') streamOf(res).end();
  else streamOf(res).end(body);
}

/** Writes an error as a Status (JSON unless YAML was negotiated). */
export function writeError(req: HttpRequest, res: HttpResponse, err: unknown, choice?: OutputChoice): void {
  const se = toStatusError(err);
  if (se.status.code >= 500 && se.status.reason === 'InternalError') {
    process.stderr.write(`kapi: internal error on ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}\n`);
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(se.headers)) res.setHeader(k, v);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const c: OutputChoice = choice && choice.format === 'yaml' ? choice : { format: 'json', contentType: 'application/json' };
  let query = new URLSearchParams();
  try {
    query = contextOf(req).query;
  } catch {
    /* none */
  }
  writeObject(req, res, se.status.code, se.status satisfies Status, { ...c, as: undefined }, query);
}
