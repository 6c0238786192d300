import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findTypeErrors, findUnknownFields, quantityError } from './unknownfields.js';

const DEPLOYMENT = 'k8s.io.api.apps.v1.Deployment';
const POD = 'k8s.io.api.core.v1.Pod';
const CONFIGMAP = 'k8s.io.api.core.v1.ConfigMap';

const deployment = (spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec,
});

const unknownCases: { name: string; obj: unknown; message: string; want: string[] }[] = [
  { name: 'a valid object has none', message: DEPLOYMENT, obj: deployment({ replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } }), want: [] },
  { name: 'top-level apiVersion/kind are known', message: CONFIGMAP, obj: { apiVersion: 'v1', kind: 'ConfigMap', data: {} }, want: [] },
  { name: 'a misspelt metadata field', message: CONFIGMAP, obj: { metadata: { name: 'x', labelz: {} } }, want: ['metadata.labelz'] },
  {
    name: 'a misspelt container field, with its list index',
    message: DEPLOYMENT,
    obj: deployment({ template: { spec: { containers: [{ name: 'a', image: 'i' }, { name: 'b', imagee: 'i' }] } } }),
    want: ['spec.template.spec.containers[1].imagee'],
  },
  { name: 'several, in document order', message: POD, obj: { spec: { foo: 1, containers: [], bar: 2 }, status: { baz: 3 } }, want: ['spec.foo', 'spec.bar', 'status.baz'] },
  { name: 'inline fields are known at the parent level', message: POD, obj: { spec: { volumes: [{ name: 'v', configMap: { name: 'cm', items: [] } }, { name: 'w', emptyDir: {}, bogus: true }] } }, want: ['spec.volumes[1].bogus'] },
  { name: 'inline LocalObjectReference name', message: POD, obj: { spec: { containers: [{ name: 'c', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 's', key: 'k', optinal: true } } }] }] } }, want: ['spec.containers[0].env[0].valueFrom.secretKeyRef.optinal'] },
  { name: 'probe handler fields are inline', message: POD, obj: { spec: { containers: [{ name: 'c', livenessProbe: { httpGet: { port: 80 }, handler: {} } }] } }, want: ['spec.containers[0].livenessProbe.handler'] },
  { name: 'free-form maps are not descended into', message: CONFIGMAP, obj: { data: { anything: 'x' }, metadata: { labels: { 'a.b/c': 'd' }, annotations: { x: 'y' } } }, want: [] },
  { name: 'RawExtension is free-form', message: 'k8s.io.api.apps.v1.ControllerRevision', obj: { data: { whatever: { deep: 1 } }, revision: 1 }, want: [] },
  { name: 'FieldsV1 is free-form', message: CONFIGMAP, obj: { metadata: { managedFields: [{ manager: 'm', fieldsV1: { 'f:data': {} }, bogus: 1 }] } }, want: ['metadata.managedFields[0].bogus'] },
  { name: 'nested apiVersion is unknown on a non-kind', message: DEPLOYMENT, obj: deployment({ template: { apiVersion: 'v1' } }), want: ['spec.template.apiVersion'] },
  { name: 'list items may carry apiVersion/kind', message: 'k8s.io.api.core.v1.ConfigMapList', obj: { items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, dataa: {} }] }, want: ['items[0].dataa'] },
  { name: 'map values of message type are descended with the key in the path', message: 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition', obj: { spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', properties: { spec: { typo: 1 } } } } }] } }, want: ['spec.versions[0].schema.openAPIV3Schema.properties.spec.typo'] },
  { name: 'JSON field names that differ from proto names', message: 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps', obj: { $ref: '#', 'x-kubernetes-preserve-unknown-fields': true, xKubernetesPreserveUnknownFields: true }, want: ['xKubernetesPreserveUnknownFields'] },
  { name: 'case matters', message: CONFIGMAP, obj: { Data: {} }, want: ['Data'] },
];
for (const c of unknownCases) {
  test(`findUnknownFields: ${c.name}`, () => assert.deepEqual(findUnknownFields(c.obj, c.message), c.want));
}

test('findUnknownFields reports each path once and at most 100', () => {
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < 150; i++) obj[`f${i}`] = i;
  assert.equal(findUnknownFields(obj, CONFIGMAP).length, 100);
});

