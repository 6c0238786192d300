/**
 * Round-trips Swagger documents through the gnostic encoder and an
 * independent reader: a generic protobuf wire decoder driven by a table of
 * gnostic's OpenAPIv2 message fields, then a mapping back to Swagger JSON.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYAML } from 'yaml';
import { encodeSwaggerDocument } from './gnostic.js';

type FieldType = 'string' | 'bool' | 'int64' | 'double' | string;
type Desc = Record<number, [name: string, type: FieldType, repeated?: 'r']>;

/** The gnostic openapi.v2 messages this reader understands (field numbers from OpenAPIv2.proto). */
const messages: Record<string, Desc> = {
  Document: { 1: ['swagger', 'string'], 2: ['info', 'Info'], 3: ['host', 'string'], 4: ['basePath', 'string'], 5: ['schemes', 'string', 'r'], 6: ['consumes', 'string', 'r'], 7: ['produces', 'string', 'r'], 8: ['paths', 'Paths'], 9: ['definitions', 'Definitions'], 12: ['security', 'SecurityRequirement', 'r'], 13: ['securityDefinitions', 'SecurityDefinitions'], 14: ['tags', 'Tag', 'r'], 16: ['vendorExtension', 'NamedAny', 'r'] },
  Info: { 1: ['title', 'string'], 2: ['version', 'string'], 3: ['description', 'string'], 7: ['vendorExtension', 'NamedAny', 'r'] },
  Tag: { 1: ['name', 'string'], 2: ['description', 'string'], 4: ['vendorExtension', 'NamedAny', 'r'] },
  Any: { 2: ['yaml', 'string'] },
  NamedAny: { 1: ['name', 'string'], 2: ['value', 'Any'] },
  Paths: { 1: ['vendorExtension', 'NamedAny', 'r'], 2: ['path', 'NamedPathItem', 'r'] },
  NamedPathItem: { 1: ['name', 'string'], 2: ['value', 'PathItem'] },
  PathItem: { 1: ['$ref', 'string'], 2: ['get', 'Operation'], 3: ['put', 'Operation'], 4: ['post', 'Operation'], 5: ['delete', 'Operation'], 6: ['options', 'Operation'], 7: ['head', 'Operation'], 8: ['patch', 'Operation'], 9: ['parameters', 'ParametersItem', 'r'], 10: ['vendorExtension', 'NamedAny', 'r'] },
  Operation: { 1: ['tags', 'string', 'r'], 2: ['summary', 'string'], 3: ['description', 'string'], 5: ['operationId', 'string'], 6: ['produces', 'string', 'r'], 7: ['consumes', 'string', 'r'], 8: ['parameters', 'ParametersItem', 'r'], 9: ['responses', 'Responses'], 10: ['schemes', 'string', 'r'], 11: ['deprecated', 'bool'], 13: ['vendorExtension', 'NamedAny', 'r'] },
  ParametersItem: { 1: ['parameter', 'Parameter'], 2: ['jsonReference', 'JsonReference'] },
  JsonReference: { 1: ['$ref', 'string'], 2: ['description', 'string'] },
  Parameter: { 1: ['bodyParameter', 'BodyParameter'], 2: ['nonBodyParameter', 'NonBodyParameter'] },
  BodyParameter: { 1: ['description', 'string'], 2: ['name', 'string'], 3: ['in', 'string'], 4: ['required', 'bool'], 5: ['schema', 'Schema'], 6: ['vendorExtension', 'NamedAny', 'r'] },
  NonBodyParameter: { 1: ['header', 'PathLike'], 2: ['formData', 'QueryLike'], 3: ['query', 'QueryLike'], 4: ['path', 'PathLike'] },
  QueryLike: { 1: ['required', 'bool'], 2: ['in', 'string'], 3: ['description', 'string'], 4: ['name', 'string'], 5: ['allowEmptyValue', 'bool'], 6: ['type', 'string'], 7: ['format', 'string'], 9: ['collectionFormat', 'string'], 20: ['uniqueItems', 'bool'], 23: ['vendorExtension', 'NamedAny', 'r'] },
  PathLike: { 1: ['required', 'bool'], 2: ['in', 'string'], 3: ['description', 'string'], 4: ['name', 'string'], 5: ['type', 'string'], 6: ['format', 'string'], 8: ['collectionFormat', 'string'], 19: ['uniqueItems', 'bool'], 22: ['vendorExtension', 'NamedAny', 'r'] },
  Responses: { 1: ['responseCode', 'NamedResponseValue', 'r'], 2: ['vendorExtension', 'NamedAny', 'r'] },
  NamedResponseValue: { 1: ['name', 'string'], 2: ['value', 'ResponseValue'] },
  ResponseValue: { 1: ['response', 'Response'], 2: ['jsonReference', 'JsonReference'] },
  Response: { 1: ['description', 'string'], 2: ['schema', 'SchemaItem'], 5: ['vendorExtension', 'NamedAny', 'r'] },
  SchemaItem: { 1: ['schema', 'Schema'] },
  Definitions: { 1: ['additionalProperties', 'NamedSchema', 'r'] },
  Properties: { 1: ['additionalProperties', 'NamedSchema', 'r'] },
  NamedSchema: { 1: ['name', 'string'], 2: ['value', 'Schema'] },
  Schema: { 1: ['$ref', 'string'], 2: ['format', 'string'], 3: ['title', 'string'], 4: ['description', 'string'], 5: ['default', 'Any'], 7: ['maximum', 'double'], 9: ['minimum', 'double'], 11: ['maxLength', 'int64'], 12: ['minLength', 'int64'], 16: ['uniqueItems', 'bool'], 19: ['required', 'string', 'r'], 20: ['enum', 'Any', 'r'], 21: ['additionalProperties', 'AdditionalPropertiesItem'], 22: ['type', 'TypeItem'], 23: ['items', 'ItemsItem'], 24: ['allOf', 'Schema', 'r'], 25: ['properties', 'Properties'], 27: ['readOnly', 'bool'], 30: ['example', 'Any'], 31: ['vendorExtension', 'NamedAny', 'r'] },
  AdditionalPropertiesItem: { 1: ['schema', 'Schema'], 2: ['boolean', 'bool'] },
  TypeItem: { 1: ['value', 'string', 'r'] },
  ItemsItem: { 1: ['schema', 'Schema', 'r'] },
  SecurityRequirement: { 1: ['additionalProperties', 'NamedStringArray', 'r'] },
  NamedStringArray: { 1: ['name', 'string'], 2: ['value', 'StringArray'] },
  StringArray: { 1: ['value', 'string', 'r'] },
  SecurityDefinitions: { 1: ['additionalProperties', 'NamedSecurityDefinitionsItem', 'r'] },
  NamedSecurityDefinitionsItem: { 1: ['name', 'string'], 2: ['value', 'SecurityDefinitionsItem'] },
  SecurityDefinitionsItem: { 2: ['apiKeySecurity', 'ApiKeySecurity'] },
  ApiKeySecurity: { 1: ['type', 'string'], 2: ['name', 'string'], 3: ['in', 'string'], 4: ['description', 'string'] },
};

