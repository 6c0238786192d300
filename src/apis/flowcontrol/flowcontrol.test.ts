import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { runCreate } from '../testing.js';

const flowSchemas = strategyFor('flowcontrol.apiserver.k8s.io', 'v1', 'FlowSchema', false);
const levels = strategyFor('flowcontrol.apiserver.k8s.io', 'v1', 'PriorityLevelConfiguration', false);

const userRule = { subjects: [{ kind: 'User', user: { name: 'alice' } }], resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], namespaces: ['*'] }] };

function fs(spec: Record<string, unknown>, name = 'alice'): KubeObject {
  return { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'FlowSchema', metadata: { name }, spec: { priorityLevelConfiguration: { name: 'workload-low' }, ...spec } };
}

test('flowschema: matchingPrecedence 1000 by default', () => {
  const { obj, errs } = runCreate(flowSchemas, fs({ rules: [userRule] }));
  assert.deepEqual(errs, []);
  assert.equal((obj.spec as { matchingPrecedence: number }).matchingPrecedence, 1000);
  assert.deepEqual(obj.status, {});
});

const fsCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'precedence above the maximum', spec: { matchingPrecedence: 10001 }, want: ['spec.matchingPrecedence: Invalid value: 10001: must not be greater than 10000'] },
  { name: 'precedence 1 is for exempt', spec: { matchingPrecedence: 1 }, want: ["spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1"] },
  { name: 'priority level required', spec: { priorityLevelConfiguration: {} }, want: ['spec.priorityLevelConfiguration.name: Required value: must reference a priority level'] },
  {
    name: 'rule needs subjects and rules',
    spec: { rules: [{}] },
    want: ['spec.rules[0].subjects: Required value: subjects must contain at least one value', 'spec.rules[0]: Required value: at least one of resourceRules and nonResourceRules has to be non-empty'],
  },
  {
    name: 'service account subject needs a namespace',
    spec: { rules: [{ ...userRule, subjects: [{ kind: 'ServiceAccount', serviceAccount: { name: 'default' } }] }] },
    want: ['spec.rules[0].subjects[0].serviceAccount.namespace: Required value: must specify namespace for service account'],
  },
  {
    name: 'non-resource path wildcard',
    spec: { rules: [{ subjects: userRule.subjects, nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api*'] }] }] },
    want: ['spec.rules[0].nonResourceRules[0].nonResourceURLs[0]: Invalid value: "/api*": wildcard can only do suffix matching'],
  },
  {
    name: 'namespaced rule without namespaces',
    spec: { rules: [{ subjects: userRule.subjects, resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] }] },
    want: ['spec.rules[0].resourceRules[0].namespaces: Required value: resource rules that are not cluster scoped must supply at least one namespace'],
  },
];

for (const c of fsCases) {
  test(`flowschema: ${c.name}`, () => assert.deepEqual(runCreate(flowSchemas, fs(c.spec)).errs.map((e) => e.message()), c.want));
}

function plc(spec: Record<string, unknown>, name = 'workload-low'): KubeObject {
  return { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'PriorityLevelConfiguration', metadata: { name }, spec };
}

test('prioritylevelconfiguration: limited and queuing defaults', () => {
  const { obj, errs } = runCreate(levels, plc({ type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: {} } } }));
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec, {
    type: 'Limited',
    limited: { nominalConcurrencyShares: 30, lendablePercent: 0, limitResponse: { type: 'Queue', queuing: { handSize: 8, queues: 64, queueLengthLimit: 50 } } },
  });
});

test('prioritylevelconfiguration: exempt defaults; zero shares allowed in v1', () => {
  assert.deepEqual(runCreate(levels, plc({ type: 'Exempt', exempt: {} }, 'exempt')).obj.spec, { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } });
  assert.deepEqual(runCreate(levels, plc({ type: 'Limited', limited: { nominalConcurrencyShares: 0, limitResponse: { type: 'Reject' } } })).errs, []);
});

const plcCases: { name: string; spec: Record<string, unknown>; plName?: string; want: string[] }[] = [
  { name: 'Exempt only for exempt', spec: { type: 'Exempt' }, want: ["spec.type: Invalid value: \"Exempt\": type must be 'Exempt' if and only if name is 'exempt'"] },
  { name: 'limited required', spec: { type: 'Limited' }, want: ['spec.limited: Required value: must not be empty when type is Limited'] },
  {
    name: 'hand larger than queues',
    spec: { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: { queues: 4, handSize: 5 } } } },
    want: ['spec.limited.limitResponse.queuing.handSize: Invalid value: 5: should not be greater than queues (4)'],
  },
  {
    name: 'lendablePercent range',
    spec: { type: 'Limited', limited: { lendablePercent: 101, limitResponse: { type: 'Reject' } } },
    want: ['spec.limited.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive'],
  },
  {
    name: 'Reject with queuing',
    spec: { type: 'Limited', limited: { limitResponse: { type: 'Reject', queuing: { queues: 1 } } } },
    want: ['spec.limited.limitResponse.queuing: Forbidden: must be nil if limited.limitResponse.type is not Limited'],
  },
];

for (const c of plcCases) {
  test(`prioritylevelconfiguration: ${c.name}`, () => assert.deepEqual(runCreate(levels, plc(c.spec, c.plName)).errs.map((e) => e.message()), c.want));
}
