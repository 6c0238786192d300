/**
 * RequestInfo: the one parse of a request URL into verb, group, version,
 * namespace, resource, subresource and name that authorization, audit,
 * admission and the handlers all read
 * (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go, restated).
 */
import { queryFlag } from '../../runtime/query.js';

export interface RequestInfo {
  isResourceRequest: boolean;
  /** The URL path (without query). */
  path: string;
  /** get, list, watch, create, update, patch, delete, deletecollection, proxy; or the lower-cased method for non-resource requests. */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments after the version (without a `watch` prefix or `namespaces/<ns>` for namespaced resources). */
  parts: string[];
  /** True when the request used the deprecated `/watch/` path prefix. */
  watchPrefix: boolean;
}

const specialVerbs = new Set(['proxy', 'watch']);
const namespaceSubresources = new Set(['status', 'finalize']);

function methodVerb(method: string): string {
  switch (method) {
    case 'POST':
      return 'create';
    case 'GET':
    case 'HEAD':
      return 'get';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return '';
  }
}

/** True when a `watch` query value asks for a watch: present and not `0`/`false` (any case). */
function watchRequested(query: URLSearchParams): boolean {
  return queryFlag(query, 'watch');
}

/** Parses a request into RequestInfo. `path` must be decoded segments-wise by the caller (raw URL path). */
export function parseRequestInfo(method: string, rawPath: string, query: URLSearchParams): RequestInfo {
  const path = rawPath;
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
    watchPrefix: false,
  };
  let segs = path.replace(/^\/+|\/+$/g, '').split('/').filter((s, i, a) => s !== '' || (i > 0 && i < a.length - 1));
  segs = segs.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  if (segs.length < 3 || (segs[0] !== 'api' && segs[0] !== 'apis')) return info;
  info.apiPrefix = segs[0];
  let rest = segs.slice(1);
  if (info.apiPrefix === 'apis') {
    if (rest.length < 3) return info;
    info.apiGroup = rest[0];
    rest = rest.slice(1);
  }
  info.apiVersion = rest[0];
  rest = rest.slice(1);
  if (rest.length === 0) return info;
  info.isResourceRequest = true;

  if (specialVerbs.has(rest[0])) {
    if (rest.length < 2) return { ...info, isResourceRequest: false };
    info.verb = rest[0];
    if (rest[0] === 'watch') info.watchPrefix = true;
    rest = rest.slice(1);
  } else {
    info.verb = methodVerb(method);
  }

  if (rest[0] === 'namespaces') {
    if (rest.length > 1) {
      info.namespace = rest[1];
      if (rest.length > 2 && !namespaceSubresources.has(rest[2])) rest = rest.slice(2);
    }
  }
  info.parts = rest;
  if (rest.length >= 3 && info.verb !== 'proxy') info.subresource = rest[2];
  if (rest.length >= 2) info.name = rest[1];
  info.resource = rest[0] ?? '';

  if (info.name === '' && info.verb === 'get') info.verb = watchRequested(query) ? 'watch' : 'list';
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}
