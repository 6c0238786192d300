import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { errorRows, runCreate, runUpdate, stored } from '../testing.js';

const pods = strategyFor('', 'v1', 'Pod', true);

function pod(spec: Record<string, unknown>, name = 'web'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: 'p-uid' }, spec };
}

test('pod: create defaults, Pending phase, BestEffort QoS, generation 1', () => {
  const { obj, errs } = runCreate(pods, pod({ containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] }));
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec, {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        imagePullPolicy: 'IfNotPresent',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: {},
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    dnsPolicy: 'ClusterFirst',
    enableServiceLinks: true,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  });
  assert.deepEqual(obj.status, { phase: 'Pending', qosClass: 'BestEffort' });
  assert.equal(obj.metadata?.generation, 1);
});

const pullPolicyCases: [string, string][] = [
  ['nginx', 'Always'],
  ['nginx:latest', 'Always'],
  ['registry.example.com:5000/team/app', 'Always'],
  ['nginx:1.27', 'IfNotPresent'],
  ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
  ['Nginx', 'IfNotPresent'],
  ['UPPER/case', 'Always'],
];
for (const [image, want] of pullPolicyCases) {
  test(`pod: imagePullPolicy of ${image} defaults to ${want}`, () => {
    const { obj } = runCreate(pods, pod({ containers: [{ name: 'c', image }] }));
    assert.equal((obj.spec as { containers: { imagePullPolicy: string }[] }).containers[0].imagePullPolicy, want);
  });
}

test('pod: limits become requests, quantities canonical, QoS Guaranteed', () => {
  const { obj, errs } = runCreate(pods, pod({ containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '0.5', memory: '1024Mi' } } }] }));
  assert.deepEqual(errs, []);
  const res = (obj.spec as { containers: { resources: unknown }[] }).containers[0].resources;
  assert.deepEqual(res, { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } });
  assert.equal((obj.status as { qosClass: string }).qosClass, 'Guaranteed');
});

test('pod: requests only is Burstable', () => {
  const { obj } = runCreate(pods, pod({ containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '100m' } } }] }));
  assert.equal((obj.status as { qosClass: string }).qosClass, 'Burstable');
});

test('pod: probes and volumes get their defaults', () => {
  const { obj, errs } = runCreate(
    pods,
    pod({
      containers: [{ name: 'c', image: 'i', livenessProbe: { httpGet: { port: 8080 } }, volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }] }],
      volumes: [{ name: 'cfg', configMap: { name: 'cm' } }, { name: 'scratch' }],
    }),
  );
  assert.deepEqual(errs, []);
  const spec = obj.spec as { containers: Record<string, unknown>[]; volumes: unknown[] };
  assert.deepEqual(spec.containers[0].livenessProbe, {
    httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  });
  assert.deepEqual(spec.volumes, [
    { name: 'cfg', configMap: { name: 'cm', defaultMode: 420 } },
    { name: 'scratch', emptyDir: {} },
  ]);
});

