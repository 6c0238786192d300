import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, JsonValue } from '../object.js';
import { StatusError } from '../errors.js';
import type { PatchFieldMeta, PatchSchema } from './schema.js';
import { strategicMergePatch, type StrategicMergeOptions } from './strategicmerge.js';

// ---- hand-written PatchSchema fakes, shaped like Kubernetes' struct tags ----

type Fake = Partial<PatchFieldMeta>;

function schema(fields: Record<string, Fake>): PatchSchema {
  return {
    field(name: string): PatchFieldMeta | undefined {
      const f = Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined;
      if (f === undefined) return undefined;
      return { isList: false, isMap: false, patchStrategy: '', patchMergeKey: '', ...f };
    },
  };
}

const list = (extra: Fake = {}): Fake => ({ isList: true, ...extra });
const mergeList = (key: string, elem?: PatchSchema, extra: Fake = {}): Fake => ({ isList: true, patchStrategy: 'merge', patchMergeKey: key, elem, ...extra });
const struct = (elem: PatchSchema, extra: Fake = {}): Fake => ({ elem, ...extra });
const map = (elem?: PatchSchema): Fake => ({ isMap: true, elem });

const containerPort = schema({});
const envVar = schema({ valueFrom: struct(schema({ configMapKeyRef: struct(schema({})) })) });
const container = schema({
  ports: mergeList('containerPort', containerPort, { listType: 'map', listMapKeys: ['containerPort', 'protocol'] }),
  env: mergeList('name', envVar, { listType: 'map', listMapKeys: ['name'] }),
  volumeMounts: mergeList('mountPath', schema({})),
  args: list({ listType: 'atomic' }),
  command: list({ listType: 'atomic' }),
  resources: struct(schema({ limits: map(), requests: map() })),
});
const volume = schema({ configMap: struct(schema({ items: list() })), emptyDir: struct(schema({})), secret: struct(schema({})) });
const podSpec = schema({
  containers: mergeList('name', container),
  initContainers: mergeList('name', container),
  volumes: mergeList('name', volume, { patchStrategy: 'merge,retainKeys' }),
  tolerations: list(),
  imagePullSecrets: mergeList('name', schema({})),
  nodeSelector: map(),
  gates: list({ listType: 'map', listMapKeys: ['name'], elem: schema({}) }),
});
const objectMeta = schema({
  labels: map(),
  annotations: map(),
  finalizers: list({ patchStrategy: 'merge' }),
  ownerReferences: mergeList('uid', schema({})),
});
const podTemplate = schema({ metadata: struct(objectMeta), spec: struct(podSpec) });
const deploymentSchema = schema({
  metadata: struct(objectMeta),
  spec: struct(schema({
    selector: struct(schema({ matchLabels: map(), matchExpressions: list() })),
    template: struct(podTemplate),
    strategy: struct(schema({ rollingUpdate: struct(schema({})) }), { patchStrategy: 'retainKeys' }),
  })),
  status: struct(schema({ conditions: mergeList('type', schema({})) })),
});

/** A flat schema for the small cases: the interesting fields all at the top. */
const flat = schema({
  containers: mergeList('name', container),
  volumes: mergeList('name', volume, { patchStrategy: 'merge,retainKeys' }),
  finalizers: list({ patchStrategy: 'merge' }),
  tolerations: list(),
  args: list(),
  labels: map(),
  strategy: struct(schema({ rollingUpdate: struct(schema({})) }), { patchStrategy: 'retainKeys' }),
  gates: list({ listType: 'map', listMapKeys: ['name'], elem: schema({}) }),
  mergeNoKey: list({ patchStrategy: 'merge' }),
  byName: map(schema({ items: mergeList('id', schema({})) })),
  weird: { patchStrategy: 'merge,replace,retainKeys' },
});

// ---- a realistic Deployment as the server stores it ----

const lastApplied = '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"labels":{"app":"web"},"name":"web","namespace":"default"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.27","name":"nginx"}]}}}}\n';

function deployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: '6f1f3a1e-8e07-4a5e-9d43-1b2a1c0b9e11',
      resourceVersion: '106',
      generation: 1,
      creationTimestamp: '2025-01-01T00:00:00Z',
      labels: { app: 'web' },
      annotations: { 'deployment.kubernetes.io/revision': '1', 'kubectl.kubernetes.io/last-applied-configuration': lastApplied },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{
            name: 'nginx',
            image: 'nginx:1.27',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            imagePullPolicy: 'IfNotPresent',
          }],
          volumes: [{ name: 'cfg', configMap: { name: 'web-cfg', defaultMode: 420 } }],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          securityContext: {},
          schedulerName: 'default-scheduler',
        },
      },
    },
    status: { observedGeneration: 1, replicas: 2, conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True' }] },
  };
}

/** The stored Deployment with `edit` applied to a copy. */
function deploymentWith(edit: (d: JsonObject & { spec: any; metadata: any }) => void): JsonObject {
  const d = deployment() as JsonObject & { spec: any; metadata: any };
  edit(d);
  return d;
}

// ---- the table ----

interface Case {
  name: string;
  original: JsonObject;
  patch: JsonObject;
  schema?: PatchSchema;
  options?: StrategicMergeOptions;
  want?: JsonObject;
  error?: { code: number; reason?: string; message?: string };
}

