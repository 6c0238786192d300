import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../runtime/object.js';
import type { TableConvertor } from '../registry/rest/table.js';
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

const now = new Date('2025-06-01T12:00:00Z');
const created = '2025-05-31T12:00:00Z'; // 24h before now

function obj(name: string, rest: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name, namespace: 'default', creationTimestamp: created, ...meta }, ...rest };
}

const cases: Array<{ name: string; convertor: TableConvertor; obj: KubeObject; want: unknown[] }> = [
  {
    name: 'ClusterIP service',
    convertor: serviceConvertor,
    obj: obj('web', {
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'web', tier: 'fe' } },
    }),
    want: ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '24h', 'app=web,tier=fe'],
  },
  {
    name: 'headless service without selector',
    convertor: serviceConvertor,
    obj: obj('db', { spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 5432, protocol: 'TCP' }] } }),
    want: ['db', 'ClusterIP', 'None', '<none>', '5432/TCP', '24h', '<none>'],
  },
  {
    name: 'NodePort service with external IPs',
    convertor: serviceConvertor,
    obj: obj('np', {
      spec: {
        type: 'NodePort',
        clusterIPs: ['10.96.1.1'],
        externalIPs: ['1.2.3.4', '5.6.7.8'],
        ports: [
          { port: 80, nodePort: 30080, protocol: 'TCP' },
          { port: 53, nodePort: 30053, protocol: 'UDP' },
        ],
      },
    }),
    want: ['np', 'NodePort', '10.96.1.1', '1.2.3.4,5.6.7.8', '80:30080/TCP,53:30053/UDP', '24h', '<none>'],
  },
  {
    name: 'LoadBalancer service waiting for an address',
    convertor: serviceConvertor,
    obj: obj('lb', { spec: { type: 'LoadBalancer', clusterIPs: ['10.96.2.2'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] }, status: { loadBalancer: {} } }),
    want: ['lb', 'LoadBalancer', '10.96.2.2', '<pending>', '443:31443/TCP', '24h', '<none>'],
  },
  {
    name: 'LoadBalancer service with ingress points (sorted, never clipped) and external IPs',
    convertor: serviceConvertor,
    obj: obj('lb', {
      spec: { type: 'LoadBalancer', clusterIPs: ['10.96.2.2'], externalIPs: ['9.9.9.9'], ports: [{ port: 80, nodePort: 30000, protocol: 'TCP' }] },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.20' }, { hostname: 'a-very-long-load-balancer-hostname.example.com' }, { ip: '203.0.113.10' }] } },
    }),
    want: ['lb', 'LoadBalancer', '10.96.2.2', '203.0.113.10,203.0.113.20,a-very-long-load-balancer-hostname.example.com,9.9.9.9', '80:30000/TCP', '24h', '<none>'],
  },
  {
    name: 'ExternalName service without ports',
    convertor: serviceConvertor,
    obj: obj('ext', { spec: { type: 'ExternalName', externalName: 'db.example.com' } }),
    want: ['ext', 'ExternalName', '<none>', 'db.example.com', '<none>', '24h', '<none>'],
  },
  {
    name: 'endpoints with fewer than four addresses',
    convertor: endpointsConvertor,
    obj: obj('web', { subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 8080, protocol: 'TCP' }] }] }),
    want: ['web', '10.0.0.1:8080,10.0.0.2:8080', '24h'],
  },
  {
    name: 'endpoints cut after three with the rest counted',
    convertor: endpointsConvertor,
    obj: obj('web', {
      subsets: [
        {
          addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: 'fd00::3' }],
          ports: [
            { name: 'http', port: 80 },
            { name: 'https', port: 443 },
          ],
        },
      ],
    }),
    want: ['web', '10.0.0.1:80,10.0.0.2:80,[fd00::3]:80 + 3 more...', '24h'],
  },
  {
    name: 'endpoints of a headless service without ports',
    convertor: endpointsConvertor,
    obj: obj('hl', { subsets: [{ addresses: [{ ip: '10.0.0.1' }] }] }),
    want: ['hl', '10.0.0.1', '24h'],
  },
  { name: 'endpoints without subsets', convertor: endpointsConvertor, obj: obj('none', {}), want: ['none', '<none>', '24h'] },
  {
    name: 'ready control-plane node, cordoned',
    convertor: nodeConvertor,
    obj: obj(
      'cp-1',
      {
        spec: { unschedulable: true },
        status: {
          conditions: [
            { type: 'MemoryPressure', status: 'False' },
            { type: 'Ready', status: 'True' },
          ],
          addresses: [
            { type: 'Hostname', address: 'cp-1' },
            { type: 'InternalIP', address: '172.18.0.2' },
          ],
          nodeInfo: { kubeletVersion: 'v1.33.1', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://2.1.1' },
        },
      },
      { namespace: undefined, labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'master', 'kubernetes.io/hostname': 'cp-1' } },
    ),
    want: ['cp-1', 'Ready,SchedulingDisabled', 'control-plane,master', '24h', 'v1.33.1', '172.18.0.2', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'containerd://2.1.1'],
  },
  {
    name: 'node whose Ready condition is Unknown, without roles',
    convertor: nodeConvertor,
    obj: obj('w-1', { status: { conditions: [{ type: 'Ready', status: 'Unknown' }], addresses: [{ type: 'ExternalIP', address: '198.51.100.7' }] } }),
    want: ['w-1', 'NotReady', '<none>', '24h', '', '<none>', '198.51.100.7', '<unknown>', '<unknown>', '<unknown>'],
  },
  {
    name: 'node without conditions',
    convertor: nodeConvertor,
    obj: obj('new', {}),
    want: ['new', 'Unknown', '<none>', '24h', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'],
  },
  { name: 'namespace', convertor: namespaceConvertor, obj: obj('kube-system', { status: { phase: 'Active' } }), want: ['kube-system', 'Active', '24h'] },
  {
    name: 'secret',
    convertor: secretConvertor,
    obj: obj('tls', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }),
    want: ['tls', 'kubernetes.io/tls', 2, '24h'],
  },
  { name: 'service account', convertor: serviceAccountConvertor, obj: obj('default', {}), want: ['default', 0, '24h'] },
  {
    name: 'config map counts data and binaryData',
    convertor: configMapConvertor,
    obj: obj('cfg', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }),
    want: ['cfg', 3, '24h'],
  },
  {
    name: 'bound persistent volume',
    convertor: persistentVolumeConvertor,
    obj: obj(
      'pv-1',
      {
        spec: {
          capacity: { storage: '10Gi' },
          accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Retain',
          claimRef: { namespace: 'default', name: 'data' },
          storageClassName: 'fast',
          volumeMode: 'Filesystem',
        },
        status: { phase: 'Bound' },
      },
      { namespace: undefined },
    ),
    want: ['pv-1', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'fast', '<unset>', '', '24h', 'Filesystem'],
  },
  {
    name: 'terminating persistent volume with a beta storage-class annotation',
    convertor: persistentVolumeConvertor,
    obj: obj(
      'pv-2',
      { spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOncePod'], storageClassName: 'ignored' }, status: { phase: 'Released', reason: 'x' } },
      { deletionTimestamp: created, annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } },
    ),
    want: ['pv-2', '1Gi', 'RWOP', '', 'Terminating', '', 'legacy', '<unset>', 'x', '24h', '<unset>'],
  },
  {
    name: 'bound claim shows the volume capacity and modes',
    convertor: persistentVolumeClaimConvertor,
    obj: obj('data', {
      spec: { volumeName: 'pv-1', storageClassName: 'fast', resources: { requests: { storage: '5Gi' } }, volumeMode: 'Filesystem', volumeAttributesClassName: 'gold' },
      status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] },
    }),
    want: ['data', 'Bound', 'pv-1', '10Gi', 'RWO', 'fast', 'gold', '24h', 'Filesystem'],
  },
  {
    name: 'pending claim has no capacity yet',
    convertor: persistentVolumeClaimConvertor,
    obj: obj('data', { spec: { resources: { requests: { storage: '5Gi' } } }, status: { phase: 'Pending' } }),
    want: ['data', 'Pending', '', '', '', '', '<unset>', '24h', '<unset>'],
  },
  {
    name: 'resource quota splits requests from limits',
    convertor: resourceQuotaConvertor,
    obj: obj('compute', {
      status: {
        hard: { pods: '10', 'limits.memory': '2Gi', 'requests.cpu': '1', 'limits.cpu': '2' },
        used: { pods: '3', 'requests.cpu': '500m', 'limits.cpu': '1' },
      },
    }),
    want: ['compute', 'pods: 3/10, requests.cpu: 500m/1', 'limits.cpu: 1/2, limits.memory: 0/2Gi', '24h'],
  },
  {
    name: 'replication controller',
    convertor: replicationControllerConvertor,
    obj: obj('rc', {
      spec: { replicas: 3, selector: { app: 'rc' }, template: { spec: { containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'busybox' }] } } },
      status: { replicas: 3, readyReplicas: 2 },
    }),
    want: ['rc', 3, 3, 2, '24h', 'a,b', 'nginx:1,busybox', 'app=rc'],
  },
  {
    name: 'pod template',
    convertor: podTemplateConvertor,
    obj: obj('tpl', { template: { metadata: { labels: { b: '2', a: '1' } }, spec: { containers: [{ name: 'c', image: 'img' }] } } }),
    want: ['tpl', 'c', 'img', 'a=1,b=2'],
  },
  {
    name: 'component status',
    convertor: componentStatusConvertor,
    obj: obj('etcd-0', { conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] }),
    want: ['etcd-0', 'Healthy', 'ok', ''],
  },
];

for (const c of cases) {
  test(`core: ${c.name}`, () => {
    assert.deepEqual(c.convertor.cells(c.obj, now), c.want);
  });
}

test('service columns', () => {
  assert.deepEqual(
    serviceConvertor.columns.map((c) => `${c.name}/${c.priority}`),
    ['Name/0', 'Type/0', 'Cluster-IP/0', 'External-IP/0', 'Port(s)/0', 'Age/0', 'Selector/1'],
  );
});

test('node columns', () => {
  assert.deepEqual(
    nodeConvertor.columns.map((c) => `${c.name}/${c.priority}`),
    ['Name/0', 'Status/0', 'Roles/0', 'Age/0', 'Version/0', 'Internal-IP/1', 'External-IP/1', 'OS-Image/1', 'Kernel-Version/1', 'Container-Runtime/1'],
  );
});
