import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { errorRows, runCreate, runUpdate, stored } from '../testing.js';

const deployments = strategyFor('apps', 'v1', 'Deployment', true);

function deployment(overrides: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', uid: 'd-uid', labels: { app: 'nginx' } },
    spec: {
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
      ...overrides,
    },
  };
}

test('deployment: create gets the full defaults a real cluster shows (kubectl create deployment nginx --image=nginx)', () => {
  const { obj, errs } = runCreate(deployments, deployment());
  assert.deepEqual(errs, []);
  assert.equal(obj.metadata?.generation, 1);
  assert.deepEqual(obj.status, {});
  assert.deepEqual(obj.spec, {
    progressDeadlineSeconds: 600,
    replicas: 1,
    revisionHistoryLimit: 10,
    selector: { matchLabels: { app: 'nginx' } },
    strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
    template: {
      metadata: { creationTimestamp: null, labels: { app: 'nginx' } },
      spec: {
        containers: [
          {
            image: 'nginx',
            imagePullPolicy: 'Always',
            name: 'nginx',
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
      },
    },
  });
});

const deploymentErrorCases: { name: string; input: KubeObject; want: { field: string; type: string; message: string }[] }[] = [
  {
    name: 'selector does not match template labels',
    input: deployment({ selector: { matchLabels: { app: 'other' } } }),
    want: [
      {
        field: 'spec.template.metadata.labels',
        type: 'FieldValueInvalid',
        message: 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`',
      },
    ],
  },
  {
    name: 'missing selector',
    input: deployment({ selector: undefined }),
    want: [
      { field: 'spec.selector', type: 'FieldValueRequired', message: 'spec.selector: Required value' },
      {
        field: 'spec.template.metadata.labels',
        type: 'FieldValueInvalid',
        message: 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`',
      },
    ],
  },
  {
    name: 'container without image',
    input: deployment({ template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx' }] } } }),
    want: [{ field: 'spec.template.spec.containers[0].image', type: 'FieldValueRequired', message: 'spec.template.spec.containers[0].image: Required value' }],
  },
  {
    name: 'restartPolicy must be Always',
    input: deployment({ template: { metadata: { labels: { app: 'nginx' } }, spec: { restartPolicy: 'OnFailure', containers: [{ name: 'nginx', image: 'nginx' }] } } }),
    want: [
      {
        field: 'spec.template.spec.restartPolicy',
        type: 'FieldValueNotSupported',
        message: 'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
      },
    ],
  },
  {
    name: 'maxSurge and maxUnavailable both zero',
    input: deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }),
    want: [
      {
        field: 'spec.strategy.rollingUpdate.maxUnavailable',
        type: 'FieldValueInvalid',
        message: 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
      },
    ],
  },
  {
    name: 'bad deployment name',
    input: { ...deployment(), metadata: { name: 'Nginx', namespace: 'default', uid: 'u' } },
    want: [
      {
        field: 'metadata.name',
        type: 'FieldValueInvalid',
        message:
          "metadata.name: Invalid value: \"Nginx\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      },
    ],
  },
];

for (const c of deploymentErrorCases) {
  test(`deployment: ${c.name}`, () => assert.deepEqual(errorRows(runCreate(deployments, c.input).errs), c.want));
}

test('deployment: selector is immutable on update', () => {
  const old = stored(runCreate(deployments, deployment()).obj);
  const next = deployment({
    selector: { matchLabels: { app: 'nginx', tier: 'web' } },
    template: { metadata: { labels: { app: 'nginx', tier: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
  });
  next.metadata = { ...old.metadata };
  assert.deepEqual(errorRows(runUpdate(deployments, old, next).errs), [
    {
      field: 'spec.selector',
      type: 'FieldValueInvalid',
      message:
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"nginx", "tier":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    },
  ]);
});

test('deployment: spec change bumps generation, status write keeps it and keeps labels', () => {
  const old = stored(runCreate(deployments, deployment()).obj);
  const scaled = JSON.parse(JSON.stringify(old)) as KubeObject;
  (scaled.spec as Record<string, unknown>).replicas = 3;
  scaled.status = { replicas: 99 };
  const { obj, errs } = runUpdate(deployments, old, scaled);
  assert.deepEqual(errs, []);
  assert.equal(obj.metadata?.generation, 2);
  assert.deepEqual(obj.status, {}, 'a main-resource update cannot change status');

  const statusWrite = JSON.parse(JSON.stringify(old)) as KubeObject;
  statusWrite.status = { replicas: 1, observedGeneration: 1 };
  (statusWrite.spec as Record<string, unknown>).replicas = 7;
  statusWrite.metadata = { ...statusWrite.metadata, labels: { changed: 'yes' } };
  const st = runUpdate(deployments, old, statusWrite, 'status');
  assert.deepEqual(st.errs, []);
  assert.deepEqual(st.obj.status, { replicas: 1, observedGeneration: 1 });
  assert.equal((st.obj.spec as Record<string, unknown>).replicas, 1, 'a status update cannot change spec');
  assert.deepEqual(st.obj.metadata?.labels, { app: 'nginx' });
  assert.equal(st.obj.metadata?.generation, 1);
});

test('statefulset: defaults, claim templates and initial status', () => {
  const sts = strategyFor('apps', 'v1', 'StatefulSet', true);
  const { obj, errs } = runCreate(sts, {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });
  assert.deepEqual(errs, []);
  const spec = obj.spec as Record<string, unknown>;
  assert.equal(spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.serviceName, 'nginx');
  assert.deepEqual(spec.volumeClaimTemplates, [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'www', creationTimestamp: null },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    },
  ]);
  assert.deepEqual(obj.status, { availableReplicas: 0, replicas: 0 });
  const containers = (spec.template as { spec: { containers: { imagePullPolicy: string }[] } }).spec.containers;
  assert.equal(containers[0].imagePullPolicy, 'IfNotPresent');
});

test('statefulset: updates to fields other than the allowed ones are forbidden', () => {
  const sts = strategyFor('apps', 'v1', 'StatefulSet', true);
  const base: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
    },
  };
  const old = stored(runCreate(sts, base).obj);
  const next = JSON.parse(JSON.stringify(old)) as KubeObject;
  (next.spec as Record<string, unknown>).serviceName = 'other';
  const messages = runUpdate(sts, old, next).errs.map((e) => e.message());
  assert.deepEqual(messages, [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});

test('daemonset: defaults, template generation annotation and its bump', () => {
  const ds = strategyFor('apps', 'v1', 'DaemonSet', true);
  const { obj, errs } = runCreate(ds, {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:v1' }] } },
    },
  });
  assert.deepEqual(errs, []);
  assert.deepEqual((obj.spec as Record<string, unknown>).updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(obj.metadata?.annotations?.['deprecated.daemonset.template.generation'], '1');
  assert.deepEqual(obj.status, { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 });
  const old = stored(obj);
  const next = JSON.parse(JSON.stringify(old)) as KubeObject;
  const tmpl = (next.spec as { template: { spec: { containers: { image: string }[] } } }).template;
  tmpl.spec.containers[0].image = 'agent:v2';
  const upd = runUpdate(ds, old, next);
  assert.deepEqual(upd.errs, []);
  assert.equal(upd.obj.metadata?.annotations?.['deprecated.daemonset.template.generation'], '2');
  assert.equal(upd.obj.metadata?.generation, 2);
});

test('replicaset: empty selector is rejected', () => {
  const rs = strategyFor('apps', 'v1', 'ReplicaSet', true);
  const { errs } = runCreate(rs, {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'rs', namespace: 'default' },
    spec: { selector: {}, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  });
  assert.deepEqual(errs.map((e) => e.message()), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]);
});
