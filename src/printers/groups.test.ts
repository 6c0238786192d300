import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../runtime/object.js';
import type { TableConvertor } from '../registry/rest/table.js';
import { admissionPolicyBindingConvertor, validatingAdmissionPolicyConvertor, webhookConfigurationConvertor } from './admissionregistration.js';
import { apiServiceConvertor } from './apiregistration.js';
import { hpaV1Convertor, hpaV2Convertor } from './autoscaling.js';
import { certificateSigningRequestConvertor } from './certificates.js';
import { leaseConvertor } from './coordination.js';
import { endpointSliceConvertor } from './discovery.js';
import { priorityLevelConfigurationConvertor } from './flowcontrol.js';
import { ingressClassConvertor, ingressConvertor, ipAddressConvertor, networkPolicyConvertor } from './networking.js';
import { podDisruptionBudgetConvertor } from './policy.js';
import { clusterRoleBindingConvertor, roleBindingConvertor } from './rbac.js';
import { priorityClassConvertor } from './scheduling.js';
import { csiDriverConvertor, storageClassConvertor } from './storage.js';

const now = new Date('2025-06-01T12:00:00Z');
const meta = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, creationTimestamp: '2025-06-01T11:59:00Z', ...extra });

const cases: Array<{ name: string; convertor: TableConvertor; obj: KubeObject; want: unknown[] }> = [
  {
    name: 'ingress with class, TLS and a load balancer',
    convertor: ingressConvertor,
    obj: {
      metadata: meta('web'),
      spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example.com' }, {}, { host: 'b.example.com' }], tls: [{ hosts: ['a.example.com'] }] },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } },
    },
    want: ['web', 'nginx', 'a.example.com,b.example.com', '203.0.113.9', '80, 443', '60s'],
  },
  {
    name: 'ingress with many hosts and no class',
    convertor: ingressConvertor,
    obj: { metadata: meta('many'), spec: { rules: [{ host: 'a' }, { host: 'b' }, { host: 'c' }, { host: 'd' }, { host: 'e' }] } },
    want: ['many', '<none>', 'a,b,c + 2 more...', '', '80', '60s'],
  },
  {
    name: 'ingress without hosts',
    convertor: ingressConvertor,
    obj: { metadata: meta('any'), spec: { defaultBackend: { service: { name: 's', port: { number: 80 } } } } },
    want: ['any', '<none>', '*', '', '80', '60s'],
  },
  {
    name: 'ingress class with parameters',
    convertor: ingressClassConvertor,
    obj: { metadata: meta('nginx'), spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } } },
    want: ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/p', '60s'],
  },
  {
    name: 'network policy selecting every pod',
    convertor: networkPolicyConvertor,
    obj: { metadata: meta('deny-all'), spec: { podSelector: {}, policyTypes: ['Ingress'] } },
    want: ['deny-all', '<none>', '60s'],
  },
  {
    name: 'ip address allocated to a service',
    convertor: ipAddressConvertor,
    obj: { metadata: meta('10.96.0.1'), spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'kubernetes' } } },
    want: ['10.96.0.1', 'services/default/kubernetes', '60s'],
  },
  {
    name: 'v2 autoscaler with resource and pods metrics',
    convertor: hpaV2Convertor,
    obj: {
      metadata: meta('web'),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '100' } } },
        ],
      },
      status: {
        currentReplicas: 3,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '90m' } } }],
      },
    },
    want: ['web', 'Deployment/web', 'cpu: 45%/60%, memory: <unknown>/500Mi + 1 more...', '2', 10, 3, '60s'],
  },
  {
    name: 'v2 autoscaler with external metrics',
    convertor: hpaV2Convertor,
    obj: {
      metadata: meta('q'),
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'worker' },
        maxReplicas: 5,
        metrics: [
          { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
          { type: 'External', external: { metric: { name: 'lag' }, target: { type: 'Value', value: '100' } } },
        ],
      },
      status: { currentMetrics: [{ type: 'External', external: { current: { averageValue: '12' } } }, { type: 'External', external: { current: { value: '7' } } }] },
    },
    want: ['q', 'Deployment/worker', '12/30 (avg), 7/100', '1', 5, 0, '60s'],
  },
  {
    name: 'v1 autoscaler',
    convertor: hpaV1Convertor,
    obj: {
      metadata: meta('web'),
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 1, currentCPUUtilizationPercentage: 12 },
    },
    want: ['web', 'Deployment/web', 'cpu: 12%/50%', '1', 4, 1, '60s'],
  },
  {
    name: 'v1 autoscaler before its first measurement, default target',
    convertor: hpaV1Convertor,
    obj: { metadata: meta('web'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 4 } },
    want: ['web', 'Deployment/web', 'cpu: <unknown>/80%', '1', 4, 0, '60s'],
  },
  {
    name: 'pod disruption budget',
    convertor: podDisruptionBudgetConvertor,
    obj: { metadata: meta('web'), spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } },
    want: ['web', '50%', 'N/A', 1, '60s'],
  },
  {
    name: 'default storage class',
    convertor: storageClassConvertor,
    obj: {
      metadata: meta('standard', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
      provisioner: 'rancher.io/local-path',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    },
    want: ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '60s'],
  },
  {
    name: 'csi driver with defaults',
    convertor: csiDriverConvertor,
    obj: { metadata: meta('csi.example.com'), spec: { volumeLifecycleModes: ['Persistent', 'Ephemeral'] } },
    want: ['csi.example.com', true, false, false, '<unset>', false, 'Persistent,Ephemeral', '60s'],
  },
  {
    name: 'role binding with every kind of subject',
    convertor: roleBindingConvertor,
    obj: {
      metadata: meta('read'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'User', name: 'bob' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', namespace: 'ci', name: 'runner' },
      ],
    },
    want: ['read', 'Role/reader', '60s', 'alice, bob', 'devs', 'ci/runner'],
  },
  {
    name: 'cluster role binding without subjects',
    convertor: clusterRoleBindingConvertor,
    obj: { metadata: meta('empty'), roleRef: { kind: 'ClusterRole', name: 'view' } },
    want: ['empty', 'ClusterRole/view', '60s', '', '', ''],
  },
  {
    name: 'approved and issued certificate signing request',
    convertor: certificateSigningRequestConvertor,
    obj: {
      metadata: meta('csr-1'),
      spec: { signerName: 'kubernetes.io/kube-apiserver-client', username: 'alice', expirationSeconds: 86400 },
      status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' },
    },
    want: ['csr-1', '60s', 'kubernetes.io/kube-apiserver-client', 'alice', '24h', 'Approved,Issued'],
  },
  {
    name: 'pending certificate signing request',
    convertor: certificateSigningRequestConvertor,
    obj: { metadata: meta('csr-2'), spec: { username: 'bob' } },
    want: ['csr-2', '60s', '<none>', 'bob', '<none>', 'Pending'],
  },
  {
    name: 'endpoint slice',
    convertor: endpointSliceConvertor,
    obj: {
      metadata: meta('web-abc'),
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 80 }, { name: 'named' }, {}],
      endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2', '10.0.0.3'] }, { addresses: ['10.0.0.4'] }],
    },
    want: ['web-abc', 'IPv4', '80,named,*', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '60s'],
  },
  {
    name: 'empty endpoint slice',
    convertor: endpointSliceConvertor,
    obj: { metadata: meta('empty'), addressType: 'IPv4' },
    want: ['empty', 'IPv4', '<unset>', '<unset>', '60s'],
  },
  {
    name: 'lease',
    convertor: leaseConvertor,
    obj: { metadata: meta('kube-scheduler'), spec: { holderIdentity: 'cp-1_abc' } },
    want: ['kube-scheduler', 'cp-1_abc', '60s'],
  },
  {
    name: 'priority class',
    convertor: priorityClassConvertor,
    obj: { metadata: meta('system-node-critical'), value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' },
    want: ['system-node-critical', 2000001000, false, '60s', 'PreemptLowerPriority'],
  },
  {
    name: 'limited priority level',
    convertor: priorityLevelConfigurationConvertor,
    obj: {
      metadata: meta('workload-low'),
      spec: { type: 'Limited', limited: { nominalConcurrencyShares: 100, limitResponse: { type: 'Queue', queuing: { queues: 128, handSize: 6, queueLengthLimit: 50 } } } },
    },
    want: ['workload-low', 'Limited', 100, 128, 6, 50, '60s'],
  },
  {
    name: 'exempt priority level',
    convertor: priorityLevelConfigurationConvertor,
    obj: { metadata: meta('exempt'), spec: { type: 'Exempt', exempt: {} } },
    want: ['exempt', 'Exempt', '<none>', '<none>', '<none>', '<none>', '60s'],
  },
  {
    name: 'webhook configuration',
    convertor: webhookConfigurationConvertor,
    obj: { metadata: meta('hooks'), webhooks: [{ name: 'a' }, { name: 'b' }] },
    want: ['hooks', 2, '60s'],
  },
  {
    name: 'validating admission policy with a param kind',
    convertor: validatingAdmissionPolicyConvertor,
    obj: { metadata: meta('p'), spec: { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'true' }] } },
    want: ['p', 1, 'v1/ConfigMap', '60s'],
  },
  {
    name: 'policy binding with a selector param',
    convertor: admissionPolicyBindingConvertor,
    obj: { metadata: meta('b'), spec: { policyName: 'p', paramRef: { selector: { matchLabels: { env: 'prod' } } } } },
    want: ['b', 'p', '&LabelSelector{MatchLabels:map[string]string{env: prod,},MatchExpressions:[]LabelSelectorRequirement{},}', '60s'],
  },
  {
    name: 'policy binding with a cluster-wide named param',
    convertor: admissionPolicyBindingConvertor,
    obj: { metadata: meta('b'), spec: { policyName: 'p', paramRef: { name: 'limits' } } },
    want: ['b', 'p', '*/limits', '60s'],
  },
  {
    name: 'unavailable API service',
    convertor: apiServiceConvertor,
    obj: {
      metadata: meta('v1beta1.metrics.k8s.io'),
      spec: { service: { namespace: 'kube-system', name: 'metrics-server' } },
      status: { conditions: [{ type: 'Available', status: 'False', reason: 'MissingEndpoints' }] },
    },
    want: ['v1beta1.metrics.k8s.io', 'kube-system/metrics-server', 'False (MissingEndpoints)', '60s'],
  },
  {
    name: 'local API service',
    convertor: apiServiceConvertor,
    obj: { metadata: meta('v1.apps'), spec: {}, status: { conditions: [{ type: 'Available', status: 'True', reason: 'Local' }] } },
    want: ['v1.apps', 'Local', 'True', '60s'],
  },
];

for (const c of cases) {
  test(`groups: ${c.name}`, () => {
    assert.deepEqual(c.convertor.cells(c.obj, now), c.want);
  });
}
