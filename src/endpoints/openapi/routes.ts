/**
 * The REST routes of the served resources, described once for both OpenAPI
 * documents: for every resource the collection, item, watch and subresource
 * paths the installer registers, each operation with its ID
 * (`patchAppsV1NamespacedDeployment`), `x-kubernetes-action`, GVK, query
 * parameters, request body and responses.
 */
import type { ResourceDefinition, SubresourceDefinition } from '../../registry/rest/definition.js';
import { article, groupVersionKey, groupVersionPrefix, operationGroup, operationGroupVersion, operationTag, title } from './names.js';
import { type GVK, messages, type SchemaSource } from './schemas.js';

/** A path or query parameter. */
export interface RouteParam {
  name: string;
  in: 'path' | 'query';
  type: 'string' | 'integer' | 'boolean';
  description: string;
  required?: true;
}

/** What a response or request body carries. */
export type BodySchema = { message: string } | { type: 'string' | 'object' };

/** One HTTP operation. */
export interface RouteOperation {
  method: 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options';
  operationId: string;
  description: string;
  tag: string;
  /** `x-kubernetes-action`. */
  action?: string;
  /** `x-kubernetes-group-version-kind`. */
  gvk?: GVK;
  /** Every non-body parameter (path-level hoisting is done by the document builders). */
  params: RouteParam[];
  body?: { schema: BodySchema; required: boolean };
  consumes: string[];
  produces: string[];
  responses: { code: string; description: string; schema?: BodySchema }[];
}

/** A path with its operations and the v3 document it belongs to. */
export interface RoutePath {
  path: string;
  /** The `/openapi/v3` key of the document holding this path (`apis/apps/v1`, `api`, `apis/apps`). */
  docKey: string;
  ops: RouteOperation[];
}

