import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getCatalog, messageDef } from '../catalog/catalog.js';
import { StatusError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { decodeKubeProtobuf, decodeMessage, readEnvelope } from './decode.js';
import { encodeKubeProtobuf, encodeMessage, EncodeError } from './encode.js';
import { ProtoWriter, WireType } from './wire.js';
import { keepZeroFields } from './zero.js';

function fixtureDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const p = join(dir, 'testdata', 'protobuf');
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new Error('testdata/protobuf not found');
}
const FIXTURES = fixtureDir();
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, `${name}.pb`));

/** What kubectl 1.33 sent (tools/capture-protobuf.ts), decoded to its JSON form. */
const expected: Record<string, KubeObject> = {
  configmap: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x' }, data: { a: 'b', c: 'd' } },
  secret: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's' }, data: { k: 'dg==' } },
  deployment: {
    kind: 'Deployment', apiVersion: 'apps/v1',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] } },
      strategy: {},
    },
    status: {},
  },
  namespace: { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'n1' }, spec: {}, status: {} },
  service: {
    kind: 'Service', apiVersion: 'v1',
    metadata: { name: 'svc', labels: { app: 'svc' } },
    spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 'svc' }, type: 'ClusterIP' },
    status: { loadBalancer: {} },
  },
  serviceaccount: { kind: 'ServiceAccount', apiVersion: 'v1', metadata: { name: 'sa1' } },
  job: {
    kind: 'Job', apiVersion: 'batch/v1', metadata: { name: 'j' },
    spec: { template: { metadata: {}, spec: { containers: [{ name: 'j', image: 'busybox', resources: {} }], restartPolicy: 'Never' } } },
    status: {},
  },
  cronjob: {
    kind: 'CronJob', apiVersion: 'batch/v1', metadata: { name: 'cj' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: {
        metadata: { name: 'cj' },
        spec: { template: { metadata: {}, spec: { containers: [{ name: 'cj', image: 'busybox', resources: {} }], restartPolicy: 'OnFailure' } } },
      },
    },
    status: {},
  },
  role: {
    kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'r' },
    rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
  },
  priorityclass: { kind: 'PriorityClass', apiVersion: 'scheduling.k8s.io/v1', metadata: { name: 'pc' }, value: 0, preemptionPolicy: 'PreemptLowerPriority' },
  quota: { kind: 'ResourceQuota', apiVersion: 'v1', metadata: { name: 'q' }, spec: { hard: { pods: '3' } }, status: {} },
  selfsubjectaccessreview: {
    kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {},
    spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
    status: { allowed: false },
  },
  selfsubjectreview: { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: {}, status: { userInfo: {} } },
  tokenrequest: { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: {}, spec: {}, status: {} },
};

for (const [name, want] of Object.entries(expected)) {
  test(`decodes kubectl's ${name} body`, () => {
    assert.deepEqual(decodeKubeProtobuf(fixture(name)), want);
  });
  test(`${name} survives encode → decode`, () => {
    const once = decodeKubeProtobuf(fixture(name));
    assert.deepEqual(decodeKubeProtobuf(encodeKubeProtobuf(once)), once);
  });
}

test('the envelope of a kubectl body names the type and leaves encoding empty', () => {
  const env = readEnvelope(fixture('deployment'));
  assert.equal(env.apiVersion, 'apps/v1');
  assert.equal(env.kind, 'Deployment');
  assert.equal(env.contentEncoding, '');
  assert.equal(env.contentType, '');
});

test('encodeKubeProtobuf writes the same envelope layout as kubectl', () => {
  const b = encodeKubeProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
  assert.deepEqual([...b.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00]);
  const env = readEnvelope(b);
  assert.deepEqual([env.apiVersion, env.kind, env.contentEncoding, env.contentType], ['v1', 'ConfigMap', '', '']);
  assert.deepEqual(b.subarray(b.length - 4), Buffer.from([0x1a, 0x00, 0x22, 0x00]));
});

