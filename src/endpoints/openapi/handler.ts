/**
 * The OpenAPI endpoints: `/openapi/v2` (Swagger JSON or gnostic protobuf),
 * `/openapi/v3` (index) and `/openapi/v3/<key>` (one document per
 * group-version). Documents are built on first request and cached until the
 * served definitions change.
 */
import type { ResourceDefinition } from '../../registry/rest/definition.js';
import { newMethodNotAllowed, newRouteNotFound, type StatusError } from '../../runtime/errors.js';
import type { HttpRequest, HttpResponse } from '../../server/http.js';
import { clauseMatches, parseAccept } from '../discovery/accept.js';
import { memoByDefinitions } from '../discovery/model.js';
import { encodeSwaggerDocument } from './gnostic.js';
import { SchemaSource } from './schemas.js';
import { CachedBody, serveCached, sha512Hex } from './serialize.js';
import { buildSwaggerDocument, defaultKubernetesVersion, serializeSwagger } from './v2.js';
import { serveV3Document, serveV3Index, V3Service } from './v3.js';

/** Options of the OpenAPI handler. */
export interface OpenAPIHandlerOptions {
  /** The resources currently served. */
  definitions: () => ResourceDefinition[];
  /** `info.version` of the v2 document (default v1.33.1). */
  kubernetesVersion?: string;
}

/** Serves an OpenAPI path; returns false when `path` is not one. */
export type OpenAPIHandler = (req: HttpRequest, res: HttpResponse, path: string, query: URLSearchParams) => boolean;

/** The gnostic protobuf media subtypes of the v2 document (the `@` form is deprecated). */
export const v2ProtobufSubtype = 'com.github.proto-openapi.spec.v2.v1.0+protobuf';
const v2ProtobufSubtypeDeprecated = 'com.github.proto-openapi.spec.v2@v1.0+protobuf';

/** What `/openapi/v2` serves for an Accept header: `json`, `protobuf`, or undefined (406). */
export function negotiateV2(accept: string | undefined): 'json' | 'protobuf' | undefined {
  const offers: [string, 'json' | 'protobuf'][] = [['json', 'json'], [v2ProtobufSubtypeDeprecated, 'protobuf'], [v2ProtobufSubtype, 'protobuf']];
  for (const c of parseAccept(accept)) {
    for (const [sub, kind] of offers) if (clauseMatches(c, 'application', sub)) return kind;
  }
  return undefined;
}

/**
 * The cached documents of one set of definitions. Only serialized bytes are
 * kept: each family is built from a fresh SchemaSource that is dropped
 * afterwards, so the schema objects do not stay in memory.
 */
class OpenAPIDocuments {
  private v2json: CachedBody | undefined;
  private v2proto: CachedBody | undefined;
  private v3: V3Service | undefined;

  constructor(
    private readonly definitions: readonly ResourceDefinition[],
    private readonly kubernetesVersion: string,
  ) {}

  swaggerJSON(): CachedBody {
    if (!this.v2json) {
      const json = serializeSwagger(buildSwaggerDocument(this.definitions, this.kubernetesVersion, new SchemaSource(this.definitions)));
      this.v2json = new CachedBody(json, sha512Hex(json), new Date());
    }
    return this.v2json;
  }

  swaggerProtobuf(): CachedBody {
    if (!this.v2proto) {
      const json = this.swaggerJSON();
      const pb = encodeSwaggerDocument(JSON.parse(json.data.toString('utf8')) as Record<string, unknown>);
      // Kubernetes uses the JSON document's hash as the ETag of every form.
      this.v2proto = new CachedBody(pb, json.etag, json.lastModified);
    }
    return this.v2proto;
  }

  v3Service(): V3Service {
    if (!this.v3) {
      this.v3 = new V3Service(this.definitions, new SchemaSource(this.definitions));
    }
    return this.v3;
  }
}

function writeStatus(res: HttpResponse, err: StatusError): void {
  const body = JSON.stringify(err.status);
  res.statusCode = err.status.code;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.end(body);
}

function notAcceptable(res: HttpResponse): void {
  res.statusCode = 406;
  res.end();
}

/** Creates the OpenAPI handler. */
export function createOpenAPIHandler(opts: OpenAPIHandlerOptions): OpenAPIHandler {
  const version = opts.kubernetesVersion ?? defaultKubernetesVersion;
  const documents = memoByDefinitions((defs) => new OpenAPIDocuments(defs, version));

  return (req, res, rawPath, query) => {
    const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
    const isV2 = path === '/openapi/v2';
    const isV3 = path === '/openapi/v3' || path.startsWith('/openapi/v3/');
    if (!isV2 && !isV3) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      writeStatus(res, newMethodNotAllowed());
      return true;
    }
    const docs = documents(opts.definitions());

    if (isV2) {
      res.setHeader('Vary', ['Accept', 'Accept-Encoding']);
      const form = negotiateV2(req.headers['accept'] as string | undefined);
      if (form === 'json') serveCached(req, res, docs.swaggerJSON(), 'application/json');
      else if (form === 'protobuf') serveCached(req, res, docs.swaggerProtobuf(), `application/${v2ProtobufSubtype}`);
      else notAcceptable(res);
      return true;
    }

    const service = docs.v3Service();
    if (path === '/openapi/v3') {
      serveV3Index(req, res, service);
      return true;
    }
    const outcome = serveV3Document(req, res, service, path.slice('/openapi/v3/'.length), query);
    if (outcome === 'notfound') writeStatus(res, newRouteNotFound());
    else if (outcome === 'notacceptable') notAcceptable(res);
    return true;
  };
}