const typeCases: { name: string; obj: unknown; message: string; want: string[] }[] = [
  { name: 'a valid object has none', message: DEPLOYMENT, obj: deployment({ replicas: 1, strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } } }), want: [] },
  { name: 'string for int32', message: DEPLOYMENT, obj: deployment({ replicas: 'two' }), want: ['json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'] },
  { name: 'fraction for int32', message: DEPLOYMENT, obj: deployment({ replicas: 1.5 }), want: ['json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32'] },
  { name: 'overflow of int32', message: DEPLOYMENT, obj: deployment({ replicas: 3000000000 }), want: ['json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32'] },
  { name: 'number for string inside a list (no index in the path)', message: DEPLOYMENT, obj: deployment({ template: { spec: { containers: [{ name: 'c', image: 5 }] } } }), want: ['json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string'] },
  { name: 'object for a list', message: POD, obj: { spec: { containers: { name: 'c' } } }, want: ['json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container'] },
  { name: 'string for a struct', message: POD, obj: { spec: 'x' }, want: ['json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec'] },
  { name: 'array for a map', message: CONFIGMAP, obj: { data: ['a'] }, want: ['json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string'] },
  { name: 'number as a map value', message: CONFIGMAP, obj: { data: { a: 1 } }, want: ['json: cannot unmarshal number into Go struct field ConfigMap.data of type string'] },
  { name: 'string for bool', message: CONFIGMAP, obj: { immutable: 'true' }, want: ['json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool'] },
  { name: 'inline field reports the outer struct', message: 'k8s.io.api.core.v1.SecretKeySelector', obj: { name: 7, key: 'k' }, want: ['json: cannot unmarshal number into Go struct field SecretKeySelector.name of type string'] },
  { name: 'IntOrString rejects bool', message: 'k8s.io.api.core.v1.ServicePort', obj: { port: 80, targetPort: true }, want: ['json: cannot unmarshal bool into Go struct field ServicePort.targetPort of type int32'] },
  { name: 'Time must be a string', message: CONFIGMAP, obj: { metadata: { creationTimestamp: 5 } }, want: ['json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string'] },
  { name: 'null is accepted anywhere', message: DEPLOYMENT, obj: deployment({ replicas: null, template: null }), want: [] },
  { name: 'Quantity accepts numbers and strings', message: 'k8s.io.api.core.v1.ResourceRequirements', obj: { limits: { cpu: 1, memory: '1Gi' } }, want: [] },
  { name: 'Quantity rejects garbage', message: 'k8s.io.api.core.v1.ResourceRequirements', obj: { limits: { cpu: 'lots' } }, want: ["quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"] },
  { name: 'bytes must be base64', message: 'k8s.io.api.core.v1.Secret', obj: { data: { a: 'dg==', b: 'not base64!' } }, want: ['illegal base64 data at input byte 3'] },
  { name: 'Duration must parse', message: 'k8s.io.apimachinery.pkg.apis.meta.v1.Duration', obj: 'soon', want: ['time: invalid duration "soon"'] },
  { name: 'ExtraValue elements are strings', message: 'k8s.io.api.authentication.v1.UserInfo', obj: { extra: { scopes: ['a', 1] } }, want: ['json: cannot unmarshal number into Go struct field UserInfo.extra of type string'] },
  { name: 'several, in document order', message: POD, obj: { metadata: { name: 1 }, spec: { hostNetwork: 'yes' } }, want: ['json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string', 'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool'] },
];
for (const c of typeCases) {
  test(`findTypeErrors: ${c.name}`, () => assert.deepEqual(findTypeErrors(c.obj, c.message), c.want));
}

const quantities: [string, string | undefined][] = [
  ['100m', undefined],
  ['1Gi', undefined],
  ['1e3', undefined],
  ['0.5', undefined],
  ['-1', undefined],
  ['1Mm', "unable to parse quantity's suffix"],
  ['abc', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
  ['1..2', 'unable to parse numeric part of quantity'],
];
for (const [q, want] of quantities) {
  test(`quantityError(${q})`, () => assert.equal(quantityError(q), want));
}