/** Objects exercising the special types; each must decode back to itself. */
const roundTrips: KubeObject[] = [
  {
    kind: 'Pod', apiVersion: 'v1',
    metadata: {
      name: 'p', namespace: 'default', uid: 'u-1', resourceVersion: '12', generation: 3,
      creationTimestamp: '2024-05-01T10:00:00Z', deletionGracePeriodSeconds: 0,
      labels: { a: '', b: 'x' }, finalizers: ['f/1'],
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u-2', controller: true, blockOwnerDeletion: false }],
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2024-05-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } } }],
    },
    spec: {
      volumes: [
        { name: 'v', emptyDir: {} },
        { name: 'c', configMap: { name: 'cm', defaultMode: 420, optional: false, items: [{ key: 'k', path: 'p', mode: 0 }] } },
      ],
      containers: [{
        name: 'c', image: 'nginx',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: true } } }],
        resources: { limits: { cpu: '100m', memory: '1Gi' }, requests: { cpu: '0' } },
        livenessProbe: { httpGet: { path: '/', port: 'http' }, initialDelaySeconds: 5, terminationGracePeriodSeconds: 0 },
        readinessProbe: { tcpSocket: { port: 8080 } },
        securityContext: { runAsUser: 0, runAsNonRoot: false, privileged: false },
      }],
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }],
    },
    status: { phase: 'Running', startTime: '2024-05-01T10:00:01Z', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-05-01T10:00:02Z' }] },
  },
  {
    kind: 'Event', apiVersion: 'events.k8s.io/v1',
    metadata: { name: 'e' },
    eventTime: '2024-05-01T10:00:00.123456Z',
    reason: 'Started', action: 'Start', type: 'Normal',
    regarding: { kind: 'Pod', name: 'p' },
  },
  {
    kind: 'CertificateSigningRequest', apiVersion: 'certificates.k8s.io/v1',
    metadata: { name: 'csr' },
    spec: { request: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----').toString('base64'), signerName: 'x/y', expirationSeconds: 600, extra: { scopes: ['a', 'b'], empty: [] }, usages: ['client auth'] },
  },
  {
    kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2',
    metadata: { name: 'h' },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, minReplicas: 1, maxReplicas: 0, behavior: { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } },
  },
  {
    kind: 'ControllerRevision', apiVersion: 'apps/v1', metadata: { name: 'cr' },
    data: { spec: { template: { spec: { containers: [{ name: 'x' }] } } } }, revision: 1,
  },
  {
    kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'd' },
    spec: { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } }, progressDeadlineSeconds: 600, revisionHistoryLimit: 0 },
  },
  {
    kind: 'Job', apiVersion: 'batch/v1', metadata: { name: 'j' },
    spec: { parallelism: 0, completions: 0, backoffLimit: 0, ttlSecondsAfterFinished: 0, suspend: false, activeDeadlineSeconds: 10 },
  },
  {
    kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', metadata: { name: 'l' },
    spec: { holderIdentity: 'me', leaseDurationSeconds: 15, renewTime: '2024-05-01T10:00:00.000001Z', acquireTime: '2024-05-01T10:00:00.000000Z' },
  },
  {
    kind: 'CustomResourceDefinition', apiVersion: 'apiextensions.k8s.io/v1', metadata: { name: 'ws.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced',
      names: { plural: 'ws', kind: 'W' },
      versions: [{
        name: 'v1', served: true, storage: false,
        schema: { openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object', 'x-kubernetes-preserve-unknown-fields': true, minProperties: 0,
              additionalProperties: false,
              properties: { n: { type: 'integer', default: 3, enum: [1, 2, 3] }, l: { type: 'array', items: { type: 'string' } } },
              dependencies: { a: ['b'] },
            },
            t: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] },
            u: { additionalProperties: { type: 'string' } },
          },
          'x-kubernetes-validations': [{ rule: 'self.n > 0' }],
          $ref: '#/x',
        } },
      }],
    },
  },
  {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'nope', reason: 'NotFound', code: 404,
    details: { name: 'x', kind: 'pods', causes: [{ reason: 'FieldValueInvalid', field: 'spec' }] },
  },
  {
    kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '5', remainingItemCount: 0 },
    items: [{ metadata: { name: 'a' }, data: { k: '' } }, { metadata: { name: 'b' }, binaryData: { b: 'AAE=' } }],
  },
  {
    kind: 'APIService', apiVersion: 'apiregistration.k8s.io/v1', metadata: { name: 'v1.example.com' },
    spec: { group: 'example.com', version: 'v1', groupPriorityMinimum: 0, versionPriority: 0, service: { namespace: 'ns', name: 's', port: 443 } },
  },
];
for (const obj of roundTrips) {
  test(`round trip ${obj.apiVersion} ${obj.kind}`, () => {
    assert.deepEqual(decodeKubeProtobuf(encodeKubeProtobuf(obj)), obj);
  });
}

test('a watch event carries its object as a nested envelope', () => {
  const pod = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', resourceVersion: '7' } };
  const ev = { kind: 'WatchEvent', apiVersion: 'v1', type: 'ADDED', object: pod };
  const b = encodeKubeProtobuf(ev);
  const decoded = decodeKubeProtobuf(b);
  assert.deepEqual(decoded, ev);
  // The object bytes really are an envelope, not JSON.
  const raw = readEnvelope(b).raw;
  assert.ok(Buffer.from(raw).includes(Buffer.from('k8s\u0000')));
});

