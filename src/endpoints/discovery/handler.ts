/**
 * The discovery endpoints: `/api`, `/apis`, `/api/<version>`,
 * `/apis/<group>` and `/apis/<group>/<version>`. `/api` and `/apis` serve
 * aggregated discovery (apidiscovery.k8s.io v2 or v2beta1) when Accept asks
 * for it, with ETag/If-None-Match, and the unaggregated documents otherwise.
 */
import type { ResourceDefinition } from '../../registry/rest/definition.js';
import { newMethodNotAllowed, newNotAcceptable, newRouteNotFound, type StatusError } from '../../runtime/errors.js';
import type { HttpRequest, HttpResponse } from '../../server/http.js';
import { clauseMatches, headerValue, parseAccept } from './accept.js';
import { type AggregatedDiscoveryVersion, type AggregatedDocument, buildAggregatedDiscovery, serializeAggregated } from './aggregated.js';
import { buildAPIGroup, buildAPIGroupList, buildAPIResourceList, buildAPIVersions } from './legacy.js';
import { type DiscoveryGroup, findGroup, groupDefinitions, memoByDefinitions } from './model.js';

/** Options of the discovery handler. */
export interface DiscoveryHandlerOptions {
  /** The resources currently served (read on every request; documents are rebuilt when they change). */
  definitions: () => ResourceDefinition[];
  /** `host:port` clients should use, for `serverAddressByClientCIDRs`. */
  serverAddress: () => string;
}

/** Serves a discovery path; returns false when `path` is not a discovery path. */
export type DiscoveryHandler = (req: HttpRequest, res: HttpResponse, path: string) => boolean;

/** The media types the unaggregated documents can be served as. */
const servedMediaTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** Content-Type of an aggregated discovery response, echoing the negotiated version. */
export function aggregatedContentType(version: AggregatedDiscoveryVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** What a request to `/api` or `/apis` negotiated. */
export type DiscoveryNegotiation = { kind: 'aggregated'; version: AggregatedDiscoveryVersion } | { kind: 'legacy' } | { kind: 'none' };

/**
 * Picks aggregated (v2 / v2beta1) or unaggregated discovery from Accept, in
 * the client's order of preference.
 */
export function negotiateDiscovery(accept: string | undefined): DiscoveryNegotiation {
  for (const c of parseAccept(accept)) {
    if (c.type === '*' || (c.type === 'application' && c.subType === '*')) return { kind: 'legacy' };
    if (!clauseMatches(c, 'application', 'json')) continue;
    const as = c.params['as'];
    if (as === undefined) return { kind: 'legacy' };
    if (as === 'APIGroupDiscoveryList' && c.params['g'] === 'apidiscovery.k8s.io' && (c.params['v'] === 'v2' || c.params['v'] === 'v2beta1')) {
      return { kind: 'aggregated', version: c.params['v'] };
    }
  }
  return { kind: 'none' };
}

function writeJSON(req: HttpRequest, res: HttpResponse, code: number, body: Buffer | string, contentType = 'application/json'): void {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', String(buf.length));
  if (req.method === 'HEAD') res.end();
  else res.end(buf);
}

function writeStatus(req: HttpRequest, res: HttpResponse, err: StatusError): void {
  writeJSON(req, res, err.status.code, JSON.stringify(err.status));
}

function writeAggregated(req: HttpRequest, res: HttpResponse, doc: AggregatedDocument, version: AggregatedDiscoveryVersion): void {
  const quoted = `"${doc.etag}"`;
  res.setHeader('ETag', quoted);
  res.setHeader('Vary', 'Accept');
  res.setHeader('Cache-Control', 'public');
  if (headerValue(req.headers['if-none-match']) === quoted) {
    res.statusCode = 304;
    res.end();
    return;
  }
  writeJSON(req, res, 200, doc.json[version], aggregatedContentType(version));
}

interface Documents {
  groups: DiscoveryGroup[];
  aggregatedApi: AggregatedDocument;
  aggregatedApis: AggregatedDocument;
  apiGroupList: Buffer;
  /** `group/version` or `version` (core) → APIResourceList JSON. */
  resourceLists: Map<string, Buffer>;
  /** group name → APIGroup JSON. */
  groupDocs: Map<string, Buffer>;
}

function buildDocuments(definitions: readonly ResourceDefinition[]): Documents {
  const groups = groupDefinitions(definitions);
  const resourceLists = new Map<string, Buffer>();
  const groupDocs = new Map<string, Buffer>();
  for (const g of groups) {
    if (g.name !== '') groupDocs.set(g.name, Buffer.from(JSON.stringify(buildAPIGroup(g))));
    for (const v of g.versions) {
      const key = g.name === '' ? v : `${g.name}/${v}`;
      resourceLists.set(key, Buffer.from(JSON.stringify(buildAPIResourceList(g.name, v, g.resources.get(v) ?? []))));
    }
  }
  return {
    groups,
    aggregatedApi: serializeAggregated(buildAggregatedDiscovery(groups, 'api')),
    aggregatedApis: serializeAggregated(buildAggregatedDiscovery(groups, 'apis')),
    apiGroupList: Buffer.from(JSON.stringify(buildAPIGroupList(groups))),
    resourceLists,
    groupDocs,
  };
}

/**
 * Creates the discovery handler. Documents are built lazily and cached until
 * the definitions change.
 */
export function createDiscoveryHandler(opts: DiscoveryHandlerOptions): DiscoveryHandler {
  const documents = memoByDefinitions(buildDocuments);

  return (req, res, rawPath) => {
    const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
    const segs = path.split('/').slice(1);
    const root = segs[0];
    if (root === 'api') {
      if (segs.length > 2) return false;
    } else if (root === 'apis') {
      if (segs.length > 3) return false;
    } else {
      return false;
    }
    if (segs.some((s) => s === '')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      writeStatus(req, res, newMethodNotAllowed());
      return true;
    }
    const docs = documents(opts.definitions());

    if (segs.length === 1) {
      const neg = negotiateDiscovery(headerValue(req.headers['accept']));
      if (neg.kind === 'none') {
        writeStatus(req, res, newNotAcceptable(servedMediaTypes));
      } else if (neg.kind === 'aggregated') {
        writeAggregated(req, res, root === 'api' ? docs.aggregatedApi : docs.aggregatedApis, neg.version);
      } else if (root === 'api') {
        writeJSON(req, res, 200, JSON.stringify(buildAPIVersions(docs.groups, opts.serverAddress())));
      } else {
        writeJSON(req, res, 200, docs.apiGroupList);
      }
      return true;
    }

    let body: Buffer | undefined;
    if (root === 'api') {
      body = docs.resourceLists.get(segs[1]!);
    } else if (segs.length === 2) {
      body = findGroup(docs.groups, segs[1]!) && segs[1] !== '' ? docs.groupDocs.get(segs[1]!) : undefined;
    } else {
      body = docs.resourceLists.get(`${segs[1]}/${segs[2]}`);
    }
    if (body === undefined) writeStatus(req, res, newRouteNotFound());
    else writeJSON(req, res, 200, body);
    return true;
  };
}
