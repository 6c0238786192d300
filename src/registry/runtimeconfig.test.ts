import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinResources, defaultEnabledResources } from './definitions.js';
import { enabledResources, parseRuntimeConfig, RuntimeConfigError } from './runtimeconfig.js';

const parseCases: Array<{ name: string; input: string | string[]; want: Array<[string, string]> }> = [
  { name: 'key=value pairs, spaces trimmed, empty items skipped', input: ' apps/v1 = false ,,batch/v1=true', want: [['apps/v1', 'false'], ['batch/v1', 'true']] },
  { name: 'a bare key has an empty value', input: 'admissionregistration.k8s.io/v1beta1', want: [['admissionregistration.k8s.io/v1beta1', '']] },
  { name: 'only the first = splits', input: 'a/b=c=d', want: [['a/b', 'c=d']] },
  { name: 'core group keys become /v1, api/legacy is dropped', input: 'v1=false,api/legacy=false', want: [['/v1', 'false']] },
  { name: 'api/v1 and any v1/… key mean the whole core version', input: 'api/v1/pods=true', want: [['/v1', 'true']] },
  { name: 'repeated flags merge, the last value wins', input: ['apps/v1=false', 'apps/v1=true,api/all=false'], want: [['apps/v1', 'true'], ['api/all', 'false']] },
];
for (const c of parseCases) {
  test(`parse: ${c.name}`, () => {
    assert.deepEqual([...parseRuntimeConfig(c.input).overrides], c.want);
  });
}

const served = (flag: string) => enabledResources(builtinResources, parseRuntimeConfig(flag)).map((s) => `${s.group}/${s.version}/${s.resource}`);

test('an empty runtime config serves the 1.33 defaults', () => {
  assert.deepEqual(enabledResources(builtinResources, parseRuntimeConfig('')), defaultEnabledResources());
});

const enableCases: Array<{ flag: string; has: string[]; lacks: string[] }> = [
  {
    flag: 'admissionregistration.k8s.io/v1beta1=true',
    has: ['admissionregistration.k8s.io/v1beta1/validatingadmissionpolicies', 'admissionregistration.k8s.io/v1beta1/validatingadmissionpolicybindings', 'admissionregistration.k8s.io/v1/validatingadmissionpolicies'],
    lacks: ['networking.k8s.io/v1beta1/ipaddresses'],
  },
  { flag: 'admissionregistration.k8s.io/v1beta1', has: ['admissionregistration.k8s.io/v1beta1/validatingadmissionpolicies'], lacks: [] },
  { flag: 'api/beta=true', has: ['networking.k8s.io/v1beta1/servicecidrs', 'storage.k8s.io/v1beta1/volumeattributesclasses', 'coordination.k8s.io/v1beta1/leasecandidates'], lacks: [] },
  {
    flag: 'api/beta=true,storage.k8s.io/v1beta1=false',
    has: ['networking.k8s.io/v1beta1/servicecidrs'],
    lacks: ['storage.k8s.io/v1beta1/volumeattributesclasses'],
  },
  { flag: 'apps/v1=false', has: ['batch/v1/jobs'], lacks: ['apps/v1/deployments', 'apps/v1/statefulsets'] },
  { flag: 'apps/v1/daemonsets=false', has: ['apps/v1/deployments'], lacks: ['apps/v1/daemonsets'] },
  { flag: 'apps/v1=false,apps/v1/deployments=true', has: ['apps/v1/deployments'], lacks: ['apps/v1/daemonsets'] },
  { flag: 'api/all=false,api/v1=true,apps/v1=true,flowcontrol.apiserver.k8s.io/v1=true', has: ['/v1/pods', 'apps/v1/deployments', 'flowcontrol.apiserver.k8s.io/v1/flowschemas'], lacks: ['batch/v1/jobs', 'events.k8s.io/v1/events'] },
  { flag: 'autoscaling/v2=false', has: ['autoscaling/v1/horizontalpodautoscalers'], lacks: ['autoscaling/v2/horizontalpodautoscalers'] },
  { flag: 'v1/pods=false', has: ['apps/v1/deployments'], lacks: ['/v1/pods', '/v1/configmaps'] },
  { flag: 'apps/v1beta1=true', has: ['apps/v1/deployments'], lacks: [] },
];
for (const c of enableCases) {
  test(`--runtime-config=${c.flag}`, () => {
    const got = new Set(served(c.flag));
    for (const r of c.has) assert.ok(got.has(r), `${r} should be served`);
    for (const r of c.lacks) assert.ok(!got.has(r), `${r} should not be served`);
  });
}

const errorCases: Array<{ flag: string; message: string }> = [
  { flag: 'foo.example.com/v1=true', message: 'unknown api groups foo.example.com' },
  { flag: 'apps/v9=true', message: 'group version apps/v9 that has not been registered' },
  { flag: 'v2=true', message: 'runtime-config invalid key v2' },
  { flag: 'api/v2=true', message: 'unknown api groups api' },
  { flag: 'apps/v1=maybe', message: 'invalid value of apps/v1: maybe, err: strconv.ParseBool: parsing "maybe": invalid syntax' },
  { flag: 'api/beta=yes', message: 'invalid value api/beta=yes' },
  { flag: 'apps/v1/Deployments=false', message: 'invalid key apps/v1/Deployments: group/version/resource and resource is always lowercase plural, not "Deployments"' },
  { flag: 'nonsense=true', message: 'runtime-config invalid key nonsense' },
  { flag: 'api/all=false', message: '[--runtime-config=api/all=false conflicts with --enable-priority-and-fairness=true, invalid key with only api/all=false]' },
  { flag: 'api/ga=false,api/v1=true', message: '--runtime-config=api/ga=false conflicts with --enable-priority-and-fairness=true' },
  { flag: 'flowcontrol.apiserver.k8s.io/v1=false', message: '--runtime-config=flowcontrol.apiserver.k8s.io/v1=false conflicts with --enable-priority-and-fairness=true' },
];
for (const c of errorCases) {
  test(`--runtime-config=${c.flag} is refused: ${c.message}`, () => {
    assert.throws(() => enabledResources(builtinResources, parseRuntimeConfig(c.flag)), (err: unknown) => {
      assert.ok(err instanceof RuntimeConfigError);
      assert.equal(err.message, c.message);
      return true;
    });
  });
}

test('without priority and fairness, api/all=false with other keys only serves what they enable', () => {
  const got = enabledResources(builtinResources, parseRuntimeConfig('api/all=false,batch/v1=true'), { priorityAndFairness: false });
  assert.deepEqual([...new Set(got.map((s) => `${s.group}/${s.version}`))], ['batch/v1']);
});
