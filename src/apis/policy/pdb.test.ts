import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { runCreate, runUpdate, stored } from '../testing.js';

const pdbs = strategyFor('policy', 'v1', 'PodDisruptionBudget', true);

function pdb(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } };
}

test('pdb: valid object gets generation 1 and zero status counters', () => {
  const { obj, errs } = runCreate(pdbs, pdb({ minAvailable: '50%' }));
  assert.deepEqual(errs, []);
  assert.equal(obj.metadata?.generation, 1);
  assert.deepEqual(obj.status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
});

const cases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  {
    name: 'minAvailable and maxUnavailable together',
    spec: { minAvailable: 1, maxUnavailable: 1 },
    want: [
      'spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:&intstr.IntOrString{Type:0, IntVal:1, StrVal:""}, Selector:&v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}, MaxUnavailable:&intstr.IntOrString{Type:0, IntVal:1, StrVal:""}, UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set',
    ],
  },
  { name: 'negative minAvailable', spec: { minAvailable: -1 }, want: ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0'] },
  { name: 'more than 100%', spec: { maxUnavailable: '150%' }, want: ['spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%'] },
  {
    name: 'unknown eviction policy',
    spec: { minAvailable: 1, unhealthyPodEvictionPolicy: 'Never' },
    want: ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"'],
  },
];

for (const c of cases) {
  test(`pdb: ${c.name}`, () => assert.deepEqual(runCreate(pdbs, pdb(c.spec)).errs.map((e) => e.message()), c.want));
}

test('pdb: status counters must not be negative', () => {
  const old = stored(runCreate(pdbs, pdb({ minAvailable: 1 })).obj);
  const next = JSON.parse(JSON.stringify(old)) as KubeObject;
  next.status = { disruptionsAllowed: -1, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  assert.deepEqual(runUpdate(pdbs, old, next, 'status').errs.map((e) => e.message()), ['status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0']);
});
