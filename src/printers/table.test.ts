import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, KubeObject } from '../runtime/object.js';
import { defaultTableConvertor } from './default.js';
import { buildTable, hasPrinter, tableConvertorFor } from './index.js';

const now = new Date('2025-06-01T12:00:00Z');

const cm = (name: string, rv: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: rv, creationTimestamp: '2025-06-01T11:00:00Z', labels: { app: 'x' } },
  data: { a: '1' },
});

test('a list table carries columns, cells, list metadata and PartialObjectMetadata rows', () => {
  const table = buildTable([cm('a', '10'), cm('b', '11')], tableConvertorFor('', 'v1', 'ConfigMap'), {
    now,
    listMeta: { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 },
  });
  const { columnDefinitions, ...rest } = JSON.parse(JSON.stringify(table)) as JsonObject;
  assert.deepEqual(
    (columnDefinitions as JsonObject[]).map((c) => [c['name'], c['type'], c['format'], c['priority']]),
    [
      ['Name', 'string', 'name', 0],
      ['Data', 'string', '', 0],
      ['Age', 'string', '', 0],
    ],
  );
  assert.deepEqual(rest, {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 },
    rows: [
      {
        cells: ['a', 1, '60m'],
        object: {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: { name: 'a', namespace: 'default', uid: 'uid-a', resourceVersion: '10', creationTimestamp: '2025-06-01T11:00:00Z', labels: { app: 'x' } },
        },
      },
      {
        cells: ['b', 1, '60m'],
        object: {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: { name: 'b', namespace: 'default', uid: 'uid-b', resourceVersion: '11', creationTimestamp: '2025-06-01T11:00:00Z', labels: { app: 'x' } },
        },
      },
    ],
  });
  for (const c of columnDefinitions as JsonObject[]) assert.ok(String(c['description']).length > 0);
});

test('a single-object table takes the resourceVersion of the object', () => {
  const table = buildTable([cm('a', '10')], tableConvertorFor('', 'v1', 'ConfigMap'), { now });
  assert.deepEqual(table['metadata'], { resourceVersion: '10' });
});

test('an empty list has no rows but keeps its columns', () => {
  const table = buildTable([], tableConvertorFor('apps', 'v1', 'Deployment'), { now, listMeta: { resourceVersion: '7' } });
  assert.deepEqual(table['rows'], []);
  assert.deepEqual(table['metadata'], { resourceVersion: '7' });
  assert.equal((table['columnDefinitions'] as JsonObject[]).length, 8);
});

test('noHeaders leaves the column definitions null', () => {
  const table = buildTable([cm('a', '10')], tableConvertorFor('', 'v1', 'ConfigMap'), { now, noHeaders: true });
  assert.equal(table['columnDefinitions'], null);
  assert.equal((table['rows'] as JsonObject[]).length, 1);
});

const includeCases: Array<{ name: string; include: 'None' | 'Metadata' | 'Object' | undefined; want: unknown }> = [
  { name: 'None writes a null object', include: 'None', want: null },
  { name: 'Object embeds the whole object', include: 'Object', want: cm('a', '10') },
  {
    name: 'Metadata (the default) embeds PartialObjectMetadata',
    include: undefined,
    want: {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { name: 'a', namespace: 'default', uid: 'uid-a', resourceVersion: '10', creationTimestamp: '2025-06-01T11:00:00Z', labels: { app: 'x' } },
    },
  },
];

for (const c of includeCases) {
  test(`includeObject: ${c.name}`, () => {
    const opts = c.include === undefined ? { now } : { now, includeObject: c.include };
    const table = buildTable([cm('a', '10')], tableConvertorFor('', 'v1', 'ConfigMap'), opts);
    const row = (table['rows'] as JsonObject[])[0]!;
    assert.deepEqual(Object.keys(row), ['cells', 'object']);
    assert.deepEqual(row['object'], c.want);
  });
}

