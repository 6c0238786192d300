/**
 * Which printer a kind gets: `tableConvertorFor(group, version, kind)`, with
 * kube-apiserver's default convertor (Name, Created At) for every kind that
 * has no printer of its own.
 */
import { admissionPolicyBindingConvertor, mutatingAdmissionPolicyConvertor, validatingAdmissionPolicyConvertor, webhookConfigurationConvertor } from './admissionregistration.js';
import { apiServiceConvertor } from './apiregistration.js';
import { controllerRevisionConvertor, daemonSetConvertor, deploymentConvertor, replicaSetConvertor, statefulSetConvertor } from './apps.js';
import { hpaV1Convertor, hpaV2Convertor } from './autoscaling.js';
import { cronJobConvertor, jobConvertor } from './batch.js';
import { certificateSigningRequestConvertor, clusterTrustBundleConvertor } from './certificates.js';
import { leaseCandidateConvertor, leaseConvertor } from './coordination.js';
import {
  componentStatusConvertor,
  configMapConvertor,
  endpointsConvertor,
  namespaceConvertor,
  nodeConvertor,
  persistentVolumeClaimConvertor,
  persistentVolumeConvertor,
  podTemplateConvertor,
  replicationControllerConvertor,
  resourceQuotaConvertor,
  secretConvertor,
  serviceAccountConvertor,
  serviceConvertor,
} from './core.js';
import { defaultTableConvertor } from './default.js';
import { endpointSliceConvertor } from './discovery.js';
import { eventConvertor, eventsV1Convertor } from './event.js';
import { flowSchemaConvertor, priorityLevelConfigurationConvertor } from './flowcontrol.js';
import { ingressClassConvertor, ingressConvertor, ipAddressConvertor, networkPolicyConvertor, serviceCIDRConvertor } from './networking.js';
import { podConvertor } from './pod.js';
import { podDisruptionBudgetConvertor } from './policy.js';
import { clusterRoleBindingConvertor, roleBindingConvertor } from './rbac.js';
import { priorityClassConvertor, runtimeClassConvertor } from './scheduling.js';
import {
  csiDriverConvertor,
  csiNodeConvertor,
  csiStorageCapacityConvertor,
  storageClassConvertor,
  volumeAttachmentConvertor,
  volumeAttributesClassConvertor,
} from './storage.js';
import type { PrinterTableConvertor } from './types.js';

export type { PrinterTableConvertor } from './types.js';
export { defaultTableConvertor } from './default.js';
export { buildTable } from './table.js';
export type { BuildTableOptions, IncludeObject } from './table.js';
export { humanDuration, translateTimestampSince } from './duration.js';

