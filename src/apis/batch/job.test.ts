import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { errorRows, runCreate, runUpdate, stored } from '../testing.js';
import { cronParseError } from './cron.js';

const jobs = strategyFor('batch', 'v1', 'Job', true);
const cronJobs = strategyFor('batch', 'v1', 'CronJob', true);
const uid = '3d1f7a2c-0000-4000-8000-000000000001';

function job(podSpec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid },
    spec: { template: { spec: podSpec } },
  };
}

test('job: defaults, generated selector and controller labels', () => {
  const { obj, errs } = runCreate(jobs, job({ restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] }));
  assert.deepEqual(errs, []);
  const labels = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': uid,
    'job-name': 'pi',
  };
  const spec = obj.spec as Record<string, unknown>;
  assert.deepEqual(
    {
      backoffLimit: spec.backoffLimit,
      completionMode: spec.completionMode,
      completions: spec.completions,
      manualSelector: spec.manualSelector,
      parallelism: spec.parallelism,
      podReplacementPolicy: spec.podReplacementPolicy,
      selector: spec.selector,
      suspend: spec.suspend,
    },
    {
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      completions: 1,
      manualSelector: false,
      parallelism: 1,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      suspend: false,
    },
  );
  assert.deepEqual((spec.template as { metadata: unknown }).metadata, { creationTimestamp: null, labels });
  assert.deepEqual(obj.metadata?.labels, labels);
  assert.equal(obj.metadata?.generation, 1);
  assert.deepEqual(obj.status, {});
});

test('job: restartPolicy left to default (Always) is refused', () => {
  assert.deepEqual(errorRows(runCreate(jobs, job({ containers: [{ name: 'pi', image: 'perl' }] })).errs), [
    {
      field: 'spec.template.spec.restartPolicy',
      type: 'FieldValueRequired',
      message: 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    },
  ]);
});

test('job: an unknown restartPolicy is refused twice, as upstream does', () => {
  assert.deepEqual(
    runCreate(jobs, job({ restartPolicy: 'Sometimes', containers: [{ name: 'pi', image: 'perl' }] })).errs.map((e) => e.message()),
    [
      'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never"',
    ],
  );
});

test('job: manual selector must match the template labels', () => {
  const input = job({ restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] });
  Object.assign(input.spec as Record<string, unknown>, { manualSelector: true, selector: { matchLabels: { a: 'b' } } });
  assert.deepEqual(
    runCreate(jobs, input).errs.map((e) => e.message()),
    ['spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`'],
  );
});

test('job: template is immutable, suspend may change', () => {
  const old = stored(runCreate(jobs, job({ restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:1' }] })).obj);
  const suspend = JSON.parse(JSON.stringify(old)) as KubeObject;
  (suspend.spec as Record<string, unknown>).suspend = true;
  const ok = runUpdate(jobs, old, suspend);
  assert.deepEqual(ok.errs, []);
  assert.equal(ok.obj.metadata?.generation, 2);
  const image = JSON.parse(JSON.stringify(old)) as KubeObject;
  (image.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image = 'perl:2';
  const errs = runUpdate(jobs, old, image).errs;
  assert.deepEqual(
    errs.map((e) => [e.field, e.type]),
    [['spec.template', 'FieldValueInvalid']],
  );
  assert.ok(errs[0].message().endsWith(': field is immutable'));
});

test('cronjob: defaults for the schedule controller and job template', () => {
  const { obj, errs } = runCreate(cronJobs, {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } } },
  });
  assert.deepEqual(errs, []);
  const spec = obj.spec as Record<string, unknown>;
  assert.deepEqual([spec.concurrencyPolicy, spec.suspend, spec.successfulJobsHistoryLimit, spec.failedJobsHistoryLimit], ['Allow', false, 3, 1]);
  const jt = spec.jobTemplate as { metadata: unknown; spec: { template: { metadata: unknown }; backoffLimit?: number } };
  assert.deepEqual(jt.metadata, { creationTimestamp: null });
  assert.deepEqual(jt.spec.template.metadata, { creationTimestamp: null });
  assert.equal(jt.spec.backoffLimit, undefined, 'job template specs are not defaulted like Jobs');
});

const scheduleCases: [string, string | undefined][] = [
  ['*/5 * * * *', undefined],
  ['@hourly', undefined],
  ['0 0 * * MON-FRI', undefined],
  ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
  ['61 * * * *', 'end of range (61) above maximum (59): 61'],
  ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
  ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
  ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
];
for (const [schedule, want] of scheduleCases) {
  test(`cronjob: schedule ${JSON.stringify(schedule)}`, () => assert.equal(cronParseError(schedule), want));
}

test('cronjob: invalid schedule and a TZ in the schedule are refused', () => {
  const make = (schedule: string): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default' },
    spec: { schedule, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } } },
  });
  assert.deepEqual(errorRows(runCreate(cronJobs, make('bad')).errs), [
    { field: 'spec.schedule', type: 'FieldValueInvalid', message: 'spec.schedule: Invalid value: "bad": expected exactly 5 fields, found 1: [bad]' },
  ]);
  assert.deepEqual(
    runCreate(cronJobs, make('TZ=UTC 0 * * * *')).errs.map((e) => e.message()),
    ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
  );
});
