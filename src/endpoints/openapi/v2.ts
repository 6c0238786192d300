/**
 * The Swagger 2.0 document served at `/openapi/v2`: every path of every
 * served resource and the definitions they reach. kubectl 1.27/1.28 read it
 * (as gnostic protobuf) for `explain`, client-side apply patch metadata and
 * the `fieldValidation` support check; newer kubectl falls back to it.
 */
import type { ResourceDefinition } from '../../registry/rest/definition.js';
import { type BodySchema, buildRoutes, hoistParams, type RouteOperation, type RouteParam, type RoutePath, sortParams } from './routes.js';
import { type JSONObject, SchemaSource } from './schemas.js';
import { canonicalJSON } from './serialize.js';

/** The Kubernetes version the documents announce by default. */
export const defaultKubernetesVersion = 'v1.33.1';

/** The security scheme every Kubernetes document declares. */
export const bearerTokenScheme = { description: 'Bearer token authentication.', in: 'header', name: 'authorization', type: 'apiKey' };

function v2Param(p: RouteParam): JSONObject {
  const out: JSONObject = { description: p.description, in: p.in, name: p.name, type: p.type, uniqueItems: true };
  if (p.required) out['required'] = true;
  return out;
}

function v2Schema(schema: BodySchema, source: SchemaSource): JSONObject {
  return 'message' in schema ? source.ref(schema.message, 'v2') : { type: schema.type };
}

function v2Operation(o: RouteOperation, own: RouteParam[], source: SchemaSource): JSONObject {
  const params: JSONObject[] = own.map(v2Param);
  if (o.body) {
    const body: JSONObject = { in: 'body', name: 'body', schema: v2Schema(o.body.schema, source) };
    if (o.body.required) body['required'] = true;
    params.push(body);
  }
  const out: JSONObject = {
    consumes: o.consumes,
    description: o.description,
    operationId: o.operationId,
    produces: o.produces,
    responses: Object.fromEntries(o.responses.map((r) => [r.code, r.schema ? { description: r.description, schema: v2Schema(r.schema, source) } : { description: r.description }])),
    schemes: ['https'],
    tags: [o.tag],
  };
  if (params.length > 0) out['parameters'] = sortParams(params as { name: string; in: string }[]);
  if (o.action) out['x-kubernetes-action'] = o.action;
  if (o.gvk) out['x-kubernetes-group-version-kind'] = { ...o.gvk };
  return out;
}

/** A path item in Swagger form: shared parameters on the item, the rest on each operation. */
export function v2PathItem(route: RoutePath, source: SchemaSource): JSONObject {
  const { common, own } = hoistParams(route.ops);
  const item: JSONObject = {};
  route.ops.forEach((o, i) => {
    item[o.method] = v2Operation(o, own[i]!, source);
  });
  if (common.length > 0) item['parameters'] = common.map(v2Param);
  return item;
}

/** Messages referenced by request bodies and responses of the routes. */
export function referencedMessages(routes: readonly RoutePath[]): Set<string> {
  const roots = new Set<string>();
  for (const r of routes) {
    for (const o of r.ops) {
      if (o.body && 'message' in o.body.schema) roots.add(o.body.schema.message);
      for (const resp of o.responses) if (resp.schema && 'message' in resp.schema) roots.add(resp.schema.message);
    }
  }
  return roots;
}

/** Builds the Swagger 2.0 document (as JSON values) for the served definitions. */
export function buildSwaggerDocument(definitions: readonly ResourceDefinition[], kubernetesVersion = defaultKubernetesVersion, source = new SchemaSource(definitions)): JSONObject {
  const routes = buildRoutes(definitions, source);
  const paths: JSONObject = {};
  for (const r of routes) paths[r.path] = v2PathItem(r, source);
  return {
    definitions: source.definitions(referencedMessages(routes), 'v2'),
    info: { title: 'Kubernetes', version: kubernetesVersion },
    paths,
    security: [{ BearerToken: [] }],
    securityDefinitions: { BearerToken: bearerTokenScheme },
    swagger: '2.0',
  };
}

/** The serialized Swagger document: canonical JSON (sorted keys) and its ETag. */
export function serializeSwagger(doc: JSONObject): Buffer {
  return canonicalJSON(doc);
}
