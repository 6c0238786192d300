import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { errorRows, runCreate, runUpdate, stored } from '../testing.js';
import { setNowForTesting } from './storage.js';

const namespaces = strategyFor('', 'v1', 'Namespace', false);
const services = strategyFor('', 'v1', 'Service', true);
const configMaps = strategyFor('', 'v1', 'ConfigMap', true);
const secrets = strategyFor('', 'v1', 'Secret', true);

test('namespace: label, finalizer and Active phase on create', () => {
  const { obj, errs } = runCreate(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.metadata?.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual(obj.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(obj.status, { phase: 'Active' });
});

test('namespace: name must be a DNS label', () => {
  const { errs } = runCreate(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } });
  assert.deepEqual(errorRows(errs), [{ field: 'metadata.name', type: 'FieldValueInvalid', message: 'metadata.name: Invalid value: "team.a": must not contain dots' }]);
});

test('namespace: a main update cannot change spec.finalizers, /finalize can', () => {
  const old = stored(runCreate(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } }).obj);
  const next = JSON.parse(JSON.stringify(old)) as KubeObject;
  next.spec = { finalizers: [] };
  assert.deepEqual(runUpdate(namespaces, old, next).obj.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(runUpdate(namespaces, old, next, 'finalize').obj.spec, { finalizers: [] });
});

test('service: defaults as a real cluster returns them', () => {
  const { obj, errs } = runCreate(services, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  });
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    sessionAffinity: 'None',
    type: 'ClusterIP',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  assert.deepEqual(obj.status, { loadBalancer: {} });
});

test('service: NodePort gets externalTrafficPolicy, headless without selector is RequireDualStack', () => {
  const np = runCreate(services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np', namespace: 'default' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });
  assert.equal((np.obj.spec as Record<string, unknown>).externalTrafficPolicy, 'Cluster');
  const headless = runCreate(services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'h', namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
  assert.deepEqual(headless.errs, []);
  const spec = headless.obj.spec as Record<string, unknown>;
  assert.deepEqual([spec.clusterIPs, spec.ipFamilyPolicy, spec.ipFamilies], [['None'], 'RequireDualStack', ['IPv4', 'IPv6']]);
});

const serviceErrorCases: { name: string; meta?: Record<string, unknown>; spec: Record<string, unknown>; want: string[] }[] = [
  {
    name: 'name must be a DNS-1035 label',
    meta: { name: '1web', namespace: 'default' },
    spec: { ports: [{ port: 80 }] },
    want: [
      "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ],
  },
  { name: 'ports required', spec: {}, want: ['spec.ports: Required value'] },
  { name: 'port out of range', spec: { ports: [{ port: 0, targetPort: 80 }] }, want: ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'] },
  {
    name: 'two ports need names and must not repeat',
    spec: { ports: [{ port: 80 }, { port: 80 }] },
    want: [
      'spec.ports[0].name: Required value',
      'spec.ports[1].name: Required value',
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ],
  },
  { name: 'ExternalName needs externalName', spec: { type: 'ExternalName' }, want: ['spec.externalName: Required value'] },
];

for (const c of serviceErrorCases) {
  test(`service: ${c.name}`, () => {
    const { errs } = runCreate(services, { apiVersion: 'v1', kind: 'Service', metadata: c.meta ?? { name: 'web', namespace: 'default' }, spec: c.spec });
    assert.deepEqual(
      errs.map((e) => e.message()),
      c.want,
    );
  });
}

test('service: update keeps the allocated cluster IP, changing it is refused', () => {
  const created = runCreate(services, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { clusterIP: '10.96.0.10', ports: [{ port: 80 }] },
  }).obj;
  const old = stored(created);
  const omitted: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { ...old.metadata }, spec: { ports: [{ port: 80 }] } };
  const kept = runUpdate(services, old, omitted);
  assert.deepEqual(kept.errs, []);
  assert.deepEqual([(kept.obj.spec as Record<string, unknown>).clusterIP, (kept.obj.spec as Record<string, unknown>).clusterIPs], ['10.96.0.10', ['10.96.0.10']]);
  const changed: KubeObject = { ...omitted, spec: { clusterIP: '10.96.0.11', ports: [{ port: 80 }] } };
  assert.deepEqual(
    runUpdate(services, old, changed).errs.map((e) => e.message()),
    ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set'],
  );
});

function configMap(data: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default', resourceVersion: '1' }, data, ...extra };
}

test('configmap: invalid key', () => {
  assert.deepEqual(errorRows(runCreate(configMaps, configMap({ 'a b': 'x' })).errs), [
    {
      field: 'data[a b]',
      type: 'FieldValueInvalid',
      message:
        "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    },
  ]);
});

test('configmap: key in both data and binaryData, and over 1 MiB', () => {
  const { errs } = runCreate(configMaps, configMap({ k: 'x'.repeat(1048577) }, { binaryData: { k: 'eA==' } }));
  assert.deepEqual(errorRows(errs), [
    { field: 'data[k]', type: 'FieldValueInvalid', message: 'data[k]: Invalid value: "k": duplicate of key present in binaryData' },
    { field: '', type: 'FieldValueTooLong', message: 'Too long: may not be more than 1048576 bytes' },
  ]);
});

test('configmap: immutable configmaps refuse data changes and unsetting immutable', () => {
  const old = configMap({ a: '1' }, { immutable: true });
  const { errs } = runUpdate(configMaps, old, configMap({ a: '2' }, { immutable: false }));
  assert.deepEqual(errorRows(errs), [
    { field: 'immutable', type: 'FieldValueForbidden', message: 'immutable: Forbidden: field is immutable when `immutable` is set' },
    { field: 'data', type: 'FieldValueForbidden', message: 'data: Forbidden: field is immutable when `immutable` is set' },
  ]);
});

test('secret: Opaque default, stringData merged into data', () => {
  const { obj, errs } = runCreate(secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, stringData: { user: 'admin' } });
  assert.deepEqual(errs, []);
  assert.equal(obj.type, 'Opaque');
  assert.deepEqual(obj.data, { user: 'YWRtaW4=' });
  assert.equal(obj.stringData, undefined);
});

test('secret: type is immutable and tls secrets need tls.crt and tls.key', () => {
  const tls = runCreate(secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, type: 'kubernetes.io/tls', data: {} });
  assert.deepEqual(
    tls.errs.map((e) => e.message()),
    ['data[tls.crt]: Required value', 'data[tls.key]: Required value'],
  );
  const old: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default', resourceVersion: '1' }, type: 'Opaque' };
  const next: KubeObject = { ...old, type: 'example.com/other' };
  assert.deepEqual(
    runUpdate(secrets, old, next).errs.map((e) => e.message()),
    ['type: Invalid value: "example.com/other": field is immutable'],
  );
});

test('pvc and pv: defaults and Pending phase', () => {
  setNowForTesting(() => '2025-01-02T03:04:05Z');
  const pvc = runCreate(strategyFor('', 'v1', 'PersistentVolumeClaim', true), {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } } },
  });
  assert.deepEqual(pvc.errs, []);
  assert.deepEqual(pvc.obj.spec, { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' });
  assert.deepEqual(pvc.obj.status, { phase: 'Pending' });
  const pv = runCreate(strategyFor('', 'v1', 'PersistentVolume', false), {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv1' },
    spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '5Gi' }, hostPath: { path: '/data' } },
  });
  assert.deepEqual(pv.errs, []);
  const spec = pv.obj.spec as Record<string, unknown>;
  assert.deepEqual([spec.persistentVolumeReclaimPolicy, spec.volumeMode, spec.hostPath], ['Retain', 'Filesystem', { path: '/data', type: '' }]);
  assert.deepEqual(pv.obj.status, { phase: 'Pending', lastPhaseTransitionTime: '2025-01-02T03:04:05Z' });
});