/** Media types of object responses (Kubernetes 1.33 built-ins). */
const mediaTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const streamMediaTypes = ['application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
/** Custom resources have no protobuf form. */
const customMediaTypes = ['application/json', 'application/yaml'];
const customStreamMediaTypes = ['application/json;stream=watch'];
const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
const customPatchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

function q(name: string, type: RouteParam['type'], description: string): RouteParam {
  return { name, in: 'query', type, description };
}

const pretty = q('pretty', 'string', "If 'true', the response is indented for reading.");
const dryRun = q('dryRun', 'string', "If 'All', every stage runs but nothing is persisted.");
const fieldManager = q('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields.');
const fieldManagerPatch = q('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields; required for apply patches.');
const fieldValidation = q('fieldValidation', 'string', 'How unknown or duplicate fields in the body are handled: Ignore, Warn or Strict.');
const force = q('force', 'boolean', 'For apply patches: take ownership of fields managed by others.');
const gracePeriodSeconds = q('gracePeriodSeconds', 'integer', 'Seconds to wait before deletion; 0 deletes immediately.');
const ignoreStoreReadError = q('ignoreStoreReadErrorWithClusterBreakingPotential', 'boolean', 'Delete objects that cannot be read from storage (unsafe).');
const orphanDependents = q('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy. Whether dependents are orphaned.');
const propagationPolicy = q('propagationPolicy', 'string', 'Garbage collection of dependents: Orphan, Background or Foreground.');

const listParams: RouteParam[] = [
  q('allowWatchBookmarks', 'boolean', 'Ask for BOOKMARK watch events.'),
  q('continue', 'string', 'The continue token of a previous paginated list.'),
  q('fieldSelector', 'string', 'Select objects by fields.'),
  q('labelSelector', 'string', 'Select objects by labels.'),
  q('limit', 'integer', 'Maximum number of items in one response.'),
  q('resourceVersion', 'string', 'Resource version constraint of the request.'),
  q('resourceVersionMatch', 'string', 'How resourceVersion applies: Exact or NotOlderThan.'),
  q('sendInitialEvents', 'boolean', 'With watch: start with synthetic ADDED events for the current state.'),
  q('timeoutSeconds', 'integer', 'Timeout of the list or watch call.'),
  q('watch', 'boolean', 'Watch for changes and stream them as events.'),
];

const deleteCollectionParams: RouteParam[] = [
  listParams[1]!, dryRun, listParams[2]!, gracePeriodSeconds, ignoreStoreReadError, listParams[3]!, listParams[4]!, orphanDependents,
  propagationPolicy, listParams[5]!, listParams[6]!, listParams[7]!, listParams[8]!,
];

const logParams: RouteParam[] = [
  q('container', 'string', 'The container to read logs of.'),
  q('follow', 'boolean', 'Stream the log as it grows.'),
  q('insecureSkipTLSVerifyBackend', 'boolean', 'Skip verifying the kubelet serving certificate.'),
  q('limitBytes', 'integer', 'Maximum number of bytes to return.'),
  q('previous', 'boolean', 'Logs of the previous terminated container.'),
  q('sinceSeconds', 'integer', 'Only logs newer than this many seconds.'),
  q('stream', 'string', 'Which stream to return: All, Stdout or Stderr.'),
  q('tailLines', 'integer', 'Number of lines from the end of the log.'),
  q('timestamps', 'boolean', 'Prefix every line with its timestamp.'),
];

const connectParams: Record<string, RouteParam[]> = {
  exec: [
    q('command', 'string', 'The command to run.'), q('container', 'string', 'The container to run it in.'), q('stderr', 'boolean', 'Redirect stderr.'),
    q('stdin', 'boolean', 'Redirect stdin.'), q('stdout', 'boolean', 'Redirect stdout.'), q('tty', 'boolean', 'Allocate a TTY.'),
  ],
  attach: [
    q('container', 'string', 'The container to attach to.'), q('stderr', 'boolean', 'Redirect stderr.'), q('stdin', 'boolean', 'Redirect stdin.'),
    q('stdout', 'boolean', 'Redirect stdout.'), q('tty', 'boolean', 'Allocate a TTY.'),
  ],
  portforward: [q('ports', 'integer', 'Ports to forward.')],
  proxy: [q('path', 'string', 'Path to forward to.')],
};

const connectSubresources = new Set(['exec', 'attach', 'portforward', 'proxy']);

function pathParam(name: string, description: string): RouteParam {
  return { name, in: 'path', type: 'string', description, required: true };
}

const namespaceParam = pathParam('namespace', 'Namespace of the object.');

const ok = 'OK';
const unauthorized = { code: '401', description: 'Unauthorized' };

interface Scope {
  d: ResourceDefinition;
  gv: string;
  tag: string;
  docKey: string;
  ns: string;
  kind: string;
  message: BodySchema;
  custom: boolean;
  media: string[];
  stream: string[];
  gvk: GVK;
  /** Path params of the item path: name (+ namespace). */
  itemParams: RouteParam[];
  /** Path params of the collection path: (namespace). */
  collectionParams: RouteParam[];
  /** The list kind's schema. */
  listSchema: BodySchema;
}

function objectResponses(schema: BodySchema, codes: [string, string][]): RouteOperation['responses'] {
  return [...codes.map(([code, description]) => ({ code, description, schema })), unauthorized];
}

function op(s: Scope, o: Omit<RouteOperation, 'tag' | 'consumes' | 'produces'> & Partial<Pick<RouteOperation, 'consumes' | 'produces'>>): RouteOperation {
  return { tag: s.tag, consumes: ['*/*'], produces: s.media, ...o };
}

function collectionOps(s: Scope, verbs: Set<string>): RouteOperation[] {
  const ops: RouteOperation[] = [];
  const { gv, ns, kind } = s;
  if (verbs.has('list')) {
    ops.push(op(s, {
      method: 'get', operationId: `list${gv}${ns}${kind}`, description: `list or watch ${kind} objects`, action: 'list', gvk: s.gvk,
      params: [...s.collectionParams, pretty, ...listParams], produces: [...s.media, ...s.stream],
      responses: objectResponses(s.listSchema, [['200', ok]]),
    }));
  }
  if (verbs.has('create')) {
    ops.push(op(s, {
      method: 'post', operationId: `create${gv}${ns}${kind}`, description: `create ${article(kind)} ${kind}`, action: 'post', gvk: s.gvk,
      params: [...s.collectionParams, pretty, dryRun, fieldManager, fieldValidation], body: { schema: s.message, required: true },
      responses: objectResponses(s.message, [['200', ok], ['201', 'Created'], ['202', 'Accepted']]),
    }));
  }
  if (verbs.has('deletecollection')) {
    ops.push(op(s, {
      method: 'delete', operationId: `delete${gv}Collection${ns}${kind}`, description: `delete a collection of ${kind} objects`, action: 'deletecollection', gvk: s.gvk,
      params: [...s.collectionParams, pretty, ...deleteCollectionParams], body: { schema: { message: messages.deleteOptions }, required: false },
      responses: objectResponses({ message: messages.status }, [['200', ok]]),
    }));
  }
  return ops;
}

function itemOps(s: Scope, verbs: Set<string>): RouteOperation[] {
  const ops: RouteOperation[] = [];
  const { gv, ns, kind } = s;
  if (verbs.has('get')) {
    ops.push(op(s, {
      method: 'get', operationId: `read${gv}${ns}${kind}`, description: `read the named ${kind}`, action: 'get', gvk: s.gvk,
      params: [...s.itemParams, pretty], responses: objectResponses(s.message, [['200', ok]]),
    }));
  }
  if (verbs.has('update')) {
    ops.push(op(s, {
      method: 'put', operationId: `replace${gv}${ns}${kind}`, description: `replace the named ${kind}`, action: 'put', gvk: s.gvk,
      params: [...s.itemParams, pretty, dryRun, fieldManager, fieldValidation], body: { schema: s.message, required: true },
      responses: objectResponses(s.message, [['200', ok], ['201', 'Created']]),
    }));
  }
  if (verbs.has('patch')) {
    ops.push(op(s, {
      method: 'patch', operationId: `patch${gv}${ns}${kind}`, description: `partially update the named ${kind}`, action: 'patch', gvk: s.gvk,
      params: [...s.itemParams, pretty, dryRun, fieldManagerPatch, fieldValidation, force], body: { schema: { message: messages.patch }, required: true },
      consumes: s.custom ? customPatchTypes : patchTypes, responses: objectResponses(s.message, [['200', ok], ['201', 'Created']]),
    }));
  }
  if (verbs.has('delete')) {
    ops.push(op(s, {
      method: 'delete', operationId: `delete${gv}${ns}${kind}`, description: `delete ${article(kind)} ${kind}`, action: 'delete', gvk: s.gvk,
      params: [...s.itemParams, pretty, dryRun, gracePeriodSeconds, ignoreStoreReadError, orphanDependents, propagationPolicy],
      body: { schema: { message: messages.deleteOptions }, required: false },
      responses: objectResponses({ message: messages.status }, [['200', ok], ['202', 'Accepted']]),
    }));
  }
  return ops;
}

function watchOp(s: Scope, operationId: string, action: 'watch' | 'watchlist', description: string, pathParams: RouteParam[]): RouteOperation {
  return op(s, {
    method: 'get', operationId, description, action, gvk: s.gvk, params: [...pathParams, pretty, ...listParams], produces: [...s.media, ...s.stream],
    responses: objectResponses({ message: messages.watchEvent }, [['200', ok]]),
  });
}

const connectMethods: [verb: string, method: RouteOperation['method']][] = [
  ['delete', 'delete'], ['get', 'get'], ['get', 'head'], ['get', 'options'], ['patch', 'patch'], ['create', 'post'], ['update', 'put'],
];

function subresourcePaths(s: Scope, itemPath: string, sub: SubresourceDefinition, source: SchemaSource): RoutePath[] {
  const path = `${itemPath}/${sub.name}`;
  const subTitle = title(sub.name);
  const gvk: GVK = { group: sub.group, kind: sub.kind, version: sub.version };
  const verbs = new Set<string>(sub.verbs);
  const { gv, ns, kind } = s;
  const subMessage = source.subresourceMessage(sub.group, sub.version, sub.kind);
  const schema: BodySchema = subMessage ? { message: subMessage } : s.message;
  const nameParam = pathParam('name', `Name of the ${kind}.`);
  const params = s.d.namespaced ? [nameParam, namespaceParam] : [nameParam];

  if (connectSubresources.has(sub.name)) {
    const variants: [string, string, RouteParam[]][] = [[path, '', [...params, ...(connectParams[sub.name] ?? [])]]];
    if (sub.name === 'proxy') variants.push([`${path}/{path}`, 'WithPath', [...params, pathParam('path', 'Path to forward to.')]]);
    return variants.map(([p, suffix, ps]) => ({
      path: p, docKey: s.docKey,
      ops: connectMethods
        .filter(([verb, method]) => verbs.has(verb) && (sub.name === 'proxy' || (method !== 'head' && method !== 'options')))
        .map(([, method]): RouteOperation => ({
          method, operationId: `connect${gv}${title(method)}${ns}${kind}${subTitle}${suffix}`, description: `connect ${method.toUpperCase()} requests to ${sub.name} of ${kind}`,
          tag: s.tag, action: 'connect', gvk, params: ps, consumes: ['*/*'], produces: ['*/*'],
          responses: [{ code: '200', description: ok, schema: { type: 'string' } }, unauthorized],
        })),
    })).filter((r) => r.ops.length > 0);
  }

  const ops: RouteOperation[] = [];
  if (sub.name === 'log' && verbs.has('get')) {
    ops.push({
      method: 'get', operationId: `read${gv}${ns}${kind}Log`, description: `read the log of ${article(kind)} ${kind}`, tag: s.tag, action: 'get', gvk,
      params: [...params, pretty, ...logParams], consumes: ['*/*'], produces: ['text/plain', ...mediaTypes],
      responses: [{ code: '200', description: ok, schema: { type: 'string' } }, unauthorized],
    });
    return [{ path, docKey: s.docKey, ops }];
  }
  const subScope: Scope = { ...s, gvk };
  if (verbs.has('get')) {
    ops.push(op(subScope, {
      method: 'get', operationId: `read${gv}${ns}${kind}${subTitle}`, description: `read ${sub.name} of the named ${kind}`, action: 'get', gvk,
      params: [...params, pretty], responses: objectResponses(schema, [['200', ok]]),
    }));
  }
  if (verbs.has('create')) {
    ops.push(op(subScope, {
      method: 'post', operationId: `create${gv}${ns}${kind}${subTitle}`, description: `create ${sub.name} of ${article(kind)} ${kind}`, action: 'post', gvk,
      params: [...params, pretty, dryRun, fieldManager, fieldValidation], body: { schema, required: true },
      responses: objectResponses(schema, [['200', ok], ['201', 'Created'], ['202', 'Accepted']]),
    }));
  }
  if (verbs.has('update')) {
    ops.push(op(subScope, {
      method: 'put', operationId: `replace${gv}${ns}${kind}${subTitle}`, description: `replace ${sub.name} of the named ${kind}`, action: 'put', gvk,
      params: [...params, pretty, dryRun, fieldManager, fieldValidation], body: { schema, required: true },
      responses: objectResponses(schema, [['200', ok], ['201', 'Created']]),
    }));
  }
  if (verbs.has('patch')) {
    ops.push(op(subScope, {
      method: 'patch', operationId: `patch${gv}${ns}${kind}${subTitle}`, description: `partially update ${sub.name} of the named ${kind}`, action: 'patch', gvk,
      params: [...params, pretty, dryRun, fieldManagerPatch, fieldValidation, force], body: { schema: { message: messages.patch }, required: true },
      consumes: s.custom ? customPatchTypes : patchTypes, responses: objectResponses(schema, [['200', ok], ['201', 'Created']]),
    }));
  }
  if (verbs.has('delete')) {
    ops.push(op(subScope, {
      method: 'delete', operationId: `delete${gv}${ns}${kind}${subTitle}`, description: `delete ${sub.name} of ${article(kind)} ${kind}`, action: 'delete', gvk,
      params: [...params, pretty, dryRun, gracePeriodSeconds, orphanDependents, propagationPolicy], body: { schema: { message: messages.deleteOptions }, required: false },
      responses: objectResponses({ message: messages.status }, [['200', ok], ['202', 'Accepted']]),
    }));
  }
  return ops.length > 0 ? [{ path, docKey: s.docKey, ops }] : [];
}

function resourcePaths(d: ResourceDefinition, source: SchemaSource): RoutePath[] {
  const message = source.resourceMessage(d);
  const custom = message.startsWith('synthetic:');
  const prefix = groupVersionPrefix(d.group, d.version);
  const nameParam = pathParam('name', `Name of the ${d.kind}.`);
  const listMessage = source.listMessage(d);
  const s: Scope = {
    d,
    gv: operationGroupVersion(d.group, d.version),
    tag: operationTag(d.group, d.version),
    docKey: groupVersionKey(d.group, d.version),
    ns: d.namespaced ? 'Namespaced' : '',
    kind: d.kind,
    message: { message },
    custom,
    media: custom ? customMediaTypes : mediaTypes,
    stream: custom ? customStreamMediaTypes : streamMediaTypes,
    gvk: { group: d.group, kind: d.kind, version: d.version },
    itemParams: d.namespaced ? [nameParam, namespaceParam] : [nameParam],
    collectionParams: d.namespaced ? [namespaceParam] : [],
    listSchema: listMessage ? { message: listMessage } : { type: 'object' },
  };
  const verbs = new Set<string>(d.verbs);
  const scope = d.namespaced ? `/namespaces/{namespace}/${d.resource}` : `/${d.resource}`;
  const collectionPath = prefix + scope;
  const itemPath = `${collectionPath}/{name}`;
  const out: RoutePath[] = [];
  const push = (path: string, ops: RouteOperation[]): void => {
    if (ops.length > 0) out.push({ path, docKey: s.docKey, ops });
  };
  push(collectionPath, collectionOps(s, verbs));
  push(itemPath, itemOps(s, verbs));
  if (verbs.has('watch')) {
    const { gv, ns, kind } = s;
    push(`${prefix}/watch${scope}`, [watchOp(s, `watch${gv}${ns}${kind}List`, 'watchlist', `watch changes to a list of ${kind} (deprecated: use list with watch=true)`, s.collectionParams)]);
    push(`${prefix}/watch${scope}/{name}`, [watchOp(s, `watch${gv}${ns}${kind}`, 'watch', `watch changes to the named ${kind} (deprecated: use list with watch=true and a fieldSelector)`, s.itemParams)]);
    if (d.namespaced) {
      push(`${prefix}/watch/${d.resource}`, [watchOp(s, `watch${gv}${kind}ListForAllNamespaces`, 'watchlist', `watch changes to ${kind} objects in all namespaces (deprecated)`, [])]);
    }
  }
  if (d.namespaced && verbs.has('list')) {
    push(`${prefix}/${d.resource}`, [op(s, {
      method: 'get', operationId: `list${s.gv}${d.kind}ForAllNamespaces`, description: `list or watch ${d.kind} objects in all namespaces`, action: 'list', gvk: s.gvk,
      params: [pretty, ...listParams], produces: [...s.media, ...s.stream], responses: objectResponses(s.listSchema, [['200', ok]]),
    })]);
  }
  for (const sub of [...d.subresources].sort((a, b) => (a.name < b.name ? -1 : 1))) out.push(...subresourcePaths(s, itemPath, sub, source));
  return out;
}

function discoveryOp(operationId: string, description: string, tag: string, message: string): RouteOperation {
  return {
    method: 'get', operationId, description, tag, params: [], consumes: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
    produces: mediaTypes, responses: [{ code: '200', description: ok, schema: { message } }, unauthorized],
  };
}

/**
 * Every route of the served definitions: the discovery roots (`/api/`,
 * `/apis/`, `/apis/<group>/`, `/api/v1/`, `/apis/<group>/<version>/`) and the
 * resource paths. The order is deterministic; documents sort paths anyway.
 */
export function buildRoutes(definitions: readonly ResourceDefinition[], source: SchemaSource): RoutePath[] {
  const out: RoutePath[] = [];
  const groups = new Map<string, Set<string>>();
  for (const d of definitions) {
    let vs = groups.get(d.group);
    if (!vs) groups.set(d.group, (vs = new Set()));
    vs.add(d.version);
  }
  if (groups.has('')) out.push({ path: '/api/', docKey: 'api', ops: [discoveryOp('getCoreAPIVersions', 'get available API versions', 'core', messages.apiVersions)] });
  out.push({ path: '/apis/', docKey: 'apis', ops: [discoveryOp('getAPIVersions', 'get available API versions', 'apis', messages.apiGroupList)] });
  for (const [group, versions] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (group !== '') {
      out.push({ path: `/apis/${group}/`, docKey: `apis/${group}`, ops: [discoveryOp(`get${operationGroup(group)}APIGroup`, 'get information of a group', operationTag(group), messages.apiGroup)] });
    }
    for (const v of [...versions].sort()) {
      out.push({
        path: `${groupVersionPrefix(group, v)}/`, docKey: groupVersionKey(group, v),
        ops: [discoveryOp(`get${operationGroupVersion(group, v)}APIResources`, 'get available resources', operationTag(group, v), messages.apiResourceList)],
      });
    }
  }
  for (const d of definitions) out.push(...resourcePaths(d, source));
  return out;
}

/** The (name, in) key used to find parameters shared by every operation of a path. */
function paramKey(p: RouteParam): string {
  return `${p.in}\u0000${p.name}`;
}

/** Sorts parameters by name, then location (as kube-openapi does). */
export function sortParams<T extends { name: string; in: string }>(ps: T[]): T[] {
  return ps.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.in < b.in ? -1 : a.in > b.in ? 1 : 0));
}

/**
 * Splits a path's parameters into those every operation shares (written once
 * on the path item) and each operation's own.
 */
export function hoistParams(ops: readonly RouteOperation[]): { common: RouteParam[]; own: RouteParam[][] } {
  const counts = new Map<string, { p: RouteParam; n: number }>();
  for (const o of ops) {
    for (const p of o.params) {
      const k = paramKey(p);
      const c = counts.get(k);
      if (c) c.n++;
      else counts.set(k, { p, n: 1 });
    }
  }
  const commonKeys = new Set([...counts].filter(([, c]) => c.n === ops.length).map(([k]) => k));
  const common = sortParams([...counts].filter(([k]) => commonKeys.has(k)).map(([, c]) => c.p));
  const own = ops.map((o) => sortParams(o.params.filter((p) => !commonKeys.has(paramKey(p)))));
  return { common, own };
}
