import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getCatalog, jsonFields, kindDef, messageDef, messageForKind, packageGroupVersion } from './catalog.js';

const CORE = 'k8s.io.api.core.v1';
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

test('getCatalog loads catalog/types.json once', () => {
  const c = getCatalog();
  assert.equal(c.kubernetesVersion, '1.33');
  assert.ok(Object.keys(c.messages).length > 1000);
  assert.equal(getCatalog(), c);
});

const openapi: [string, string][] = [
  [`${CORE}.ConfigMap`, 'io.k8s.api.core.v1.ConfigMap'],
  [`${META}.ObjectMeta`, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'],
  ['k8s.io.apimachinery.pkg.api.resource.Quantity', 'io.k8s.apimachinery.pkg.api.resource.Quantity'],
  ['k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'],
  ['k8s.io.kube_aggregator.pkg.apis.apiregistration.v1.APIService', 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService'],
];
for (const [name, want] of openapi) {
  test(`openapiName of ${name}`, () => assert.equal(messageDef(name)?.openapiName, want));
}

const specials: [string, string][] = [
  [`${META}.Time`, 'Time'],
  [`${META}.MicroTime`, 'MicroTime'],
  [`${META}.Duration`, 'Duration'],
  [`${META}.FieldsV1`, 'FieldsV1'],
  [`${META}.Verbs`, 'StringList'],
  ['k8s.io.api.authentication.v1.ExtraValue', 'StringList'],
  ['k8s.io.apimachinery.pkg.util.intstr.IntOrString', 'IntOrString'],
  ['k8s.io.apimachinery.pkg.runtime.RawExtension', 'RawExtension'],
  ['k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON', 'JSON'],
  ['k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool', 'JSONSchemaPropsOrBool'],
];
for (const [name, kind] of specials) {
  test(`special kind of ${name}`, () => assert.equal(messageDef(name)?.special, kind));
}

test('packages map proto packages to API groups', () => {
  assert.deepEqual(packageGroupVersion(`${CORE}`), { group: '', version: 'v1' });
  assert.deepEqual(packageGroupVersion('k8s.io.api.rbac.v1'), { group: 'rbac.authorization.k8s.io', version: 'v1' });
  assert.deepEqual(packageGroupVersion('k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1'), { group: 'apiextensions.k8s.io', version: 'v1' });
  assert.equal(packageGroupVersion('k8s.io.apimachinery.pkg.runtime'), undefined);
});

const kinds: [string, string, string, string, string | undefined][] = [
  ['', 'v1', 'Pod', `${CORE}.Pod`, `${CORE}.PodList`],
  ['', 'v1', 'Binding', `${CORE}.Binding`, undefined],
  ['apps', 'v1', 'Deployment', 'k8s.io.api.apps.v1.Deployment', 'k8s.io.api.apps.v1.DeploymentList'],
  ['autoscaling', 'v1', 'Scale', 'k8s.io.api.autoscaling.v1.Scale', undefined],
  ['policy', 'v1', 'Eviction', 'k8s.io.api.policy.v1.Eviction', undefined],
  ['authentication.k8s.io', 'v1', 'TokenRequest', 'k8s.io.api.authentication.v1.TokenRequest', undefined],
  ['authentication.k8s.io', 'v1', 'SelfSubjectReview', 'k8s.io.api.authentication.v1.SelfSubjectReview', undefined],
  ['authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'k8s.io.api.authorization.v1.SelfSubjectAccessReview', undefined],
  ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition', 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionList'],
  ['apiregistration.k8s.io', 'v1', 'APIService', 'k8s.io.kube_aggregator.pkg.apis.apiregistration.v1.APIService', 'k8s.io.kube_aggregator.pkg.apis.apiregistration.v1.APIServiceList'],
  ['scheduling.k8s.io', 'v1', 'PriorityClass', 'k8s.io.api.scheduling.v1.PriorityClass', 'k8s.io.api.scheduling.v1.PriorityClassList'],
];
for (const [group, version, kind, message, list] of kinds) {
  test(`kindDef ${group}/${version}/${kind}`, () => {
    const k = kindDef(group, version, kind);
    assert.equal(k?.message, message);
    assert.equal(k?.listMessage, list);
  });
}

test('templates with ObjectMeta are not kinds', () => {
  assert.equal(kindDef('', 'v1', 'PodTemplateSpec'), undefined);
  assert.equal(kindDef('batch', 'v1', 'JobTemplateSpec'), undefined);
  assert.ok(kindDef('', 'v1', 'PodTemplate'));
});

test('messageForKind finds kinds, lists, option types and metav1 types', () => {
  assert.equal(messageForKind('', 'v1', 'ConfigMapList'), `${CORE}.ConfigMapList`);
  assert.equal(messageForKind('', 'v1', 'PodLogOptions'), `${CORE}.PodLogOptions`);
  assert.equal(messageForKind('', 'v1', 'Status'), `${META}.Status`);
  assert.equal(messageForKind('apps', 'v1', 'DeleteOptions'), `${META}.DeleteOptions`);
  assert.equal(messageForKind('example.com', 'v1', 'Widget'), undefined);
});

test('fields carry JSON names, numbers, resolved types and markers', () => {
  const spec = messageDef(`${CORE}.PodSpec`);
  const containers = spec?.fields.find((f) => f.name === 'containers');
  assert.deepEqual(containers, {
    name: 'containers', number: 2, type: `${CORE}.Container`, repeated: true,
    patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'],
  });
  const ports = messageDef(`${CORE}.Container`)?.fields.find((f) => f.name === 'ports');
  assert.deepEqual(ports?.listMapKeys, ['containerPort', 'protocol']);
  const labels = messageDef(`${META}.ObjectMeta`)?.fields.find((f) => f.name === 'labels');
  assert.equal(labels?.mapKey, 'string');
  assert.equal(labels?.type, 'string');
  assert.equal(messageDef(`${META}.LabelSelector`)?.structType, 'atomic');
  const ref = messageDef('k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps')?.fields.find((f) => f.number === 3);
  assert.equal(ref?.name, '$ref');
});

const inlineFields: [string, string][] = [
  [`${CORE}.ConfigMapKeySelector`, 'localObjectReference'],
  [`${CORE}.Volume`, 'volumeSource'],
  [`${CORE}.Probe`, 'handler'],
  [`${CORE}.EphemeralContainer`, 'ephemeralContainerCommon'],
  [`${CORE}.PersistentVolumeSpec`, 'persistentVolumeSource'],
  ['k8s.io.api.networking.v1.IngressRule', 'ingressRuleValue'],
  ['k8s.io.api.resource.v1beta1.DeviceClaimConfiguration', 'deviceConfiguration'],
];
for (const [msg, field] of inlineFields) {
  test(`${msg}.${field} is inline`, () => {
    assert.equal(messageDef(msg)?.fields.find((f) => f.name === field)?.inline, true);
  });
}

const flattened: [string, string[], string[]][] = [
  [`${CORE}.ConfigMapKeySelector`, ['name', 'key', 'optional'], ['localObjectReference']],
  [`${CORE}.Volume`, ['name', 'configMap', 'emptyDir', 'secret', 'persistentVolumeClaim'], ['volumeSource']],
  [`${CORE}.Probe`, ['httpGet', 'exec', 'tcpSocket', 'grpc', 'initialDelaySeconds'], ['handler']],
  [`${CORE}.EphemeralContainer`, ['name', 'image', 'command', 'targetContainerName'], ['ephemeralContainerCommon']],
  ['k8s.io.api.admissionregistration.v1.NamedRuleWithOperations', ['resourceNames', 'operations', 'apiGroups', 'resources', 'scope'], ['ruleWithOperations', 'rule']],
];
for (const [msg, present, absent] of flattened) {
  test(`jsonFields(${msg}) flattens inline fields`, () => {
    const f = jsonFields(msg);
    for (const name of present) assert.ok(f.has(name), `${name} missing`);
    for (const name of absent) assert.ok(!f.has(name), `${name} should be flattened away`);
  });
}

test('jsonFields of an unknown message is empty', () => {
  assert.equal(jsonFields('no.such.Message').size, 0);
});