/** Printers by `group/kind`, the same in every version of the group unless listed in BY_VERSION. */
const BY_KIND = new Map<string, PrinterTableConvertor>([
  // core
  ['/Pod', podConvertor],
  ['/PodTemplate', podTemplateConvertor],
  ['/ReplicationController', replicationControllerConvertor],
  ['/Service', serviceConvertor],
  ['/Endpoints', endpointsConvertor],
  ['/Node', nodeConvertor],
  ['/Event', eventConvertor],
  ['/Namespace', namespaceConvertor],
  ['/Secret', secretConvertor],
  ['/ServiceAccount', serviceAccountConvertor],
  ['/PersistentVolume', persistentVolumeConvertor],
  ['/PersistentVolumeClaim', persistentVolumeClaimConvertor],
  ['/ComponentStatus', componentStatusConvertor],
  ['/ConfigMap', configMapConvertor],
  ['/ResourceQuota', resourceQuotaConvertor],
  // apps
  ['apps/Deployment', deploymentConvertor],
  ['apps/ReplicaSet', replicaSetConvertor],
  ['apps/StatefulSet', statefulSetConvertor],
  ['apps/DaemonSet', daemonSetConvertor],
  ['apps/ControllerRevision', controllerRevisionConvertor],
  // batch
  ['batch/Job', jobConvertor],
  ['batch/CronJob', cronJobConvertor],
  // events.k8s.io
  ['events.k8s.io/Event', eventsV1Convertor],
  // coordination.k8s.io
  ['coordination.k8s.io/Lease', leaseConvertor],
  ['coordination.k8s.io/LeaseCandidate', leaseCandidateConvertor],
  // rbac.authorization.k8s.io (Role and ClusterRole use the default convertor)
  ['rbac.authorization.k8s.io/RoleBinding', roleBindingConvertor],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', clusterRoleBindingConvertor],
  // networking.k8s.io
  ['networking.k8s.io/Ingress', ingressConvertor],
  ['networking.k8s.io/IngressClass', ingressClassConvertor],
  ['networking.k8s.io/NetworkPolicy', networkPolicyConvertor],
  ['networking.k8s.io/ServiceCIDR', serviceCIDRConvertor],
  ['networking.k8s.io/IPAddress', ipAddressConvertor],
  // autoscaling
  ['autoscaling/HorizontalPodAutoscaler', hpaV2Convertor],
  // policy
  ['policy/PodDisruptionBudget', podDisruptionBudgetConvertor],
  // storage.k8s.io
  ['storage.k8s.io/StorageClass', storageClassConvertor],
  ['storage.k8s.io/VolumeAttributesClass', volumeAttributesClassConvertor],
  ['storage.k8s.io/CSINode', csiNodeConvertor],
  ['storage.k8s.io/CSIDriver', csiDriverConvertor],
  ['storage.k8s.io/CSIStorageCapacity', csiStorageCapacityConvertor],
  ['storage.k8s.io/VolumeAttachment', volumeAttachmentConvertor],
  // scheduling.k8s.io, node.k8s.io
  ['scheduling.k8s.io/PriorityClass', priorityClassConvertor],
  ['node.k8s.io/RuntimeClass', runtimeClassConvertor],
  // discovery.k8s.io
  ['discovery.k8s.io/EndpointSlice', endpointSliceConvertor],
  // certificates.k8s.io
  ['certificates.k8s.io/CertificateSigningRequest', certificateSigningRequestConvertor],
  ['certificates.k8s.io/ClusterTrustBundle', clusterTrustBundleConvertor],
  // admissionregistration.k8s.io
  ['admissionregistration.k8s.io/MutatingWebhookConfiguration', webhookConfigurationConvertor],
  ['admissionregistration.k8s.io/ValidatingWebhookConfiguration', webhookConfigurationConvertor],
  ['admissionregistration.k8s.io/ValidatingAdmissionPolicy', validatingAdmissionPolicyConvertor],
  ['admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding', admissionPolicyBindingConvertor],
  ['admissionregistration.k8s.io/MutatingAdmissionPolicy', mutatingAdmissionPolicyConvertor],
  ['admissionregistration.k8s.io/MutatingAdmissionPolicyBinding', admissionPolicyBindingConvertor],
  // flowcontrol.apiserver.k8s.io
  ['flowcontrol.apiserver.k8s.io/FlowSchema', flowSchemaConvertor],
  ['flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration', priorityLevelConfigurationConvertor],
  // apiregistration.k8s.io
  ['apiregistration.k8s.io/APIService', apiServiceConvertor],
]);

/** Printers that read a version-specific shape, by `group/version/kind`. */
const BY_VERSION = new Map<string, PrinterTableConvertor>([['autoscaling/v1/HorizontalPodAutoscaler', hpaV1Convertor]]);

/**
 * The table convertor for a kind as kube-apiserver 1.33 prints it; the default
 * convertor (Name, Created At) when the kind has no printer.
 */
export function tableConvertorFor(group: string, version: string, kind: string): PrinterTableConvertor {
  return BY_VERSION.get(`${group}/${version}/${kind}`) ?? BY_KIND.get(`${group}/${kind}`) ?? defaultTableConvertor;
}

/** True when the kind has a printer of its own (not the default convertor). */
export function hasPrinter(group: string, version: string, kind: string): boolean {
  return tableConvertorFor(group, version, kind) !== defaultTableConvertor;
}
