import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortVersions } from '../endpoints/discovery/priority.js';
import { messageDef } from '../runtime/catalog/catalog.js';
import { builtinResources, defaultEnabledResources, defineResource, deprecationWarning, deprecationWarningOf, storagePrefixOf, type ResourceSpec } from './definitions.js';

/**
 * The rows `kubectl api-resources` prints: the server-preferred version of
 * each group first, resources of other versions only when the preferred one
 * lacks them, sorted by group then name.
 */
function apiResourcesRows(specs: ResourceSpec[]): string[] {
  const byGroup = new Map<string, ResourceSpec[]>();
  for (const s of specs) byGroup.set(s.group, [...(byGroup.get(s.group) ?? []), s]);
  const rows: Array<{ group: string; name: string; line: string }> = [];
  for (const [group, list] of byGroup) {
    const seen = new Set<string>();
    for (const version of sortVersions(group, list.map((s) => s.version))) {
      for (const s of list.filter((x) => x.version === version)) {
        if (seen.has(s.resource)) continue;
        seen.add(s.resource);
        const def = defineResource(s);
        const apiVersion = group === '' ? version : `${group}/${version}`;
        rows.push({ group, name: s.resource, line: [s.resource, def.shortNames.join(','), apiVersion, String(s.namespaced), s.kind].join(' | ') });
      }
    }
  }
  rows.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return rows.map((r) => r.line);
}

/** `kubectl api-resources` against a default kube-apiserver 1.33 (NAME | SHORTNAMES | APIVERSION | NAMESPACED | KIND). */
const kube133 = `
bindings |  | v1 | true | Binding
componentstatuses | cs | v1 | false | ComponentStatus
configmaps | cm | v1 | true | ConfigMap
endpoints | ep | v1 | true | Endpoints
events | ev | v1 | true | Event
limitranges | limits | v1 | true | LimitRange
namespaces | ns | v1 | false | Namespace
nodes | no | v1 | false | Node
persistentvolumeclaims | pvc | v1 | true | PersistentVolumeClaim
persistentvolumes | pv | v1 | false | PersistentVolume
pods | po | v1 | true | Pod
podtemplates |  | v1 | true | PodTemplate
replicationcontrollers | rc | v1 | true | ReplicationController
resourcequotas | quota | v1 | true | ResourceQuota
secrets |  | v1 | true | Secret
serviceaccounts | sa | v1 | true | ServiceAccount
services | svc | v1 | true | Service
mutatingwebhookconfigurations |  | admissionregistration.k8s.io/v1 | false | MutatingWebhookConfiguration
validatingadmissionpolicies |  | admissionregistration.k8s.io/v1 | false | ValidatingAdmissionPolicy
validatingadmissionpolicybindings |  | admissionregistration.k8s.io/v1 | false | ValidatingAdmissionPolicyBinding
validatingwebhookconfigurations |  | admissionregistration.k8s.io/v1 | false | ValidatingWebhookConfiguration
customresourcedefinitions | crd,crds | apiextensions.k8s.io/v1 | false | CustomResourceDefinition
apiservices |  | apiregistration.k8s.io/v1 | false | APIService
controllerrevisions |  | apps/v1 | true | ControllerRevision
daemonsets | ds | apps/v1 | true | DaemonSet
deployments | deploy | apps/v1 | true | Deployment
replicasets | rs | apps/v1 | true | ReplicaSet
statefulsets | sts | apps/v1 | true | StatefulSet
selfsubjectreviews |  | authentication.k8s.io/v1 | false | SelfSubjectReview
tokenreviews |  | authentication.k8s.io/v1 | false | TokenReview
localsubjectaccessreviews |  | authorization.k8s.io/v1 | true | LocalSubjectAccessReview
selfsubjectaccessreviews |  | authorization.k8s.io/v1 | false | SelfSubjectAccessReview
selfsubjectrulesreviews |  | authorization.k8s.io/v1 | false | SelfSubjectRulesReview
subjectaccessreviews |  | authorization.k8s.io/v1 | false | SubjectAccessReview
horizontalpodautoscalers | hpa | autoscaling/v2 | true | HorizontalPodAutoscaler
cronjobs | cj | batch/v1 | true | CronJob
jobs |  | batch/v1 | true | Job
certificatesigningrequests | csr | certificates.k8s.io/v1 | false | CertificateSigningRequest
leases |  | coordination.k8s.io/v1 | true | Lease
endpointslices |  | discovery.k8s.io/v1 | true | EndpointSlice
events | ev | events.k8s.io/v1 | true | Event
flowschemas |  | flowcontrol.apiserver.k8s.io/v1 | false | FlowSchema
prioritylevelconfigurations |  | flowcontrol.apiserver.k8s.io/v1 | false | PriorityLevelConfiguration
ingressclasses |  | networking.k8s.io/v1 | false | IngressClass
ingresses | ing | networking.k8s.io/v1 | true | Ingress
ipaddresses | ip | networking.k8s.io/v1 | false | IPAddress
networkpolicies | netpol | networking.k8s.io/v1 | true | NetworkPolicy
servicecidrs |  | networking.k8s.io/v1 | false | ServiceCIDR
runtimeclasses |  | node.k8s.io/v1 | false | RuntimeClass
poddisruptionbudgets | pdb | policy/v1 | true | PodDisruptionBudget
clusterrolebindings |  | rbac.authorization.k8s.io/v1 | false | ClusterRoleBinding
clusterroles |  | rbac.authorization.k8s.io/v1 | false | ClusterRole
rolebindings |  | rbac.authorization.k8s.io/v1 | true | RoleBinding
roles |  | rbac.authorization.k8s.io/v1 | true | Role
priorityclasses | pc | scheduling.k8s.io/v1 | false | PriorityClass
csidrivers |  | storage.k8s.io/v1 | false | CSIDriver
csinodes |  | storage.k8s.io/v1 | false | CSINode
csistoragecapacities |  | storage.k8s.io/v1 | true | CSIStorageCapacity
storageclasses | sc | storage.k8s.io/v1 | false | StorageClass
volumeattachments |  | storage.k8s.io/v1 | false | VolumeAttachment
`.trim().split('\n');

