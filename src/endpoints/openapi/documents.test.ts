import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceDefinition } from '../../registry/rest/definition.js';
import { fixtureDefinitions } from '../discovery/testing.js';
import { buildSwaggerDocument } from './v2.js';
import { buildV3Documents } from './v3.js';

type J = Record<string, any>;

const definitions = fixtureDefinitions();
const swagger = buildSwaggerDocument(definitions) as J;
const v3 = buildV3Documents(definitions) as Map<string, J>;
const apps = v3.get('apis/apps/v1')!;
const core = v3.get('api/v1')!;

const podItem = '/api/v1/namespaces/{namespace}/pods/{name}';
const deployItem = '/apis/apps/v1/namespaces/{namespace}/deployments/{name}';

/** Follows `$ref` / `allOf[0].$ref` / `items` through a v3 document's schemas. */
function resolve(doc: J, schema: J): J {
  let s = schema;
  for (;;) {
    if (s['items']) s = s['items'];
    else if (s['allOf']) s = s['allOf'][0];
    else if (s['$ref']) s = doc['components']['schemas'][(s['$ref'] as string).replace('#/components/schemas/', '')];
    else return s;
    assert.ok(s, 'dangling reference');
  }
}

test('v3 documents exist for the discovery roots and every group-version', () => {
  assert.deepEqual([...v3.keys()].sort(), [
    'api', 'api/v1', 'apis', 'apis/apps', 'apis/apps/v1', 'apis/authorization.k8s.io', 'apis/authorization.k8s.io/v1',
    'apis/autoscaling', 'apis/autoscaling/v1', 'apis/autoscaling/v2', 'apis/events.k8s.io', 'apis/events.k8s.io/v1',
  ]);
  assert.equal(apps['openapi'], '3.0.0');
  assert.ok(Object.keys(apps['paths']).every((p) => p.startsWith('/apis/apps/v1/')));
  assert.equal(v3.get('apis/apps')!['paths']['/apis/apps/']['get']['operationId'], 'getAppsAPIGroup');
  assert.equal(v3.get('api')!['paths']['/api/']['get']['operationId'], 'getCoreAPIVersions');
});

const operationCases: { path: string; method: string; id: string; action: string; gvk: J }[] = [
  { path: '/api/v1/namespaces/{namespace}/pods', method: 'get', id: 'listCoreV1NamespacedPod', action: 'list', gvk: { group: '', kind: 'Pod', version: 'v1' } },
  { path: '/api/v1/namespaces/{namespace}/pods', method: 'post', id: 'createCoreV1NamespacedPod', action: 'post', gvk: { group: '', kind: 'Pod', version: 'v1' } },
  { path: '/api/v1/namespaces/{namespace}/pods', method: 'delete', id: 'deleteCoreV1CollectionNamespacedPod', action: 'deletecollection', gvk: { group: '', kind: 'Pod', version: 'v1' } },
  { path: podItem, method: 'get', id: 'readCoreV1NamespacedPod', action: 'get', gvk: { group: '', kind: 'Pod', version: 'v1' } },
  { path: '/api/v1/pods', method: 'get', id: 'listCoreV1PodForAllNamespaces', action: 'list', gvk: { group: '', kind: 'Pod', version: 'v1' } },
  { path: '/api/v1/watch/namespaces/{namespace}/pods', method: 'get', id: 'watchCoreV1NamespacedPodList', action: 'watchlist', gvk: { group: '', kind: 'Pod', version: 'v1' } },
  { path: '/api/v1/watch/namespaces/{namespace}/pods/{name}', method: 'get', id: 'watchCoreV1NamespacedPod', action: 'watch', gvk: { group: '', kind: 'Pod', version: 'v1' } },
  { path: '/api/v1/watch/pods', method: 'get', id: 'watchCoreV1PodListForAllNamespaces', action: 'watchlist', gvk: { group: '', kind: 'Pod', version: 'v1' } },
  { path: `${podItem}/eviction`, method: 'post', id: 'createCoreV1NamespacedPodEviction', action: 'post', gvk: { group: 'policy', kind: 'Eviction', version: 'v1' } },
  { path: `${podItem}/log`, method: 'get', id: 'readCoreV1NamespacedPodLog', action: 'get', gvk: { group: '', kind: 'Pod', version: 'v1' } },
  { path: '/api/v1/namespaces', method: 'get', id: 'listCoreV1Namespace', action: 'list', gvk: { group: '', kind: 'Namespace', version: 'v1' } },
  { path: '/api/v1/namespaces/{name}/finalize', method: 'put', id: 'replaceCoreV1NamespaceFinalize', action: 'put', gvk: { group: '', kind: 'Namespace', version: 'v1' } },
  { path: deployItem, method: 'patch', id: 'patchAppsV1NamespacedDeployment', action: 'patch', gvk: { group: 'apps', kind: 'Deployment', version: 'v1' } },
  { path: `${deployItem}/scale`, method: 'get', id: 'readAppsV1NamespacedDeploymentScale', action: 'get', gvk: { group: 'autoscaling', kind: 'Scale', version: 'v1' } },
  { path: `${deployItem}/status`, method: 'put', id: 'replaceAppsV1NamespacedDeploymentStatus', action: 'put', gvk: { group: 'apps', kind: 'Deployment', version: 'v1' } },
];
for (const c of operationCases) {
  test(`operation ${c.method.toUpperCase()} ${c.path} is ${c.id}`, () => {
    for (const [name, paths] of [['v2', swagger['paths']], ['v3', (c.path.startsWith('/api/') ? core : apps)['paths']]] as const) {
      const op = paths[c.path]?.[c.method];
      assert.ok(op, `${name}: missing`);
      assert.equal(op['operationId'], c.id, name);
      assert.equal(op['x-kubernetes-action'], c.action, name);
      assert.deepEqual(op['x-kubernetes-group-version-kind'], c.gvk, name);
    }
  });
}

