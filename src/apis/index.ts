/**
 * The per-kind REST strategies and field-selector attributes of the
 * resources kapi serves. Kinds without special rules get the default
 * strategy (generic metadata validation, status and generation handling).
 */
import type { KubeObject } from '../runtime/object.js';
import type { RestStrategy } from '../registry/rest/strategy.js';
import { asArr, asObj, str } from '../validation/json.js';
import { daemonSetStrategy, controllerRevisionStrategy, deploymentStrategy, replicaSetStrategy, statefulSetStrategy } from './apps/index.js';
import { cronJobStrategy, jobStrategy } from './batch/job.js';
import { leaseStrategy } from './coordination/lease.js';
import { configMapStrategy, secretStrategy } from './core/configmap.js';
import { podTemplateStrategy, replicationControllerStrategy } from './core/controllers.js';
import { eventStrategy } from './core/event.js';
import { namespaceStrategy } from './core/namespace.js';
import { nodeStrategy } from './core/node.js';
import { podStrategy } from './core/pod.js';
import { limitRangeStrategy, resourceQuotaStrategy } from './core/quota.js';
import { serviceStrategy } from './core/service.js';
import { endpointsStrategy, serviceAccountStrategy } from './core/serviceaccount.js';
import { pvcStrategy, pvStrategy } from './core/storage.js';
import { defaultStrategy, type DefaultStrategyOptions } from './default.js';
import { mutatingWebhookConfigurationStrategy, validatingWebhookConfigurationStrategy } from './admissionregistration/webhooks.js';
import { validatingAdmissionPolicyBindingStrategy, validatingAdmissionPolicyStrategy } from './admissionregistration/policy.js';
import { crdStrategy } from './apiextensions/crd.js';
import { apiServiceStrategy } from './apiregistration/apiservice.js';
import { hpaStrategyV1, hpaStrategyV2 } from './autoscaling/hpa.js';
import { csrStrategy } from './certificates/csr.js';
import { bindingStrategy, componentStatusStrategy } from './core/componentstatus.js';
import { endpointSliceStrategy } from './discovery/endpointslice.js';
import { flowSchemaStrategy, priorityLevelConfigurationStrategy } from './flowcontrol/flowcontrol.js';
import { ingressClassStrategy, ingressStrategy } from './networking/ingress.js';
import { ipAddressStrategy, serviceCIDRStrategy } from './networking/ipaddress.js';
import { networkPolicyStrategy } from './networking/networkpolicy.js';
import { runtimeClassStrategy } from './node/runtimeclass.js';
import { pdbStrategy } from './policy/pdb.js';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './rbac/rbac.js';
import { priorityClassStrategy } from './scheduling/priorityclass.js';
import { csiDriverStrategy, csiNodeStrategy, csiStorageCapacityStrategy, storageClassStrategy, volumeAttachmentStrategy } from './storage/storage.js';

export type { DefaultStrategyOptions } from './default.js';

const coreEvents = eventStrategy(false);
const eventsGroupEvents = eventStrategy(true);

