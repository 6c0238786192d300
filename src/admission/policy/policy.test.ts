import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { newValidatingAdmissionPolicyPlugin, type PolicyPluginDeps } from './plugin.js';
import { typeCheckPolicy, typeCheckedStatus } from './status.js';
import { attributes, FakeListWatch, requestContext } from '../webhook/testing.js';
import { specResourceMapper } from '../webhook/equivalent.js';
import type { KubeObject } from '../../runtime/object.js';
import type { StatusError } from '../../runtime/errors.js';
import type { ParamSource } from './params.js';
import type { LifecycleAdmissionPlugin } from '../webhook/plugin.js';
import { auditStateOf } from '../../audit/context.js';
import { validatePolicyExpressions, validateWebhookMatchConditions } from './validation.js';

const plugins: LifecycleAdmissionPlugin[] = [];
after(() => {
  for (const p of plugins) p.stop();
});

const namespaces = new Map<string, KubeObject>([
  ['prod', { metadata: { name: 'prod', labels: { env: 'prod' } } }],
  ['dev', { metadata: { name: 'dev', labels: { env: 'dev' } } }],
]);

const configMaps = new Map<string, KubeObject>([
  ['prod/limits', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace: 'prod', labels: { limits: 'true' } }, data: { maxReplicas: '5' } }],
  ['dev/limits', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace: 'dev', labels: { limits: 'true' } }, data: { maxReplicas: '50' } }],
]);

const configMapSource: ParamSource = {
  namespaced: true,
  get: async (ns, name) => configMaps.get(`${ns}/${name}`) ?? null,
  list: async (ns, selector) => [...configMaps.values()].filter((c) => c.metadata?.namespace === ns && selector.matches(c.metadata?.labels ?? {})),
};

const replicasPolicy: KubeObject = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'max-replicas', generation: 1 },
  spec: {
    failurePolicy: 'Fail',
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
    variables: [{ name: 'max', expression: 'int(params.data.maxReplicas)' }],
    validations: [
      {
        expression: 'object.spec.replicas <= variables.max',
        messageExpression: "'replicas ' + string(object.spec.replicas) + ' exceed the limit of ' + string(variables.max)",
      },
    ],
    auditAnnotations: [{ key: 'replicas', valueExpression: "'requested ' + string(object.spec.replicas)" }],
  },
};

function binding(name: string, actions: string[], extra: Record<string, unknown> = {}, policyName = 'max-replicas'): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: {
      policyName,
      validationActions: actions,
      paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' },
      matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } } },
      ...extra,
    },
  };
}

function plugin(policies: KubeObject[], bindings: KubeObject[], extra: Partial<PolicyPluginDeps> = {}) {
  const p = newValidatingAdmissionPolicyPlugin({
    policies: new FakeListWatch(policies),
    bindings: new FakeListWatch(bindings),
    getNamespace: async (n) => namespaces.get(n) ?? null,
    paramResolver: (apiVersion, kind) => (apiVersion === 'v1' && kind === 'ConfigMap' ? configMapSource : undefined),
    resourceMapper: specResourceMapper(),
    ...extra,
  });
  plugins.push(p);
  return p;
}

function deployment(ns: string, replicas: number) {
  const ctx = requestContext();
  const object: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { replicas } };
  return { ctx, attrs: attributes({ operation: 'CREATE', group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespace: ns, object }, ctx) };
}

async function rejection(p: Promise<void> | void | undefined): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    return err as StatusError;
  }
  assert.fail('expected a rejection');
}

test('Deny: a policy with a param forbids too many replicas in env=prod namespaces', async () => {
  const p = plugin([replicasPolicy], [binding('max-replicas-prod', ['Deny'])]);
  const err = await rejection(p.validate?.(deployment('prod', 7).attrs));
  const message = "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-prod' denied request: replicas 7 exceed the limit of 5";
  assert.deepEqual(err.status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Invalid',
    details: { name: 'web', group: 'apps', kind: 'deployments', causes: [{ message: "ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-prod' denied request: replicas 7 exceed the limit of 5" }] },
    code: 422,
  });
  await p.validate?.(deployment('prod', 5).attrs);
  await p.validate?.(deployment('dev', 7).attrs);
});