test('pvc: storage request is required', () => {
  const { errs } = runCreate(strategyFor('', 'v1', 'PersistentVolumeClaim', true), {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default' },
    spec: { accessModes: [] },
  });
  assert.deepEqual(
    errs.map((e) => e.message()),
    ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value'],
  );
});

test('replication controller: selector and labels default from the template', () => {
  const { obj, errs } = runCreate(strategyFor('', 'v1', 'ReplicationController', true), {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'rc', namespace: 'default' },
    spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  });
  assert.deepEqual(errs, []);
  assert.deepEqual([(obj.spec as Record<string, unknown>).selector, obj.metadata?.labels, (obj.spec as Record<string, unknown>).replicas], [{ app: 'x' }, { app: 'x' }, 1]);
  assert.deepEqual(obj.status, { replicas: 0 });
});

test('node: allocatable defaults to capacity and zero-valued status structs are present', () => {
  const { obj, errs } = runCreate(strategyFor('', 'v1', 'Node', false), {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1' },
    status: { capacity: { cpu: '4', memory: '8Gi' } },
  });
  assert.deepEqual(errs, []);
  const status = obj.status as Record<string, unknown>;
  assert.deepEqual(status.allocatable, { cpu: '4', memory: '8Gi' });
  assert.deepEqual(status.daemonEndpoints, { kubeletEndpoint: { Port: 0 } });
  assert.equal((status.nodeInfo as Record<string, unknown>).kubeletVersion, '');
});

test('core event: legacy validation of involvedObject namespace and zero fields', () => {
  const events = strategyFor('', 'v1', 'Event', true);
  const ok = runCreate(events, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
    reason: 'Started',
  });
  assert.deepEqual(ok.errs, []);
  assert.deepEqual([ok.obj.eventTime, ok.obj.reportingComponent, ok.obj.source], [null, '', {}]);
  const bad = runCreate(events, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.2', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'other' },
  });
  assert.deepEqual(
    bad.errs.map((e) => e.message()),
    ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'],
  );
});

test('events.k8s.io event: strict validation', () => {
  const events = strategyFor('events.k8s.io', 'v1', 'Event', true);
  const { errs } = runCreate(events, {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'e1', namespace: 'default' },
    regarding: { kind: 'Pod', name: 'web', namespace: 'default' },
    eventTime: '2025-01-02T03:04:05.000000Z',
    type: 'Odd',
  });
  assert.deepEqual(
    errs.map((e) => e.message()),
    [
      'reportingController: Required value',
      'reportingController: Invalid value: "": name part must be non-empty',
      "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      'reportingInstance: Required value',
      'action: Required value',
      'reason: Required value',
      'type: Invalid value: "": has invalid value: Odd',
    ],
  );
});

test('lease: leaseDurationSeconds must be positive', () => {
  const { errs } = runCreate(strategyFor('coordination.k8s.io', 'v1', 'Lease', true), {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'l', namespace: 'kube-node-lease' },
    spec: { leaseDurationSeconds: 0 },
  });
  assert.deepEqual(
    errs.map((e) => e.message()),
    ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0'],
  );
});

test('limitrange: container items default limits and requests from max', () => {
  const { obj, errs } = runCreate(strategyFor('', 'v1', 'LimitRange', true), {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'lr', namespace: 'default' },
    spec: { limits: [{ type: 'Container', max: { cpu: '2' } }] },
  });
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec, { limits: [{ type: 'Container', max: { cpu: '2' }, default: { cpu: '2' }, defaultRequest: { cpu: '2' } }] });
});
