import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../runtime/object.js';
import type { TableConvertor } from '../registry/rest/table.js';
import { eventConvertor, eventsV1Convertor } from './event.js';

const now = new Date('2025-06-01T12:00:00Z');

const cases: Array<{ name: string; convertor: TableConvertor; obj: KubeObject; want: unknown[] }> = [
  {
    name: 'core event from the kubelet',
    convertor: eventConvertor,
    obj: {
      metadata: { name: 'web.17f', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container\n',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: '2025-06-01T11:00:00Z',
      lastTimestamp: '2025-06-01T11:58:00Z',
      count: 12,
      type: 'Warning',
    },
    want: ['2m', 'Warning', 'BackOff', 'pod/web', 'spec.containers{app}', 'kubelet, node-1', 'Back-off restarting failed container', '60m', 12, 'web.17f'],
  },
  {
    name: 'core event written by a new-style recorder (eventTime, reporting controller, no count)',
    convertor: eventConvertor,
    obj: {
      metadata: { name: 'sched.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web' },
      reason: 'Scheduled',
      message: 'Successfully assigned default/web to node-1',
      eventTime: '2025-06-01T11:59:50.000000Z',
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-cp-1',
      source: {},
      type: 'Normal',
    },
    want: ['10s', 'Normal', 'Scheduled', 'pod/web', '', 'default-scheduler, default-scheduler-cp-1', 'Successfully assigned default/web to node-1', '10s', 1, 'sched.1'],
  },
  {
    name: 'core event with a series',
    convertor: eventConvertor,
    obj: {
      metadata: { name: 'e' },
      involvedObject: { kind: 'Node' },
      reason: 'R',
      eventTime: '2025-06-01T10:00:00.000000Z',
      series: { count: 5, lastObservedTime: '2025-06-01T11:59:00.000000Z' },
      type: 'Normal',
    },
    want: ['60s', 'Normal', 'R', 'node', '', '', '', '120m', 5, 'e'],
  },
  {
    name: 'events.k8s.io event',
    convertor: eventsV1Convertor,
    obj: {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'dep.1', namespace: 'default' },
      regarding: { kind: 'Deployment', name: 'web' },
      reason: 'ScalingReplicaSet',
      note: 'Scaled up replica set web-abc to 3',
      eventTime: null,
      deprecatedSource: { component: 'deployment-controller' },
      deprecatedFirstTimestamp: '2025-06-01T11:30:00Z',
      deprecatedLastTimestamp: '2025-06-01T11:50:00Z',
      deprecatedCount: 2,
      reportingController: 'ignored-when-source-set',
      type: 'Normal',
    },
    want: ['10m', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up replica set web-abc to 3', '30m', 2, 'dep.1'],
  },
  {
    name: 'events.k8s.io event without timestamps',
    convertor: eventsV1Convertor,
    obj: { metadata: { name: 'x' }, regarding: { kind: 'Pod', name: 'p' }, reason: 'R', note: 'n', reportingController: 'ctl', type: 'Normal' },
    want: ['<unknown>', 'Normal', 'R', 'pod/p', '', 'ctl', 'n', '<unknown>', 1, 'x'],
  },
];

for (const c of cases) {
  test(`event: ${c.name}`, () => {
    assert.deepEqual(c.convertor.cells(c.obj, now), c.want);
  });
}

test('event columns put wide columns between default ones', () => {
  assert.deepEqual(
    eventConvertor.columns.map((c) => `${c.name}/${c.priority}/${c.format}`),
    ['Last Seen/0/', 'Type/0/', 'Reason/0/', 'Object/0/', 'Subobject/1/', 'Source/1/', 'Message/0/', 'First Seen/1/', 'Count/1/', 'Name/1/name'],
  );
});
