/**
 * Facts about Kubernetes' Go types that the .proto files do not carry, kept by
 * hand. Each table says where the fact was checked. The generator verifies
 * that every entry names a message/field that exists, so a typo or an upstream
 * rename fails generation instead of silently doing nothing.
 */

import type { SpecialKind } from '../../src/runtime/catalog/types.js';

/**
 * API group of each `k8s.io.api.<segment>.<version>` package. Checked against
 * the `GroupName` constants of k8s.io/api/<segment>/<version>/register.go.
 */
export const API_GROUPS: Record<string, string> = {
  admission: 'admission.k8s.io',
  admissionregistration: 'admissionregistration.k8s.io',
  apidiscovery: 'apidiscovery.k8s.io',
  apiserverinternal: 'internal.apiserver.k8s.io',
  apps: 'apps',
  authentication: 'authentication.k8s.io',
  authorization: 'authorization.k8s.io',
  autoscaling: 'autoscaling',
  batch: 'batch',
  certificates: 'certificates.k8s.io',
  coordination: 'coordination.k8s.io',
  core: '',
  discovery: 'discovery.k8s.io',
  events: 'events.k8s.io',
  extensions: 'extensions',
  flowcontrol: 'flowcontrol.apiserver.k8s.io',
  imagepolicy: 'imagepolicy.k8s.io',
  networking: 'networking.k8s.io',
  node: 'node.k8s.io',
  policy: 'policy',
  rbac: 'rbac.authorization.k8s.io',
  resource: 'resource.k8s.io',
  scheduling: 'scheduling.k8s.io',
  storage: 'storage.k8s.io',
  storagemigration: 'storagemigration.k8s.io',
};

/**
 * API groups of the packages outside k8s.io/api, by package prefix (the
 * version is the last package segment). Packages that are not API groups
 * (runtime, runtime/schema, util/intstr, api/resource) are left out of
 * `packages` entirely.
 */
export const OTHER_GROUP_PREFIXES: Record<string, string> = {
  'k8s.io.apimachinery.pkg.apis.meta.': 'meta.k8s.io',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.': 'apiextensions.k8s.io',
  'k8s.io.kube_aggregator.pkg.apis.apiregistration.': 'apiregistration.k8s.io',
};

/**
 * Go fields embedded with `json:",inline"` (their message's fields appear in
 * the parent's JSON object). Found by searching k8s.io/api and apimachinery Go
 * sources for `json:",inline"` next to a `protobuf:` tag. go-to-protobuf names
 * such a field after the Go type (lower-cased first letter), except where an
 * existing tag kept an older name (Probe's ProbeHandler is `handler`).
 * TypeMeta/ListMeta embeddings carry no protobuf tag and so are absent from the
 * protos (apiVersion/kind are not proto fields), except runtime.Unknown's.
 */
export const INLINE_FIELDS: string[] = [
  // core/v1: LocalObjectReference embedded in the selectors and sources that name a ConfigMap/Secret.
  'k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapProjection.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference',
  'k8s.io.api.core.v1.SecretEnvSource.localObjectReference',
  'k8s.io.api.core.v1.SecretKeySelector.localObjectReference',
  'k8s.io.api.core.v1.SecretProjection.localObjectReference',
  // core/v1: Volume embeds VolumeSource; PersistentVolumeSpec embeds PersistentVolumeSource.
  'k8s.io.api.core.v1.Volume.volumeSource',
  'k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource',
  // core/v1: Probe embeds ProbeHandler (proto name kept as `handler`).
  'k8s.io.api.core.v1.Probe.handler',
  // core/v1: EphemeralContainer embeds EphemeralContainerCommon.
  'k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon',
  // networking: IngressRule embeds IngressRuleValue (also in extensions/v1beta1).
  'k8s.io.api.networking.v1.IngressRule.ingressRuleValue',
  'k8s.io.api.networking.v1beta1.IngressRule.ingressRuleValue',
  'k8s.io.api.extensions.v1beta1.IngressRule.ingressRuleValue',
  // admissionregistration: NamedRuleWithOperations embeds RuleWithOperations, which embeds Rule.
  'k8s.io.api.admissionregistration.v1.NamedRuleWithOperations.ruleWithOperations',
  'k8s.io.api.admissionregistration.v1beta1.NamedRuleWithOperations.ruleWithOperations',
  'k8s.io.api.admissionregistration.v1alpha1.NamedRuleWithOperations.ruleWithOperations',
  'k8s.io.api.admissionregistration.v1.RuleWithOperations.rule',
  // resource.k8s.io: the three *Configuration types embed DeviceConfiguration.
  'k8s.io.api.resource.v1alpha3.DeviceAllocationConfiguration.deviceConfiguration',
  'k8s.io.api.resource.v1alpha3.DeviceClaimConfiguration.deviceConfiguration',
  'k8s.io.api.resource.v1alpha3.DeviceClassConfiguration.deviceConfiguration',
  'k8s.io.api.resource.v1beta1.DeviceAllocationConfiguration.deviceConfiguration',
  'k8s.io.api.resource.v1beta1.DeviceClaimConfiguration.deviceConfiguration',
  'k8s.io.api.resource.v1beta1.DeviceClassConfiguration.deviceConfiguration',
  'k8s.io.api.resource.v1beta2.DeviceAllocationConfiguration.deviceConfiguration',
  'k8s.io.api.resource.v1beta2.DeviceClaimConfiguration.deviceConfiguration',
  'k8s.io.api.resource.v1beta2.DeviceClassConfiguration.deviceConfiguration',
  // runtime.Unknown embeds runtime.TypeMeta.
  'k8s.io.apimachinery.pkg.runtime.Unknown.typeMeta',
];