const cases: Case[] = [
  // maps
  { name: 'adds and replaces scalars, merges maps', original: { a: 1, b: { c: 2 } }, patch: { a: 2, b: { d: 3 } }, want: { a: 2, b: { c: 2, d: 3 } } },
  { name: 'null deletes keys at any depth', original: { a: 1, b: { c: 2, d: 3 } }, patch: { a: null, b: { c: null } }, want: { b: { d: 3 } } },
  { name: 'null for a key the object lacks is ignored', original: { a: 1 }, patch: { z: null }, want: { a: 1 } },
  { name: 'a new map value loses its null members', original: {}, patch: { b: { c: null, d: 1, e: { f: null } } }, want: { b: { d: 1, e: {} } } },
  { name: 'a value of another type replaces', original: { a: { b: 1 }, c: [1], d: 's' }, patch: { a: 'x', c: { k: 1 }, d: 2 }, want: { a: 'x', c: { k: 1 }, d: 2 } },
  { name: 'map field keys merge', original: { labels: { a: '1', b: '2' } }, patch: { labels: { b: '3', c: '4', a: null } }, want: { labels: { b: '3', c: '4' } } },
  { name: '$patch: replace on a map replaces it', original: { labels: { a: '1', b: '2' } }, patch: { labels: { $patch: 'replace', c: '3' } }, want: { labels: { c: '3' } } },
  { name: '$patch: delete on a map leaves it empty', original: { strategy: { type: 'X', rollingUpdate: {} }, x: 1 }, patch: { strategy: { $patch: 'delete' } }, want: { strategy: {}, x: 1 } },
  { name: '$patch: replace at the top replaces the object', original: { a: 1, b: 2 }, patch: { $patch: 'replace', c: 3 }, want: { c: 3 } },
  { name: 'a $patch map where nothing is live is dropped', original: {}, patch: { labels: { $patch: 'replace', a: '1' } }, want: {} },
  {
    name: '$patch: merge in a map is an unknown patch type (500)',
    original: { labels: { a: '1' } },
    patch: { labels: { $patch: 'merge', b: '2' } },
    error: { code: 500, message: 'unknown patch type: merge in map: map[$patch:merge b:2]' },
  },
  { name: 'map values use the value schema', original: { byName: { x: { items: [{ id: 1 }] } } }, patch: { byName: { x: { items: [{ id: 2 }] } } }, want: { byName: { x: { items: [{ id: 2 }, { id: 1 }] } } } },

  // lists without a merge strategy
  { name: 'a list without strategy is replaced', original: { tolerations: [{ key: 'a' }] }, patch: { tolerations: [{ key: 'b' }] }, want: { tolerations: [{ key: 'b' }] } },
  { name: 'a primitive list without strategy is replaced', original: { args: ['a', 'b'] }, patch: { args: ['c'] }, want: { args: ['c'] } },
  { name: 'unknown fields merge maps and replace lists', original: { x: { y: [1, 2], z: 1 } }, patch: { x: { y: [3] } }, want: { x: { y: [3], z: 1 } } },

  // lists merged by key
  {
    name: 'merge by name: matches merge, order kept',
    original: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '1' }] },
    patch: { containers: [{ name: 'b', image: '2' }, { name: 'c', image: '1' }] },
    want: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '2' }, { name: 'c', image: '1' }] },
  },
  {
    name: 'merge by name: an element new to the list goes first',
    original: { containers: [{ name: 'a' }, { name: 'b' }] },
    patch: { containers: [{ name: 'c', image: 'x' }] },
    want: { containers: [{ name: 'c', image: 'x' }, { name: 'a' }, { name: 'b' }] },
  },
  {
    name: '$patch: delete removes the element with that key',
    original: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] },
    patch: { containers: [{ name: 'b', $patch: 'delete' }] },
    want: { containers: [{ name: 'a' }, { name: 'c' }] },
  },
  { name: '$patch: delete of an absent key changes nothing', original: { containers: [{ name: 'a' }] }, patch: { containers: [{ name: 'z', $patch: 'delete' }] }, want: { containers: [{ name: 'a' }] } },
  {
    name: '$patch: replace element replaces the whole list',
    original: { containers: [{ name: 'a' }, { name: 'b' }] },
    patch: { containers: [{ $patch: 'replace' }, { name: 'c', image: 'x' }] },
    want: { containers: [{ name: 'c', image: 'x' }] },
  },
  {
    name: '$patch: merge in a list is rejected (500)',
    original: { containers: [{ name: 'a' }] },
    patch: { containers: [{ name: 'a', $patch: 'merge' }] },
    error: { code: 500, message: 'merging lists cannot yet be specified in the patch' },
  },
  {
    name: 'an unknown $patch in a list element (500)',
    original: { containers: [{ name: 'a' }] },
    patch: { containers: [{ name: 'a', $patch: 'foo' }] },
    error: { code: 500, message: 'unknown patch type: foo in map: map[$patch:foo name:a]' },
  },
  {
    name: 'a patch element without the merge key (500)',
    original: { containers: [{ name: 'a' }] },
    patch: { containers: [{ image: 'x' }] },
    error: { code: 500, message: 'map: map[image:x] does not contain declared merge key: name' },
  },
  {
    name: 'a delete directive without the merge key (500)',
    original: { containers: [{ name: 'a' }] },
    patch: { containers: [{ $patch: 'delete' }] },
    error: { code: 500, message: 'map: map[$patch:delete] does not contain declared merge key: name' },
  },
  {
    name: 'nested merge lists: ports by containerPort inside a container',
    original: { containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
    patch: { containers: [{ name: 'a', ports: [{ containerPort: 443, protocol: 'TCP' }] }] },
    want: { containers: [{ name: 'a', ports: [{ containerPort: 443, protocol: 'TCP' }, { containerPort: 80, protocol: 'TCP' }] }] },
  },
  {
    name: 'env merged by name; null members of a matched element are removed',
    original: { containers: [{ name: 'a', env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] }] },
    patch: { containers: [{ name: 'a', env: [{ name: 'B', value: '2', valueFrom: null }] }] },
    want: { containers: [{ name: 'a', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }] },
  },
  {
    name: 'a new element is stored without nulls or directives',
    original: { containers: [{ name: 'a' }] },
    patch: { containers: [{ name: 'b', image: null, env: [{ name: 'X', $patch: 'delete' }, { name: 'Y', value: 'y' }], $retainKeys: ['name'] }] },
    want: { containers: [{ name: 'b', env: [{ name: 'Y', value: 'y' }] }, { name: 'a' }] },
  },
  {
    name: 'merge with a merge strategy but no merge key (500)',
    original: { mergeNoKey: [{ a: 1 }] },
    patch: { mergeNoKey: [{ a: 2 }] },
    error: { code: 500, message: 'cannot merge lists without merge key for struct' },
  },

  // primitive lists with the merge strategy
  { name: 'finalizers merge as a set: live order, new items first', original: { finalizers: ['a', 'b'] }, patch: { finalizers: ['c', 'a'] }, want: { finalizers: ['c', 'a', 'b'] } },
  { name: 'finalizers added to an object without any', original: {}, patch: { finalizers: ['x'] }, want: { finalizers: ['x'] } },
  { name: '$deleteFromPrimitiveList removes values', original: { finalizers: ['a', 'b', 'c'] }, patch: { '$deleteFromPrimitiveList/finalizers': ['b', 'x'] }, want: { finalizers: ['a', 'c'] } },
  { name: '$deleteFromPrimitiveList for an absent list is ignored', original: { a: 1 }, patch: { '$deleteFromPrimitiveList/finalizers': ['b'] }, want: { a: 1 } },
  {
    name: '$deleteFromPrimitiveList with a malformed key (400)',
    original: { finalizers: ['a'] },
    patch: { $deleteFromPrimitiveListfinalizers: ['a'] },
    error: { code: 400, reason: 'BadRequest', message: 'invalid patch format of primitive list' },
  },
  { name: 'null removes a merge list', original: { finalizers: ['a'], b: 1 }, patch: { finalizers: null }, want: { b: 1 } },
  { name: 'lists of lists are not supported (422)', original: { finalizers: [['a']] }, patch: { finalizers: [['b']] }, error: { code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' } },
  { name: 'mixed element types (500)', original: { finalizers: ['a'] }, patch: { finalizers: [1] }, error: { code: 500, message: 'list element types are not identical: [[a] [1]]' } },

  // $setElementOrder
  {
    name: '$setElementOrder alone reorders',
    original: { containers: [{ name: 'a' }, { name: 'b' }] },
    patch: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] },
    want: { containers: [{ name: 'b' }, { name: 'a' }] },
  },
  {
    name: '$setElementOrder places a new element',
    original: { containers: [{ name: 'a' }, { name: 'b' }] },
    patch: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'c' }, { name: 'b' }], containers: [{ name: 'c', image: 'x' }] },
    want: { containers: [{ name: 'a' }, { name: 'c', image: 'x' }, { name: 'b' }] },
  },
  {
    name: '$setElementOrder keeps server-only elements where they were',
    original: { containers: [{ name: 'a' }, { name: 'x' }, { name: 'b' }] },
    patch: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'c' }], containers: [{ name: 'c' }] },
    want: { containers: [{ name: 'a' }, { name: 'x' }, { name: 'b' }, { name: 'c' }] },
  },
  {
    name: '$setElementOrder with a delete directive (kubectl removing a container)',
    original: { containers: [{ name: 'a' }, { name: 'b' }] },
    patch: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'b', $patch: 'delete' }] },
    want: { containers: [{ name: 'a' }] },
  },
  {
    name: '$setElementOrder that contradicts the patch list (500)',
    original: { containers: [{ name: 'a' }, { name: 'b' }] },
    patch: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'b', image: 'x' }] },
    error: { code: 500, message: "The order in patch list:\n[map[image:x name:b]]\n doesn't match $setElementOrder list:\n[map[name:a]]\n" },
  },
  {
    name: '$setElementOrder for a primitive list',
    original: { finalizers: ['a', 'b'] },
    patch: { '$setElementOrder/finalizers': ['b', 'a', 'c'], finalizers: ['c'] },
    want: { finalizers: ['b', 'a', 'c'] },
  },
  {
    name: 'kubectl removing a finalizer',
    original: { finalizers: ['a', 'b'] },
    patch: { '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a'] },
    want: { finalizers: ['a'] },
  },
  {
    name: '$setElementOrder for a list the object lacks',
    original: {},
    patch: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b' }, { name: 'a', $patch: 'delete' }] },
    want: { containers: [{ name: 'b' }] },
  },
  {
    name: '$setElementOrder without the field name (400)',
    original: { containers: [] },
    patch: { $setElementOrder: [] },
    error: { code: 400, reason: 'BadRequest', message: 'invalid patch format of setElementOrder list' },
  },
  {
    name: '$setElementOrder that is not a list (500)',
    original: { containers: [] },
    patch: { '$setElementOrder/containers': 'a' },
    error: { code: 500, message: 'expected a []interface {}, but received a string' },
  },

  // $retainKeys
  {
    name: '$retainKeys clears unlisted keys (strategy switch)',
    original: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
    patch: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } },
    want: { strategy: { type: 'Recreate' } },
  },
  {
    name: '$retainKeys inside a merged element (volume source switch)',
    original: { volumes: [{ name: 'v', configMap: { name: 'cm' } }] },
    patch: { '$setElementOrder/volumes': [{ name: 'v' }], volumes: [{ $retainKeys: ['emptyDir', 'name'], emptyDir: {}, configMap: null, name: 'v' }] },
    want: { volumes: [{ name: 'v', emptyDir: {} }] },
  },
  {
    name: '$retainKeys must list every patched key (400)',
    original: { strategy: { type: 'RollingUpdate' } },
    patch: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } },
    error: { code: 400, reason: 'BadRequest', message: 'invalid patch format of retainKeys' },
  },
  {
    name: '$retainKeys that is not a list (400)',
    original: { strategy: { type: 'RollingUpdate' } },
    patch: { strategy: { $retainKeys: 'type' } },
    error: { code: 400, reason: 'BadRequest', message: 'invalid patch format of retainKeys' },
  },
  { name: 'an unexpected patch strategy in the schema (500)', original: { weird: { a: 1 } }, patch: { weird: { a: 2 } }, error: { code: 500, message: 'unexpected patch strategy: [merge replace retainKeys]' } },

  // list-map metadata
  { name: 'a list-map without patch strategy is replaced (Kubernetes)', original: { gates: [{ name: 'a', x: 1 }] }, patch: { gates: [{ name: 'b' }] }, want: { gates: [{ name: 'b' }] } },
  {
    name: 'a list-map without patch strategy merges by its keys when asked',
    original: { gates: [{ name: 'a', x: 1 }, { name: 'b', x: 1 }] },
    patch: { gates: [{ name: 'b', x: 2 }] },
    options: { mergeListMapsWithoutStrategy: true },
    want: { gates: [{ name: 'a', x: 1 }, { name: 'b', x: 2 }] },
  },

  // kubectl client-side apply and friends on a realistic Deployment
  {
    name: 'kubectl apply: image bump (kubectl-wire §2.2.8)',
    original: deployment(),
    schema: deploymentSchema,
    patch: { metadata: { resourceVersion: '106' }, spec: { replicas: 3, template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.28', name: 'nginx' }] } } } },
    want: deploymentWith((d) => {
      d.spec.replicas = 3;
      d.spec.template.spec.containers[0].image = 'nginx:1.28';
    }),
  },
  {
    name: 'kubectl apply: env var added and one removed',
    original: deployment(),
    schema: deploymentSchema,
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }], env: [{ name: 'C', value: '3' }, { $patch: 'delete', name: 'B' }], name: 'nginx' }] } } } },
    want: deploymentWith((d) => {
      d.spec.template.spec.containers[0].env = [{ name: 'A', value: '1' }, { name: 'C', value: '3' }];
    }),
  },
  {
    name: 'kubectl apply: container port changed',
    original: deployment(),
    schema: deploymentSchema,
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ '$setElementOrder/ports': [{ containerPort: 8080 }], name: 'nginx', ports: [{ containerPort: 8080, protocol: 'TCP' }, { $patch: 'delete', containerPort: 80 }] }] } } } },
    want: deploymentWith((d) => {
      d.spec.template.spec.containers[0].ports = [{ containerPort: 8080, protocol: 'TCP' }];
    }),
  },
  {
    name: 'kubectl apply: sidecar container added after nginx',
    original: deployment(),
    schema: deploymentSchema,
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }], containers: [{ image: 'busybox:1.36', name: 'sidecar' }] } } } },
    want: deploymentWith((d) => {
      d.spec.template.spec.containers.push({ image: 'busybox:1.36', name: 'sidecar' });
    }),
  },
  {
    name: 'kubectl apply: strategy switched to Recreate',
    original: deployment(),
    schema: deploymentSchema,
    patch: { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } },
    want: deploymentWith((d) => {
      d.spec.strategy = { type: 'Recreate' };
    }),
  },
  {
    name: 'kubectl apply: volume switched from configMap to emptyDir',
    original: deployment(),
    schema: deploymentSchema,
    patch: { spec: { template: { spec: { '$setElementOrder/volumes': [{ name: 'cfg' }], volumes: [{ $retainKeys: ['emptyDir', 'name'], configMap: null, emptyDir: {}, name: 'cfg' }] } } } },
    want: deploymentWith((d) => {
      d.spec.template.spec.volumes = [{ name: 'cfg', emptyDir: {} }];
    }),
  },
  {
    name: 'kubectl apply: labels and last-applied annotation updated',
    original: deployment(),
    schema: deploymentSchema,
    patch: { metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}\n' }, labels: { tier: 'frontend' } } },
    want: deploymentWith((d) => {
      d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] = '{"new":true}\n';
      d.metadata.labels.tier = 'frontend';
    }),
  },
  {
    name: 'kubectl rollout restart',
    original: deployment(),
    schema: deploymentSchema,
    patch: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-06-01T10:00:00Z' } } } } },
    want: deploymentWith((d) => {
      d.spec.template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2025-06-01T10:00:00Z' };
    }),
  },
  {
    name: 'kubectl label --overwrite and label removal',
    original: deployment(),
    schema: deploymentSchema,
    patch: { metadata: { labels: { app: null, env: 'prod' } } },
    want: deploymentWith((d) => {
      d.metadata.labels = { env: 'prod' };
    }),
  },
  {
    name: 'status condition merged by type',
    original: deployment(),
    schema: deploymentSchema,
    patch: { status: { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } },
    want: deploymentWith((d) => {
      (d.status as any).conditions[1] = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' };
    }),
  },
  {
    name: 'kubectl apply: finalizer added through metadata',
    original: deploymentWith((d) => { d.metadata.finalizers = ['example.com/a']; }),
    schema: deploymentSchema,
    patch: { metadata: { '$setElementOrder/finalizers': ['example.com/a', 'example.com/b'], finalizers: ['example.com/b'] } },
    want: deploymentWith((d) => { d.metadata.finalizers = ['example.com/a', 'example.com/b']; }),
  },
];

