/**
 * The default ClusterRoles and ClusterRoleBindings of a 1.33 cluster
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, restated as
 * data): cluster-admin, the aggregated admin/edit/view and their
 * `system:aggregate-to-*` sources, discovery and component roles, the
 * certificate approver roles. Rules behind feature gates that are off by
 * default in 1.33 (dynamic resource allocation, coordinated leader
 * election) are left out.
 */
import type { KubeObject } from '../../../runtime/object.js';
import type { PolicyRule } from '../rule.js';
import {
  clusterRole,
  clusterRoleBinding,
  eventsRule,
  group,
  groups as g,
  readUpdateVerbs,
  readVerbs,
  readWriteVerbs,
  res,
  serviceAccount,
  urls,
  user,
  writeVerbs,
} from './helpers.js';

const aggregateToAdmin = 'rbac.authorization.k8s.io/aggregate-to-admin';
const aggregateToEdit = 'rbac.authorization.k8s.io/aggregate-to-edit';
const aggregateToView = 'rbac.authorization.k8s.io/aggregate-to-view';

/** What the Node authorizer lets every kubelet do, and the rules of `system:node` (NodeRules). */
export function nodeRules(): PolicyRule[] {
  return [
    res(['create'], [g.authentication], ['tokenreviews']),
    res(['create'], [g.authorization], ['subjectaccessreviews', 'localsubjectaccessreviews']),
    res(readVerbs, [g.core], ['services']),
    res(['create', 'get', 'list', 'watch'], [g.core], ['nodes']),
    res(['update', 'patch'], [g.core], ['nodes/status']),
    res(['update', 'patch'], [g.core], ['nodes']),
    res(['create', 'update', 'patch'], [g.core], ['events']),
    res(readVerbs, [g.core], ['pods']),
    res(['create', 'delete'], [g.core], ['pods']),
    res(['update', 'patch'], [g.core], ['pods/status']),
    res(['create'], [g.core], ['pods/eviction']),
    res(['get', 'list', 'watch'], [g.core], ['secrets', 'configmaps']),
    res(['get'], [g.core], ['persistentvolumeclaims', 'persistentvolumes']),
    res(['get'], [g.core], ['endpoints']),
    res(['create', 'get', 'list', 'watch'], [g.certificates], ['certificatesigningrequests']),
    res(['get', 'create', 'update', 'patch', 'delete'], [g.coordination], ['leases']),
    res(['get'], [g.storage], ['volumeattachments']),
    res(['create'], [g.core], ['serviceaccounts/token']),
    res(['get', 'update', 'patch'], [g.core], ['persistentvolumeclaims/status']),
    res(['get', 'watch', 'list'], [g.storage], ['csidrivers']),
    res(['get', 'create', 'update', 'patch', 'delete'], [g.storage], ['csinodes']),
    res(['get', 'list', 'watch'], [g.node], ['runtimeclasses']),
  ];
}

const signerApprover = (signer: string): PolicyRule[] => [res(['approve'], [g.certificates], ['signers'], [signer])];

