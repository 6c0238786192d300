import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { runCreate, runUpdate, stored } from '../testing.js';

const hpas = strategyFor('autoscaling', 'v2', 'HorizontalPodAutoscaler', true);
const hpasV1 = strategyFor('autoscaling', 'v1', 'HorizontalPodAutoscaler', true);
const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

function hpa(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' }, spec: { scaleTargetRef: target, maxReplicas: 5, ...spec } };
}

test('hpa v2: minReplicas 1 and the CPU 80% metric by default; behavior untouched when absent', () => {
  const { obj, errs } = runCreate(hpas, hpa({}));
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec, {
    scaleTargetRef: target,
    maxReplicas: 5,
    minReplicas: 1,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
  });
  assert.deepEqual(obj.status, { desiredReplicas: 0 });
});

test('hpa v2: a partial behavior is completed with the upstream scaling rules', () => {
  const { obj, errs } = runCreate(hpas, hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }));
  assert.deepEqual(errs, []);
  assert.deepEqual((obj.spec as { behavior: unknown }).behavior, {
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    },
  });
});

test('hpa v2: the default scale-down has no stabilization window of its own', () => {
  const { obj } = runCreate(hpas, hpa({ behavior: { scaleUp: { selectPolicy: 'Disabled' } } }));
  const behavior = (obj.spec as { behavior: { scaleDown: Record<string, unknown>; scaleUp: Record<string, unknown> } }).behavior;
  assert.equal('stabilizationWindowSeconds' in behavior.scaleDown, false);
  assert.equal(behavior.scaleUp.selectPolicy, 'Disabled');
});

const hpaCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'minReplicas 0', spec: { minReplicas: 0 }, want: ['spec.minReplicas: Invalid value: 0: must be greater than or equal to 1', 'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas'] },
  { name: 'maxReplicas below minReplicas', spec: { minReplicas: 6 }, want: ['spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`'] },
  { name: 'scaleTargetRef name', spec: { scaleTargetRef: { kind: 'Deployment' } }, want: ['spec.scaleTargetRef.name: Required value'] },
  {
    name: 'utilization target below 1',
    spec: { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } }] },
    want: ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0'],
  },
  {
    name: 'metric source does not match type',
    spec: { metrics: [{ type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
    want: ['spec.metrics[0].pods: Required value: must populate information for the given metric source'],
  },
  {
    name: 'two metric sources',
    spec: {
      metrics: [{ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1' } }, resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    },
    want: ['spec.metrics[0].resource: Forbidden: must populate the given metric source only'],
  },
  {
    name: 'pods metric needs averageValue',
    spec: { metrics: [{ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue' } } }] },
    want: ['spec.metrics[0].pods.target.averageValue: Required value: must specify a positive target averageValue'],
  },
  {
    name: 'unknown target type',
    spec: { metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'Percent', averageValue: '100Mi' } } }] },
    want: ['spec.metrics[0].resource.target.type: Invalid value: "Percent": must be either Utilization, Value, or AverageValue'],
  },
  {
    name: 'scaling policy values',
    spec: { behavior: { scaleUp: { policies: [{ type: 'Pods', value: 0, periodSeconds: 1801 }] } } },
    want: ['spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero', 'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800'],
  },
  {
    name: 'stabilization window too long',
    spec: { behavior: { scaleDown: { stabilizationWindowSeconds: 3601 } } },
    want: ['spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600'],
  },
  {
    name: 'unknown select policy',
    spec: { behavior: { scaleDown: { selectPolicy: 'Avg' } } },
    want: ['spec.behavior.scaleDown.selectPolicy: Unsupported value: "Avg": supported values: "Disabled", "Max", "Min"'],
  },
];

for (const c of hpaCases) {
  test(`hpa v2: ${c.name}`, () => assert.deepEqual(runCreate(hpas, hpa(c.spec)).errs.map((e) => e.message()), c.want));
}

test('hpa: minReplicas 0 is tolerated on update when already stored', () => {
  const old = stored({ ...hpa({ minReplicas: 0, metrics: [{ type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '10' } } }] }) });
  const next = JSON.parse(JSON.stringify(old)) as KubeObject;
  (next.spec as { maxReplicas: number }).maxReplicas = 9;
  assert.deepEqual(runUpdate(hpas, old, next).errs, []);
});

test('hpa v1: minReplicas default and targetCPUUtilizationPercentage bound', () => {
  const v1: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' }, spec: { scaleTargetRef: target, maxReplicas: 3 } };
  const { obj, errs } = runCreate(hpasV1, v1);
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec, { scaleTargetRef: target, maxReplicas: 3, minReplicas: 1 });
  assert.deepEqual(obj.status, { currentReplicas: 0, desiredReplicas: 0 });
});
