import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { runCreate, runUpdate, stored } from '../testing.js';

const validating = strategyFor('admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', false);
const mutating = strategyFor('admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', false);
const policies = strategyFor('admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicy', false);
const bindings = strategyFor('admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicyBinding', false);

const rule = { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] };

function hook(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'pods.policy.example.com',
    clientConfig: { service: { name: 'webhook', namespace: 'system', path: '/validate' } },
    rules: [rule],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...extra,
  };
}

function config(kind: string, webhooks: unknown[]): KubeObject {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind, metadata: { name: 'policy' }, webhooks } as KubeObject;
}

test('webhooks: v1 defaults for validating and mutating webhooks', () => {
  const v = runCreate(validating, config('ValidatingWebhookConfiguration', [hook()]));
  assert.deepEqual(v.errs, []);
  assert.deepEqual(v.obj.webhooks, [
    {
      name: 'pods.policy.example.com',
      clientConfig: { service: { name: 'webhook', namespace: 'system', path: '/validate', port: 443 } },
      rules: [{ ...rule, scope: '*' }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      timeoutSeconds: 10,
    },
  ]);
  assert.equal(v.obj.metadata?.generation, 1);
  const m = runCreate(mutating, config('MutatingWebhookConfiguration', [hook()]));
  assert.equal((m.obj.webhooks as { reinvocationPolicy: string }[])[0].reinvocationPolicy, 'Never');
});

const hookCases: { name: string; hook: Record<string, unknown>; want: string[] }[] = [
  { name: 'name needs three segments', hook: hook({ name: 'example.com' }), want: ['webhooks[0].name: Invalid value: "example.com": should be a domain with at least three segments separated by dots'] },
  { name: 'sideEffects required', hook: hook({ sideEffects: undefined }), want: ['webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun'] },
  { name: 'sideEffects Unknown refused on create', hook: hook({ sideEffects: 'Unknown' }), want: ['webhooks[0].sideEffects: Unsupported value: "Unknown": supported values: "None", "NoneOnDryRun"'] },
  { name: 'timeout range', hook: hook({ timeoutSeconds: 31 }), want: ['webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds'] },
  { name: 'review versions required', hook: hook({ admissionReviewVersions: [] }), want: ['webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1'] },
  {
    name: 'review versions must include a known one',
    hook: hook({ admissionReviewVersions: ['v2'] }),
    want: ['webhooks[0].admissionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1'],
  },
  {
    name: 'client config needs url or service',
    hook: hook({ clientConfig: {} }),
    want: ['webhooks[0].clientConfig: Required value: exactly one of url or service is required'],
  },
  {
    name: 'url must be https without query',
    hook: hook({ clientConfig: { url: 'http://hooks.example.com/x?debug=1' } }),
    want: [
      "webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]",
      'webhooks[0].clientConfig.url: Invalid value: "debug=1": query parameters are not permitted in the URL',
    ],
  },
  {
    name: 'wildcard operation mixed with others',
    hook: hook({ rules: [{ ...rule, operations: ['*', 'CREATE'] }] }),
    want: ['webhooks[0].rules[0].operations: Invalid value: []admissionregistration.OperationType{"*", "CREATE"}: if \'*\' is present, must not specify other operations'],
  },
  {
    name: 'rule scope',
    hook: hook({ rules: [{ ...rule, scope: 'Global' }] }),
    want: ['webhooks[0].rules[0].scope: Unsupported value: "Global": supported values: "*", "Cluster", "Namespaced"'],
  },
  {
    name: 'resources with */* and others',
    hook: hook({ rules: [{ ...rule, resources: ['*/*', 'pods'] }] }),
    want: ['webhooks[0].rules[0].resources: Invalid value: []string{"*/*", "pods"}: if \'*/*\' is present, must not specify other resources'],
  },
  {
    name: 'match condition needs an expression',
    hook: hook({ matchConditions: [{ name: 'not-system', expression: ' ' }] }),
    want: ['webhooks[0].matchConditions[0].expression: Required value'],
  },
];

for (const c of hookCases) {
  test(`validating webhook: ${c.name}`, () => {
    const h = JSON.parse(JSON.stringify(c.hook)) as Record<string, unknown>;
    assert.deepEqual(runCreate(validating, config('ValidatingWebhookConfiguration', [h])).errs.map((e) => e.message()), c.want);
  });
}

test('webhooks: duplicate names; an update keeps tolerating what is stored', () => {
  assert.deepEqual(runCreate(validating, config('ValidatingWebhookConfiguration', [hook(), hook()])).errs.map((e) => e.message()), [
    'webhooks[1].name: Duplicate value: "pods.policy.example.com"',
  ]);
  const old = stored(config('ValidatingWebhookConfiguration', [hook({ sideEffects: 'Unknown' })]));
  assert.deepEqual(runUpdate(validating, old, JSON.parse(JSON.stringify(old)) as KubeObject).errs, []);
});

test('mutating webhook: reinvocationPolicy values', () => {
  assert.deepEqual(runCreate(mutating, config('MutatingWebhookConfiguration', [hook({ reinvocationPolicy: 'Always' })])).errs.map((e) => e.message()), [
    'webhooks[0].reinvocationPolicy: Unsupported value: "Always": supported values: "IfNeeded", "Never"',
  ]);
});

function vap(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'replicas' }, spec };
}