test('Object mode stamps kind and apiVersion on list items that lack them', () => {
  const item: KubeObject = { metadata: { name: 'x' }, data: {} };
  const table = buildTable([item], tableConvertorFor('', 'v1', 'ConfigMap'), {
    now,
    includeObject: 'Object',
    objectTypeMeta: { apiVersion: 'v1', kind: 'ConfigMap' },
  });
  assert.deepEqual((table['rows'] as JsonObject[])[0]!['object'], { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: {} });
});

test('PartialObjectMetadata writes creationTimestamp: null when unset, and v1beta1 tables say so', () => {
  const table = buildTable([{ metadata: { name: 'x' } }], defaultTableConvertor, { now, groupVersion: 'meta.k8s.io/v1beta1' });
  assert.equal(table['apiVersion'], 'meta.k8s.io/v1beta1');
  assert.deepEqual((table['rows'] as JsonObject[])[0]!['object'], {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1beta1',
    metadata: { name: 'x', creationTimestamp: null },
  });
});

test('finished pods get a Completed row condition before the object', () => {
  const pod: KubeObject = { metadata: { name: 'p', creationTimestamp: '2025-06-01T11:00:00Z' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } };
  const table = buildTable([pod], tableConvertorFor('', 'v1', 'Pod'), { now, includeObject: 'None' });
  const row = (table['rows'] as JsonObject[])[0]!;
  assert.deepEqual(Object.keys(row), ['cells', 'conditions', 'object']);
  assert.deepEqual(row['conditions'], [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
});

test('flow schemas are listed by matching precedence, then name', () => {
  const fs = (name: string, precedence: number): KubeObject => ({
    metadata: { name, creationTimestamp: '2025-06-01T11:00:00Z' },
    spec: { matchingPrecedence: precedence, priorityLevelConfiguration: { name: 'pl' } },
  });
  const table = buildTable([fs('global-default', 9900), fs('b', 1000), fs('a', 1000), fs('exempt', 1)], tableConvertorFor('flowcontrol.apiserver.k8s.io', 'v1', 'FlowSchema'), {
    now,
    listMeta: { resourceVersion: '1' },
  });
  assert.deepEqual(
    (table['rows'] as JsonObject[]).map((r) => (r['cells'] as unknown[])[0]),
    ['exempt', 'a', 'b', 'global-default'],
  );
});

test('kinds without a printer get Name and Created At (date)', () => {
  for (const [group, version, kind] of [
    ['rbac.authorization.k8s.io', 'v1', 'Role'],
    ['rbac.authorization.k8s.io', 'v1', 'ClusterRole'],
    ['', 'v1', 'LimitRange'],
    ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition'],
    ['example.com', 'v1', 'Widget'],
  ] as const) {
    const c = tableConvertorFor(group, version, kind);
    assert.equal(c, defaultTableConvertor, kind);
    assert.equal(hasPrinter(group, version, kind), false);
  }
  assert.deepEqual(
    defaultTableConvertor.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0],
      ['Created At', 'date', '', 0],
    ],
  );
  assert.deepEqual(defaultTableConvertor.cells({ metadata: { name: 'r', creationTimestamp: '2025-06-01T11:00:00.123Z' } }, now), ['r', '2025-06-01T11:00:00Z']);
  assert.deepEqual(defaultTableConvertor.cells({ metadata: { name: 'r' } }, now), ['r', '0001-01-01T00:00:00Z']);
});

test('autoscaling v1 and v2 get their own readers; events.k8s.io reads its field names', () => {
  const v1 = tableConvertorFor('autoscaling', 'v1', 'HorizontalPodAutoscaler');
  const v2 = tableConvertorFor('autoscaling', 'v2', 'HorizontalPodAutoscaler');
  assert.notEqual(v1, v2);
  assert.deepEqual(v1.columns, v2.columns);
  const ev = tableConvertorFor('events.k8s.io', 'v1', 'Event');
  assert.deepEqual(ev.columns, tableConvertorFor('', 'v1', 'Event').columns);
  assert.equal(ev.cells({ metadata: { name: 'e' }, regarding: { kind: 'Pod', name: 'p' }, note: 'hello' }, now)[6], 'hello');
});

