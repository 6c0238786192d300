/**
 * One object, several versions: HorizontalPodAutoscalers written as
 * autoscaling/v2 and read as v1 (and back) with the fields mapped as
 * Kubernetes maps them, updates and watches across versions, deprecation
 * warnings, and `--runtime-config` turning versions on and off
 * (admissionregistration.k8s.io/v1beta1 on, batch/v1 off).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKapi, type KapiClient, type KapiProcess, type Response } from '../support/server.js';

const ns = 'versions';
const v1 = `/apis/autoscaling/v1/namespaces/${ns}/horizontalpodautoscalers`;
const v2 = `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`;
const MetricSpecsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
const MetricStatusesAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';
const ConditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';
const BehaviorAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';

let kapi: KapiProcess;
let c: KapiClient;

const merge = { 'content-type': 'application/merge-patch+json' };
const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

function ok(r: Response, code = 200): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(r.status, code, r.body);
  return r.json();
}

/** The Warning headers of a response (Node joins repeated headers with ", "). */
function warnings(r: Response): string[] {
  const h = r.headers.warning;
  const all = h === undefined ? [] : Array.isArray(h) ? h : [h];
  return all.flatMap((v) => v.split(/, (?=\d{3} )/));
}

before(async () => {
  kapi = await startKapi();
  c = kapi.client;
  ok(await c.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } }), 201);
});

after(async () => {
  await kapi?.stop();
});

