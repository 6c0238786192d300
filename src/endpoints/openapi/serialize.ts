/**
 * Serialization and conditional-request helpers shared by the OpenAPI
 * handlers: canonical JSON (object keys sorted, as Go's encoder writes
 * maps), the uppercase hex SHA-512 that Kubernetes uses as ETag and v3 hash,
 * lazily computed gzip bodies, and If-None-Match handling.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { HttpRequest, HttpResponse } from '../../server/http.js';
import { headerValue } from '../discovery/accept.js';

/**
 * Sorted copies of objects already seen. Document parts (schemas) are shared
 * between documents and never modified once built, so each is sorted once.
 */
const sortedCopies = new WeakMap<object, unknown>();

/** Returns a copy of `value` with every object's keys sorted (inputs must not be modified afterwards). */
export function sortKeysDeep(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const hit = sortedCopies.get(value);
  if (hit !== undefined) return hit;
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map(sortKeysDeep);
  } else {
    const obj = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(obj).sort()) sorted[k] = sortKeysDeep(obj[k]);
    out = sorted;
  }
  sortedCopies.set(value, out);
  return out;
}

/** JSON bytes with object keys sorted. */
export function canonicalJSON(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(sortKeysDeep(value)));
}

/** Uppercase hex SHA-512, Kubernetes' OpenAPI ETag and v3 `hash`. */
export function sha512Hex(data: Buffer | string): string {
  return createHash('sha512').update(data).digest('hex').toUpperCase();
}

/** A response body with its ETag and a gzip form computed on first use. */
export class CachedBody {
  private gz: Buffer | undefined;

  constructor(
    readonly data: Buffer,
    readonly etag: string,
    readonly lastModified: Date,
  ) {}

  /** The gzip-compressed body. */
  gzipped(): Buffer {
    if (!this.gz) this.gz = gzipSync(this.data, { level: 6 });
    return this.gz;
  }
}

/** True when the client accepts a gzip-encoded response. */
export function acceptsGzip(req: HttpRequest): boolean {
  const ae = headerValue(req.headers['accept-encoding']);
  if (!ae || headerValue(req.headers['range'])) return false;
  return ae.split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((s) => s.trim());
    if (coding?.toLowerCase() !== 'gzip') return false;
    const qp = params.find((p) => p.toLowerCase().startsWith('q='));
    return qp === undefined || Number(qp.slice(2)) > 0;
  });
}

/** True when If-None-Match names `etag` (already quoted) or `*`. */
export function etagMatches(req: HttpRequest, quotedETag: string): boolean {
  const inm = headerValue(req.headers['if-none-match']);
  if (!inm) return false;
  return inm.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === quotedETag || tag === `W/${quotedETag}`;
  });
}

/**
 * Writes a cached body as Go's http.ServeContent would: ETag and
 * Last-Modified, 304 for a matching If-None-Match (or an If-Modified-Since
 * not older than the body when If-None-Match is absent), gzip when accepted.
 */
export function serveCached(req: HttpRequest, res: HttpResponse, body: CachedBody, contentType: string): void {
  const quoted = `"${body.etag}"`;
  res.setHeader('ETag', quoted);
  res.setHeader('Last-Modified', body.lastModified.toUTCString());
  res.setHeader('Accept-Ranges', 'bytes');
  const inm = headerValue(req.headers['if-none-match']);
  const ims = headerValue(req.headers['if-modified-since']);
  const notModified = inm
    ? etagMatches(req, quoted)
    : ims !== undefined && !Number.isNaN(Date.parse(ims)) && Math.floor(body.lastModified.getTime() / 1000) <= Math.floor(Date.parse(ims) / 1000);
  if (notModified) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('Content-Type', contentType);
  let data = body.data;
  if (acceptsGzip(req)) {
    data = body.gzipped();
    res.setHeader('Content-Encoding', 'gzip');
  }
  res.setHeader('Content-Length', String(data.length));
  res.statusCode = 200;
  if (req.method === 'HEAD') res.end();
  else res.end(data);
}
