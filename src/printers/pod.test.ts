import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../runtime/object.js';
import { podConvertor } from './pod.js';

const now = new Date('2025-06-01T12:00:00Z');
const ago = (seconds: number): string => new Date(now.getTime() - seconds * 1000).toISOString().replace('.000Z', 'Z');

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(300), ...meta },
    spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
    status,
  };
}

const running = (name: string, ready = true): Record<string, unknown> => ({
  name,
  ready,
  restartCount: 0,
  started: true,
  state: { running: { startedAt: ago(200) } },
});

const cases: Array<{ name: string; pod: KubeObject; want: unknown[] }> = [
  {
    name: 'running pod with every wide column',
    pod: pod(
      { containers: [{ name: 'a' }, { name: 'b' }], nodeName: 'node-1' },
      {
        phase: 'Running',
        podIP: '10.244.0.5',
        podIPs: [{ ip: '10.244.0.5' }, { ip: 'fd00::5' }],
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [running('a'), running('b')],
      },
    ),
    want: ['web', '2/2', 'Running', '0', '5m', '10.244.0.5', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'crash-looping container shows the waiting reason and the last restart',
    pod: pod(
      { nodeName: 'node-1' },
      {
        phase: 'Running',
        podIP: '10.244.0.6',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(125) } },
          },
        ],
      },
    ),
    want: ['web', '0/1', 'CrashLoopBackOff', '4 (2m5s ago)', '5m', '10.244.0.6', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'pending pod creating containers',
    pod: pod({}, { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }),
    want: ['web', '0/1', 'ContainerCreating', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'unscheduled pending pod',
    pod: pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] }),
    want: ['web', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'scheduling-gated pod',
    pod: pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
    want: ['web', '0/1', 'SchedulingGated', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'completed pod',
    pod: pod(
      { nodeName: 'node-1' },
      {
        phase: 'Succeeded',
        containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: ago(60) } } }],
      },
    ),
    want: ['web', '0/1', 'Completed', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'terminated container without a reason shows its exit code',
    pod: pod({}, { phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 137 } } }] }),
    want: ['web', '0/1', 'ExitCode:137', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'terminated container killed by a signal',
    pod: pod({}, { phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, signal: 9 } } }] }),
    want: ['web', '0/1', 'Signal:9', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'evicted pod shows the pod reason',
    pod: pod({}, { phase: 'Failed', reason: 'Evicted', message: 'low on memory' }),
    want: ['web', '0/1', 'Evicted', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'terminating running pod',
    pod: pod({ nodeName: 'node-1' }, { phase: 'Running', containerStatuses: [running('app')] }, { deletionTimestamp: ago(-30) }),
    want: ['web', '1/1', 'Terminating', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'a succeeded pod being deleted is not Terminating',
    pod: pod(
      {},
      { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
      { deletionTimestamp: ago(0) },
    ),
    want: ['web', '0/1', 'Completed', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'pod on a lost node being deleted is Unknown',
    pod: pod({ nodeName: 'node-2' }, { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('app')] }, { deletionTimestamp: ago(0) }),
    want: ['web', '1/1', 'Unknown', '0', '5m', '<none>', 'node-2', '<none>', '<none>'],
  },
  {
    name: 'first of two init containers running',
    pod: pod(
      { initContainers: [{ name: 'init-a' }, { name: 'init-b' }] },
      {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'init-a', ready: false, restartCount: 0, state: { running: { startedAt: ago(10) } } },
          { name: 'init-b', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
        ],
        containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      },
    ),
    want: ['web', '0/1', 'Init:0/2', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'second init container running after the first completed',
    pod: pod(
      { initContainers: [{ name: 'init-a' }, { name: 'init-b' }] },
      {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'init-a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'init-b', ready: false, restartCount: 0, state: { running: { startedAt: ago(10) } } },
        ],
      },
    ),
    want: ['web', '0/1', 'Init:1/2', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'crash-looping init container counts its restarts',
    pod: pod(
      { initContainers: [{ name: 'init-a' }] },
      {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'init-a',
            ready: false,
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(30) } },
          },
        ],
        containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      },
    ),
    want: ['web', '0/1', 'Init:CrashLoopBackOff', '3 (30s ago)', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'failed init container without a reason',
    pod: pod(
      { initContainers: [{ name: 'init-a' }] },
      { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', ready: false, restartCount: 0, state: { terminated: { exitCode: 2 } } }] },
    ),
    want: ['web', '0/1', 'Init:ExitCode:2', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'failed init container with a reason',
    pod: pod(
      { initContainers: [{ name: 'init-a' }] },
      { phase: 'Failed', initContainerStatuses: [{ name: 'init-a', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } }] },
    ),
    want: ['web', '0/1', 'Init:Error', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'started sidecar counts as a ready container and its restarts count',
    pod: pod(
      { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
      {
        phase: 'Running',
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        initContainerStatuses: [
          {
            name: 'proxy',
            ready: true,
            started: true,
            restartCount: 1,
            state: { running: { startedAt: ago(100) } },
            lastState: { terminated: { exitCode: 1, finishedAt: ago(110) } },
          },
        ],
        containerStatuses: [running('app')],
      },
    ),
    want: ['web', '2/2', 'Running', '1 (110s ago)', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'one container completed while another runs: Running when the pod is ready',
    pod: pod(
      { containers: [{ name: 'job' }, { name: 'server' }] },
      {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'job', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running('server')],
      },
    ),
    want: ['web', '1/2', 'Running', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'one container completed while another runs: NotReady when the pod is not ready',
    pod: pod(
      { containers: [{ name: 'job' }, { name: 'server' }] },
      {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [{ name: 'job', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running('server')],
      },
    ),
    want: ['web', '1/2', 'NotReady', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'readiness gates, nominated node and the legacy podIP field',
    pod: pod(
      { readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
      {
        phase: 'Running',
        podIP: '10.0.0.9',
        nominatedNodeName: 'node-3',
        conditions: [
          { type: 'example.com/lb', status: 'True' },
          { type: 'example.com/dns', status: 'False' },
        ],
        containerStatuses: [running('app')],
      },
    ),
    want: ['web', '1/1', 'Running', '0', '5m', '10.0.0.9', '<none>', 'node-3', '1/2'],
  },
  {
    name: 'restarts without a recorded termination time show the bare count',
    pod: pod({}, { phase: 'Running', containerStatuses: [{ ...running('app'), restartCount: 2 }] }),
    want: ['web', '1/1', 'Running', '2', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
];

for (const c of cases) {
  test(`pod: ${c.name}`, () => {
    assert.deepEqual(podConvertor.cells(c.pod, now), c.want);
  });
}

test('pod columns match kube-apiserver 1.33', () => {
  assert.deepEqual(
    podConvertor.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0],
      ['Ready', 'string', '', 0],
      ['Status', 'string', '', 0],
      ['Restarts', 'string', '', 0],
      ['Age', 'string', '', 0],
      ['IP', 'string', '', 1],
      ['Node', 'string', '', 1],
      ['Nominated Node', 'string', '', 1],
      ['Readiness Gates', 'string', '', 1],
    ],
  );
});

test('finished pods carry a Completed row condition', () => {
  const succeeded = pod({}, { phase: 'Succeeded' });
  const failed = pod({}, { phase: 'Failed' });
  assert.deepEqual(podConvertor.rowConditions?.(succeeded), [
    { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
  ]);
  assert.deepEqual(podConvertor.rowConditions?.(failed), [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
  assert.equal(podConvertor.rowConditions?.(pod({}, { phase: 'Running' })), undefined);
});