test('connect subresources: exec (GET, POST) and proxy (every method, with and without a path)', () => {
  const exec = core['paths'][`${podItem}/exec`];
  assert.deepEqual(Object.keys(exec).filter((k) => k !== 'parameters').sort(), ['get', 'post']);
  assert.equal(exec['get']['operationId'], 'connectCoreV1GetNamespacedPodExec');
  assert.equal(exec['post']['operationId'], 'connectCoreV1PostNamespacedPodExec');
  assert.equal(exec['post']['x-kubernetes-action'], 'connect');
  assert.deepEqual(exec['post']['x-kubernetes-group-version-kind'], { group: '', kind: 'PodExecOptions', version: 'v1' });
  assert.deepEqual(exec['parameters'].map((p: J) => p['name']), ['command', 'container', 'name', 'namespace', 'stderr', 'stdin', 'stdout', 'tty']);
  const proxy = swagger['paths'][`${podItem}/proxy/{path}`];
  assert.deepEqual(Object.keys(proxy).filter((k) => k !== 'parameters').sort(), ['delete', 'get', 'head', 'options', 'patch', 'post', 'put']);
  assert.equal(proxy['head']['operationId'], 'connectCoreV1HeadNamespacedPodProxyWithPath');
});

test('deletecollection is not offered for namespaces (not in its verbs)', () => {
  assert.equal(swagger['paths']['/api/v1/namespaces']['delete'], undefined);
  assert.deepEqual(swagger['paths']['/api/v1/namespaces']['parameters'].map((p: J) => p['name']), ['pretty']);
});

