import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAPIGroup, buildAPIGroupList, buildAPIResourceList, buildAPIVersions, storageVersionHash } from './legacy.js';
import { buildAggregatedDiscovery } from './aggregated.js';
import { groupDefinitions } from './model.js';
import { compareKubeAwareVersions, sortVersions } from './priority.js';
import { fixtureDefinitions } from './testing.js';

const groups = groupDefinitions(fixtureDefinitions());

test('storageVersionHash matches kube-apiserver values', () => {
  assert.equal(storageVersionHash('apps', 'v1', 'Deployment'), '8aSe+NMegvE=');
  assert.equal(storageVersionHash('', 'v1', 'Pod'), 'xPOwRZ+Yhw8=');
});

test('/api lists v1 without apiVersion and with the server address', () => {
  const doc = buildAPIVersions(groups, '10.0.0.1:6443');
  assert.deepEqual(doc, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }] });
  assert.ok(!('apiVersion' in doc));
});

test('/apis lists groups in kube-apiserver priority order, versions preferred first', () => {
  const list = buildAPIGroupList(groups);
  assert.deepEqual(list.groups.map((g) => g.name), ['apps', 'events.k8s.io', 'authorization.k8s.io', 'autoscaling']);
  const autoscaling = list.groups.find((g) => g.name === 'autoscaling')!;
  assert.deepEqual(autoscaling.versions, [{ groupVersion: 'autoscaling/v2', version: 'v2' }, { groupVersion: 'autoscaling/v1', version: 'v1' }]);
  assert.deepEqual(autoscaling.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
  assert.ok(!('kind' in autoscaling));
});

test('/apis/<group> is an APIGroup', () => {
  const g = buildAPIGroup(groups.find((x) => x.name === 'apps')!);
  assert.deepEqual(g, {
    kind: 'APIGroup', apiVersion: 'v1', name: 'apps',
    versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
  });
});

test('/apis/apps/v1 lists resources and subresources as kube-apiserver does', () => {
  const apps = groups.find((x) => x.name === 'apps')!;
  const list = buildAPIResourceList('apps', 'v1', apps.resources.get('v1')!);
  assert.equal(list.apiVersion, 'v1');
  assert.equal(list.groupVersion, 'apps/v1');
  assert.deepEqual(list.resources, [
    { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['deploy'], categories: ['all'], storageVersionHash: '8aSe+NMegvE=' },
    { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
    { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get', 'patch', 'update'] },
  ]);
});

test('/api/v1 has no apiVersion key and sorts entries by name', () => {
  const core = groups.find((x) => x.name === '')!;
  const list = buildAPIResourceList('', 'v1', core.resources.get('v1')!);
  assert.ok(!('apiVersion' in list));
  assert.equal(list.groupVersion, 'v1');
  assert.deepEqual(list.resources.map((r) => r.name), [
    'configmaps', 'events', 'namespaces', 'namespaces/finalize', 'namespaces/status', 'pods', 'pods/eviction', 'pods/exec', 'pods/log', 'pods/proxy', 'pods/status',
    'services', 'services/status',
  ]);
  const ns = list.resources.find((r) => r.name === 'namespaces')!;
  assert.equal(ns.namespaced, false);
  assert.equal(list.resources.find((r) => r.name === 'namespaces/status')!.namespaced, false);
});

test('non-persisted resources carry singularName but no storageVersionHash', () => {
  const authz = groups.find((x) => x.name === 'authorization.k8s.io')!;
  const [ssar] = buildAPIResourceList('authorization.k8s.io', 'v1', authz.resources.get('v1')!).resources;
  assert.equal(ssar!.singularName, 'selfsubjectaccessreview');
  assert.equal(ssar!.storageVersionHash, undefined);
  assert.deepEqual(ssar!.verbs, ['create']);
});

test('aggregated /api holds only the core group, unnamed', () => {
  const body = buildAggregatedDiscovery(groups, 'api');
  assert.equal(body.items.length, 1);
  assert.deepEqual(body.items[0]!.metadata, { creationTimestamp: null });
  const pods = body.items[0]!.versions[0]!.resources.find((r) => r.resource === 'pods')!;
  assert.deepEqual(pods.responseKind, { group: '', version: 'v1', kind: 'Pod' });
  assert.equal(pods.scope, 'Namespaced');
  assert.equal(pods.singularResource, 'pod');
  assert.deepEqual(pods.subresources!.map((s) => [s.subresource, s.responseKind.group, s.responseKind.kind]), [
    ['eviction', 'policy', 'Eviction'], ['exec', '', 'PodExecOptions'], ['log', '', 'Pod'], ['proxy', '', 'PodProxyOptions'], ['status', '', 'Pod'],
  ]);
});

test('aggregated /apis nests subresources and keeps group/version order', () => {
  const body = buildAggregatedDiscovery(groups, 'apis');
  assert.deepEqual(body.items.map((i) => i.metadata.name), ['apps', 'events.k8s.io', 'authorization.k8s.io', 'autoscaling']);
  const deploy = body.items[0]!.versions[0]!.resources[0]!;
  assert.deepEqual(deploy, {
    resource: 'deployments', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, scope: 'Namespaced', singularResource: 'deployment',
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['deploy'], categories: ['all'],
    subresources: [
      { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
      { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
    ],
  });
  assert.deepEqual(body.items[3]!.versions.map((v) => [v.version, v.freshness]), [['v2', 'Current'], ['v1', 'Current']]);
});

test('kube-aware version order', () => {
  assert.deepEqual(sortVersions('example.com', ['v1alpha1', 'v1', 'v2beta1', 'v10', 'v2', 'foo10', 'foo1', 'v11alpha2', 'v1beta2']),
    ['v10', 'v2', 'v1', 'v2beta1', 'v1beta2', 'v11alpha2', 'v1alpha1', 'foo1', 'foo10']);
  assert.ok(compareKubeAwareVersions('v1', 'v1beta1') > 0);
});
