/**
 * OpenAPI v3: one OpenAPI 3.0 document per group-version (`apis/apps/v1`)
 * plus the discovery roots (`api`, `apis`, `apis/<group>`), and the
 * `/openapi/v3` index that maps each key to `/openapi/v3/<key>?hash=<H>`,
 * H being the uppercase hex SHA-512 of the document. kubectl ≥1.29 reads
 * these for `explain`, apply patch metadata and the `fieldValidation` check.
 */
import type { ResourceDefinition } from '../../registry/rest/definition.js';
import type { HttpRequest, HttpResponse } from '../../server/http.js';
import { clauseMatches, parseAccept } from '../discovery/accept.js';
import { type BodySchema, buildRoutes, hoistParams, type RouteOperation, type RouteParam, type RoutePath } from './routes.js';
import { type JSONObject, SchemaSource } from './schemas.js';
import { CachedBody, canonicalJSON, serveCached, sha512Hex } from './serialize.js';
import { bearerTokenScheme, referencedMessages } from './v2.js';

function v3Param(p: RouteParam): JSONObject {
  const out: JSONObject = { description: p.description, in: p.in, name: p.name, schema: { type: p.type, uniqueItems: true } };
  if (p.required) out['required'] = true;
  return out;
}

function v3Schema(schema: BodySchema, source: SchemaSource): JSONObject {
  return 'message' in schema ? source.ref(schema.message, 'v3') : { type: schema.type };
}

function content(types: readonly string[], schema: JSONObject): JSONObject {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

function v3Operation(o: RouteOperation, own: RouteParam[], source: SchemaSource): JSONObject {
  const out: JSONObject = {
    description: o.description,
    operationId: o.operationId,
    responses: Object.fromEntries(o.responses.map((r) => [r.code, r.schema ? { content: content(o.produces, v3Schema(r.schema, source)), description: r.description } : { description: r.description }])),
    tags: [o.tag],
  };
  if (own.length > 0) out['parameters'] = own.map(v3Param);
  if (o.body) {
    const body: JSONObject = { content: content(o.consumes, v3Schema(o.body.schema, source)) };
    if (o.body.required) body['required'] = true;
    out['requestBody'] = body;
  }
  if (o.action) out['x-kubernetes-action'] = o.action;
  if (o.gvk) out['x-kubernetes-group-version-kind'] = { ...o.gvk };
  return out;
}

function v3PathItem(route: RoutePath, source: SchemaSource): JSONObject {
  const { common, own } = hoistParams(route.ops);
  const item: JSONObject = {};
  route.ops.forEach((o, i) => {
    item[o.method] = v3Operation(o, own[i]!, source);
  });
  if (common.length > 0) item['parameters'] = common.map(v3Param);
  return item;
}

/** Builds every v3 document (as JSON values), keyed like the `/openapi/v3` index. */
export function buildV3Documents(definitions: readonly ResourceDefinition[], source = new SchemaSource(definitions)): Map<string, JSONObject> {
  const byKey = new Map<string, RoutePath[]>();
  for (const r of buildRoutes(definitions, source)) {
    let list = byKey.get(r.docKey);
    if (!list) byKey.set(r.docKey, (list = []));
    list.push(r);
  }
  const docs = new Map<string, JSONObject>();
  for (const [key, routes] of byKey) {
    const paths: JSONObject = {};
    for (const r of routes) paths[r.path] = v3PathItem(r, source);
    docs.set(key, {
      components: { schemas: source.definitions(referencedMessages(routes), 'v3'), securitySchemes: { BearerToken: bearerTokenScheme } },
      info: { title: 'Kubernetes', version: 'unversioned' },
      openapi: '3.0.0',
      paths,
    });
  }
  return docs;
}

/** The serialized v3 documents and the index that points at them. */
export class V3Service {
  readonly index: CachedBody;
  private readonly docs = new Map<string, CachedBody>();

  constructor(definitions: readonly ResourceDefinition[], source?: SchemaSource) {
    const now = new Date();
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [key, doc] of buildV3Documents(definitions, source)) {
      const json = canonicalJSON(doc);
      const body = new CachedBody(json, sha512Hex(json), now);
      this.docs.set(key, body);
      paths[key] = { serverRelativeURL: serverRelativeURL(key, body.etag) };
    }
    const indexJSON = canonicalJSON({ paths });
    this.index = new CachedBody(indexJSON, sha512Hex(indexJSON), now);
  }

  /** The document for an index key (`apis/apps/v1`), if served. */
  document(key: string): CachedBody | undefined {
    return this.docs.get(key);
  }

  /** Every served key. */
  keys(): string[] {
    return [...this.docs.keys()];
  }
}

/** `/openapi/v3/<key>?hash=<H>`. */
export function serverRelativeURL(key: string, hash: string): string {
  return `/openapi/v3/${key}?hash=${encodeURIComponent(hash)}`;
}

const jsonType = 'application/json';
/**
 * True when Accept allows JSON. The v3 protobuf forms
 * (`com.github.proto-openapi.spec.v3.v1.0+protobuf`) are not produced, so a
 * client asking only for them gets 406.
 */
export function v3AcceptsJSON(accept: string | undefined): boolean {
  return parseAccept(accept).some((c) => clauseMatches(c, 'application', 'json'));
}

/** Serves `/openapi/v3` (index) — always JSON, with ETag. */
export function serveV3Index(req: HttpRequest, res: HttpResponse, service: V3Service): void {
  serveCached(req, res, service.index, jsonType);
}

/**
 * Serves `/openapi/v3/<key>`: 404 when unknown, 406 when JSON is not
 * acceptable, 301 to the current URL for a stale `hash`, and immutable
 * caching headers when the hash is current.
 */
export function serveV3Document(req: HttpRequest, res: HttpResponse, service: V3Service, key: string, query: URLSearchParams): 'ok' | 'notfound' | 'notacceptable' {
  const doc = service.document(key);
  if (!doc) return 'notfound';
  res.setHeader('Vary', 'Accept');
  if (!v3AcceptsJSON(req.headers['accept'] as string | undefined)) return 'notacceptable';
  const hash = query.get('hash');
  if (hash !== null && hash !== '') {
    if (hash !== doc.etag) {
      const location = serverRelativeURL(key, doc.etag);
      res.statusCode = 301;
      res.setHeader('Location', location);
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      if (req.method === 'GET') res.end(`<a href="${location}">Moved Permanently</a>.\n\n`);
      else res.end();
      return 'ok';
    }
    res.setHeader('Cache-Control', 'public, immutable');
    const expires = new Date();
    expires.setFullYear(expires.getFullYear() + 1);
    res.setHeader('Expires', expires.toUTCString());
  }
  serveCached(req, res, doc, jsonType);
  return 'ok';
}
