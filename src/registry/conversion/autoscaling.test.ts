import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import {
  BehaviorSpecsAnnotation,
  ConditionsAnnotation,
  MetricSpecsAnnotation,
  MetricStatusesAnnotation,
  hpaV1ToV2,
  hpaV2Normalize,
  hpaV2ToV1,
} from './autoscaling.js';
import { goMarshal, goString, goStruct } from './gojson.js';

const meta = { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { app: 'web' } };
const ref = { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' };
const cpu = (percent: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } } });

/** A v2 HPA that uses everything v1 cannot express, with the CPU metric last (where v1 puts it back). */
const fullV2: KubeObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { ...meta, annotations: { team: 'a' } },
  spec: {
    scaleTargetRef: ref,
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'packets', selector: { matchLabels: { tier: 'web' } } }, target: { type: 'AverageValue', averageValue: '1k' } } },
      {
        type: 'Object',
        object: {
          describedObject: { kind: 'Ingress', name: 'main', apiVersion: 'networking.k8s.io/v1' },
          target: { type: 'Value', value: '10k' },
          metric: { name: 'requests-per-second' },
        },
      },
      { type: 'External', external: { metric: { name: 'queue', selector: { matchExpressions: [{ key: 'q', operator: 'In', values: ['jobs'] }] } }, target: { type: 'Value', value: '30' } } },
      { type: 'ContainerResource', containerResource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 }, container: 'app' } },
      cpu(50),
    ],
    behavior: {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    },
  },
  status: {
    observedGeneration: 3,
    lastScaleTime: '2025-01-01T00:00:00Z',
    currentReplicas: 3,
    desiredReplicas: 4,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '250m', averageUtilization: 70 } } },
      { type: 'Pods', pods: { metric: { name: 'packets' }, current: { averageValue: '900' } } },
    ],
    conditions: [
      { type: 'AbleToScale', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'ReadyForNewScale', message: 'recommended size matches current size' },
      { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric' },
    ],
  },
};

test('v2 → v1 maps the CPU target and status and carries the rest in the alpha annotations', () => {
  const v1 = hpaV2ToV1(fullV2);
  assert.equal(v1.apiVersion, 'autoscaling/v1');
  assert.deepEqual(v1.spec, { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 50 });
  assert.deepEqual(v1.status, { observedGeneration: 3, lastScaleTime: '2025-01-01T00:00:00Z', currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 70 });
  const ann = v1.metadata?.annotations ?? {};
  assert.equal(ann.team, 'a');
  assert.equal(
    ann[MetricSpecsAnnotation],
    '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"500Mi"}},' +
      '{"type":"Pods","pods":{"metricName":"packets","targetAverageValue":"1k","selector":{"matchLabels":{"tier":"web"}}}},' +
      '{"type":"Object","object":{"target":{"kind":"Ingress","name":"main","apiVersion":"networking.k8s.io/v1"},"metricName":"requests-per-second","targetValue":"10k"}},' +
      '{"type":"External","external":{"metricName":"queue","metricSelector":{"matchExpressions":[{"key":"q","operator":"In","values":["jobs"]}]},"targetValue":"30"}},' +
      '{"type":"ContainerResource","containerResource":{"name":"cpu","targetAverageUtilization":60,"container":"app"}}]',
  );
  assert.equal(
    ann[MetricStatusesAnnotation],
    '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":70,"currentAverageValue":"250m"}},' +
      '{"type":"Pods","pods":{"metricName":"packets","currentAverageValue":"900"}}]',
  );
  assert.equal(
    ann[BehaviorSpecsAnnotation],
    '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}],"Tolerance":null},' +
      '"ScaleDown":{"StabilizationWindowSeconds":300,"SelectPolicy":null,"Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}],"Tolerance":null}}',
  );
  assert.equal(
    ann[ConditionsAnnotation],
    '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2025-01-01T00:00:00Z","reason":"ReadyForNewScale","message":"recommended size matches current size"},' +
      '{"type":"ScalingActive","status":"False","lastTransitionTime":null,"reason":"FailedGetResourceMetric"}]',
  );
});

