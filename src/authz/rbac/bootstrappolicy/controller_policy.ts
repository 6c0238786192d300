/**
 * The `system:controller:*` ClusterRoles of kube-controller-manager's
 * controllers, each bound to the controller's ServiceAccount in kube-system
 * (bootstrappolicy/controller_policy.go, restated as data). kapi runs its
 * controllers as clients too, so they can use these identities.
 */
import type { KubeObject } from '../../../runtime/object.js';
import type { PolicyRule } from '../rule.js';
import { clusterRole, clusterRoleBinding, eventsRule, groups as g, readVerbs, res, serviceAccount } from './helpers.js';

/** The prefix of every controller role. */
export const controllerRolePrefix = 'system:controller:';

const controllers: [string, () => PolicyRule[]][] = [
  [
    'attachdetach-controller',
    () => [
      res(['list', 'watch'], [g.core], ['persistentvolumes', 'persistentvolumeclaims']),
      res(readVerbs, [g.core], ['nodes']),
      res(['patch', 'update'], [g.core], ['nodes/status']),
      res(['list', 'watch'], [g.core], ['pods']),
      eventsRule(),
      res(['get', 'create', 'delete', 'list', 'watch'], [g.storage], ['volumeattachments']),
      res(readVerbs, [g.storage], ['csidrivers']),
      res(readVerbs, [g.storage], ['csinodes']),
    ],
  ],
  [
    'certificate-controller',
    () => [
      res(['get', 'list', 'watch', 'delete'], [g.certificates], ['certificatesigningrequests']),
      res(['update'], [g.certificates], ['certificatesigningrequests/status', 'certificatesigningrequests/approval']),
      res(['approve'], [g.certificates], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet']),
      res(['sign'], [g.certificates], ['signers'], ['kubernetes.io/legacy-unknown', 'kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving']),
      res(['create'], [g.authorization], ['subjectaccessreviews']),
      eventsRule(),
    ],
  ],
  ['clusterrole-aggregation-controller', () => [res(['escalate', 'get', 'list', 'watch', 'update', 'patch'], [g.rbac], ['clusterroles'])]],
  [
    'cronjob-controller',
    () => [
      res(['get', 'list', 'watch', 'update'], [g.batch], ['cronjobs']),
      res(['get', 'list', 'watch', 'create', 'update', 'delete', 'patch'], [g.batch], ['jobs']),
      res(['update'], [g.batch], ['cronjobs/status']),
      res(['update'], [g.batch], ['cronjobs/finalizers']),
      res(['list', 'delete'], [g.core], ['pods']),
      eventsRule(),
    ],
  ],
  [
    'daemon-set-controller',
    () => [
      res(readVerbs, [g.extensions, g.apps], ['daemonsets']),
      res(['update'], [g.extensions, g.apps], ['daemonsets/status']),
      res(['update'], [g.extensions, g.apps], ['daemonsets/finalizers']),
      res(['list', 'watch'], [g.core], ['nodes']),
      res(['list', 'watch', 'create', 'delete', 'patch'], [g.core], ['pods']),
      res(['create'], [g.core], ['pods/binding']),
      res(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], [g.apps], ['controllerrevisions']),
      eventsRule(),
    ],
  ],
  [
    'deployment-controller',
    () => [
      res(['get', 'list', 'watch', 'update'], [g.extensions, g.apps], ['deployments']),
      res(['update'], [g.extensions, g.apps], ['deployments/status']),
      res(['update'], [g.extensions, g.apps], ['deployments/finalizers']),
      res(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], [g.apps, g.extensions], ['replicasets']),
      res(['get', 'list', 'watch', 'update'], [g.core], ['pods']),
      eventsRule(),
    ],
  ],
  [
    'disruption-controller',
    () => [
      res(readVerbs, [g.extensions, g.apps], ['deployments']),
      res(readVerbs, [g.apps, g.extensions], ['replicasets']),
      res(readVerbs, [g.core], ['replicationcontrollers']),
      res(readVerbs, [g.policy], ['poddisruptionbudgets']),
      res(readVerbs, [g.apps], ['statefulsets']),
      res(['update'], [g.policy], ['poddisruptionbudgets/status']),
      res(['patch', 'update'], [g.core], ['pods/status']),
      res(['get'], ['*'], ['*/scale']),
      eventsRule(),
    ],
  ],
  [
    'endpoint-controller',
    () => [
      res(readVerbs, [g.core], ['services', 'pods']),
      res(['get', 'list', 'create', 'update', 'delete'], [g.core], ['endpoints']),
      res(['create'], [g.core], ['endpoints/restricted']),
      eventsRule(),
    ],
  ],
  [
    'endpointslice-controller',
    () => [
      res(readVerbs, [g.core], ['services', 'pods', 'nodes']),
      res(['update'], [g.core], ['services/finalizers']),
      res(['get', 'list', 'create', 'update', 'delete'], [g.discovery], ['endpointslices']),
      eventsRule(),
    ],
  ],
  [
    'endpointslicemirroring-controller',
    () => [
      res(readVerbs, [g.core], ['services', 'endpoints']),
      res(['update'], [g.core], ['services/finalizers']),
      res(['update'], [g.core], ['endpoints/finalizers']),
      res(['get', 'list', 'create', 'update', 'delete'], [g.discovery], ['endpointslices']),
      eventsRule(),
    ],
  ],
  [
    'ephemeral-volume-controller',
    () => [
      res(readVerbs, [g.core], ['pods']),
      res(['update'], [g.core], ['pods/finalizers']),
      res(['get', 'list', 'watch', 'create'], [g.core], ['persistentvolumeclaims']),
      eventsRule(),
    ],
  ],
  [
    'expand-controller',
    () => [
      res(['get', 'list', 'watch', 'update', 'patch'], [g.core], ['persistentvolumes']),
      res(['update', 'patch'], [g.core], ['persistentvolumeclaims/status']),
      res(readVerbs, [g.core], ['persistentvolumeclaims']),
      eventsRule(),
      res(['get'], [g.core], ['services']),
    ],
  ],
  ['generic-garbage-collector', () => [res(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*']), eventsRule()]],
  [
    'horizontal-pod-autoscaler',
    () => [
      res(readVerbs, [g.autoscaling], ['horizontalpodautoscalers']),
      res(['update'], [g.autoscaling], ['horizontalpodautoscalers/status']),
      res(['get', 'update'], ['*'], ['*/scale']),
      res(['list'], [g.core], ['pods']),
      res(['list'], [g.resourceMetrics], ['pods']),
      res(['get', 'list'], [g.customMetrics], ['*']),
      res(['get', 'list'], [g.externalMetrics], ['*']),
      eventsRule(),
    ],
  ],
  [
    'job-controller',
    () => [
      res(['get', 'list', 'watch', 'update', 'patch'], [g.batch], ['jobs']),
      res(['update'], [g.batch], ['jobs/status']),
      res(['update'], [g.batch], ['jobs/finalizers']),
      res(['list', 'watch', 'create', 'delete', 'patch'], [g.core], ['pods']),
      eventsRule(),
    ],
  ],
  [
    'legacy-service-account-token-cleaner',
    () => [res(['get'], [g.core], ['configmaps'], ['kube-apiserver-legacy-service-account-token-tracking']), res(['patch', 'delete'], [g.core], ['secrets'])],
  ],
  [
    'namespace-controller',
    () => [
      res(['get', 'list', 'watch', 'delete'], [g.core], ['namespaces']),
      res(['update'], [g.core], ['namespaces/finalize', 'namespaces/status']),
      res(['get', 'list', 'delete', 'deletecollection'], ['*'], ['*']),
    ],
  ],
  [
    'node-controller',
    () => [
      res(['get', 'list', 'update', 'delete', 'patch'], [g.core], ['nodes']),
      res(['patch', 'update'], [g.core], ['nodes/status']),
      res(['patch', 'update'], [g.core], ['pods/status']),
      res(['list', 'delete', 'get'], [g.core], ['pods']),
      eventsRule(),
    ],
  ],
  [
    'persistent-volume-binder',
    () => [
      res(['get', 'list', 'watch', 'update', 'create', 'delete'], [g.core], ['persistentvolumes']),
      res(['update'], [g.core], ['persistentvolumes/status']),
      res(['get', 'list', 'watch', 'update'], [g.core], ['persistentvolumeclaims']),
      res(['update'], [g.core], ['persistentvolumeclaims/status']),
      res(['list', 'watch', 'get', 'create', 'delete'], [g.core], ['pods']),
      res(readVerbs, [g.storage], ['storageclasses']),
      res(['list', 'watch'], [g.core], ['nodes']),
      eventsRule(),
      res(['watch'], [g.core], ['events']),
      res(['get'], [g.core], ['services']),
    ],
  ],
  ['pod-garbage-collector', () => [res(['list', 'watch', 'delete'], [g.core], ['pods']), res(['get', 'list'], [g.core], ['nodes']), res(['patch'], [g.core], ['pods/status'])]],
  ['pv-protection-controller', () => [res(['get', 'list', 'watch', 'update'], [g.core], ['persistentvolumes']), eventsRule()]],
  ['pvc-protection-controller', () => [res(['get', 'list', 'watch', 'update'], [g.core], ['persistentvolumeclaims']), res(readVerbs, [g.core], ['pods']), eventsRule()]],
  [
    'replicaset-controller',
    () => [
      res(['get', 'list', 'watch', 'update'], [g.apps, g.extensions], ['replicasets']),
      res(['update'], [g.apps, g.extensions], ['replicasets/status']),
      res(['update'], [g.apps, g.extensions], ['replicasets/finalizers']),
      res(['list', 'watch', 'patch', 'create', 'delete'], [g.core], ['pods']),
      eventsRule(),
    ],
  ],
  [
    'replication-controller',
    () => [
      res(['get', 'list', 'watch', 'update'], [g.core], ['replicationcontrollers']),
      res(['update'], [g.core], ['replicationcontrollers/status']),
      res(['update'], [g.core], ['replicationcontrollers/finalizers']),
      res(['list', 'watch', 'patch', 'create', 'delete'], [g.core], ['pods']),
      eventsRule(),
    ],
  ],
  ['resourcequota-controller', () => [res(['list', 'watch'], ['*'], ['*']), res(['update'], [g.core], ['resourcequotas/status']), eventsRule()]],
  ['root-ca-cert-publisher', () => [res(['create', 'update'], [g.core], ['configmaps']), eventsRule()]],
  ['route-controller', () => [res(['list', 'watch'], [g.core], ['nodes']), res(['patch'], [g.core], ['nodes/status']), eventsRule()]],
  ['service-account-controller', () => [res(['create'], [g.core], ['serviceaccounts']), eventsRule()]],
  ['service-controller', () => [res(readVerbs, [g.core], ['services']), res(['patch', 'update'], [g.core], ['services/status']), res(['list', 'watch'], [g.core], ['nodes']), eventsRule()]],
  [
    'statefulset-controller',
    () => [
      res(['list', 'watch'], [g.core], ['pods']),
      res(readVerbs, [g.apps], ['statefulsets']),
      res(['update'], [g.apps], ['statefulsets/status']),
      res(['update'], [g.apps], ['statefulsets/finalizers']),
      res(['get', 'create', 'delete', 'update', 'patch'], [g.core], ['pods']),
      res(['get', 'create', 'delete', 'update', 'patch', 'list', 'watch'], [g.apps], ['controllerrevisions']),
      res(['get', 'create', 'list', 'watch'], [g.core], ['persistentvolumeclaims']),
      eventsRule(),
      res(['update', 'delete'], [g.core], ['persistentvolumeclaims']),
      res(['update'], [g.core], ['pods/finalizers']),
    ],
  ],
  ['ttl-after-finished-controller', () => [res(['get', 'list', 'watch', 'delete'], [g.batch], ['jobs']), eventsRule()]],
  ['ttl-controller', () => [res(['update', 'patch', 'list', 'watch'], [g.core], ['nodes']), eventsRule()]],
  [
    'validatingadmissionpolicy-status-controller',
    () => [
      res(readVerbs, [g.admissionregistration], ['validatingadmissionpolicies']),
      res(['get', 'patch', 'update'], [g.admissionregistration], ['validatingadmissionpolicies/status']),
      eventsRule(),
    ],
  ],
];

/** The controller ClusterRoles (ControllerRoles()). */
export function controllerRoles(): KubeObject[] {
  return controllers.map(([name, rules]) => clusterRole(controllerRolePrefix + name, rules()));
}

/** One ClusterRoleBinding per controller role, to the ServiceAccount kube-system/<controller> (ControllerRoleBindings()). */
export function controllerRoleBindings(): KubeObject[] {
  return controllers.map(([name]) => clusterRoleBinding(controllerRolePrefix + name, [serviceAccount('kube-system', name)]));
}
