import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { errorRows, runCreate, runUpdate, stored } from '../testing.js';

const classes = strategyFor('storage.k8s.io', 'v1', 'StorageClass', false);
const drivers = strategyFor('storage.k8s.io', 'v1', 'CSIDriver', false);
const nodes = strategyFor('storage.k8s.io', 'v1', 'CSINode', false);
const capacities = strategyFor('storage.k8s.io', 'v1', 'CSIStorageCapacity', true);
const attachments = strategyFor('storage.k8s.io', 'v1', 'VolumeAttachment', false);

function storageClass(extra: Record<string, unknown>): KubeObject {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'ebs.csi.aws.com', ...extra };
}

test('storageclass: reclaimPolicy Delete and volumeBindingMode Immediate by default', () => {
  const { obj, errs } = runCreate(classes, storageClass({}));
  assert.deepEqual(errs, []);
  assert.deepEqual([obj.reclaimPolicy, obj.volumeBindingMode], ['Delete', 'Immediate']);
});

const classCases: { name: string; extra: Record<string, unknown>; want: string[] }[] = [
  { name: 'provisioner required', extra: { provisioner: '' }, want: ['provisioner: Required value'] },
  {
    name: 'provisioner is a qualified name, checked in lower case',
    extra: { provisioner: 'Bad Provisioner' },
    want: [
      "provisioner: Invalid value: \"bad provisioner\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
  },
  { name: 'unknown reclaim policy', extra: { reclaimPolicy: 'Recycle' }, want: ['reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"'] },
  {
    name: 'unknown binding mode',
    extra: { volumeBindingMode: 'Lazy' },
    want: ['volumeBindingMode: Unsupported value: "Lazy": supported values: "Immediate", "WaitForFirstConsumer"'],
  },
  {
    name: 'topology values required',
    extra: { allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: [] }] }] },
    want: ['allowedTopologies[0].matchLabelExpressions[0].values: Required value'],
  },
];

for (const c of classCases) {
  test(`storageclass: ${c.name}`, () => assert.deepEqual(runCreate(classes, storageClass(c.extra)).errs.map((e) => e.message()), c.want));
}

test('storageclass: provisioner, parameters, reclaimPolicy and binding mode never change', () => {
  const old = stored(runCreate(classes, storageClass({ parameters: { type: 'gp3' } })).obj);
  const next = { ...JSON.parse(JSON.stringify(old)), provisioner: 'other.csi', parameters: { type: 'io2' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' } as KubeObject;
  assert.deepEqual(runUpdate(classes, old, next).errs.map((e) => e.message()), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
    'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
  ]);
});

test('csidriver: every upstream default, generation 1', () => {
  const { obj, errs } = runCreate(drivers, { apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: 'ebs.csi.aws.com' }, spec: {} });
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec, {
    attachRequired: true,
    podInfoOnMount: false,
    storageCapacity: false,
    fsGroupPolicy: 'ReadWriteOnceWithFSType',
    requiresRepublish: false,
    seLinuxMount: false,
    volumeLifecycleModes: ['Persistent'],
  });
  assert.equal(obj.metadata?.generation, 1);
  assert.equal(drivers.allowUnconditionalUpdate(), false);
});

const driverCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'fsGroupPolicy', spec: { fsGroupPolicy: 'Always' }, want: ['spec.fsGroupPolicy: Unsupported value: "Always": supported values: "File", "None", "ReadWriteOnceWithFSType"'] },
  { name: 'lifecycle mode', spec: { volumeLifecycleModes: ['Temporary'] }, want: ['spec.volumeLifecycleModes: Unsupported value: "Temporary": supported values: "Persistent", "Ephemeral"'] },
  {
    name: 'token request audiences',
    spec: { tokenRequests: [{ audience: 'a', expirationSeconds: 60 }, { audience: 'a' }] },
    want: ['spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes', 'spec.tokenRequests[1].audience: Duplicate value: "a"'],
  },
];