type Decoded = Record<string, unknown>;

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let mul = 1;
  for (;;) {
    const b = buf[pos++]!;
    result += (b & 0x7f) * mul;
    if (b < 0x80) return [result, pos];
    mul *= 128;
  }
}

/** Decodes one message of type `name`; unknown fields fail the test. */
function decode(buf: Buffer, name: string): Decoded {
  const desc = messages[name]!;
  const out: Decoded = {};
  let pos = 0;
  while (pos < buf.length) {
    let key: number;
    [key, pos] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    const d = desc[field];
    assert.ok(d, `${name}: unexpected field ${field}`);
    const [fname, type, rep] = d;
    let value: unknown;
    if (wire === 0) {
      let v: number;
      [v, pos] = readVarint(buf, pos);
      value = type === 'bool' ? v === 1 : v;
    } else if (wire === 1) {
      value = buf.readDoubleLE(pos);
      pos += 8;
    } else if (wire === 2) {
      let len: number;
      [len, pos] = readVarint(buf, pos);
      const bytes = buf.subarray(pos, pos + len);
      pos += len;
      value = type === 'string' ? bytes.toString('utf8') : decode(bytes, type);
    } else {
      assert.fail(`${name}.${fname}: unexpected wire type ${wire}`);
    }
    if (rep) ((out[fname] ??= []) as unknown[]).push(value);
    else out[fname] = value;
  }
  return out;
}

const o = (v: unknown): Decoded => v as Decoded;
const list = (v: unknown): Decoded[] => (v as Decoded[] | undefined) ?? [];

function extensions(target: Decoded, ext: unknown): void {
  for (const e of list(ext)) target[e['name'] as string] = parseYAML(o(e['value'])['yaml'] as string);
}

