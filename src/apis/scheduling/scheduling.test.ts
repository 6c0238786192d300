import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { runCreate, runUpdate, stored } from '../testing.js';

const classes = strategyFor('scheduling.k8s.io', 'v1', 'PriorityClass', false);
const runtimeClasses = strategyFor('node.k8s.io', 'v1', 'RuntimeClass', false);

function pc(name: string, extra: Record<string, unknown>): KubeObject {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, ...extra };
}

test('priorityclass: preemptionPolicy defaults to PreemptLowerPriority', () => {
  const { obj, errs } = runCreate(classes, pc('high', { value: 1000 }));
  assert.deepEqual(errs, []);
  assert.equal(obj.preemptionPolicy, 'PreemptLowerPriority');
});

const cases: { name: string; pcName: string; extra: Record<string, unknown>; want: string[] }[] = [
  { name: 'built-in class with its value', pcName: 'system-node-critical', extra: { value: 2000001000 }, want: [] },
  {
    name: 'reserved prefix',
    pcName: 'system-mine',
    extra: { value: 10 },
    want: ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"],
  },
  {
    name: 'built-in name with another value',
    pcName: 'system-cluster-critical',
    extra: { value: 5 },
    want: ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-cluster-critical PriorityClass must be 2000000000"],
  },
  { name: 'user value too high', pcName: 'huge', extra: { value: 1000000001 }, want: ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000'] },
  {
    name: 'unknown preemption policy',
    pcName: 'p',
    extra: { value: 1, preemptionPolicy: 'Always' },
    want: ['preemptionPolicy: Unsupported value: "Always": supported values: "PreemptLowerPriority", "Never"'],
  },
];

for (const c of cases) {
  test(`priorityclass: ${c.name}`, () => assert.deepEqual(runCreate(classes, pc(c.pcName, c.extra)).errs.map((e) => e.message()), c.want));
}

test('priorityclass: value and preemptionPolicy are immutable', () => {
  const old = stored(runCreate(classes, pc('high', { value: 1000 })).obj);
  assert.deepEqual(runUpdate(classes, old, { ...old, value: 2000, preemptionPolicy: 'Never' }).errs.map((e) => e.message()), [
    'value: Forbidden: may not be changed in an update.',
    'preemptionPolicy: Invalid value: "Never": field is immutable',
  ]);
});

function rc(extra: Record<string, unknown>): KubeObject {
  return { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runsc', ...extra };
}

test('runtimeclass: handler is a DNS label and never changes', () => {
  assert.deepEqual(runCreate(runtimeClasses, rc({})).errs, []);
  assert.deepEqual(runCreate(runtimeClasses, rc({ handler: 'run.sc' })).errs.map((e) => e.message()), ['handler: Invalid value: "run.sc": must not contain dots']);
  const old = stored(rc({}));
  assert.deepEqual(runUpdate(runtimeClasses, old, { ...old, handler: 'kata' }).errs.map((e) => e.message()), ['handler: Invalid value: "kata": field is immutable']);
});

test('runtimeclass: overhead quantities and scheduling tolerations', () => {
  const errs = runCreate(
    runtimeClasses,
    rc({ overhead: { podFixed: { cpu: '-1' } }, scheduling: { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] } }),
  ).errs.map((e) => e.message());
  assert.deepEqual(errs, [
    'overhead.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0',
    "scheduling.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
  ]);
});
