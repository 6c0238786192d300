import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../runtime/object.js';
import { FakeDeps, attributesFor } from '../../testing.js';
import { newPriority } from './index.js';

function setup(classes: KubeObject[]): FakeDeps {
  const deps = new FakeDeps();
  for (const c of classes) deps.put('scheduling.k8s.io', 'priorityclasses', c);
  return deps;
}

const pc = (name: string, value: number, extra: Record<string, unknown> = {}): KubeObject => ({ metadata: { name }, value, preemptionPolicy: 'PreemptLowerPriority', ...extra });

const cases: { name: string; classes: KubeObject[]; spec: Record<string, unknown>; want?: Record<string, unknown>; message?: string }[] = [
  { name: 'no class, no default', classes: [], spec: {}, want: { priority: 0, preemptionPolicy: 'PreemptLowerPriority' } },
  { name: 'the lowest global default', classes: [pc('a', 100, { globalDefault: true }), pc('b', 50, { globalDefault: true, preemptionPolicy: 'Never' })], spec: {}, want: { priorityClassName: 'b', priority: 50, preemptionPolicy: 'Never' } },
  { name: 'a named class', classes: [pc('high', 1000)], spec: { priorityClassName: 'high' }, want: { priorityClassName: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' } },
  { name: 'built-in system-node-critical', classes: [], spec: { priorityClassName: 'system-node-critical' }, want: { priorityClassName: 'system-node-critical', priority: 2000001000, preemptionPolicy: 'PreemptLowerPriority' } },
  { name: 'unknown class', classes: [], spec: { priorityClassName: 'x' }, message: 'pods "p" is forbidden: no PriorityClass with name x was found' },
  {
    name: 'a priority that disagrees with the class',
    classes: [pc('high', 1000)],
    spec: { priorityClassName: 'high', priority: 5 },
    message: 'pods "p" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
  },
];
for (const c of cases) {
  test(`Priority: ${c.name}`, async () => {
    const pod = { metadata: { name: 'p' }, spec: { ...c.spec } };
    const run = Promise.resolve(newPriority(setup(c.classes)).admit?.(attributesFor({ operation: 'CREATE', kind: 'Pod', resource: 'pods', namespace: 'ns', object: pod })));
    if (c.message) return void (await assert.rejects(run, { message: c.message }));
    await run;
    for (const [k, v] of Object.entries(c.want ?? {})) assert.equal((pod.spec as Record<string, unknown>)[k], v, k);
  });
}

test('Priority: updates keep the priority set at creation', async () => {
  const pod = { metadata: { name: 'p' }, spec: {} as Record<string, unknown> };
  await newPriority(setup([])).admit?.(attributesFor({ operation: 'UPDATE', kind: 'Pod', resource: 'pods', namespace: 'ns', object: pod, oldObject: { spec: { priority: 7, preemptionPolicy: 'Never' } } }));
  assert.deepEqual(pod.spec, { priority: 7, preemptionPolicy: 'Never' });
});

test('Priority: only one global default class', async () => {
  const plugin = newPriority(setup([pc('a', 100, { globalDefault: true })]));
  const attrs = attributesFor({ operation: 'CREATE', group: 'scheduling.k8s.io', kind: 'PriorityClass', resource: 'priorityclasses', object: pc('b', 1, { globalDefault: true }) });
  await assert.rejects(Promise.resolve(plugin.validate?.(attrs)), { message: 'priorityclasses.scheduling.k8s.io "b" is forbidden: PriorityClass a is marked as default. Only one default can exist' });
  await plugin.validate?.(attributesFor({ operation: 'UPDATE', group: 'scheduling.k8s.io', kind: 'PriorityClass', resource: 'priorityclasses', object: pc('a', 100, { globalDefault: true }) }));
});