/** The default ClusterRoles (ClusterRoles()). */
export function clusterRoles(): KubeObject[] {
  return [
    clusterRole('cluster-admin', [res(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    clusterRole('system:discovery', [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*'])]),
    clusterRole('system:monitoring', [urls(['get'], ['/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*'])]),
    clusterRole('system:basic-user', [
      res(['create'], [g.authorization], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      res(['create'], [g.authentication], ['selfsubjectreviews']),
    ]),
    clusterRole('system:public-info-viewer', [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])]),
    clusterRole('admin', [], { aggregationLabels: [aggregateToAdmin] }),
    clusterRole('edit', [], { labels: { [aggregateToAdmin]: 'true' }, aggregationLabels: [aggregateToEdit] }),
    clusterRole('view', [], { labels: { [aggregateToEdit]: 'true' }, aggregationLabels: [aggregateToView] }),
    clusterRole(
      'system:aggregate-to-admin',
      [res(['create'], [g.authorization], ['localsubjectaccessreviews']), res(readWriteVerbs, [g.rbac], ['roles', 'rolebindings'])],
      { labels: { [aggregateToAdmin]: 'true' } },
    ),
    clusterRole(
      'system:aggregate-to-edit',
      [
        res(readVerbs, [g.core], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
        res(['impersonate'], [g.core], ['serviceaccounts']),
        res(writeVerbs, [g.core], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
        res(['create'], [g.core], ['pods/eviction']),
        res(writeVerbs, [g.core], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets', 'events']),
        res(['create'], [g.core], ['serviceaccounts/token']),
        res(writeVerbs, [g.apps], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
        res(writeVerbs, [g.autoscaling], ['horizontalpodautoscalers']),
        res(writeVerbs, [g.batch], ['jobs', 'cronjobs']),
        res(writeVerbs, [g.extensions], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies']),
        res(writeVerbs, [g.policy], ['poddisruptionbudgets']),
        res(writeVerbs, [g.networking], ['networkpolicies', 'ingresses']),
        res(readWriteVerbs, [g.coordination], ['leases']),
      ],
      { labels: { [aggregateToEdit]: 'true' } },
    ),
    clusterRole(
      'system:aggregate-to-view',
      [
        res(readVerbs, [g.core], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
        res(readVerbs, [g.core], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
        res(readVerbs, [g.core], ['namespaces']),
        res(readVerbs, [g.discovery], ['endpointslices']),
        res(readVerbs, [g.apps], ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale']),
        res(readVerbs, [g.autoscaling], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
        res(readVerbs, [g.batch], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
        res(readVerbs, [g.extensions], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale', 'networkpolicies']),
        res(readVerbs, [g.policy], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
        res(readVerbs, [g.networking], ['ingresses', 'ingresses/status', 'networkpolicies']),
      ],
      { labels: { [aggregateToView]: 'true' } },
    ),
    clusterRole('system:heapster', [res(readVerbs, [g.core], ['events', 'pods', 'nodes', 'namespaces']), res(readVerbs, [g.extensions], ['deployments'])]),
    clusterRole('system:node', nodeRules()),
    clusterRole('system:node-problem-detector', [res(['get'], [g.core], ['nodes']), res(['patch'], [g.core], ['nodes/status']), eventsRule()]),
    clusterRole('system:kubelet-api-admin', [
      res(readVerbs, [g.core], ['nodes']),
      res(['proxy'], [g.core], ['nodes']),
      res(['*'], [g.core], ['nodes/proxy', 'nodes/metrics', 'nodes/stats', 'nodes/log']),
    ]),
    clusterRole('system:node-bootstrapper', [res(['create', 'get', 'list', 'watch'], [g.certificates], ['certificatesigningrequests'])]),
    clusterRole('system:auth-delegator', [res(['create'], [g.authentication], ['tokenreviews']), res(['create'], [g.authorization], ['subjectaccessreviews'])]),
    clusterRole('system:kube-aggregator', [res(readVerbs, [g.core], ['services', 'endpoints'])]),
    clusterRole('system:kube-controller-manager', [
      eventsRule(),
      res(['create'], [g.coordination], ['leases']),
      res(['get', 'update'], [g.coordination], ['leases'], ['kube-controller-manager']),
      res(['create'], [g.core], ['secrets', 'serviceaccounts']),
      res(['delete'], [g.core], ['secrets']),
      res(['get'], [g.core], ['namespaces', 'secrets', 'serviceaccounts', 'configmaps']),
      res(['update'], [g.core], ['secrets', 'serviceaccounts']),
      res(['create'], [g.authentication], ['tokenreviews']),
      res(['create'], [g.authorization], ['subjectaccessreviews']),
      res(['list', 'watch'], ['*'], ['*']),
      res(['create'], [g.core], ['serviceaccounts/token']),
    ]),
    clusterRole('system:kube-dns', [res(['list', 'watch'], [g.core], ['endpoints', 'services'])]),
    clusterRole('system:persistent-volume-provisioner', [
      res(['get', 'list', 'watch', 'create', 'delete'], [g.core], ['persistentvolumes']),
      res(['get', 'list', 'watch', 'update'], [g.core], ['persistentvolumeclaims']),
      res(readVerbs, [g.storage], ['storageclasses']),
      res(['watch'], [g.core], ['events']),
      eventsRule(),
    ]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [res(['create'], [g.certificates], ['certificatesigningrequests/nodeclient'])]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [res(['create'], [g.certificates], ['certificatesigningrequests/selfnodeclient'])]),
    clusterRole('system:volume-scheduler', [
      res(readUpdateVerbs, [g.core], ['persistentvolumes']),
      res(readVerbs, [g.storage], ['storageclasses']),
      res(readUpdateVerbs, [g.core], ['persistentvolumeclaims']),
    ]),
    clusterRole('system:certificates.k8s.io:legacy-unknown-approver', signerApprover('kubernetes.io/legacy-unknown')),
    clusterRole('system:certificates.k8s.io:kubelet-serving-approver', signerApprover('kubernetes.io/kubelet-serving')),
    clusterRole('system:certificates.k8s.io:kube-apiserver-client-approver', signerApprover('kubernetes.io/kube-apiserver-client')),
    clusterRole('system:certificates.k8s.io:kube-apiserver-client-kubelet-approver', signerApprover('kubernetes.io/kube-apiserver-client-kubelet')),
    clusterRole('system:service-account-issuer-discovery', [
      urls(['get'], ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/']),
    ]),
    clusterRole('system:node-proxier', [
      res(['list', 'watch'], [g.core], ['services', 'endpoints']),
      res(readVerbs, [g.core], ['nodes']),
      eventsRule(),
      res(['list', 'watch'], [g.discovery], ['endpointslices']),
    ]),
    clusterRole('system:kube-scheduler', [
      eventsRule(),
      res(['create'], [g.coordination], ['leases']),
      res(['get', 'update'], [g.coordination], ['leases'], ['kube-scheduler']),
      res(readVerbs, [g.core], ['nodes']),
      res(['get', 'list', 'watch', 'delete'], [g.core], ['pods']),
      res(['create'], [g.core], ['bindings', 'pods/binding']),
      res(['patch', 'update'], [g.core], ['pods/status']),
      res(readVerbs, [g.core], ['replicationcontrollers', 'services']),
      res(readVerbs, [g.apps, g.extensions], ['replicasets']),
      res(readVerbs, [g.apps], ['statefulsets']),
      res(readVerbs, [g.policy], ['poddisruptionbudgets']),
      res(readVerbs, [g.core], ['persistentvolumeclaims', 'persistentvolumes']),
      res(['create'], [g.authentication], ['tokenreviews']),
      res(['create'], [g.authorization], ['subjectaccessreviews']),
      res(readVerbs, [g.storage], ['csinodes']),
      res(readVerbs, [g.storage], ['volumeattachments']),
      res(readVerbs, [g.core], ['namespaces']),
      res(readVerbs, [g.storage], ['csidrivers']),
      res(readVerbs, [g.storage], ['csistoragecapacities']),
    ]),
  ];
}

/** The default ClusterRoleBindings (ClusterRoleBindings()). */
export function clusterRoleBindings(): KubeObject[] {
  return [
    clusterRoleBinding('cluster-admin', [group('system:masters')]),
    clusterRoleBinding('system:monitoring', [group('system:monitoring')]),
    clusterRoleBinding('system:discovery', [group('system:authenticated')]),
    clusterRoleBinding('system:basic-user', [group('system:authenticated')]),
    clusterRoleBinding('system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
    clusterRoleBinding('system:node-proxier', [user('system:kube-proxy')]),
    clusterRoleBinding('system:kube-controller-manager', [user('system:kube-controller-manager')]),
    clusterRoleBinding('system:kube-dns', [serviceAccount('kube-system', 'kube-dns')]),
    clusterRoleBinding('system:kube-scheduler', [user('system:kube-scheduler')]),
    clusterRoleBinding('system:volume-scheduler', [user('system:kube-scheduler')]),
    // Kubelets get their permissions from the Node authorizer; the binding exists without subjects.
    clusterRoleBinding('system:node', []),
    clusterRoleBinding('system:service-account-issuer-discovery', [group('system:serviceaccounts')]),
  ];
}