test('Warn: the failure becomes a warning, Audit an annotation', async () => {
  const p = plugin([replicasPolicy], [binding('max-replicas-warn', ['Warn', 'Audit'])]);
  const { ctx, attrs } = deployment('prod', 9);
  await p.validate?.(attrs);
  assert.deepEqual(ctx.warnings, ["Validation failed for ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-warn': replicas 9 exceed the limit of 5"]);
  const annotations = Object.fromEntries(auditStateOf(ctx).pending);
  assert.equal(annotations['max-replicas/replicas'], 'requested 9');
  assert.deepEqual(JSON.parse(annotations['validation.policy.admission.k8s.io/validation_failure']), [
    { message: 'replicas 9 exceed the limit of 5', policy: 'max-replicas', binding: 'max-replicas-warn', expressionIndex: 0, validationActions: ['Warn', 'Audit'] },
  ]);
});

test('missing params: Deny fails the request, Allow skips the binding', async () => {
  const denying = plugin([replicasPolicy], [binding('b', ['Deny'], { paramRef: { name: 'nope', parameterNotFoundAction: 'Deny' } })]);
  const err = await rejection(denying.validate?.(deployment('prod', 1).attrs));
  assert.equal(err.status.message, "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'b' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction");
  const allowing = plugin([replicasPolicy], [binding('b', ['Deny'], { paramRef: { name: 'nope', parameterNotFoundAction: 'Allow' } })]);
  await allowing.validate?.(deployment('prod', 100).attrs);
});

test('params by selector evaluate once per param', async () => {
  const p = plugin([replicasPolicy], [binding('sel', ['Deny'], { paramRef: { selector: { matchLabels: { limits: 'true' } }, parameterNotFoundAction: 'Deny' } })]);
  const err = await rejection(p.validate?.(deployment('prod', 6).attrs));
  assert.match(err.status.message ?? '', /replicas 6 exceed the limit of 5$/);
});

const brokenPolicy = (failurePolicy: string, reason?: string): KubeObject => ({
  metadata: { name: 'broken', generation: 1 },
  spec: {
    failurePolicy,
    matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['*'], resources: ['deployments'] }] },
    matchConditions: [{ name: 'only-web', expression: 'object.metadata.name == "web"' }],
    validations: [{ expression: 'object.spec.paused == false', message: 'must not be paused', ...(reason ? { reason } : {}) }],
  },
});

test('evaluation errors follow the failure policy; a reason picks the code', async () => {
  const failing = plugin([brokenPolicy('Fail')], [binding('b', ['Deny'], { paramRef: undefined, matchResources: undefined }, 'broken')]);
  const err = await rejection(failing.validate?.(deployment('dev', 1).attrs));
  assert.equal(err.status.code, 422);
  assert.equal(err.status.message, "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'broken' with binding 'b' denied request: expression 'object.spec.paused == false' resulted in error: no such key: paused");
  const ignoring = plugin([brokenPolicy('Ignore')], [binding('b', ['Deny'], { paramRef: undefined, matchResources: undefined }, 'broken')]);
  await ignoring.validate?.(deployment('dev', 1).attrs);
  const forbidden = plugin([brokenPolicy('Fail', 'Forbidden')], [binding('b', ['Deny'], { paramRef: undefined, matchResources: undefined }, 'broken')]);
  const { attrs } = deployment('dev', 1);
  (attrs.object?.spec as Record<string, unknown>).paused = true;
  const err2 = await rejection(forbidden.validate?.(attrs));
  assert.equal(err2.status.code, 403);
  assert.equal(err2.status.reason, 'Forbidden');
  assert.match(err2.status.message ?? '', /denied request: must not be paused$/);
});

test('match conditions exclude requests', async () => {
  const p = plugin([brokenPolicy('Fail')], [binding('b', ['Deny'], { paramRef: undefined, matchResources: undefined }, 'broken')]);
  const { attrs } = deployment('dev', 1);
  (attrs.object?.metadata as Record<string, unknown>).name = 'api';
  attrs.name = 'api';
  await p.validate?.(attrs);
});