describe('HorizontalPodAutoscaler autoscaling/v2 ↔ autoscaling/v1', () => {
  test('created as v2, read as v1: cpu utilization becomes the target, other metrics and behavior go to annotations', async () => {
    ok(
      await c.request('POST', v2, {
        body: {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: 'from-v2', labels: { app: 'web' } },
          spec: {
            scaleTargetRef: target,
            minReplicas: 2,
            maxReplicas: 10,
            metrics: [
              { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
              { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
              { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
              { type: 'External', external: { metric: { name: 'queue_depth', selector: { matchLabels: { queue: 'jobs' } } }, target: { type: 'Value', value: '30' } } },
            ],
            behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
          },
        },
      }),
      201,
    );
    const got = ok(await c.request('GET', `${v1}/from-v2`));
    assert.equal(got.apiVersion, 'autoscaling/v1');
    assert.equal(got.kind, 'HorizontalPodAutoscaler');
    assert.deepEqual(got.spec, { scaleTargetRef: target, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 60 });
    assert.deepEqual(got.metadata.labels, { app: 'web' });
    // The metrics v1 cannot express, in the v1 (autoscaling/v2beta1-like) shape.
    assert.deepEqual(JSON.parse(got.metadata.annotations[MetricSpecsAnnotation]), [
      { type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } },
      { type: 'Pods', pods: { metricName: 'qps', targetAverageValue: '10' } },
      { type: 'External', external: { metricName: 'queue_depth', metricSelector: { matchLabels: { queue: 'jobs' } }, targetValue: '30' } },
    ]);
    // spec.behavior, marshalled from the internal type (Go field names), defaults included.
    const behavior = JSON.parse(got.metadata.annotations[BehaviorAnnotation]);
    assert.equal(behavior.ScaleDown.StabilizationWindowSeconds, 60);
    assert.equal(behavior.ScaleDown.SelectPolicy, 'Max');
    assert.deepEqual(behavior.ScaleUp.Policies, [
      { Type: 'Pods', Value: 4, PeriodSeconds: 15 },
      { Type: 'Percent', Value: 100, PeriodSeconds: 15 },
    ]);
    assert.deepEqual(got.status, { currentReplicas: 0, desiredReplicas: 0 });
    // Read as v2 again: nothing lost, no conversion annotation leaks.
    const back = ok(await c.request('GET', `${v2}/from-v2`));
    assert.equal(back.spec.metrics.length, 4);
    assert.equal(back.spec.behavior.scaleDown.stabilizationWindowSeconds, 60);
    assert.equal(back.metadata.annotations, undefined);
  });

  test('created as v1, read as v2: the cpu target becomes a Utilization metric', async () => {
    ok(
      await c.request('POST', v1, {
        body: { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'from-v1' }, spec: { scaleTargetRef: target, maxReplicas: 4, targetCPUUtilizationPercentage: 70 } },
      }),
      201,
    );
    const got = ok(await c.request('GET', `${v2}/from-v1`));
    assert.equal(got.apiVersion, 'autoscaling/v2');
    assert.deepEqual(got.spec, {
      scaleTargetRef: target,
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    assert.equal(got.metadata.annotations, undefined);
  });

  test('created as v1 without a target: v2 shows the 80% cpu default', async () => {
    ok(await c.request('POST', v1, { body: { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'v1-default' }, spec: { scaleTargetRef: target, maxReplicas: 3 } } }), 201);
    const got = ok(await c.request('GET', `${v2}/v1-default`));
    assert.deepEqual(got.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  });

  test('created as v1 with the metrics annotation: v2 gets those metrics, then the cpu one, and no annotation', async () => {
    const other = [{ type: 'Pods', pods: { metricName: 'rps', targetAverageValue: '100' } }];
    ok(
      await c.request('POST', v1, {
        body: {
          apiVersion: 'autoscaling/v1',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: 'v1-annotated', annotations: { [MetricSpecsAnnotation]: JSON.stringify(other), team: 'a' } },
          spec: { scaleTargetRef: target, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
        },
      }),
      201,
    );
    const got = ok(await c.request('GET', `${v2}/v1-annotated`));
    assert.deepEqual(got.spec.metrics, [
      { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
    ]);
    assert.deepEqual(got.metadata.annotations, { team: 'a' });
    const asV1 = ok(await c.request('GET', `${v1}/v1-annotated`));
    assert.equal(asV1.spec.targetCPUUtilizationPercentage, 50);
    assert.deepEqual(JSON.parse(asV1.metadata.annotations[MetricSpecsAnnotation]), other);
  });

  test('an update through v1 keeps the v2-only metrics and is seen in v2', async () => {
    const cur = ok(await c.request('GET', `${v1}/from-v2`));
    cur.spec.targetCPUUtilizationPercentage = 45;
    cur.spec.maxReplicas = 12;
    const put = ok(await c.request('PUT', `${v1}/from-v2`, { body: cur }));
    assert.equal(put.spec.targetCPUUtilizationPercentage, 45);
    const got = ok(await c.request('GET', `${v2}/from-v2`));
    assert.equal(got.spec.maxReplicas, 12);
    const cpu = got.spec.metrics.find((m: { resource?: { name: string } }) => m.resource?.name === 'cpu');
    assert.deepEqual(cpu, { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 45 } } });
    assert.equal(got.spec.metrics.length, 4, JSON.stringify(got.spec.metrics));
    assert.equal(got.spec.behavior.scaleDown.stabilizationWindowSeconds, 60);
  });

  test('an update through v2 is seen in v1', async () => {
    const patched = ok(
      await c.request('PATCH', `${v2}/from-v1`, {
        body: JSON.stringify({ spec: { minReplicas: 2, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 30 } } }, { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } }] } }),
        headers: merge,
      }),
    );
    assert.equal(patched.apiVersion, 'autoscaling/v2');
    const got = ok(await c.request('GET', `${v1}/from-v1`));
    assert.equal(got.spec.minReplicas, 2);
    assert.equal(got.spec.targetCPUUtilizationPercentage, 30);
    assert.deepEqual(JSON.parse(got.metadata.annotations[MetricSpecsAnnotation]), [{ type: 'Resource', resource: { name: 'memory', targetAverageUtilization: 70 } }]);
  });

  test('a v2 status maps to the v1 current utilization and the status annotations', async () => {
    const status = {
      currentReplicas: 3,
      desiredReplicas: 4,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42, averageValue: '210m' } } }],
      conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'ReadyForNewScale', message: 'recommended size matches current size' }],
    };
    ok(await c.request('PATCH', `${v2}/from-v2/status`, { body: JSON.stringify({ status }), headers: merge }));
    const got = ok(await c.request('GET', `${v1}/from-v2`));
    assert.deepEqual(got.status, { currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 42 });
    assert.deepEqual(JSON.parse(got.metadata.annotations[MetricStatusesAnnotation]), [{ type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 42, currentAverageValue: '210m' } }]);
    const conditions = JSON.parse(got.metadata.annotations[ConditionsAnnotation]);
    assert.deepEqual(conditions, status.conditions);
    const v2back = ok(await c.request('GET', `${v2}/from-v2`));
    assert.deepEqual(v2back.status.conditions, status.conditions);
    assert.equal(v2back.status.currentMetrics[0].resource.current.averageUtilization, 42);
  });

  test('a v1 watch sees a v2 write in v1 form', async () => {
    const rv = ok(await c.request('GET', `${v1}/from-v1`)).metadata.resourceVersion;
    const watching = c.watch(`${v1}?watch=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Dfrom-v1`, (evs) => evs.length >= 1, 10_000);
    ok(await c.request('PATCH', `${v2}/from-v1`, { body: JSON.stringify({ spec: { maxReplicas: 8 } }), headers: merge }));
    const events = await watching;
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal(events[0].type, 'MODIFIED');
    assert.equal(events[0].object.apiVersion, 'autoscaling/v1');
    assert.equal(events[0].object.spec.maxReplicas, 8);
    assert.equal(events[0].object.spec.targetCPUUtilizationPercentage, 30);
  });

  test('lists in either version hold the same objects', async () => {
    const a = ok(await c.request('GET', v1));
    const b = ok(await c.request('GET', v2));
    assert.equal(a.kind, 'HorizontalPodAutoscalerList');
    assert.equal(a.apiVersion, 'autoscaling/v1');
    assert.equal(b.apiVersion, 'autoscaling/v2');
    const names = (l: { items: { metadata: { name: string } }[] }) => l.items.map((i) => i.metadata.name).sort();
    assert.deepEqual(names(a), names(b));
    assert.ok(a.items.every((i: { apiVersion?: string; spec: object }) => 'targetCPUUtilizationPercentage' in i.spec || i.apiVersion === undefined));
  });
});