/** Strategies with kind-specific rules, keyed `group/Kind`. */
const strategies: Record<string, RestStrategy> = {
  '/Pod': podStrategy,
  '/Namespace': namespaceStrategy,
  '/Service': serviceStrategy,
  '/ConfigMap': configMapStrategy,
  '/Secret': secretStrategy,
  '/ServiceAccount': serviceAccountStrategy,
  '/Event': coreEvents,
  '/Node': nodeStrategy,
  '/Endpoints': endpointsStrategy,
  '/PersistentVolumeClaim': pvcStrategy,
  '/PersistentVolume': pvStrategy,
  '/ReplicationController': replicationControllerStrategy,
  '/LimitRange': limitRangeStrategy,
  '/ResourceQuota': resourceQuotaStrategy,
  '/PodTemplate': podTemplateStrategy,
  'apps/Deployment': deploymentStrategy,
  'apps/ReplicaSet': replicaSetStrategy,
  'apps/StatefulSet': statefulSetStrategy,
  'apps/DaemonSet': daemonSetStrategy,
  'apps/ControllerRevision': controllerRevisionStrategy,
  'batch/Job': jobStrategy,
  'batch/CronJob': cronJobStrategy,
  'coordination.k8s.io/Lease': leaseStrategy,
  'events.k8s.io/Event': eventsGroupEvents,
  '/ComponentStatus': componentStatusStrategy,
  '/Binding': bindingStrategy,
  'networking.k8s.io/Ingress': ingressStrategy,
  'networking.k8s.io/IngressClass': ingressClassStrategy,
  'networking.k8s.io/NetworkPolicy': networkPolicyStrategy,
  'networking.k8s.io/IPAddress': ipAddressStrategy,
  'networking.k8s.io/ServiceCIDR': serviceCIDRStrategy,
  'rbac.authorization.k8s.io/Role': roleStrategy,
  'rbac.authorization.k8s.io/ClusterRole': clusterRoleStrategy,
  'rbac.authorization.k8s.io/RoleBinding': roleBindingStrategy,
  'rbac.authorization.k8s.io/ClusterRoleBinding': clusterRoleBindingStrategy,
  'autoscaling/HorizontalPodAutoscaler': hpaStrategyV2,
  'policy/PodDisruptionBudget': pdbStrategy,
  'storage.k8s.io/StorageClass': storageClassStrategy,
  'storage.k8s.io/CSIDriver': csiDriverStrategy,
  'storage.k8s.io/CSINode': csiNodeStrategy,
  'storage.k8s.io/CSIStorageCapacity': csiStorageCapacityStrategy,
  'storage.k8s.io/VolumeAttachment': volumeAttachmentStrategy,
  'scheduling.k8s.io/PriorityClass': priorityClassStrategy,
  'node.k8s.io/RuntimeClass': runtimeClassStrategy,
  'discovery.k8s.io/EndpointSlice': endpointSliceStrategy,
  'certificates.k8s.io/CertificateSigningRequest': csrStrategy,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': mutatingWebhookConfigurationStrategy,
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': validatingWebhookConfigurationStrategy,
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': validatingAdmissionPolicyStrategy,
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding': validatingAdmissionPolicyBindingStrategy,
  'apiextensions.k8s.io/CustomResourceDefinition': crdStrategy,
  'apiregistration.k8s.io/APIService': apiServiceStrategy,
  'flowcontrol.apiserver.k8s.io/FlowSchema': flowSchemaStrategy,
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration': priorityLevelConfigurationStrategy,
};

/** Strategies that differ by served version, keyed `group/version/Kind`. */
const versionedStrategies: Record<string, RestStrategy> = {
  'autoscaling/v1/HorizontalPodAutoscaler': hpaStrategyV1,
};

/**
 * The strategy for a kind. Kinds with their own rules get them; any other
 * kind gets the default strategy, described by `opts` (whether it has a
 * status subresource, whether it tracks metadata.generation).
 */
export function strategyFor(group: string, version: string, kind: string, namespaced: boolean, opts: DefaultStrategyOptions = {}): RestStrategy {
  return versionedStrategies[`${group}/${version}/${kind}`] ?? strategies[`${group}/${kind}`] ?? defaultStrategy(namespaced, opts);
}

/** True when kapi has kind-specific rules for group/kind. */
export function hasSpecificStrategy(group: string, kind: string): boolean {
  return `${group}/${kind}` in strategies;
}

type Fields = Record<string, string>;
type FieldsFn = (obj: KubeObject) => Fields;

function path(obj: unknown, ...keys: string[]): unknown {
  let cur: unknown = obj;
  for (const k of keys) cur = asObj(cur)?.[k];
  return cur;
}

function s(obj: unknown, ...keys: string[]): string {
  return str(path(obj, ...keys));
}