test('the default resources print the same `kubectl api-resources` table as kube-apiserver 1.33', () => {
  assert.deepEqual(apiResourcesRows(defaultEnabledResources()), kube133);
});

const find = (group: string, version: string, resource: string): ResourceSpec => {
  const s = builtinResources.find((r) => r.group === group && r.version === version && r.resource === resource);
  assert.ok(s, `${group}/${version}/${resource}`);
  return s;
};

const discoveryCases: Array<{ gvr: [string, string, string]; verbs: string[]; subresources: string[]; categories: string[] }> = [
  { gvr: ['', 'v1', 'namespaces'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status:get,patch,update:Namespace', 'finalize:update:Namespace'], categories: [] },
  { gvr: ['', 'v1', 'componentstatuses'], verbs: ['get', 'list'], subresources: [], categories: [] },
  { gvr: ['', 'v1', 'bindings'], verbs: ['create'], subresources: [], categories: [] },
  {
    gvr: ['', 'v1', 'pods'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [
      'status:get,patch,update:Pod', 'binding:create:Binding', 'eviction:create:Eviction', 'ephemeralcontainers:get,patch,update:Pod', 'resize:get,patch,update:Pod',
      'log:get:Pod', 'exec:create,get:PodExecOptions', 'attach:create,get:PodAttachOptions', 'portforward:create,get:PodPortForwardOptions', 'proxy:create,delete,get,patch,update:PodProxyOptions',
    ],
    categories: ['all'],
  },
  { gvr: ['', 'v1', 'serviceaccounts'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['token:create:TokenRequest'], categories: [] },
  { gvr: ['certificates.k8s.io', 'v1', 'certificatesigningrequests'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status:get,patch,update:CertificateSigningRequest', 'approval:get,patch,update:CertificateSigningRequest'], categories: [] },
  { gvr: ['apps', 'v1', 'deployments'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status:get,patch,update:Deployment', 'scale:get,patch,update:Scale'], categories: ['all'] },
  { gvr: ['autoscaling', 'v1', 'horizontalpodautoscalers'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status:get,patch,update:HorizontalPodAutoscaler'], categories: ['all'] },
  { gvr: ['apiextensions.k8s.io', 'v1', 'customresourcedefinitions'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status:get,patch,update:CustomResourceDefinition'], categories: ['api-extensions'] },
  { gvr: ['apiregistration.k8s.io', 'v1', 'apiservices'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status:get,patch,update:APIService'], categories: ['api-extensions'] },
  { gvr: ['authorization.k8s.io', 'v1', 'localsubjectaccessreviews'], verbs: ['create'], subresources: [], categories: [] },
];
for (const c of discoveryCases) {
  test(`discovery of ${c.gvr.join('/')}: verbs, subresources, categories`, () => {
    const def = defineResource(find(...c.gvr));
    assert.deepEqual(def.verbs, c.verbs);
    assert.deepEqual(def.subresources.map((s) => `${s.name}:${s.verbs.join(',')}:${s.kind}`), c.subresources);
    assert.deepEqual(def.categories, c.categories);
  });
}

const prefixCases: Array<[string, string, string, string]> = [
  ['', 'v1', 'services', '/registry/services/specs/'],
  ['', 'v1', 'endpoints', '/registry/services/endpoints/'],
  ['', 'v1', 'nodes', '/registry/minions/'],
  ['', 'v1', 'replicationcontrollers', '/registry/controllers/'],
  ['networking.k8s.io', 'v1', 'ingresses', '/registry/ingress/'],
  ['events.k8s.io', 'v1', 'events', '/registry/events/'],
  ['', 'v1', 'events', '/registry/events/'],
  ['apiextensions.k8s.io', 'v1', 'customresourcedefinitions', '/registry/apiextensions.k8s.io/customresourcedefinitions/'],
  ['apiregistration.k8s.io', 'v1', 'apiservices', '/registry/apiregistration.k8s.io/apiservices/'],
  ['autoscaling', 'v1', 'horizontalpodautoscalers', '/registry/horizontalpodautoscalers/'],
  ['autoscaling', 'v2', 'horizontalpodautoscalers', '/registry/horizontalpodautoscalers/'],
  ['admissionregistration.k8s.io', 'v1beta1', 'validatingadmissionpolicies', '/registry/validatingadmissionpolicies/'],
  ['policy', 'v1', 'poddisruptionbudgets', '/registry/poddisruptionbudgets/'],
  ['rbac.authorization.k8s.io', 'v1', 'clusterroles', '/registry/clusterroles/'],
];
for (const [group, version, resource, prefix] of prefixCases) {
  test(`etcd key prefix of ${group || 'core'}/${version} ${resource} is ${prefix}`, () => {
    assert.equal(storagePrefixOf(find(group, version, resource)), prefix);
  });
}

test('every spec is unique, names a catalogued message, and every multi-version resource has one storage version', () => {
  const seen = new Set<string>();
  const storage = new Map<string, string>();
  for (const s of builtinResources) {
    const k = `${s.group}/${s.version}/${s.resource}`;
    assert.ok(!seen.has(k), `duplicate ${k}`);
    seen.add(k);
    assert.ok(messageDef(defineResource(s).message), `no catalog message for ${k}`);
    if (s.createOnly) continue;
    const key = `${s.group}/${s.resource}`;
    const stored = `${s.storageGroup ?? s.group}/${s.storageVersion ?? s.version}`;
    assert.equal(storage.get(key) ?? stored, stored, `${key} has two storage versions`);
    storage.set(key, stored);
  }
});

const warningCases: Array<[string, string, string, string | undefined]> = [
  ['', 'v1', 'componentstatuses', 'v1 ComponentStatus is deprecated in v1.19+'],
  ['', 'v1', 'endpoints', 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice'],
  ['admissionregistration.k8s.io', 'v1beta1', 'validatingadmissionpolicies', 'admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy is deprecated in v1.31+, unavailable in v1.34+'],
  ['admissionregistration.k8s.io', 'v1beta1', 'validatingadmissionpolicybindings', 'admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicyBinding is deprecated in v1.31+, unavailable in v1.34+'],
  ['admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies', undefined],
  ['autoscaling', 'v1', 'horizontalpodautoscalers', undefined],
  ['networking.k8s.io', 'v1beta1', 'ipaddresses', undefined],
];
for (const [group, version, resource, want] of warningCases) {
  test(`deprecation warning of ${group || 'core'}/${version} ${resource}`, () => {
    assert.equal(deprecationWarning(defineResource(find(group, version, resource))), want);
  });
}

test('the warning covers subresources of the same kind only, and is derived from the lifecycle', () => {
  const vap = defineResource(find('admissionregistration.k8s.io', 'v1beta1', 'validatingadmissionpolicies'));
  assert.match(deprecationWarning(vap, 'status') ?? '', /^admissionregistration.k8s.io\/v1beta1 ValidatingAdmissionPolicy is deprecated/);
  assert.equal(deprecationWarning(defineResource(find('', 'v1', 'pods')), 'eviction'), undefined);
  assert.equal(deprecationWarningOf({ group: 'example.com', version: 'v1beta1', kind: 'Widget', deprecation: { deprecatedIn: 34 } }), undefined);
  assert.equal(
    deprecationWarningOf({ group: 'flowcontrol.apiserver.k8s.io', version: 'v1beta3', kind: 'FlowSchema', deprecation: { deprecatedIn: 29, removedIn: 32, replacement: { group: 'flowcontrol.apiserver.k8s.io', version: 'v1', kind: 'FlowSchema' } } }),
    'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is deprecated in v1.29+, unavailable in v1.32+; use flowcontrol.apiserver.k8s.io/v1 FlowSchema',
  );
});

test('beta versions kube-apiserver 1.33 keeps off by default are defined but not default-enabled', () => {
  const off = builtinResources.filter((s) => s.defaultEnabled === false).map((s) => `${s.group}/${s.version}/${s.resource}`);
  assert.deepEqual(off.sort(), [
    'admissionregistration.k8s.io/v1beta1/validatingadmissionpolicies',
    'admissionregistration.k8s.io/v1beta1/validatingadmissionpolicybindings',
    'certificates.k8s.io/v1beta1/clustertrustbundles',
    'coordination.k8s.io/v1beta1/leasecandidates',
    'networking.k8s.io/v1beta1/ipaddresses',
    'networking.k8s.io/v1beta1/servicecidrs',
    'storage.k8s.io/v1beta1/volumeattributesclasses',
  ]);
});