test('an unknown paramKind is a configuration error of the policy', async () => {
  const policy = { ...replicasPolicy, metadata: { name: 'unknown-param', generation: 1 }, spec: { ...(replicasPolicy.spec as object), paramKind: { apiVersion: 'example.com/v1', kind: 'Limits' } } };
  const p = plugin([policy], [binding('b', ['Deny'], {}, 'unknown-param')]);
  const err = await rejection(p.validate?.(deployment('prod', 1).attrs));
  assert.equal(err.status.message, "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'unknown-param' denied request: failed to configure policy: failed to find resource referenced by paramKind: 'example.com/v1, Kind=Limits'");
});

test('type checking reports misspelt fields and wrong types per kind', () => {
  const policy: KubeObject = {
    metadata: { name: 'typos', generation: 3 },
    spec: {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments', 'replicasets'] }] },
      validations: [
        { expression: 'object.spec.replicsa > 1' },
        { expression: 'object.spec.replicas <= int(params.data.max)', messageExpression: 'object.spec.replicas + "x"' },
        { expression: 'oldObject == null || object.metadata.name == oldObject.metadata.name' },
      ],
    },
  };
  const warnings = typeCheckPolicy(policy);
  assert.deepEqual(warnings.map((w) => w.fieldRef), ['spec.validations[0].expression', 'spec.validations[1].messageExpression']);
  assert.equal(
    warnings[0].warning,
    "apps/v1, Kind=Deployment: ERROR: <input>:1:12: undefined field 'replicsa'\n | object.spec.replicsa > 1\n | ...........^\n\napps/v1, Kind=ReplicaSet: ERROR: <input>:1:12: undefined field 'replicsa'\n | object.spec.replicsa > 1\n | ...........^\n",
  );
  assert.match(warnings[1].warning, /^apps\/v1, Kind=Deployment: ERROR: <input>:1:1: found no matching overload for '_\+_' applied to '\(int, string\)'/);
  assert.deepEqual(typeCheckedStatus(policy, warnings).observedGeneration, 3);
  assert.deepEqual(typeCheckedStatus(policy, []), { observedGeneration: 3, typeChecking: {} });
});

test('the status controller writes type checking results for new generations', async () => {
  const writes: { name: string; status: Record<string, unknown> }[] = [];
  const policy: KubeObject = {
    metadata: { name: 'typo', generation: 2 },
    spec: { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] }, validations: [{ expression: 'object.spec.containerz.size() > 0' }] },
  };
  const current: KubeObject = { metadata: { name: 'clean', generation: 1 }, status: { observedGeneration: 1 }, spec: {} };
  const p = plugin([policy, current], [], {
    statusWriter: async (name, status) => {
      writes.push({ name, status });
    },
  });
  await p.start();
  const deadline = Date.now() + 5000;
  while (writes.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(writes.length, 1);
  assert.equal(writes[0].name, 'typo');
  const tc = writes[0].status.typeChecking as { expressionWarnings: { fieldRef: string; warning: string }[] };
  assert.equal(writes[0].status.observedGeneration, 2);
  assert.equal(tc.expressionWarnings[0].fieldRef, 'spec.validations[0].expression');
  assert.match(tc.expressionWarnings[0].warning, /^\/v1, Kind=Pod: ERROR: <input>:1:12: undefined field 'containerz'/);
});

test('expressions that do not compile are field errors for API validation', () => {
  const errs = validatePolicyExpressions({
    variables: [{ name: 'v', expression: 'object.spec.' }],
    validations: [{ expression: 'objec.x == 1' }, { expression: 'true', messageExpression: '1' }],
    auditAnnotations: [{ key: 'k', valueExpression: "'ok'" }],
  });
  assert.deepEqual(errs.map((e) => e.field), ['spec.variables[0].expression', 'spec.validations[0].expression', 'spec.validations[1].messageExpression']);
  assert.match(errs[1].message(), /^spec\.validations\[0\]\.expression: Invalid value: "objec\.x == 1": compilation failed: ERROR: <input>:1:1: undeclared reference to 'objec' \(in container ''\)/);
  assert.match(errs[2].message(), /must evaluate to string$/);
  const hookErrs = validateWebhookMatchConditions([{ name: 'a', matchConditions: [{ name: 'c', expression: 'params.x' }] }]);
  assert.deepEqual(hookErrs.map((e) => e.field), ['webhooks[0].matchConditions[0].expression']);
});