/** Every printer, given an almost empty object, yields one JSON scalar per column. */
const printed: Array<[string, string, string]> = [
  ['', 'v1', 'Pod'], ['', 'v1', 'PodTemplate'], ['', 'v1', 'ReplicationController'], ['', 'v1', 'Service'], ['', 'v1', 'Endpoints'],
  ['', 'v1', 'Node'], ['', 'v1', 'Event'], ['', 'v1', 'Namespace'], ['', 'v1', 'Secret'], ['', 'v1', 'ServiceAccount'],
  ['', 'v1', 'PersistentVolume'], ['', 'v1', 'PersistentVolumeClaim'], ['', 'v1', 'ComponentStatus'], ['', 'v1', 'ConfigMap'], ['', 'v1', 'ResourceQuota'],
  ['apps', 'v1', 'Deployment'], ['apps', 'v1', 'ReplicaSet'], ['apps', 'v1', 'StatefulSet'], ['apps', 'v1', 'DaemonSet'], ['apps', 'v1', 'ControllerRevision'],
  ['batch', 'v1', 'Job'], ['batch', 'v1', 'CronJob'], ['events.k8s.io', 'v1', 'Event'], ['coordination.k8s.io', 'v1', 'Lease'],
  ['coordination.k8s.io', 'v1alpha2', 'LeaseCandidate'], ['rbac.authorization.k8s.io', 'v1', 'RoleBinding'], ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding'],
  ['networking.k8s.io', 'v1', 'Ingress'], ['networking.k8s.io', 'v1', 'IngressClass'], ['networking.k8s.io', 'v1', 'NetworkPolicy'],
  ['networking.k8s.io', 'v1', 'ServiceCIDR'], ['autoscaling', 'v1', 'HorizontalPodAutoscaler'], ['autoscaling', 'v2', 'HorizontalPodAutoscaler'],
  ['policy', 'v1', 'PodDisruptionBudget'], ['storage.k8s.io', 'v1', 'StorageClass'], ['storage.k8s.io', 'v1beta1', 'VolumeAttributesClass'],
  ['storage.k8s.io', 'v1', 'CSINode'], ['storage.k8s.io', 'v1', 'CSIDriver'], ['storage.k8s.io', 'v1', 'CSIStorageCapacity'], ['storage.k8s.io', 'v1', 'VolumeAttachment'],
  ['scheduling.k8s.io', 'v1', 'PriorityClass'], ['node.k8s.io', 'v1', 'RuntimeClass'], ['discovery.k8s.io', 'v1', 'EndpointSlice'],
  ['certificates.k8s.io', 'v1', 'CertificateSigningRequest'], ['certificates.k8s.io', 'v1beta1', 'ClusterTrustBundle'],
  ['admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration'], ['admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration'],
  ['admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicy'], ['admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicyBinding'],
  ['admissionregistration.k8s.io', 'v1beta1', 'MutatingAdmissionPolicy'], ['admissionregistration.k8s.io', 'v1beta1', 'MutatingAdmissionPolicyBinding'],
  ['flowcontrol.apiserver.k8s.io', 'v1', 'FlowSchema'], ['flowcontrol.apiserver.k8s.io', 'v1', 'PriorityLevelConfiguration'], ['apiregistration.k8s.io', 'v1', 'APIService'],
];

for (const [group, version, kind] of printed) {
  test(`printer ${group || 'core'}/${version} ${kind}: one scalar cell per column, Name first`, () => {
    assert.equal(hasPrinter(group, version, kind), true);
    const c = tableConvertorFor(group, version, kind);
    const cells = c.cells({ metadata: { name: 'n', creationTimestamp: '2025-06-01T11:00:00Z' } }, now);
    assert.equal(cells.length, c.columns.length);
    for (const cell of cells) assert.ok(['string', 'number', 'boolean'].includes(typeof cell), `${kind}: ${String(cell)}`);
    const nameColumn = c.columns.findIndex((col) => col.format === 'name');
    assert.ok(nameColumn >= 0);
    if (nameColumn === 0) assert.equal(cells[0], 'n');
    for (const col of c.columns) assert.ok(col.description.length > 0 && (col.priority === 0 || col.priority === 1));
  });
}