function findDirective(v: JsonValue, path = ''): string | undefined {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const found = findDirective(v[i]!, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/') || k.startsWith('$deleteFromPrimitiveList/')) return `${path}.${k}`;
      const found = findDirective(v[k]!, `${path}.${k}`);
      if (found) return found;
    }
  }
  return undefined;
}

for (const c of cases) {
  test(`SMP: ${c.name}`, () => {
    const original = structuredClone(c.original);
    const patch = structuredClone(c.patch);
    const run = (): JsonObject => strategicMergePatch(original, patch, c.schema ?? flat, c.options);
    if (c.error) {
      assert.throws(run, (err: unknown) => {
        assert.ok(err instanceof StatusError, `expected StatusError, got ${String(err)}`);
        assert.equal(err.code, c.error!.code);
        if (c.error!.reason !== undefined) assert.equal(err.reason, c.error!.reason);
        if (c.error!.message !== undefined) assert.equal(err.message, c.error!.message);
        return true;
      });
    } else {
      const got = run();
      assert.deepEqual(got, c.want);
      assert.equal(findDirective(got), undefined, 'a directive leaked into the result');
    }
    // Never mutates its inputs, whatever the outcome.
    assert.deepEqual(original, c.original);
    assert.deepEqual(patch, c.patch);
  });
}

test('SMP: the result shares no structure with the inputs', () => {
  const original = deployment();
  const patch: JsonObject = { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'x' }] } } } };
  const got = strategicMergePatch(original, patch, deploymentSchema) as any;
  got.spec.selector.matchLabels.app = 'changed';
  got.spec.template.spec.containers[0].env.push({ name: 'Z' });
  assert.deepEqual(original, deployment());
});

test('SMP: a non-object patch is a 400', () => {
  assert.throws(() => strategicMergePatch({}, [] as unknown as JsonObject, flat), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 400);
    assert.equal(err.message, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
    return true;
  });
});

test('SMP: 422 for lists of lists has Kubernetes\' wire shape', () => {
  try {
    strategicMergePatch({ finalizers: [['a']] }, { finalizers: [['b']] }, flat);
    assert.fail('expected an error');
  } catch (err) {
    assert.ok(err instanceof StatusError);
    assert.deepEqual(err.status, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'the server rejected our request due to an error in our request', reason: 'Invalid', details: {}, code: 422,
    });
  }
});

test('SMP: table has at least 40 cases', () => {
  assert.ok(cases.length >= 40, `only ${cases.length} cases`);
});