/**
 * JSON names that differ from the protobuf field name: the apiextensions
 * JSONSchemaProps fields whose JSON names are not valid proto identifiers
 * (`$ref`, `x-kubernetes-…`). Checked against the `json:` tags of
 * apiextensions-apiserver/pkg/apis/apiextensions/{v1,v1beta1}/types_jsonschema.go.
 */
const JSON_SCHEMA_PROPS_RENAMES: Record<string, string> = {
  schema: '$schema',
  ref: '$ref',
  xKubernetesPreserveUnknownFields: 'x-kubernetes-preserve-unknown-fields',
  xKubernetesEmbeddedResource: 'x-kubernetes-embedded-resource',
  xKubernetesIntOrString: 'x-kubernetes-int-or-string',
  xKubernetesListMapKeys: 'x-kubernetes-list-map-keys',
  xKubernetesListType: 'x-kubernetes-list-type',
  xKubernetesMapType: 'x-kubernetes-map-type',
  xKubernetesValidations: 'x-kubernetes-validations',
};

/** `<message>.<protoField>` → JSON name, for the fields whose names differ. */
export const JSON_NAMES: Record<string, string> = Object.fromEntries([
  ...['v1', 'v1beta1'].flatMap((v) =>
    Object.entries(JSON_SCHEMA_PROPS_RENAMES).map(([proto, json]) => [
      `k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.${v}.JSONSchemaProps.${proto}`,
      json,
    ]),
  ),
  // admissionregistration fields whose protobuf names are capitalized while their JSON names are not.
  ...['v1', 'v1beta1'].flatMap((v) => [
    [`k8s.io.api.admissionregistration.${v}.MutatingWebhookConfiguration.Webhooks`, 'webhooks'],
    [`k8s.io.api.admissionregistration.${v}.ValidatingWebhookConfiguration.Webhooks`, 'webhooks'],
  ]),
  // Go field names with an initialism, whose protobuf names go-to-protobuf lower-cased oddly.
  ...['v1', 'v1beta1'].map((v) => [`k8s.io.api.networking.${v}.IngressClassParametersReference.aPIGroup`, 'apiGroup']),
  ['k8s.io.api.authentication.v1.BoundObjectReference.uID', 'uid'],
  ...['v1', 'v1beta1', 'v1alpha1'].flatMap((v) => [
    [`k8s.io.api.admissionregistration.${v}.Validation.Expression`, 'expression'],
    [`k8s.io.api.admissionregistration.${v}.Variable.Name`, 'name'],
    [`k8s.io.api.admissionregistration.${v}.Variable.Expression`, 'expression'],
  ]),
]);

/**
 * Messages whose JSON form is not an object of their fields (each Go type has
 * its own MarshalJSON, or is a named slice):
 * - metav1.Time / MicroTime / Duration: strings; resource.Quantity (and
 *   QuantityValue, which embeds it): string; intstr.IntOrString: number|string.
 * - runtime.RawExtension, metav1.FieldsV1, apiextensions JSON: raw JSON.
 * - metav1.Verbs and the ExtraValue types are `[]string` in Go: JSON arrays.
 * - apiextensions JSONSchemaPropsOr{Array,Bool,StringArray}: unions.
 */
export const SPECIAL_MESSAGES: Record<string, SpecialKind> = {
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'Time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'MicroTime',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': 'Duration',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'FieldsV1',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Verbs': 'StringList',
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'Quantity',
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': 'Quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'IntOrString',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'RawExtension',
  'k8s.io.api.authentication.v1.ExtraValue': 'StringList',
  'k8s.io.api.authentication.v1beta1.ExtraValue': 'StringList',
  'k8s.io.api.authorization.v1.ExtraValue': 'StringList',
  'k8s.io.api.authorization.v1beta1.ExtraValue': 'StringList',
  'k8s.io.api.certificates.v1.ExtraValue': 'StringList',
  'k8s.io.api.certificates.v1beta1.ExtraValue': 'StringList',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON': 'JSON',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray': 'JSONSchemaPropsOrArray',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool': 'JSONSchemaPropsOrBool',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray': 'JSONSchemaPropsOrStringArray',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1beta1.JSON': 'JSON',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaPropsOrArray': 'JSONSchemaPropsOrArray',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaPropsOrBool': 'JSONSchemaPropsOrBool',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaPropsOrStringArray': 'JSONSchemaPropsOrStringArray',
};

/**
 * Messages with an ObjectMeta `metadata` field that are not kinds: templates
 * embedded in other objects (their Go types have no TypeMeta).
 */
export const NOT_KINDS: string[] = [
  'k8s.io.api.core.v1.PodTemplateSpec',
  'k8s.io.api.core.v1.PersistentVolumeClaimTemplate',
  'k8s.io.api.batch.v1.JobTemplateSpec',
  'k8s.io.api.batch.v1beta1.JobTemplateSpec',
  'k8s.io.api.resource.v1alpha3.ResourceClaimTemplateSpec',
  'k8s.io.api.resource.v1beta1.ResourceClaimTemplateSpec',
  'k8s.io.api.resource.v1beta2.ResourceClaimTemplateSpec',
];

/** Only packages under this prefix are Kubernetes API types (the gnostic OpenAPI protos are parsed but not catalogued). */
export const CATALOG_PACKAGE_PREFIX = 'k8s.io.';