describe('deprecation warnings', () => {
  const endpoints = `/api/v1/namespaces/${ns}/endpoints`;
  const text = '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"';

  test('v1 Endpoints: create, get, list and update warn', async () => {
    const created = await c.request('POST', endpoints, { body: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'legacy' }, subsets: [{ addresses: [{ ip: '10.1.1.1' }], ports: [{ port: 80 }] }] } });
    ok(created, 201);
    assert.deepEqual(warnings(created), [text]);
    const got = await c.request('GET', `${endpoints}/legacy`);
    assert.deepEqual(warnings(got), [text]);
    assert.deepEqual(warnings(await c.request('GET', endpoints)), [text]);
    const patched = await c.request('PATCH', `${endpoints}/legacy`, { body: JSON.stringify({ metadata: { labels: { a: 'b' } } }), headers: merge });
    ok(patched);
    assert.deepEqual(warnings(patched), [text]);
  });

  test('EndpointSlices and other current versions do not warn', async () => {
    assert.deepEqual(warnings(await c.request('GET', `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`)), []);
    assert.deepEqual(warnings(await c.request('GET', v2)), []);
    assert.deepEqual(warnings(await c.request('GET', v1)), []);
  });

  test('v1 ComponentStatus warns', async () => {
    const r = await c.request('GET', '/api/v1/componentstatuses');
    ok(r);
    assert.deepEqual(warnings(r), ['299 - "v1 ComponentStatus is deprecated in v1.19+"']);
  });

  test('versions off by default are not served', async () => {
    assert.equal((await c.request('GET', '/apis/admissionregistration.k8s.io/v1beta1')).status, 404);
    assert.equal((await c.request('GET', '/apis/admissionregistration.k8s.io/v1beta1/validatingadmissionpolicies')).status, 404);
    const group = ok(await c.request('GET', '/apis/admissionregistration.k8s.io'));
    assert.deepEqual(
      group.versions.map((v: { version: string }) => v.version),
      ['v1'],
    );
  });
});