function copy(target: Decoded, src: Decoded, keys: string[]): void {
  for (const k of keys) if (src[k] !== undefined) target[k] = src[k];
}

function schemaBack(s: Decoded): Decoded {
  const out: Decoded = {};
  copy(out, s, ['$ref', 'format', 'title', 'description', 'maximum', 'minimum', 'maxLength', 'minLength', 'uniqueItems', 'required', 'readOnly']);
  if (s['default']) out['default'] = parseYAML(o(s['default'])['yaml'] as string);
  if (s['enum']) out['enum'] = list(s['enum']).map((e) => parseYAML(e['yaml'] as string));
  if (s['additionalProperties']) {
    const ap = o(s['additionalProperties']);
    out['additionalProperties'] = ap['schema'] ? schemaBack(o(ap['schema'])) : ap['boolean'];
  }
  if (s['type']) {
    const t = o(s['type'])['value'] as string[];
    out['type'] = t.length === 1 ? t[0] : t;
  }
  if (s['items']) out['items'] = schemaBack(list(o(s['items'])['schema'])[0]!);
  if (s['allOf']) out['allOf'] = list(s['allOf']).map(schemaBack);
  if (s['properties']) out['properties'] = Object.fromEntries(list(o(s['properties'])['additionalProperties']).map((p) => [p['name'], schemaBack(o(p['value']))]));
  if (s['example']) out['example'] = parseYAML(o(s['example'])['yaml'] as string);
  extensions(out, s['vendorExtension']);
  return out;
}

function parameterBack(item: Decoded): Decoded {
  if (item['jsonReference']) return { $ref: o(item['jsonReference'])['$ref'] };
  const p = o(item['parameter']);
  if (p['bodyParameter']) {
    const b = o(p['bodyParameter']);
    const out: Decoded = {};
    copy(out, b, ['description', 'in', 'name', 'required']);
    if (b['schema']) out['schema'] = schemaBack(o(b['schema']));
    extensions(out, b['vendorExtension']);
    return out;
  }
  const nb = o(p['nonBodyParameter']);
  const sub = o(nb['query'] ?? nb['path'] ?? nb['header'] ?? nb['formData']);
  const out: Decoded = {};
  copy(out, sub, ['description', 'in', 'name', 'required', 'type', 'format', 'uniqueItems', 'allowEmptyValue', 'collectionFormat']);
  extensions(out, sub['vendorExtension']);
  return out;
}

function operationBack(op: Decoded): Decoded {
  const out: Decoded = {};
  copy(out, op, ['consumes', 'description', 'operationId', 'produces', 'schemes', 'tags', 'summary', 'deprecated']);
  if (op['parameters']) out['parameters'] = list(op['parameters']).map(parameterBack);
  if (op['responses']) {
    out['responses'] = Object.fromEntries(list(o(op['responses'])['responseCode']).map((r) => {
      const rv = o(o(r['value'])['response']);
      const resp: Decoded = { description: rv['description'] };
      if (rv['schema']) resp['schema'] = schemaBack(o(o(rv['schema'])['schema']));
      return [r['name'], resp];
    }));
  }
  extensions(out, op['vendorExtension']);
  return out;
}

/** Maps a decoded gnostic Document back to Swagger JSON. */
function documentBack(d: Decoded): Decoded {
  const out: Decoded = {};
  if (d['definitions']) out['definitions'] = Object.fromEntries(list(o(d['definitions'])['additionalProperties']).map((n) => [n['name'], schemaBack(o(n['value']))]));
  if (d['info']) out['info'] = { ...o(d['info']) };
  if (d['paths']) {
    out['paths'] = Object.fromEntries(list(o(d['paths'])['path']).map((np) => {
      const item = o(np['value']);
      const back: Decoded = {};
      for (const m of ['delete', 'get', 'head', 'options', 'patch', 'post', 'put']) if (item[m]) back[m] = operationBack(o(item[m]));
      if (item['parameters']) back['parameters'] = list(item['parameters']).map(parameterBack);
      extensions(back, item['vendorExtension']);
      return [np['name'], back];
    }));
  }
  if (d['security']) out['security'] = list(d['security']).map((r) => Object.fromEntries(list(r['additionalProperties']).map((n) => [n['name'], o(n['value'])['value'] ?? []])));
  if (d['securityDefinitions']) {
    out['securityDefinitions'] = Object.fromEntries(list(o(d['securityDefinitions'])['additionalProperties']).map((n) => [n['name'], { ...o(o(n['value'])['apiKeySecurity']) }]));
  }
  copy(out, d, ['swagger', 'consumes', 'produces', 'schemes', 'host', 'basePath']);
  extensions(out, d['vendorExtension']);
  return out;
}

