/**
 * ValidatingAdmissionPolicy end to end against a real kapi process: a
 * policy forbidding Deployments with more replicas than a ConfigMap param
 * allows, bound to namespaces labelled `env=prod`, denies with the CEL
 * message (and kubectl prints it); a `Warn` binding answers with a Warning
 * header instead; a missing param with `parameterNotFoundAction: Deny`
 * refuses; a misspelt field is reported in the policy's status.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKapi, type KapiClient, type KapiProcess, type Response } from '../support/server.js';
import { Kubectl } from '../support/kubectl.js';
import { waitFor } from '../support/wait.js';

const admissionV1 = '/apis/admissionregistration.k8s.io/v1';

let kapi: KapiProcess;
let admin: KapiClient;
let kubectl: Kubectl;

before(async () => {
  kapi = await startKapi();
  admin = kapi.client;
  kubectl = new Kubectl(33, kapi.kubeconfig);
});

after(async () => {
  await kapi?.stop();
});

async function create(path: string, body: Record<string, unknown>): Promise<Response> {
  const res = await admin.request('POST', path, { body });
  assert.equal(res.status, 201, res.body);
  return res;
}

async function namespace(name: string, labels: Record<string, string>): Promise<void> {
  await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}

async function limits(ns: string, max: number): Promise<void> {
  await create(`/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'replica-limits' }, data: { maxReplicas: String(max) } });
}

function policy(name: string): Record<string, unknown> {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: {
      failurePolicy: 'Fail',
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
      variables: [{ name: 'maxReplicas', expression: 'int(params.data.maxReplicas)' }],
      validations: [
        {
          expression: 'object.spec.replicas <= variables.maxReplicas',
          messageExpression: "'spec.replicas must be at most ' + string(variables.maxReplicas) + ', got ' + string(object.spec.replicas)",
          reason: 'Invalid',
        },
      ],
    },
  };
}

function binding(name: string, policyName: string, selector: Record<string, string>, actions: string[]): Record<string, unknown> {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: {
      policyName,
      validationActions: actions,
      paramRef: { name: 'replica-limits', parameterNotFoundAction: 'Deny' },
      matchResources: { namespaceSelector: { matchLabels: selector } },
    },
  };
}

function deployment(name: string, replicas: number): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
    },
  };
}

function deploymentYaml(ns: string, name: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: c
        image: nginx:1.27
`;
}

function createDeployment(ns: string, name: string, replicas: number, query = ''): Promise<Response> {
  return admin.request('POST', `/apis/apps/v1/namespaces/${ns}/deployments${query}`, { body: deployment(name, replicas) });
}

function warningsOf(res: Response): string[] {
  const h = res.headers.warning;
  const list = Array.isArray(h) ? h : h ? [h] : [];
  return list.flatMap((v) => [...v.matchAll(/299 - "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1')));
}

test('Deny: more than 5 replicas in an env=prod namespace is refused with the CEL message', async () => {
  await namespace('shop-prod', { env: 'prod', team: 'shop' });
  await namespace('shop-dev', { env: 'dev', team: 'shop' });
  await limits('shop-prod', 5);
  await limits('shop-dev', 5);
  await create(`${admissionV1}/validatingadmissionpolicies`, policy('max-replicas'));
  await create(`${admissionV1}/validatingadmissionpolicybindings`, binding('max-replicas-prod', 'max-replicas', { env: 'prod', team: 'shop' }, ['Deny']));

  const res = await waitFor('the policy to be enforced', async () => {
    const r = await createDeployment('shop-prod', 'web', 7, '?dryRun=All');
    return r.status === 422 ? r : undefined;
  });
  const message = "ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-prod' denied request: spec.replicas must be at most 5, got 7";
  assert.deepEqual(res.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `deployments.apps "web" is forbidden: ${message}`,
    reason: 'Invalid',
    details: { name: 'web', group: 'apps', kind: 'deployments', causes: [{ message }] },
    code: 422,
  });
  const out = kubectl.run(['create', '-f', '-'], deploymentYaml('shop-prod', 'web', 7));
  assert.notEqual(out.code, 0);
  assert.equal(out.stderr.trim(), `The deployments "web" is invalid: : ${message}`);

  // Within the limit, and in a namespace the binding does not select, deployments are created.
  assert.equal((await createDeployment('shop-prod', 'small', 5)).status, 201);
  assert.equal((await createDeployment('shop-dev', 'big', 9)).status, 201);
  // Updates are checked too.
  const scaled = await admin.request('PATCH', '/apis/apps/v1/namespaces/shop-prod/deployments/small', { body: JSON.stringify({ spec: { replicas: 6 } }), headers: { 'content-type': 'application/merge-patch+json' } });
  assert.equal(scaled.status, 422, scaled.body);
  assert.equal(scaled.json().message, `deployments.apps "small" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-prod' denied request: spec.replicas must be at most 5, got 6`);
});

test('Warn: the same policy answers with a Warning header and lets the request through', async () => {
  await namespace('blog-prod', { env: 'prod', team: 'blog' });
  await limits('blog-prod', 2);
  await create(`${admissionV1}/validatingadmissionpolicies`, policy('max-replicas-warn'));
  await create(`${admissionV1}/validatingadmissionpolicybindings`, binding('max-replicas-warn', 'max-replicas-warn', { env: 'prod', team: 'blog' }, ['Warn']));
  const warning = "Validation failed for ValidatingAdmissionPolicy 'max-replicas-warn' with binding 'max-replicas-warn': spec.replicas must be at most 2, got 3";
  const res = await waitFor('the warning binding to be active', async () => {
    const r = await createDeployment('blog-prod', 'web', 3, '?dryRun=All');
    return r.status === 201 && warningsOf(r).includes(warning) ? r : undefined;
  });
  assert.equal(res.json().spec.replicas, 3);
  const out = kubectl.run(['create', '-f', '-'], deploymentYaml('blog-prod', 'web', 3));
  assert.equal(out.code, 0, out.stderr);
  assert.ok(out.stderr.includes(`Warning: ${warning}`), out.stderr);
  assert.equal((await admin.request('GET', '/apis/apps/v1/namespaces/blog-prod/deployments/web')).status, 200);
});

test('a missing param with parameterNotFoundAction Deny refuses the request', async () => {
  await namespace('empty-prod', { env: 'prod', team: 'empty' });
  await create(`${admissionV1}/validatingadmissionpolicies`, policy('max-replicas-noparam'));
  await create(`${admissionV1}/validatingadmissionpolicybindings`, binding('max-replicas-noparam', 'max-replicas-noparam', { env: 'prod', team: 'empty' }, ['Deny']));
  const res = await waitFor('the binding to be active', async () => {
    const r = await createDeployment('empty-prod', 'web', 1, '?dryRun=All');
    return r.status === 422 ? r : undefined;
  });
  assert.equal(
    res.json().message,
    "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'max-replicas-noparam' with binding 'max-replicas-noparam' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction",
  );
});

test('type checking: a misspelt field is reported in the policy status', async () => {
  const p = policy('typo');
  (p.spec as { validations: unknown[] }).validations = [{ expression: 'object.spec.replicsa <= 5' }];
  await create(`${admissionV1}/validatingadmissionpolicies`, p);
  const status = await waitFor('the type checking status', async () => {
    const got = (await admin.request('GET', `${admissionV1}/validatingadmissionpolicies/typo`)).json();
    return got.status?.observedGeneration === got.metadata.generation ? got.status : undefined;
  });
  assert.deepEqual(status.typeChecking, {
    expressionWarnings: [
      {
        fieldRef: 'spec.validations[0].expression',
        warning: "apps/v1, Kind=Deployment: ERROR: <input>:1:12: undefined field 'replicsa'\n | object.spec.replicsa <= 5\n | ...........^\n",
      },
    ],
  });
  const clean = await waitFor('the clean policy status', async () => {
    const got = (await admin.request('GET', `${admissionV1}/validatingadmissionpolicies/max-replicas`)).json();
    return got.status?.observedGeneration === got.metadata.generation ? got.status : undefined;
  });
  assert.deepEqual(clean.typeChecking, {});
});