const matchConstraints = { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] };

test('validatingadmissionpolicy: failurePolicy and match resources defaults', () => {
  const { obj, errs } = runCreate(policies, vap({ matchConstraints, validations: [{ expression: 'object.spec.replicas <= 5' }] }));
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec, {
    failurePolicy: 'Fail',
    matchConstraints: {
      resourceRules: [{ ...matchConstraints.resourceRules[0], scope: '*' }],
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
    },
    validations: [{ expression: 'object.spec.replicas <= 5' }],
  });
  assert.deepEqual(obj.status, {});
  assert.equal(obj.metadata?.generation, 1);
});

const vapCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  {
    name: 'validations or audit annotations required',
    spec: { matchConstraints },
    want: [
      'spec.validations: Required value: validations or auditAnnotations must contain at least one item',
      'spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item',
    ],
  },
  { name: 'expression required', spec: { matchConstraints, validations: [{ expression: '' }] }, want: ['spec.validations[0].expression: Required value: expression is not specified'] },
  { name: 'matchConstraints required', spec: { validations: [{ expression: 'true' }] }, want: ['spec.matchConstraints: Required value'] },
  { name: 'resourceRules required', spec: { matchConstraints: {}, validations: [{ expression: 'true' }] }, want: ['spec.matchConstraints.resourceRules: Required value'] },
  {
    name: 'reason values',
    spec: { matchConstraints, validations: [{ expression: 'true', reason: 'Conflict' }] },
    want: ['spec.validations[0].reason: Unsupported value: "Conflict": supported values: "Forbidden", "Invalid", "RequestEntityTooLarge"'],
  },
  {
    name: 'variables need CEL identifiers',
    spec: { matchConstraints, validations: [{ expression: 'true' }], variables: [{ name: 'in', expression: 'object' }] },
    want: ['spec.variables[0].name: Invalid value: "in": name is not a valid CEL identifier'],
  },
];

for (const c of vapCases) {
  test(`validatingadmissionpolicy: ${c.name}`, () => assert.deepEqual(runCreate(policies, vap(c.spec)).errs.map((e) => e.message()), c.want));
}

function vapb(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'replicas-binding' }, spec };
}

const bindingCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'valid', spec: { policyName: 'replicas', validationActions: ['Deny'] }, want: [] },
  { name: 'actions required', spec: { policyName: 'replicas' }, want: ['spec.validationActions: Required value: at least one validation action is required'] },
  {
    name: 'Deny and Warn together',
    spec: { policyName: 'replicas', validationActions: ['Deny', 'Warn'] },
    want: [
      'spec.validationActions: Invalid value: []admissionregistration.ValidationAction{"Deny", "Warn"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
    ],
  },
  {
    name: 'paramRef needs name or selector and an action',
    spec: { policyName: 'replicas', validationActions: ['Audit'], paramRef: {} },
    want: ['spec.paramRef: Required value: one of name or selector must be specified', 'spec.paramRef.parameterNotFoundAction: Required value'],
  },
];

for (const c of bindingCases) {
  test(`validatingadmissionpolicybinding: ${c.name}`, () => assert.deepEqual(runCreate(bindings, vapb(c.spec)).errs.map((e) => e.message()), c.want));
}