test('zero scalars that Go would omit are dropped; meaningful ones kept', () => {
  const w = new ProtoWriter();
  // DeploymentSpec: replicas(1)=0 (pointer: kept), minReadySeconds(5)=0 (omitempty: dropped), paused(7)=false (dropped).
  w.tag(1, WireType.Varint).int(0).tag(5, WireType.Varint).int(0).tag(7, WireType.Varint).bool(false);
  assert.deepEqual(decodeMessage('k8s.io.api.apps.v1.DeploymentSpec', w.finish()), { replicas: 0 });
  // ObjectMeta: name ""(1) dropped, creationTimestamp(8) zero-length Time dropped, generation(7)=0 dropped.
  const m = new ProtoWriter().tag(1, WireType.LengthDelimited).string('').tag(8, WireType.LengthDelimited).bytes(new Uint8Array(0)).tag(7, WireType.Varint).int(0);
  assert.deepEqual(decodeMessage('k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta', m.finish()), {});
  // Map values keep their zero values.
  const cm = new ProtoWriter().tag(2, WireType.LengthDelimited).bytes(new ProtoWriter().tag(1, WireType.LengthDelimited).string('k').tag(2, WireType.LengthDelimited).string('').finish());
  assert.deepEqual(decodeMessage('k8s.io.api.core.v1.ConfigMap', cm.finish()), { data: { k: '' } });
});

test('special values decode to their JSON forms', () => {
  const dur = new ProtoWriter().tag(1, WireType.Varint).int(3600e9).finish();
  assert.equal(decodeMessage('k8s.io.apimachinery.pkg.apis.meta.v1.Duration', dur), '1h0m0s');
  const ios = new ProtoWriter().tag(1, WireType.Varint).int(1).tag(2, WireType.Varint).int(0).tag(3, WireType.LengthDelimited).string('50%').finish();
  assert.equal(decodeMessage('k8s.io.apimachinery.pkg.util.intstr.IntOrString', ios), '50%');
  const ioi = new ProtoWriter().tag(1, WireType.Varint).int(0).tag(2, WireType.Varint).int(8080).finish();
  assert.equal(decodeMessage('k8s.io.apimachinery.pkg.util.intstr.IntOrString', ioi), 8080);
  const t = new ProtoWriter().tag(1, WireType.Varint).int(Date.UTC(2024, 4, 1, 10) / 1000).tag(2, WireType.Varint).int(5).finish();
  assert.equal(decodeMessage('k8s.io.apimachinery.pkg.apis.meta.v1.Time', t), '2024-05-01T10:00:00Z');
  assert.equal(decodeMessage('k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime', t), '2024-05-01T10:00:00.000000Z');
});

test('packed and unpacked repeated scalars both decode', () => {
  // PodPortForwardOptions.ports (1) is repeated int32.
  const unpacked = new ProtoWriter().tag(1, WireType.Varint).int(80).tag(1, WireType.Varint).int(443).finish();
  const packed = new ProtoWriter().tag(1, WireType.LengthDelimited).bytes(new ProtoWriter().int(80).int(443).finish()).finish();
  assert.deepEqual(decodeMessage('k8s.io.api.core.v1.PodPortForwardOptions', unpacked), { ports: [80, 443] });
  assert.deepEqual(decodeMessage('k8s.io.api.core.v1.PodPortForwardOptions', packed), { ports: [80, 443] });
});

test('unknown fields on the wire are skipped', () => {
  const w = new ProtoWriter().tag(99, WireType.LengthDelimited).string('future').tag(1, WireType.LengthDelimited).string('n');
  assert.deepEqual(decodeMessage('k8s.io.api.core.v1.LocalObjectReference', w.finish()), { name: 'n' });
});