const gvk = { group: 'apps', kind: 'Deployment', version: 'v1' };
const sample = {
  definitions: {
    'io.k8s.api.apps.v1.Deployment': {
      description: 'Deployment enables declarative updates.',
      properties: {
        apiVersion: { description: 'API version.', type: 'string' },
        metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', description: 'Object metadata.' },
        replicas: { format: 'int32', type: 'integer', minimum: -1.5, maximum: 1e6 },
        labels: { additionalProperties: { type: 'string' }, type: 'object', 'x-kubernetes-map-type': 'granular' },
        closed: { additionalProperties: false, type: 'object' },
        open: { additionalProperties: true, type: 'object' },
        containers: {
          items: { $ref: '#/definitions/io.k8s.api.core.v1.Container' }, type: 'array',
          'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge',
        },
        policy: { enum: ['Always', 'Never'], default: 'Always', type: 'string', maxLength: 253, minLength: 1 },
        both: { allOf: [{ $ref: '#/definitions/a' }], description: 'x', type: ['string', 'null'] },
        port: { format: 'int-or-string', type: 'string', 'x-kubernetes-int-or-string': true },
      },
      required: ['spec', 'metadata'],
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'Pod', version: 'v1' }, gvk],
    },
    'io.k8s.apimachinery.pkg.runtime.RawExtension': { description: 'Raw JSON.', type: 'object' },
    'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { format: 'date-time', type: 'string' },
  },
  info: { title: 'Kubernetes', version: 'v1.33.1' },
  paths: {
    '/apis/apps/v1/namespaces/{namespace}/deployments/{name}': {
      parameters: [
        { description: 'name of the Deployment', in: 'path', name: 'name', required: true, type: 'string', uniqueItems: true },
        { description: 'pretty', in: 'query', name: 'pretty', type: 'string', uniqueItems: true },
      ],
      patch: {
        consumes: ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'],
        description: 'partially update the specified Deployment',
        operationId: 'patchAppsV1NamespacedDeployment',
        parameters: [
          { in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } },
          { description: 'validation', in: 'query', name: 'fieldValidation', type: 'string', uniqueItems: true },
          { description: 'force', in: 'query', name: 'force', type: 'boolean', uniqueItems: true },
          { $ref: '#/parameters/shared' },
        ],
        produces: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
        responses: { '200': { description: 'OK', schema: { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' } }, '401': { description: 'Unauthorized' } },
        schemes: ['https'],
        tags: ['apps_v1'],
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
      },
    },
  },
  security: [{ BearerToken: [] }],
  securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
  swagger: '2.0',
};

test('a Swagger document round-trips through the gnostic encoding', () => {
  const bytes = encodeSwaggerDocument(sample);
  const back = documentBack(decode(bytes, 'Document'));
  assert.deepEqual(back, sample);
});

test('vendor extensions are block YAML, as gnostic writes them', () => {
  const d = decode(encodeSwaggerDocument(sample), 'Document');
  const op = o(o(list(o(d['paths'])['path'])[0]!['value'])['patch']);
  const ext = Object.fromEntries(list(op['vendorExtension']).map((e) => [e['name'], o(e['value'])['yaml']]));
  assert.equal(ext['x-kubernetes-group-version-kind'], 'group: apps\nkind: Deployment\nversion: v1\n');
  assert.equal(ext['x-kubernetes-action'], 'patch\n');
  // kubectl's query-param check: the PATCH operation's query parameter names.
  const names = list(op['parameters']).map((p) => o(o(o(p['parameter'])?.['nonBodyParameter'])?.['query'])?.['name']).filter(Boolean);
  assert.deepEqual(names, ['fieldValidation', 'force']);
});

test('an empty document encodes to the swagger field only', () => {
  assert.deepEqual([...encodeSwaggerDocument({ swagger: '2.0' })], [0x0a, 3, 0x32, 0x2e, 0x30]);
});

test('long strings get multi-byte length prefixes', () => {
  const description = 'x'.repeat(300);
  const bytes = encodeSwaggerDocument({ swagger: '2.0', definitions: { a: { description } } });
  const back = documentBack(decode(bytes, 'Document'));
  assert.deepEqual(back['definitions'], { a: { description } });
});
