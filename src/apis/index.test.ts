import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../runtime/object.js';
import { hasSpecificStrategy, selectableFieldsFor, strategyFor } from './index.js';
import { runCreate, runUpdate, stored } from './testing.js';

test('selectable fields: pods', () => {
  const fields = selectableFieldsFor('', 'Pod')({
    metadata: { name: 'web', namespace: 'default' },
    spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
    status: { phase: 'Running', podIPs: [{ ip: '10.0.0.1' }] },
  });
  assert.deepEqual(fields, {
    'metadata.name': 'web',
    'metadata.namespace': 'default',
    'spec.nodeName': 'n1',
    'spec.restartPolicy': 'Always',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'default',
    'spec.hostNetwork': 'false',
    'status.phase': 'Running',
    'status.podIP': '10.0.0.1',
    'status.nominatedNodeName': '',
  });
});

test('selectable fields: cluster-scoped kinds have no metadata.namespace', () => {
  assert.deepEqual(selectableFieldsFor('', 'Node', false)({ metadata: { name: 'n1' }, spec: { unschedulable: true } }), {
    'metadata.name': 'n1',
    'spec.unschedulable': 'true',
  });
});

test('selectable fields: events, secrets, jobs, replicasets', () => {
  const ev = selectableFieldsFor('', 'Event')({ metadata: { name: 'e', namespace: 'd' }, involvedObject: { kind: 'Pod', name: 'p' }, reason: 'Started', source: { component: 'kubelet' }, type: 'Normal' });
  assert.equal(ev['involvedObject.kind'], 'Pod');
  assert.equal(ev.source, 'kubelet');
  assert.equal(selectableFieldsFor('', 'Secret')({ metadata: { name: 's' }, type: 'Opaque' }).type, 'Opaque');
  assert.equal(selectableFieldsFor('batch', 'Job')({ metadata: { name: 'j' }, status: { succeeded: 2 } })['status.successful'], '2');
  assert.equal(selectableFieldsFor('apps', 'ReplicaSet')({ metadata: { name: 'r' } })['status.replicas'], '0');
});

test('default strategy: generic name rules, generation for objects with spec, status preserved', () => {
  const st = strategyFor('certificates.k8s.io', 'v1beta1', 'ClusterTrustBundle', false);
  assert.equal(hasSpecificStrategy('certificates.k8s.io', 'ClusterTrustBundle'), false);
  const created = runCreate(st, { apiVersion: 'certificates.k8s.io/v1beta1', kind: 'ClusterTrustBundle', metadata: { name: 'a/b' }, spec: {} });
  assert.deepEqual(
    created.errs.map((e) => e.message()),
    ["metadata.name: Invalid value: \"a/b\": may not contain '/'"],
  );
  const cr = strategyFor('example.com', 'v1', 'Widget', true, { hasStatus: true });
  const ok = runCreate(cr, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default', finalizers: ['custom'] }, spec: { size: 1 }, status: { ready: true } });
  assert.deepEqual(ok.errs, [], 'custom kinds accept unqualified finalizers');
  assert.equal(ok.obj.metadata?.generation, 1);
  const old = stored({ ...ok.obj, status: { ready: false } });
  const next = JSON.parse(JSON.stringify(old)) as KubeObject;
  next.spec = { size: 2 };
  next.status = { ready: true };
  const upd = runUpdate(cr, old, next);
  assert.deepEqual(upd.errs, []);
  assert.equal(upd.obj.metadata?.generation, 2);
  assert.deepEqual(upd.obj.status, { ready: false });
});

test('selectable fields: PersistentVolumes and claims keep the bare `name` field', () => {
  assert.deepEqual(selectableFieldsFor('', 'PersistentVolume', false)({ metadata: { name: 'pv1' } }), { name: 'pv1', 'metadata.name': 'pv1' });
  assert.deepEqual(selectableFieldsFor('', 'PersistentVolumeClaim')({ metadata: { name: 'data', namespace: 'db' } }), {
    name: 'data',
    'metadata.name': 'data',
    'metadata.namespace': 'db',
  });
});

test('selectable fields: kinds without their own fields have only metadata', () => {
  assert.deepEqual(selectableFieldsFor('networking.k8s.io', 'Ingress')({ metadata: { name: 'i', namespace: 'n' } }), { 'metadata.name': 'i', 'metadata.namespace': 'n' });
  assert.deepEqual(selectableFieldsFor('rbac.authorization.k8s.io', 'ClusterRole', false)({ metadata: { name: 'admin' } }), { 'metadata.name': 'admin' });
});

test('strategies: every kind of the brief has its own rules', () => {
  const kinds = [
    ['networking.k8s.io', 'Ingress'],
    ['networking.k8s.io', 'IngressClass'],
    ['networking.k8s.io', 'NetworkPolicy'],
    ['networking.k8s.io', 'IPAddress'],
    ['networking.k8s.io', 'ServiceCIDR'],
    ['rbac.authorization.k8s.io', 'ClusterRoleBinding'],
    ['autoscaling', 'HorizontalPodAutoscaler'],
    ['policy', 'PodDisruptionBudget'],
    ['storage.k8s.io', 'CSIStorageCapacity'],
    ['scheduling.k8s.io', 'PriorityClass'],
    ['node.k8s.io', 'RuntimeClass'],
    ['discovery.k8s.io', 'EndpointSlice'],
    ['certificates.k8s.io', 'CertificateSigningRequest'],
    ['admissionregistration.k8s.io', 'ValidatingAdmissionPolicyBinding'],
    ['apiextensions.k8s.io', 'CustomResourceDefinition'],
    ['flowcontrol.apiserver.k8s.io', 'PriorityLevelConfiguration'],
    ['', 'ComponentStatus'],
    ['', 'Binding'],
  ];
  assert.deepEqual(kinds.filter(([g, k]) => !hasSpecificStrategy(g, k)), []);
});

test('binding: the target must be a named Node', () => {
  const st = strategyFor('', 'v1', 'Binding', true);
  const { errs } = runCreate(st, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web-0', namespace: 'default' }, target: { kind: 'Pod' } });
  assert.deepEqual(
    errs.map((e) => e.message()),
    ['target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"', 'target.name: Required value'],
  );
});