function assertBadRequest(body: Uint8Array, msg?: RegExp): void {
  assert.throws(
    () => decodeKubeProtobuf(body),
    (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest' && (!msg || msg.test(e.message)),
  );
}

for (const name of Object.keys(expected)) {
  test(`every truncation of ${name} is a 400, never a crash`, () => {
    const full = fixture(name);
    for (let n = 0; n < full.length; n++) {
      const cut = full.subarray(0, n);
      let outcome: unknown;
      try {
        outcome = decodeKubeProtobuf(cut);
      } catch (e) {
        outcome = e;
      }
      // A cut exactly between two fields of the outer envelope is well-formed but shorter; anything else must be a 400.
      if (!(outcome instanceof StatusError)) {
        assert.ok(typeof outcome === 'object' && outcome !== null && 'kind' in outcome, `prefix ${n}: neither an object nor a StatusError`);
        continue;
      }
      assert.equal(outcome.code, 400, `prefix ${n}`);
    }
  });
}

const envelope = (apiVersion: string, kind: string, raw: Uint8Array): Buffer => {
  const tm = new ProtoWriter().tag(1, WireType.LengthDelimited).string(apiVersion).tag(2, WireType.LengthDelimited).string(kind).finish();
  return new ProtoWriter().raw(Buffer.from('k8s\u0000')).tag(1, WireType.LengthDelimited).bytes(tm).tag(2, WireType.LengthDelimited).bytes(raw).finish();
};

const badBodies: { name: string; body: Uint8Array; msg: RegExp }[] = [
  { name: 'empty body', body: new Uint8Array(0), msg: /does not appear to be a protobuf message/ },
  { name: 'JSON body', body: Buffer.from('{"kind":"Pod"}'), msg: /expected prefix \[107 56 115 0\]/ },
  { name: 'missing kind', body: envelope('v1', '', new Uint8Array(0)), msg: /Kind' is missing/ },
  { name: 'unknown kind', body: envelope('example.com/v1', 'Widget', new Uint8Array(0)), msg: /no kind "Widget" is registered/ },
  { name: 'wrong wire type', body: envelope('v1', 'ConfigMap', new ProtoWriter().tag(1, WireType.Varint).int(3).finish()), msg: /wrong wire type 0 for field ConfigMap.metadata/ },
  { name: 'length past the end', body: envelope('v1', 'ConfigMap', Uint8Array.from([0x0a, 0x40, 0x01])), msg: /runs past the end/ },
  { name: 'truncated varint', body: envelope('scheduling.k8s.io/v1', 'PriorityClass', Uint8Array.from([0x10, 0xff])), msg: /end of data in varint/ },
  { name: 'bad JSON in a RawExtension', body: envelope('apps/v1', 'ControllerRevision', new ProtoWriter().tag(2, WireType.LengthDelimited).bytes(new ProtoWriter().tag(1, WireType.LengthDelimited).string('{nope').finish()).finish()), msg: /RawExtension does not hold valid JSON/ },
  { name: 'content encoding', body: Buffer.concat([envelope('v1', 'ConfigMap', new Uint8Array(0)), new ProtoWriter().tag(3, WireType.LengthDelimited).string('gzip').finish()]), msg: /unsupported content encoding/ },
];
for (const c of badBodies) {
  test(`decodeKubeProtobuf rejects ${c.name} with 400`, () => assertBadRequest(c.body, c.msg));
}

test('deeply nested envelopes are refused, not a stack overflow', () => {
  let inner: Buffer = encodeKubeProtobuf({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p' } });
  for (let i = 0; i < 40; i++) {
    const ev = new ProtoWriter().tag(1, WireType.LengthDelimited).string('ADDED').tag(2, WireType.LengthDelimited).bytes(new ProtoWriter().tag(1, WireType.LengthDelimited).bytes(inner).finish()).finish();
    inner = envelope('v1', 'WatchEvent', ev);
  }
  assertBadRequest(inner, /nested too deeply/);
});

test('encodeKubeProtobuf refuses kinds without a protobuf message and wrong JSON types', () => {
  assert.throws(() => encodeKubeProtobuf({ apiVersion: 'example.com/v1', kind: 'Widget' }), EncodeError);
  assert.throws(() => encodeKubeProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', data: { a: 1 } }), /data\[a\]: cannot encode 1 as string/);
  assert.throws(() => encodeMessage('k8s.io.api.apps.v1.DeploymentSpec', { replicas: 'two' }), /replicas: cannot encode "two" as int32/);
});

test('every keep-zero entry names a scalar or IntOrString field of a catalogued type', () => {
  const byShort = new Map<string, Set<string>>();
  for (const m of Object.values(getCatalog().messages)) {
    const short = m.name.slice(m.name.lastIndexOf('.') + 1);
    const set = byShort.get(short) ?? new Set<string>();
    for (const f of m.fields) if (!f.repeated && !f.mapKey && (!messageDef(f.type) || messageDef(f.type)?.special === 'IntOrString')) set.add(f.name);
    byShort.set(short, set);
  }
  for (const entry of keepZeroFields()) {
    const [type, field] = [entry.slice(0, entry.indexOf('.')), entry.slice(entry.indexOf('.') + 1)];
    assert.ok(byShort.get(type)?.has(field), `${entry} names no scalar field`);
  }
});