for (const c of driverCases) {
  test(`csidriver: ${c.name}`, () =>
    assert.deepEqual(runCreate(drivers, { apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: 'd.example.com' }, spec: c.spec }).errs.map((e) => e.message()), c.want));
}

test('csidriver: attachRequired cannot change', () => {
  const old = stored(runCreate(drivers, { apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: 'd.example.com' }, spec: {} }).obj);
  const next = JSON.parse(JSON.stringify(old)) as KubeObject;
  (next.spec as { attachRequired: boolean }).attachRequired = false;
  assert.deepEqual(runUpdate(drivers, old, next).errs.map((e) => e.message()), ['spec.attachedRequired: Invalid value: false: field is immutable']);
});

test('csinode: driver entries are validated and immutable', () => {
  const node: KubeObject = { apiVersion: 'storage.k8s.io/v1', kind: 'CSINode', metadata: { name: 'node-1' }, spec: { drivers: [{ name: 'ebs.csi.aws.com', nodeID: 'i-123', topologyKeys: ['topology.ebs.csi.aws.com/zone'] }] } };
  assert.deepEqual(runCreate(nodes, node).errs, []);
  const bad: KubeObject = { ...node, spec: { drivers: [{ name: 'x.example.com', nodeID: '' }, { name: 'x.example.com', nodeID: 'n' }] } };
  assert.deepEqual(errorRows(runCreate(nodes, bad).errs).map((r) => r.message), ['spec.drivers[0].nodeID: Required value', 'spec.drivers[1].name: Duplicate value: "x.example.com"']);
  const old = stored(node);
  const next = JSON.parse(JSON.stringify(old)) as KubeObject;
  (next.spec as { drivers: { nodeID: string }[] }).drivers[0].nodeID = 'i-456';
  assert.deepEqual(runUpdate(nodes, old, next).errs.map((e) => `${e.field}: ${e.detail}`), ['spec.drivers: field is immutable']);
  assert.deepEqual(runCreate(nodes, { apiVersion: 'storage.k8s.io/v1', kind: 'CSINode', metadata: { name: 'n' }, spec: {} }).obj.spec, { drivers: null });
});

test('csistoragecapacity: negative capacity, immutable class name', () => {
  const cap: KubeObject = { apiVersion: 'storage.k8s.io/v1', kind: 'CSIStorageCapacity', metadata: { name: 'c', namespace: 'kube-system' }, storageClassName: 'standard', capacity: '-1Gi' };
  assert.deepEqual(runCreate(capacities, cap).errs.map((e) => e.message()), ['capacity: Invalid value: "-1Gi": must be greater than or equal to 0']);
  const old = stored({ ...cap, capacity: '10Gi' });
  assert.deepEqual(runUpdate(capacities, old, { ...old, storageClassName: 'fast' }).errs.map((e) => e.message()), ['storageClassName: Invalid value: "fast": field is immutable']);
});

function attachment(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttachment', metadata: { name: 'csi-123' }, spec };
}

test('volumeattachment: status starts unattached; spec is immutable', () => {
  const { obj, errs } = runCreate(attachments, attachment({ attacher: 'ebs.csi.aws.com', nodeName: 'node-1', source: { persistentVolumeName: 'pv-1' } }));
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.status, { attached: false });
  const old = stored(obj);
  const next = JSON.parse(JSON.stringify(old)) as KubeObject;
  (next.spec as { nodeName: string }).nodeName = 'node-2';
  assert.deepEqual(runUpdate(attachments, old, next).errs.map((e) => `${e.field}: ${e.detail}`), ['spec: field is immutable']);
});

test('volumeattachment: exactly one source and an attacher', () => {
  assert.deepEqual(runCreate(attachments, attachment({ nodeName: 'node-1', source: {} })).errs.map((e) => e.message()), [
    'spec.attacher: Required value',
    'spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName',
    'spec.attacher: Required value',
    "spec.attacher: Invalid value: \"\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
});