const podErrorCases: { name: string; spec: Record<string, unknown>; podName?: string; want: { field: string; type: string; message: string }[] }[] = [
  {
    name: 'no containers',
    spec: {},
    want: [{ field: 'spec.containers', type: 'FieldValueRequired', message: 'spec.containers: Required value' }],
  },
  {
    name: 'missing image',
    spec: { containers: [{ name: 'web' }] },
    want: [{ field: 'spec.containers[0].image', type: 'FieldValueRequired', message: 'spec.containers[0].image: Required value' }],
  },
  {
    name: 'duplicate container names',
    spec: { containers: [{ name: 'a', image: 'i' }, { name: 'a', image: 'i' }] },
    want: [{ field: 'spec.containers[1].name', type: 'FieldValueDuplicate', message: 'spec.containers[1].name: Duplicate value: "a"' }],
  },
  {
    name: 'container name not a DNS label',
    spec: { containers: [{ name: 'Web_1', image: 'i' }] },
    want: [
      {
        field: 'spec.containers[0].name',
        type: 'FieldValueInvalid',
        message:
          "spec.containers[0].name: Invalid value: \"Web_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      },
    ],
  },
  {
    name: 'container port out of range and bad protocol',
    spec: { containers: [{ name: 'a', image: 'i', ports: [{ containerPort: 70000, protocol: 'HTTP' }] }] },
    want: [
      { field: 'spec.containers[0].ports[0].containerPort', type: 'FieldValueInvalid', message: 'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive' },
      {
        field: 'spec.containers[0].ports[0].protocol',
        type: 'FieldValueNotSupported',
        message: 'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      },
    ],
  },
  {
    name: 'bad restartPolicy',
    spec: { restartPolicy: 'Sometimes', containers: [{ name: 'a', image: 'i' }] },
    want: [
      {
        field: 'spec.restartPolicy',
        type: 'FieldValueNotSupported',
        message: 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      },
    ],
  },
  {
    name: 'volume mount without volume',
    spec: { containers: [{ name: 'a', image: 'i', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] },
    want: [{ field: 'spec.containers[0].volumeMounts[0].name', type: 'FieldValueNotFound', message: 'spec.containers[0].volumeMounts[0].name: Not found: "data"' }],
  },
  {
    name: 'request above limit',
    spec: { containers: [{ name: 'a', image: 'i', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] },
    want: [
      {
        field: 'spec.containers[0].resources.requests',
        type: 'FieldValueInvalid',
        message: 'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      },
    ],
  },
  {
    name: 'env var name with =',
    spec: { containers: [{ name: 'a', image: 'i', env: [{ name: 'A=B', value: 'x' }] }] },
    want: [
      {
        field: 'spec.containers[0].env[0].name',
        type: 'FieldValueInvalid',
        message: "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
      },
    ],
  },
];

for (const c of podErrorCases) {
  test(`pod: ${c.name}`, () => assert.deepEqual(errorRows(runCreate(pods, pod(c.spec, c.podName)).errs), c.want));
}

test('pod: only the image may change on update', () => {
  const old = stored(runCreate(pods, pod({ containers: [{ name: 'a', image: 'nginx:1' }] })).obj);
  const newImage = JSON.parse(JSON.stringify(old)) as KubeObject;
  (newImage.spec as { containers: { image: string }[] }).containers[0].image = 'nginx:2';
  const ok = runUpdate(pods, old, newImage);
  assert.deepEqual(ok.errs, []);
  assert.equal(ok.obj.metadata?.generation, 2);
  assert.deepEqual(ok.obj.status, old.status);

  const newPolicy = JSON.parse(JSON.stringify(old)) as KubeObject;
  (newPolicy.spec as Record<string, unknown>).restartPolicy = 'Never';
  const bad = runUpdate(pods, old, newPolicy).errs;
  assert.equal(bad.length, 1);
  assert.equal(bad[0].field, 'spec');
  assert.equal(bad[0].type, 'FieldValueForbidden');
  assert.ok(
    bad[0]
      .message()
      .startsWith(
        'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
      ),
  );
});

test('pod: status update keeps spec and an immutable QoS class', () => {
  const old = stored(runCreate(pods, pod({ containers: [{ name: 'a', image: 'i' }] })).obj);
  const next = JSON.parse(JSON.stringify(old)) as KubeObject;
  next.status = { phase: 'Running', qosClass: 'BestEffort', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }] };
  (next.spec as Record<string, unknown>).nodeName = 'node-1';
  const { obj, errs } = runUpdate(pods, old, next, 'status');
  assert.deepEqual(errs, []);
  assert.equal((obj.spec as Record<string, unknown>).nodeName, undefined);
  assert.equal((obj.status as Record<string, unknown>).phase, 'Running');

  const qos = JSON.parse(JSON.stringify(old)) as KubeObject;
  qos.status = { phase: 'Running', qosClass: 'Guaranteed' };
  assert.deepEqual(errorRows(runUpdate(pods, old, qos, 'status').errs), [
    { field: 'status.qosClass', type: 'FieldValueInvalid', message: 'status.qosClass: Invalid value: "Guaranteed": field is immutable' },
  ]);
});

test('pod: deprecated serviceAccount mirrors serviceAccountName both ways', () => {
  const fromOld = runCreate(pods, pod({ serviceAccount: 'builder', containers: [{ name: 'a', image: 'i' }] })).obj.spec as Record<string, unknown>;
  assert.deepEqual([fromOld.serviceAccountName, fromOld.serviceAccount], ['builder', 'builder']);
  const fromNew = runCreate(pods, pod({ serviceAccountName: 'runner', containers: [{ name: 'a', image: 'i' }] })).obj.spec as Record<string, unknown>;
  assert.deepEqual([fromNew.serviceAccountName, fromNew.serviceAccount], ['runner', 'runner']);
});