function n(obj: unknown, ...keys: string[]): string {
  const v = path(obj, ...keys);
  return typeof v === 'number' ? String(v) : '0';
}

function b(obj: unknown, ...keys: string[]): string {
  return path(obj, ...keys) === true ? 'true' : 'false';
}

/**
 * Event attributes under the names of one API group (core: involvedObject.*,
 * reportingComponent; events.k8s.io: regarding.*, reportingController).
 * Values are read from either wire form, so stored objects of either
 * version select the same way.
 */
function eventFields(o: KubeObject, refName: string, controllerName: string): Fields {
  const ref = asObj(o.regarding) ?? asObj(o.involvedObject);
  const controller = s(o, 'reportingController') || s(o, 'reportingComponent');
  const source = s(o, 'source', 'component') || s(o, 'deprecatedSource', 'component') || controller;
  const out: Fields = {};
  for (const f of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) out[`${refName}.${f}`] = s(ref, f);
  out.reason = s(o, 'reason');
  out[controllerName] = controller;
  out.source = source;
  out.type = s(o, 'type');
  return out;
}

/** Kind-specific field-selector attributes, keyed `group/Kind`. */
const specificFields: Record<string, FieldsFn> = {
  '/Pod': (o) => {
    const podIPs = asArr(path(o, 'status', 'podIPs')) ?? [];
    return {
      'spec.nodeName': s(o, 'spec', 'nodeName'),
      'spec.restartPolicy': s(o, 'spec', 'restartPolicy'),
      'spec.schedulerName': s(o, 'spec', 'schedulerName'),
      'spec.serviceAccountName': s(o, 'spec', 'serviceAccountName'),
      'spec.hostNetwork': b(o, 'spec', 'hostNetwork'),
      'status.phase': s(o, 'status', 'phase'),
      'status.podIP': podIPs.length > 0 ? s(podIPs[0], 'ip') : '',
      'status.nominatedNodeName': s(o, 'status', 'nominatedNodeName'),
    };
  },
  '/Event': (o) => eventFields(o, 'involvedObject', 'reportingComponent'),
  'events.k8s.io/Event': (o) => eventFields(o, 'regarding', 'reportingController'),
  '/Secret': (o) => ({ type: s(o, 'type') }),
  '/Namespace': (o) => ({ 'status.phase': s(o, 'status', 'phase') }),
  '/Node': (o) => ({ 'spec.unschedulable': b(o, 'spec', 'unschedulable') }),
  '/ReplicationController': (o) => ({ 'status.replicas': n(o, 'status', 'replicas') }),
  'apps/ReplicaSet': (o) => ({ 'status.replicas': n(o, 'status', 'replicas') }),
  'batch/Job': (o) => ({ 'status.successful': n(o, 'status', 'succeeded') }),
  '/Service': (o) => ({ 'spec.clusterIP': s(o, 'spec', 'clusterIP'), 'spec.type': s(o, 'spec', 'type') }),
  // PersistentVolumes and claims keep a bare `name` field for backward compatibility.
  '/PersistentVolume': (o) => ({ name: str(o.metadata?.name) }),
  '/PersistentVolumeClaim': (o) => ({ name: str(o.metadata?.name) }),
  'certificates.k8s.io/CertificateSigningRequest': (o) => ({ 'spec.signerName': s(o, 'spec', 'signerName') }),
};

/**
 * The field-selector attributes of objects of a kind: `metadata.name`,
 * `metadata.namespace` (namespaced kinds only, as Kubernetes does) and the
 * kind's own fields (`spec.nodeName`, `status.phase`...).
 */
export function selectableFieldsFor(group: string, kind: string, namespaced = true): FieldsFn {
  const extra = specificFields[`${group}/${kind}`];
  return (obj) => {
    const fields: Fields = { 'metadata.name': str(obj.metadata?.name) };
    if (namespaced) fields['metadata.namespace'] = str(obj.metadata?.namespace);
    return extra ? { ...extra(obj), ...fields } : fields;
  };
}
