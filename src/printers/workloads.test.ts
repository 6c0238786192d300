import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../runtime/object.js';
import type { TableConvertor } from '../registry/rest/table.js';
import { controllerRevisionConvertor, daemonSetConvertor, deploymentConvertor, replicaSetConvertor, statefulSetConvertor } from './apps.js';
import { cronJobConvertor, jobConvertor } from './batch.js';

const now = new Date('2025-06-01T12:00:00Z');
const meta = { name: 'web', namespace: 'default', creationTimestamp: '2025-06-01T11:00:00Z' };
const template = { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'sidecar', image: 'envoy:1' }] } };

const cases: Array<{ name: string; convertor: TableConvertor; obj: KubeObject; want: unknown[] }> = [
  {
    name: 'deployment rolling out',
    convertor: deploymentConvertor,
    obj: {
      metadata: meta,
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] }, template },
      status: { replicas: 4, readyReplicas: 2, updatedReplicas: 1, availableReplicas: 2 },
    },
    want: ['web', '2/3', 1, 2, '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1', 'app=web,tier in (be,fe)'],
  },
  {
    name: 'new deployment without status',
    convertor: deploymentConvertor,
    obj: { metadata: meta, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } },
    want: ['web', '0/1', 0, 0, '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1', 'app=web'],
  },
  {
    name: 'deployment with an invalid selector',
    convertor: deploymentConvertor,
    obj: { metadata: meta, spec: { replicas: 0, selector: { matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, template } },
    want: ['web', '0/0', 0, 0, '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1', '<invalid>'],
  },
  {
    name: 'replica set',
    convertor: replicaSetConvertor,
    obj: {
      metadata: { ...meta, name: 'web-7c5' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web', 'pod-template-hash': '7c5' } }, template },
      status: { replicas: 2, readyReplicas: 1 },
    },
    want: ['web-7c5', 2, 2, 1, '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1', 'app=web,pod-template-hash=7c5'],
  },
  {
    name: 'stateful set',
    convertor: statefulSetConvertor,
    obj: { metadata: meta, spec: { replicas: 3, template }, status: { readyReplicas: 3 } },
    want: ['web', '3/3', '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1'],
  },
  {
    name: 'daemon set',
    convertor: daemonSetConvertor,
    obj: {
      metadata: meta,
      spec: {
        selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }, { key: 'canary', operator: 'DoesNotExist' }] },
        template: { spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } },
      },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    },
    want: ['web', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1', 'app,!canary'],
  },
  {
    name: 'controller revision owned by a daemon set',
    convertor: controllerRevisionConvertor,
    obj: {
      metadata: { ...meta, name: 'web-5d8', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'web', uid: 'u', controller: true }] },
      revision: 2,
    },
    want: ['web-5d8', 'daemonset.apps/web', 2, '60m'],
  },
  {
    name: 'controller revision without a controller',
    convertor: controllerRevisionConvertor,
    obj: { metadata: { ...meta, name: 'orphan' }, revision: 1 },
    want: ['orphan', '<none>', 1, '60m'],
  },
  {
    name: 'job in progress',
    convertor: jobConvertor,
    obj: {
      metadata: meta,
      spec: { completions: 5, parallelism: 2, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, template },
      status: { startTime: '2025-06-01T11:57:30Z', active: 2, succeeded: 1 },
    },
    want: ['web', 'Running', '1/5', '2m30s', '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1', 'batch.kubernetes.io/controller-uid=abc'],
  },
  {
    name: 'complete job',
    convertor: jobConvertor,
    obj: {
      metadata: meta,
      spec: { completions: 1, parallelism: 1, template },
      status: {
        startTime: '2025-06-01T11:00:00Z',
        completionTime: '2025-06-01T11:00:42Z',
        succeeded: 1,
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True' },
          { type: 'Complete', status: 'True' },
        ],
      },
    },
    want: ['web', 'Complete', '1/1', '42s', '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1', '<none>'],
  },
  {
    name: 'failed job',
    convertor: jobConvertor,
    obj: {
      metadata: meta,
      spec: { completions: 1, parallelism: 1, template },
      status: {
        startTime: '2025-06-01T11:00:00Z',
        failed: 7,
        conditions: [
          { type: 'FailureTarget', status: 'True' },
          { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' },
        ],
      },
    },
    want: ['web', 'Failed', '0/1', '60m', '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1', '<none>'],
  },
  {
    name: 'job about to fail',
    convertor: jobConvertor,
    obj: { metadata: meta, spec: { parallelism: 1, template }, status: { conditions: [{ type: 'FailureTarget', status: 'True' }] } },
    want: ['web', 'FailureTarget', '0/1', '', '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1', '<none>'],
  },
  {
    name: 'suspended work-queue job',
    convertor: jobConvertor,
    obj: { metadata: meta, spec: { parallelism: 3, suspend: true, template }, status: { conditions: [{ type: 'Suspended', status: 'True' }] } },
    want: ['web', 'Suspended', '0/1 of 3', '', '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1', '<none>'],
  },
  {
    name: 'job being deleted',
    convertor: jobConvertor,
    obj: { metadata: { ...meta, deletionTimestamp: '2025-06-01T12:00:00Z' }, spec: { completions: 2, template }, status: { succeeded: 1 } },
    want: ['web', 'Terminating', '1/2', '', '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1', '<none>'],
  },
  {
    name: 'suspended cron job with a time zone',
    convertor: cronJobConvertor,
    obj: {
      metadata: meta,
      spec: { schedule: '*/5 * * * *', timeZone: 'Europe/Paris', suspend: true, jobTemplate: { spec: { template } } },
      status: { lastScheduleTime: '2025-06-01T11:55:00Z' },
    },
    want: ['web', '*/5 * * * *', 'Europe/Paris', 'True', 0, '5m', '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1', '<none>'],
  },
  {
    name: 'cron job never scheduled, suspend unset',
    convertor: cronJobConvertor,
    obj: {
      metadata: meta,
      spec: { schedule: '@hourly', jobTemplate: { spec: { selector: { matchLabels: { a: 'b' } }, template } } },
      status: { active: [{ name: 'j1' }, { name: 'j2' }] },
    },
    want: ['web', '@hourly', '<none>', '<unset>', 2, '<none>', '60m', 'nginx,sidecar', 'nginx:1.27,envoy:1', 'a=b'],
  },
];

for (const c of cases) {
  test(`workload: ${c.name}`, () => {
    assert.deepEqual(c.convertor.cells(c.obj, now), c.want);
  });
}

test('deployment and job columns', () => {
  assert.deepEqual(
    deploymentConvertor.columns.map((c) => `${c.name}/${c.type}/${c.priority}`),
    ['Name/string/0', 'Ready/string/0', 'Up-to-date/string/0', 'Available/string/0', 'Age/string/0', 'Containers/string/1', 'Images/string/1', 'Selector/string/1'],
  );
  assert.deepEqual(
    jobConvertor.columns.map((c) => `${c.name}/${c.priority}`),
    ['Name/0', 'Status/0', 'Completions/0', 'Duration/0', 'Age/0', 'Containers/1', 'Images/1', 'Selector/1'],
  );
  assert.deepEqual(
    cronJobConvertor.columns.map((c) => `${c.name}/${c.type}/${c.priority}`),
    [
      'Name/string/0',
      'Schedule/string/0',
      'Timezone/string/0',
      'Suspend/boolean/0',
      'Active/integer/0',
      'Last Schedule/string/0',
      'Age/string/0',
      'Containers/string/1',
      'Images/string/1',
      'Selector/string/1',
    ],
  );
});