test('PATCH declares fieldValidation, force and every patch media type (v3 requestBody, v2 consumes)', () => {
  const op = apps['paths'][deployItem]['patch'];
  const names = op['parameters'].map((p: J) => p['name']);
  assert.deepEqual(names, ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
  assert.deepEqual(op['parameters'][2]['schema'], { type: 'string', uniqueItems: true });
  assert.equal(op['parameters'][2]['in'], 'query');
  assert.deepEqual(Object.keys(op['requestBody']['content']).sort(), [
    'application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
  ]);
  assert.equal(op['requestBody']['required'], true);
  assert.equal(op['requestBody']['content']['application/strategic-merge-patch+json']['schema']['$ref'], '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch');
  const v2op = swagger['paths'][deployItem]['patch'];
  assert.ok(v2op['consumes'].includes('application/strategic-merge-patch+json'));
  assert.ok(v2op['parameters'].some((p: J) => p['name'] === 'fieldValidation' && p['in'] === 'query' && p['type'] === 'string'));
  assert.ok(v2op['parameters'].some((p: J) => p['in'] === 'body' && p['schema']['$ref'] === '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch'));
});

test('POST and PUT declare fieldValidation; parameters shared by all operations sit on the path', () => {
  const item = apps['paths'][deployItem];
  assert.deepEqual(item['parameters'].map((p: J) => [p['name'], p['in'], p['required'] ?? false]), [['name', 'path', true], ['namespace', 'path', true], ['pretty', 'query', false]]);
  assert.ok(item['put']['parameters'].some((p: J) => p['name'] === 'fieldValidation'));
  const coll = apps['paths']['/apis/apps/v1/namespaces/{namespace}/deployments'];
  assert.ok(coll['post']['parameters'].some((p: J) => p['name'] === 'fieldValidation'));
  assert.deepEqual(Object.keys(coll['post']['requestBody']['content']), ['*/*']);
  const listNames = coll['get']['parameters'].map((p: J) => p['name']);
  assert.deepEqual(listNames, ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch']);
  assert.ok('application/json;stream=watch' in coll['get']['responses']['200']['content']);
});

test('GET on a pod carries the GVK kubectl explain maps resources with', () => {
  const op = core['paths'][podItem]['get'];
  assert.deepEqual(op['x-kubernetes-group-version-kind'], { group: '', kind: 'Pod', version: 'v1' });
  assert.equal(op['responses']['200']['content']['application/json']['schema']['$ref'], '#/components/schemas/io.k8s.api.core.v1.Pod');
});

test('Deployment → PodTemplateSpec → PodSpec → Container resolves in the apps/v1 document', () => {
  const schemas = apps['components']['schemas'];
  const deployment = schemas['io.k8s.api.apps.v1.Deployment'];
  assert.deepEqual(deployment['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  assert.equal(deployment['properties']['apiVersion']['type'], 'string');
  const spec = resolve(apps, deployment['properties']['spec']);
  const template = resolve(apps, spec['properties']['template']);
  const podSpec = resolve(apps, template['properties']['spec']);
  const containers = podSpec['properties']['containers'];
  assert.equal(containers['type'], 'array');
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(containers['x-kubernetes-list-type'], 'map');
  assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
  assert.ok(podSpec['required'].includes('containers'));
  const container = resolve(apps, containers);
  assert.equal(container['properties']['image']['type'], 'string');
  assert.deepEqual(container['properties']['ports']['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  assert.ok(container['required'].includes('name'));
  // The same chain in the v2 document, with #/definitions/ references.
  const v2spec = swagger['definitions']['io.k8s.api.apps.v1.DeploymentSpec'];
  assert.equal(v2spec['properties']['template']['$ref'], '#/definitions/io.k8s.api.core.v1.PodTemplateSpec');
  assert.equal(swagger['definitions']['io.k8s.api.core.v1.PodSpec']['properties']['containers']['items']['$ref'], '#/definitions/io.k8s.api.core.v1.Container');
});

test('every reference resolves (v2 definitions, v3 components)', () => {
  const check = (doc: J, prefix: string, table: J): void => {
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref') assert.ok((x as string).startsWith(prefix) && table[(x as string).slice(prefix.length)], `dangling ${String(x)}`);
          else walk(x);
        }
      }
    };
    walk(doc);
  };
  check(swagger, '#/definitions/', swagger['definitions']);
  for (const doc of v3.values()) check(doc, '#/components/schemas/', doc['components']['schemas']);
});

const specialCases: { name: string; v2: J; v3: J }[] = [
  { name: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time', v2: { format: 'date-time', type: 'string' }, v3: { format: 'date-time', type: 'string' } },
  { name: 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime', v2: { format: 'date-time', type: 'string' }, v3: { format: 'date-time', type: 'string' } },
  { name: 'io.k8s.apimachinery.pkg.api.resource.Quantity', v2: { type: 'string' }, v3: { oneOf: [{ type: 'string' }, { type: 'number' }] } },
  { name: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString', v2: { format: 'int-or-string', type: 'string' }, v3: { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] } },
  { name: 'io.k8s.apimachinery.pkg.runtime.RawExtension', v2: { type: 'object' }, v3: { type: 'object' } },
  { name: 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1', v2: { type: 'object' }, v3: { type: 'object' } },
];
for (const c of specialCases) {
  test(`special type ${c.name}`, () => {
    const { description: d2, ...v2 } = swagger['definitions'][c.name];
    const { description: d3, ...v3s } = core['components']['schemas'][c.name];
    assert.equal(typeof d2, 'string');
    assert.equal(typeof d3, 'string');
    assert.deepEqual(v2, c.v2);
    assert.deepEqual(v3s, c.v3);
  });
}

test('scalars, maps and inline fields', () => {
  const defs = swagger['definitions'];
  const cm = defs['io.k8s.api.core.v1.ConfigMap']['properties'];
  assert.deepEqual(cm['binaryData']['additionalProperties'], { format: 'byte', type: 'string' });
  assert.deepEqual(cm['data']['additionalProperties'], { type: 'string' });
  assert.equal(cm['immutable']['type'], 'boolean');
  const spec = defs['io.k8s.api.apps.v1.DeploymentSpec']['properties'];
  assert.deepEqual([spec['replicas']['type'], spec['replicas']['format']], ['integer', 'int32']);
  const meta = defs['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']['properties'];
  assert.deepEqual([meta['generation']['type'], meta['generation']['format']], ['integer', 'int64']);
  assert.equal(meta['creationTimestamp']['$ref'], '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time');
  assert.equal(meta['finalizers']['x-kubernetes-list-type'], 'set');
  // ConfigMapKeySelector embeds LocalObjectReference: its `name` is a direct property.
  const sel = defs['io.k8s.api.core.v1.ConfigMapKeySelector'];
  assert.ok(sel['properties']['name']);
  assert.equal(sel['properties']['localObjectReference'], undefined);
  assert.equal(sel['x-kubernetes-map-type'], 'atomic');
});

test('GVKs on list, subresource and meta types', () => {
  const defs = swagger['definitions'];
  assert.deepEqual(defs['io.k8s.api.apps.v1.DeploymentList']['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'DeploymentList', version: 'v1' }]);
  assert.deepEqual(defs['io.k8s.api.autoscaling.v1.Scale']['x-kubernetes-group-version-kind'], [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }]);
  const del = defs['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']['x-kubernetes-group-version-kind'];
  assert.ok(del.some((g: J) => g['group'] === '' && g['version'] === 'v1'));
  assert.ok(del.some((g: J) => g['group'] === 'apps' && g['version'] === 'v1'));
  assert.deepEqual(defs['io.k8s.apimachinery.pkg.apis.meta.v1.Status']['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Status', version: 'v1' }]);
  assert.equal(defs['io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent']['properties']['apiVersion'], undefined);
});

test('a custom resource without a catalogued type gets a preserve-unknown-fields schema and no strategic merge patch', () => {
  const widget: ResourceDefinition = {
    group: 'example.com', version: 'v1', kind: 'Widget', listKind: 'WidgetList', resource: 'widgets', singular: 'widget', namespaced: true, shortNames: [], categories: [],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], subresources: [], persisted: true, message: 'com.example.v1.Widget',
  };
  const docs = buildV3Documents([...definitions, widget]) as Map<string, J>;
  const doc = docs.get('apis/example.com/v1')!;
  const schema = doc['components']['schemas']['com.example.v1.Widget'];
  assert.equal(schema['x-kubernetes-preserve-unknown-fields'], true);
  assert.deepEqual(schema['x-kubernetes-group-version-kind'], [{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
  const patch = doc['paths']['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}']['patch'];
  assert.equal(patch['operationId'], 'patchExampleComV1NamespacedWidget');
  assert.ok(!('application/strategic-merge-patch+json' in patch['requestBody']['content']));
  assert.ok(doc['components']['schemas']['com.example.v1.WidgetList']);
});

test('v2 document header', () => {
  assert.equal(swagger['swagger'], '2.0');
  assert.deepEqual(swagger['info'], { title: 'Kubernetes', version: 'v1.33.1' });
  assert.deepEqual(swagger['security'], [{ BearerToken: [] }]);
  assert.equal(swagger['securityDefinitions']['BearerToken']['type'], 'apiKey');
});
