/**
 * Which zero scalar values survive protobuf → JSON decoding.
 *
 * Go's protobuf marshalling writes every non-pointer scalar, even when it is
 * zero, so a zero on the wire may be a Go value that JSON would omit
 * (`json:",omitempty"` on a plain int/bool/string). We drop zero scalars
 * (`""`, `0`, `false`, and an int-typed IntOrString 0) except for the fields
 * below, whose Go JSON keeps a zero because the Go field is a pointer (nil and
 * 0 mean different things: `replicas: 0` is not "default to 1") or has no
 * `omitempty`. Keys are `<Go type name>.<json field>`; they apply in every API
 * version that has the type. Checked against the Go types in k8s.io/api,
 * apimachinery, apiextensions-apiserver and kube-aggregator.
 *
 * Message-valued fields are never dropped: Go's JSON writes a struct field
 * (and a non-nil pointer to one) even when empty, so `emptyDir: {}`,
 * `resources: {}` and `status: {}` keep their meaning. A zero metav1.Time (an
 * empty message on the wire) is dropped (Go writes it as null).
 */
const KEEP_ZERO_LIST: readonly string[] = [
  // meta/v1 (pointers)
  'ObjectMeta.deletionGracePeriodSeconds',
  'OwnerReference.controller',
  'OwnerReference.blockOwnerDeletion',
  'ListMeta.remainingItemCount',
  'DeleteOptions.gracePeriodSeconds',
  'DeleteOptions.orphanDependents',
  'APIResource.namespaced', // no omitempty
  // core/v1 pointers
  'ConfigMap.immutable',
  'Secret.immutable',
  'ConfigMapVolumeSource.defaultMode',
  'ConfigMapVolumeSource.optional',
  'SecretVolumeSource.defaultMode',
  'SecretVolumeSource.optional',
  'ProjectedVolumeSource.defaultMode',
  'DownwardAPIVolumeSource.defaultMode',
  'ConfigMapProjection.optional',
  'SecretProjection.optional',
  'ConfigMapKeySelector.optional',
  'SecretKeySelector.optional',
  'ConfigMapEnvSource.optional',
  'SecretEnvSource.optional',
  'KeyToPath.mode',
  'DownwardAPIVolumeFile.mode',
  'ServiceAccountTokenProjection.expirationSeconds',
  'CSIVolumeSource.readOnly',
  'FCVolumeSource.lun',
  'PodSpec.terminationGracePeriodSeconds',
  'PodSpec.activeDeadlineSeconds',
  'PodSpec.automountServiceAccountToken',
  'PodSpec.shareProcessNamespace',
  'PodSpec.priority',
  'PodSpec.enableServiceLinks',
  'PodSpec.hostUsers',
  'PodSpec.setHostnameAsFQDN',
  'PodSecurityContext.runAsUser',
  'PodSecurityContext.runAsGroup',
  'PodSecurityContext.runAsNonRoot',
  'PodSecurityContext.fsGroup',
  'SecurityContext.privileged',
  'SecurityContext.runAsUser',
  'SecurityContext.runAsGroup',
  'SecurityContext.runAsNonRoot',
  'SecurityContext.readOnlyRootFilesystem',
  'SecurityContext.allowPrivilegeEscalation',
  'WindowsSecurityContextOptions.hostProcess',
  'Probe.terminationGracePeriodSeconds',
  'ContainerStatus.started',
  'ServiceAccount.automountServiceAccountToken',
  'ReplicationControllerSpec.replicas',
  'ServiceSpec.allocateLoadBalancerNodePorts',
  'ClientIPConfig.timeoutSeconds',
  'Toleration.tolerationSeconds',
  'TopologySpreadConstraint.minDomains',
  'PersistentVolumeClaimSpec.storageClassName', // "" means "no class"
  'NodeSwapStatus.capacity',
  'NodeRuntimeHandlerFeatures.recursiveReadOnlyMounts',
  'NodeRuntimeHandlerFeatures.userNamespaces',
  'NodeFeatures.supplementalGroupsPolicy',
  // core/v1 without omitempty
  'ContainerStatus.ready',
  'ContainerStatus.restartCount',
  'ContainerStateTerminated.exitCode',
  'ReplicationControllerStatus.replicas',
  'ServicePort.port',
  'EndpointPort.port',
  'ContainerPort.containerPort',
  'PortStatus.port',
  'GRPCAction.port',
  'SleepAction.seconds',
  'LinuxContainerUser.uid',
  'LinuxContainerUser.gid',
  'DaemonEndpoint.Port',
  'ISCSIVolumeSource.lun',
  'ISCSIPersistentVolumeSource.lun',
  'TopologySpreadConstraint.maxSkew',
  'WeightedPodAffinityTerm.weight',
  'PreferredSchedulingTerm.weight',
  // apps
  'DeploymentSpec.replicas',
  'DeploymentSpec.revisionHistoryLimit',
  'DeploymentSpec.progressDeadlineSeconds',
  'DeploymentStatus.collisionCount',
  'RollingUpdateDeployment.maxUnavailable',
  'RollingUpdateDeployment.maxSurge',
  'StatefulSetSpec.replicas',
  'StatefulSetSpec.revisionHistoryLimit',
  'StatefulSetStatus.replicas',
  'StatefulSetStatus.availableReplicas',
  'StatefulSetStatus.collisionCount',
  'RollingUpdateStatefulSetStrategy.partition',
  'RollingUpdateStatefulSetStrategy.maxUnavailable',
  'StatefulSetOrdinals.start',
  'DaemonSetSpec.revisionHistoryLimit',
  'DaemonSetStatus.currentNumberScheduled',
  'DaemonSetStatus.numberMisscheduled',
  'DaemonSetStatus.desiredNumberScheduled',
  'DaemonSetStatus.numberReady',
  'DaemonSetStatus.collisionCount',
  'RollingUpdateDaemonSet.maxUnavailable',
  'RollingUpdateDaemonSet.maxSurge',
  'ReplicaSetSpec.replicas',
  'ReplicaSetStatus.replicas',
  'ControllerRevision.revision',
  // autoscaling
  'ScaleStatus.replicas',
  'HorizontalPodAutoscalerSpec.minReplicas',
  'HorizontalPodAutoscalerSpec.maxReplicas',
  'HorizontalPodAutoscalerSpec.targetCPUUtilizationPercentage',
  'HorizontalPodAutoscalerStatus.currentReplicas',
  'HorizontalPodAutoscalerStatus.desiredReplicas',
  'HPAScalingRules.stabilizationWindowSeconds',
  'HPAScalingPolicy.value',
  'HPAScalingPolicy.periodSeconds',
  'MetricTarget.averageUtilization',
  // batch
  'JobSpec.parallelism',
  'JobSpec.completions',
  'JobSpec.activeDeadlineSeconds',
  'JobSpec.backoffLimit',
  'JobSpec.backoffLimitPerIndex',
  'JobSpec.maxFailedIndexes',
  'JobSpec.manualSelector',
  'JobSpec.ttlSecondsAfterFinished',
  'JobSpec.suspend',
  'JobStatus.terminating',
  'JobStatus.ready',
  'CronJobSpec.startingDeadlineSeconds',
  'CronJobSpec.suspend',
  'CronJobSpec.successfulJobsHistoryLimit',
  'CronJobSpec.failedJobsHistoryLimit',
  // policy
  'PodDisruptionBudgetSpec.minAvailable',
  'PodDisruptionBudgetSpec.maxUnavailable',
  'PodDisruptionBudgetStatus.disruptionsAllowed',
  'PodDisruptionBudgetStatus.currentHealthy',
  'PodDisruptionBudgetStatus.desiredHealthy',
  'PodDisruptionBudgetStatus.expectedPods',
  // scheduling: PriorityClass.value has no omitempty (0 is a valid priority)
  'PriorityClass.value',
  // authorization / authentication
  'SubjectAccessReviewStatus.allowed',
  'SubjectRulesReviewStatus.incomplete',
  'TokenRequestSpec.expirationSeconds',
  'CertificateSigningRequestSpec.expirationSeconds',
  // networking
  'NetworkPolicyPort.port',
  'NetworkPolicyPort.endPort',
  // admissionregistration, apiextensions, apiregistration
  'ValidatingWebhook.timeoutSeconds',
  'MutatingWebhook.timeoutSeconds',
  'ServiceReference.port',
  'CustomResourceDefinitionVersion.served',
  'CustomResourceDefinitionVersion.storage',
  'JSONSchemaProps.maximum',
  'JSONSchemaProps.minimum',
  'JSONSchemaProps.maxLength',
  'JSONSchemaProps.minLength',
  'JSONSchemaProps.maxItems',
  'JSONSchemaProps.minItems',
  'JSONSchemaProps.multipleOf',
  'JSONSchemaProps.maxProperties',
  'JSONSchemaProps.minProperties',
  'JSONSchemaProps.x-kubernetes-preserve-unknown-fields',
  'ValidationRule.optionalOldSelf',
  'APIServiceSpec.groupPriorityMinimum',
  'APIServiceSpec.versionPriority',
  // coordination, storage, discovery, flowcontrol
  'LeaseSpec.leaseDurationSeconds',
  'LeaseSpec.leaseTransitions',
  'StorageClass.allowVolumeExpansion',
  'CSIDriverSpec.attachRequired',
  'CSIDriverSpec.podInfoOnMount',
  'CSIDriverSpec.storageCapacity',
  'CSIDriverSpec.requiresRepublish',
  'CSIDriverSpec.seLinuxMount',
  'VolumeNodeResources.count',
  'VolumeAttachmentStatus.attached',
  'EndpointConditions.ready',
  'EndpointConditions.serving',
  'EndpointConditions.terminating',
  'LimitedPriorityLevelConfiguration.nominalConcurrencyShares',
  'LimitedPriorityLevelConfiguration.lendablePercent',
  'LimitedPriorityLevelConfiguration.borrowingLimitPercent',
  'ExemptPriorityLevelConfiguration.nominalConcurrencyShares',
  'ExemptPriorityLevelConfiguration.lendablePercent',
  // resource.k8s.io (pointers)
  'DeviceRequest.adminAccess',
  'ExactDeviceRequest.adminAccess',
  'DeviceRequestAllocationResult.adminAccess',
];

const KEEP_ZERO = new Set(KEEP_ZERO_LIST);

/** The `<Go type>.<json field>` entries whose zero values are kept (for consistency checks). */
export function keepZeroFields(): readonly string[] {
  return KEEP_ZERO_LIST;
}

/** The short (Go) type name of a full protobuf message name. */
function shortName(messageName: string): string {
  return messageName.slice(messageName.lastIndexOf('.') + 1);
}

/** True when a zero value of this field is kept in the JSON form (see KEEP_ZERO). */
export function keepsZero(messageName: string, jsonField: string): boolean {
  return KEEP_ZERO.has(`${shortName(messageName)}.${jsonField}`);
}