test('v2 → v1 → v2 keeps everything (metrics, behavior, current metrics, conditions)', () => {
  const back = hpaV1ToV2(hpaV2ToV1(fullV2));
  assert.deepEqual(back, fullV2);
});

test('v1 → v2 → v1 is stable', () => {
  const v1 = hpaV2ToV1(fullV2);
  assert.deepEqual(hpaV2ToV1(hpaV1ToV2(v1)), v1);
});

test('the CPU utilization metric comes back last, after the annotation metrics, as Kubernetes orders it', () => {
  const first: KubeObject = { ...fullV2, spec: { scaleTargetRef: ref, maxReplicas: 3, metrics: [cpu(40), { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } }] } };
  const back = hpaV1ToV2(hpaV2ToV1(first));
  assert.deepEqual((back.spec as { metrics: unknown[] }).metrics, [
    { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } },
    cpu(40),
  ]);
});

const v1Cases: Array<{ name: string; v1: KubeObject; metrics: unknown[]; status: Record<string, unknown> }> = [
  {
    name: 'targetCPUUtilizationPercentage becomes a Resource cpu Utilization metric',
    v1: { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 65 } },
    metrics: [cpu(65)],
    status: { desiredReplicas: 0 },
  },
  {
    name: 'no target at all gets the 80% CPU default',
    v1: { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: { scaleTargetRef: ref, maxReplicas: 5 } },
    metrics: [cpu(80)],
    status: { desiredReplicas: 0 },
  },
  {
    name: 'currentCPUUtilizationPercentage becomes a current Resource cpu metric',
    v1: {
      apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: { scaleTargetRef: ref, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 33 },
    },
    metrics: [cpu(50)],
    status: { currentReplicas: 2, desiredReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 33 } } }] },
  },
  {
    name: 'an annotation that is not JSON is ignored and dropped',
    v1: {
      apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { ...meta, annotations: { [MetricSpecsAnnotation]: '{oops', [ConditionsAnnotation]: '"x"' } },
      spec: { scaleTargetRef: ref, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
    },
    metrics: [cpu(50)],
    status: { desiredReplicas: 0 },
  },
];
for (const c of v1Cases) {
  test(`v1 → v2: ${c.name}`, () => {
    const v2 = hpaV1ToV2(c.v1);
    assert.equal(v2.apiVersion, 'autoscaling/v2');
    assert.deepEqual((v2.spec as { metrics: unknown }).metrics, c.metrics);
    assert.deepEqual(v2.status, c.status);
    assert.equal(v2.metadata?.annotations, undefined);
    assert.deepEqual(v2.metadata, meta);
  });
}

test('a v2 object with only a CPU target shows no annotations in v1 and the zero replicas v1 always has', () => {
  const v2: KubeObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 3, metrics: [cpu(50)] } };
  const v1 = hpaV2ToV1(v2);
  assert.deepEqual(v1.metadata, meta);
  assert.deepEqual(v1.status, { currentReplicas: 0, desiredReplicas: 0 });
});

test('round-trip annotations written by a v2 client are dropped, and converters never touch their input', () => {
  const input: KubeObject = { ...fullV2, metadata: { ...meta, annotations: { [MetricSpecsAnnotation]: '[]', [BehaviorSpecsAnnotation]: '{}' } } };
  const before = JSON.stringify(input);
  assert.deepEqual(hpaV2Normalize(input).metadata, meta);
  hpaV2ToV1(input);
  hpaV1ToV2(hpaV2ToV1(input));
  assert.equal(JSON.stringify(input), before);
});

test('Go JSON: struct order, sorted maps, HTML-safe escaping, omitempty', () => {
  assert.equal(goString('a<b>&"\\\n\u2028'), '"a\\u003cb\\u003e\\u0026\\"\\\\\\n\\u2028"');
  assert.equal(goMarshal({ b: 1, a: [true, null] }), '{"a":[true,null],"b":1}');
  assert.equal(goMarshal(goStruct(['z', 0, 'empty'], ['y', 0, 'nil'], ['x', undefined, 'nil'], ['w', ''])), '{"y":0,"w":""}');
});