describe('--runtime-config', () => {
  let other: KapiProcess;
  let oc: KapiClient;
  const vapV1 = '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies';
  const vapBeta = '/apis/admissionregistration.k8s.io/v1beta1/validatingadmissionpolicies';
  const betaWarning = '299 - "admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy is deprecated in v1.31+, unavailable in v1.34+"';
  const policySpec = {
    failurePolicy: 'Ignore',
    matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }] },
    validations: [{ expression: 'object.spec.replicas <= 5', message: 'too many' }],
  };

  before(async () => {
    other = await startKapi({ args: ['--runtime-config=admissionregistration.k8s.io/v1beta1=true,batch/v1=false'] });
    oc = other.client;
  });

  after(async () => {
    await other?.stop();
  });

  test('admissionregistration.k8s.io/v1beta1 is discovered next to v1', async () => {
    const group = ok(await oc.request('GET', '/apis/admissionregistration.k8s.io'));
    assert.deepEqual(
      group.versions.map((v: { version: string }) => v.version),
      ['v1', 'v1beta1'],
    );
    assert.equal(group.preferredVersion.version, 'v1');
    const beta = ok(await oc.request('GET', '/apis/admissionregistration.k8s.io/v1beta1'));
    assert.deepEqual(
      beta.resources.map((r: { name: string }) => r.name).sort(),
      ['validatingadmissionpolicies', 'validatingadmissionpolicies/status', 'validatingadmissionpolicybindings'],
    );
  });

  test('a policy created through v1beta1 warns and reads back through v1', async () => {
    const created = await oc.request('POST', vapBeta, { body: { apiVersion: 'admissionregistration.k8s.io/v1beta1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'from-beta' }, spec: policySpec } });
    const obj = ok(created, 201);
    assert.equal(obj.apiVersion, 'admissionregistration.k8s.io/v1beta1');
    assert.deepEqual(warnings(created), [betaWarning]);
    const got = ok(await oc.request('GET', `${vapV1}/from-beta`));
    assert.equal(got.apiVersion, 'admissionregistration.k8s.io/v1');
    assert.deepEqual(got.spec.validations, policySpec.validations);
    assert.equal(got.spec.failurePolicy, 'Ignore');
    assert.equal(got.spec.matchConstraints.matchPolicy, 'Equivalent');
    assert.equal(got.metadata.uid, obj.metadata.uid);
  });

  test('a policy created through v1 reads back through v1beta1, with the warning', async () => {
    ok(await oc.request('POST', vapV1, { body: { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'from-v1' }, spec: policySpec } }), 201);
    const r = await oc.request('GET', `${vapBeta}/from-v1`);
    const got = ok(r);
    assert.equal(got.apiVersion, 'admissionregistration.k8s.io/v1beta1');
    assert.equal(got.kind, 'ValidatingAdmissionPolicy');
    assert.deepEqual(got.spec.validations, policySpec.validations);
    assert.deepEqual(warnings(r), [betaWarning]);
    const list = ok(await oc.request('GET', vapBeta));
    assert.deepEqual(list.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['from-beta', 'from-v1']);
  });

  test('batch/v1=false removes jobs and cronjobs from discovery and their routes answer 404', async () => {
    const groups = ok(await oc.request('GET', '/apis'));
    assert.ok(!groups.groups.some((g: { name: string }) => g.name === 'batch'), 'batch is not in /apis');
    const aggregated = ok(await oc.request('GET', '/apis', { headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } }));
    assert.ok(!aggregated.items.some((g: { metadata: { name: string } }) => g.metadata.name === 'batch'), 'batch is not in aggregated discovery');
    for (const p of ['/apis/batch', '/apis/batch/v1', '/apis/batch/v1/jobs', '/apis/batch/v1/namespaces/default/jobs', '/apis/batch/v1/namespaces/default/cronjobs/x']) {
      const r = await oc.request('GET', p);
      assert.equal(r.status, 404, `${p}: ${r.body}`);
    }
    const post = await oc.request('POST', '/apis/batch/v1/namespaces/default/jobs', {
      body: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
    });
    assert.equal(post.status, 404, post.body);
    // The rest of the API is untouched.
    ok(await oc.request('GET', '/apis/apps/v1/namespaces/default/deployments'));
  });

  test('the default server still serves batch/v1', async () => {
    ok(await c.request('GET', `/apis/batch/v1/namespaces/${ns}/jobs`));
  });
});
