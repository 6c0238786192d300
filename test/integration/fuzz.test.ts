/**
 * Nothing a client sends may turn into a 500 or a dropped connection. For
 * every served resource (from discovery) a valid seed object is mutated
 * deterministically (seeded PRNG) and sent as POST, as PUT and as merge /
 * strategic-merge / JSON patches on an existing object, plus malformed
 * bodies (truncated JSON, random protobuf, YAML garbage) and bad query
 * parameters. Every answer must be a well-formed Status whose code is the
 * HTTP status, or an object of the resource's kind; the server must still
 * be ready at the end.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify as toYaml } from 'yaml';
import { startKapi, type KapiClient, type KapiProcess, type Response } from '../support/server.js';

const ns = 'fuzz';
/** Mutated POST bodies per resource (PUT, PATCH, DELETE and list requests come on top). */
const postsPerKind = 40;
const putsPerKind = 12;
const patchesPerKind = 20;

type J = null | boolean | number | string | J[] | { [k: string]: J };
type JObj = { [k: string]: J };

const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const podSpec: JObj = { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] };
const template: JObj = { metadata: { labels: { app: 'f' } }, spec: podSpec };
const csr =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlIWU1JR0FBZ0VBTUI0eERUQUxCZ05WQkFNTUJHcGhibVV4RFRBTEJnTlZCQW9NQkdSbGRuTXdXVEFUQmdjcQpoa2pPUFFJQkJnZ3Foa2pPUFFNQkJ3TkNBQVExRHhNNGlidURBSTM4eXVJeU9qYWo5S3hQeUxLOUtwMlRjWkVKCm5NKy8yS1cxemRralRQeDBKOUorY1piUGZYYXBNQlNQcjNxckRRTDcrdzF6KzRsNW9BQXdDZ1lJS29aSXpqMEUKQXdJRFJ3QXdSQUlnS01HWTQ1dzFKR1VYMWVvM0ppNmVVdnNiZXJTS3FCQnZLOW9HT201MXFMUUNJQ0N6QzlJMgp1Z2VWazcyaHhCWXhOdFpQSkVZZTNXZ3k3MzRPZFQ0cXB4NkIKLS0tLS1FTkQgQ0VSVElGSUNBVEUgUkVRVUVTVC0tLS0tCg==';
const webhook = (name: string): JObj => ({ name, clientConfig: { url: 'https://hooks.example.com/x' }, sideEffects: 'None', admissionReviewVersions: ['v1'], rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }] });
const schema: JObj = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } };

/**
 * A valid object of every served resource, keyed `<groupVersion>/<resource>`,
 * without apiVersion and kind (taken from discovery) and without a name (the
 * fuzzer names them). Fields besides metadata.
 */
const seeds: Record<string, JObj> = {
  'v1/bindings': { target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } },
  'v1/componentstatuses': { conditions: [{ type: 'Healthy', status: 'True' }] },
  'v1/configmaps': { data: { a: 'b', 'c.conf': 'x=1\n' }, binaryData: { bin: 'aGVsbG8=' } },
  'v1/endpoints': { subsets: [{ addresses: [{ ip: '10.1.2.3' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }] },
  'v1/events': { involvedObject: { kind: 'Pod', namespace: ns, name: 'p' }, reason: 'Started', message: 'started', type: 'Normal', count: 1, source: { component: 'kubelet' } },
  'v1/limitranges': { spec: { limits: [{ type: 'Container', max: { cpu: '2' }, default: { cpu: '500m' } }] } },
  'v1/namespaces': { spec: {} },
  'v1/nodes': { spec: { podCIDR: '10.244.0.0/24', taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }, status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } },
  'v1/persistentvolumeclaims': { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
  'v1/persistentvolumes': { spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } },
  'v1/pods': { spec: podSpec },
  'v1/podtemplates': { template },
  'v1/replicationcontrollers': { spec: { replicas: 1, selector: { app: 'f' }, template } },
  'v1/resourcequotas': { spec: { hard: { pods: '10', 'requests.cpu': '4' } } },
  'v1/secrets': { type: 'Opaque', data: { k: 'dg==' }, stringData: { s: 'x' } },
  'v1/serviceaccounts': { imagePullSecrets: [{ name: 'reg' }], automountServiceAccountToken: false },
  'v1/services': { spec: { type: 'NodePort', selector: { app: 'f' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
  'admissionregistration.k8s.io/v1/mutatingwebhookconfigurations': { webhooks: [webhook('m.fuzz.example.com')] },
  'admissionregistration.k8s.io/v1/validatingwebhookconfigurations': { webhooks: [webhook('v.fuzz.example.com')] },
  'admissionregistration.k8s.io/v1/validatingadmissionpolicies': {
    spec: { matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }] }, validations: [{ expression: 'true' }] },
  },
  'admissionregistration.k8s.io/v1/validatingadmissionpolicybindings': { spec: { policyName: 'p', validationActions: ['Deny'] } },
  'apiextensions.k8s.io/v1/customresourcedefinitions': {
    spec: { group: 'fuzz.example.com', names: { plural: 'things', kind: 'Thing' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema }] },
  },
  'apiregistration.k8s.io/v1/apiservices': { spec: { group: 'fuzz.example.com', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 15, insecureSkipTLSVerify: true, service: { namespace: ns, name: 'api' } } },
  'apps/v1/controllerrevisions': { data: { spec: { a: 1 } }, revision: 1 },
  'apps/v1/daemonsets': { spec: { selector: { matchLabels: { app: 'f' } }, template } },
  'apps/v1/deployments': { spec: { replicas: 2, selector: { matchLabels: { app: 'f' } }, template, strategy: { rollingUpdate: { maxSurge: '50%' } } } },
  'apps/v1/replicasets': { spec: { selector: { matchLabels: { app: 'f' } }, template } },
  'apps/v1/statefulsets': { spec: { serviceName: 'f', selector: { matchLabels: { app: 'f' } }, template, volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] } },
  'authentication.k8s.io/v1/selfsubjectreviews': {},
  'authentication.k8s.io/v1beta1/selfsubjectreviews': {},
  'authentication.k8s.io/v1/tokenreviews': { spec: { token: 'not-a-token', audiences: ['api'] } },
  'authorization.k8s.io/v1/localsubjectaccessreviews': { spec: { user: 'jane', resourceAttributes: { namespace: ns, verb: 'get', resource: 'pods' } } },
  'authorization.k8s.io/v1/selfsubjectaccessreviews': { spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } },
  'authorization.k8s.io/v1/selfsubjectrulesreviews': { spec: { namespace: ns } },
  'authorization.k8s.io/v1/subjectaccessreviews': { spec: { user: 'jane', groups: ['devs'], resourceAttributes: { verb: 'list', group: 'apps', resource: 'deployments' } } },
  'autoscaling/v2/horizontalpodautoscalers': {
    spec: { scaleTargetRef: target, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }], behavior: { scaleDown: { stabilizationWindowSeconds: 30 } } },
  },
  'autoscaling/v1/horizontalpodautoscalers': { spec: { scaleTargetRef: target, maxReplicas: 5, targetCPUUtilizationPercentage: 60 } },
  'batch/v1/cronjobs': { spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } } } } },
  'batch/v1/jobs': { spec: { completions: 2, template: { spec: { ...podSpec, restartPolicy: 'Never' } } } },
  'certificates.k8s.io/v1/certificatesigningrequests': { spec: { request: csr, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] } },
  'coordination.k8s.io/v1/leases': { spec: { holderIdentity: 'node-1', leaseDurationSeconds: 15, renewTime: '2025-01-01T00:00:00.000000Z' } },
  'discovery.k8s.io/v1/endpointslices': { addressType: 'IPv4', endpoints: [{ addresses: ['10.1.2.3'], conditions: { ready: true } }], ports: [{ name: 'http', port: 80 }] },
  'events.k8s.io/v1/events': { eventTime: '2025-01-01T00:00:00.000000Z', reportingController: 'example.com/c', reportingInstance: 'c-1', action: 'Check', reason: 'Checked', type: 'Normal', regarding: { kind: 'Pod', namespace: ns, name: 'p' } },
  'flowcontrol.apiserver.k8s.io/v1/flowschemas': {
    spec: { priorityLevelConfiguration: { name: 'global-default' }, matchingPrecedence: 5000, rules: [{ subjects: [{ kind: 'Group', group: { name: 'system:authenticated' } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'] }] }] },
  },
  'flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations': { spec: { type: 'Limited', limited: { nominalConcurrencyShares: 10, limitResponse: { type: 'Queue', queuing: { queues: 16, handSize: 4 } } } } },
  'networking.k8s.io/v1/ingressclasses': { spec: { controller: 'example.com/ingress' } },
  'networking.k8s.io/v1/ingresses': { spec: { rules: [{ host: 'www.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } },
  'networking.k8s.io/v1/ipaddresses': { spec: { parentRef: { group: '', resource: 'services', namespace: ns, name: 's' } } },
  'networking.k8s.io/v1/networkpolicies': { spec: { podSelector: { matchLabels: { app: 'f' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 80, endPort: 90 }] }] } },
  'networking.k8s.io/v1/servicecidrs': { spec: { cidrs: ['10.200.0.0/24'] } },
  'node.k8s.io/v1/runtimeclasses': { handler: 'runsc', overhead: { podFixed: { cpu: '100m' } } },
  'policy/v1/poddisruptionbudgets': { spec: { minAvailable: '50%', selector: { matchLabels: { app: 'f' } } } },
  'rbac.authorization.k8s.io/v1/clusterrolebindings': { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'jane' }] },
  'rbac.authorization.k8s.io/v1/clusterroles': { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { nonResourceURLs: ['/healthz'], verbs: ['get'] }] },
  'rbac.authorization.k8s.io/v1/rolebindings': { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: ns }] },
  'rbac.authorization.k8s.io/v1/roles': { rules: [{ apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'], verbs: ['get', 'patch'] }] },
  'scheduling.k8s.io/v1/priorityclasses': { value: 1000, description: 'fuzz' },
  'storage.k8s.io/v1/csidrivers': { spec: { attachRequired: false, podInfoOnMount: true, volumeLifecycleModes: ['Persistent', 'Ephemeral'] } },
  'storage.k8s.io/v1/csinodes': { spec: { drivers: [{ name: 'csi.example.com', nodeID: 'n1', topologyKeys: ['zone'] }] } },
  'storage.k8s.io/v1/csistoragecapacities': { storageClassName: 'fast', capacity: '10Gi', nodeTopology: { matchLabels: { zone: 'a' } } },
  'storage.k8s.io/v1/storageclasses': { provisioner: 'example.com/csi', parameters: { type: 'ssd' }, reclaimPolicy: 'Retain' },
  'storage.k8s.io/v1/volumeattachments': { spec: { attacher: 'csi.example.com', nodeName: 'n1', source: { persistentVolumeName: 'pv' } } },
};

// ---- deterministic randomness ---------------------------------------------------------------

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

// ---- mutations -------------------------------------------------------------------------------

type Path = (string | number)[];

function allPaths(v: J, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => allPaths(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) allPaths(x, [...prefix, k], out);
  return out;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Returns a copy with the value at `path` replaced (the root when path is empty). */
function setAt(root: J, path: Path, value: J): J {
  if (path.length === 0) return value;
  const out = clone(root);
  let cur: J = out;
  for (const k of path.slice(0, -1)) cur = (cur as Record<string | number, J>)[k];
  (cur as Record<string | number, J>)[path[path.length - 1]] = value;
  return out;
}

/** Raw JSON spliced in place of a marker string (numbers JSON.stringify cannot write, deep nesting). */
const RAW = '\u0000raw\u0000';
const rawNumbers = ['1e400', '-1e400', '99999999999999999999999999', '9223372036854775808', '-9223372036854775809', '0.000000000000000000001', '1E+2', '-0', '4294967296'];

const weirdValues: J[] = [
  0,
  -1,
  1.5,
  2147483648,
  -2147483649,
  Number.MAX_SAFE_INTEGER,
  '',
  ' ',
  'x',
  '0',
  'true',
  'null',
  '1.2.3',
  '-',
  'Mi',
  '1e1000',
  '100Qi',
  '9999999999999999999999E',
  '😀\u0000\uffff',
  '../../etc',
  'a'.repeat(300),
  true,
  false,
  null,
  [],
  {},
  [null],
  [1, 'a', {}],
  { a: { b: { c: [] } } },
  { '': 1 },
  { $patch: 'delete' },
];

const badNames = ['', 'UPPER', 'a_b', 'a/b', '..', '.', 'a%2Fb', '-a', 'a-', 'x'.repeat(300), 'ünï', 'a b', '%', '\u0000', 'a:b'];

interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  body?: Buffer | string;
  contentType?: string;
}

/** Serializes a mutated object, splicing raw JSON for marker strings. */
function encode(v: J, raw: string[]): string {
  let text = JSON.stringify(v);
  for (const r of raw) text = text.replace(JSON.stringify(RAW), r);
  return text;
}

function deep(depth: number, open: string, close: string): string {
  return open.repeat(depth) + close.repeat(depth);
}

/** One structural mutation of an object: returns its JSON text and a label. */
function mutateObject(r: Rand, obj: JObj): { text: string; label: string } {
  const paths = allPaths(obj).filter((p) => p.length > 0);
  const p = pick(r, paths);
  const where = p.join('.');
  const raw: string[] = [];
  switch (Math.floor(r() * 12)) {
    case 0:
    case 1: {
      const v = pick(r, weirdValues);
      return { text: encode(setAt(obj, p, v), raw), label: `${where} = ${JSON.stringify(v).slice(0, 40)}` };
    }
    case 2:
      return { text: encode(setAt(obj, p, null), raw), label: `${where} = null` };
    case 3: {
      const n = pick(r, rawNumbers);
      raw.push(n);
      return { text: encode(setAt(obj, p, RAW), raw), label: `${where} = ${n}` };
    }
    case 4: {
      const depth = pick(r, [64, 2000, 20000]);
      raw.push(r() < 0.5 ? deep(depth, '[', ']') : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
      return { text: encode(setAt(obj, p, RAW), raw), label: `${where} nested ${depth} deep` };
    }
    case 5: {
      const big = pick(r, [64 * 1024, 1024 * 1024]);
      return { text: encode(setAt(obj, p, 'x'.repeat(big)), raw), label: `${where} = ${big} byte string` };
    }
    case 6: {
      const parent = p.slice(0, -1);
      const extra = setAt(obj, [...parent, `unknown${Math.floor(r() * 100)}`], pick(r, weirdValues));
      return { text: encode(extra, raw), label: `unknown field next to ${where}` };
    }
    case 7:
      return { text: encode(setAt(obj, p, [clone(obj) as J]), raw), label: `${where} = [object]` };
    case 8: {
      const v = pick(r, [{ apiVersion: 'v2' }, { apiVersion: 'nope/v1' }, { kind: 'Wrong' }, { apiVersion: 5 }, { kind: ['x'] }, { apiVersion: '' }, { kind: '' }, { apiVersion: 'apps/v1', kind: 'Deployment' }]);
      return { text: encode({ ...obj, ...(v as JObj) }, raw), label: `type meta ${JSON.stringify(v)}` };
    }
    case 9: {
      const name = pick(r, badNames);
      return { text: encode(setAt(obj, ['metadata', 'name'], name), raw), label: `name ${JSON.stringify(name.slice(0, 20))}` };
    }
    case 10: {
      const meta = pick(r, [
        { labels: { 'a/b/c': 'x' } },
        { labels: { a: 5 } },
        { annotations: { a: 'x'.repeat(300 * 1024) } },
        { finalizers: [5] },
        { finalizers: ['kubernetes', 'Bad Finalizer'] },
        { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod' }] },
        { ownerReferences: 'x' },
        { resourceVersion: 'abc' },
        { resourceVersion: '99999999999' },
        { uid: 12 },
        { creationTimestamp: 'yesterday' },
        { deletionTimestamp: '2020-01-01T00:00:00Z' },
        { generation: -5 },
        { managedFields: [{ manager: 5 }] },
        { managedFields: 'x' },
        { generateName: 'UP-' },
        { namespace: 'other' },
        { namespace: 5 },
        { selfLink: [] },
      ] as JObj[]);
      return { text: encode({ ...obj, metadata: { ...(obj.metadata as JObj), ...meta } }, raw), label: `metadata ${JSON.stringify(meta).slice(0, 50)}` };
    }
    default: {
      const v = pick(r, [[], 'x', 1, true, null]);
      const top = pick(r, Object.keys(obj));
      return { text: encode({ ...obj, [top]: v }, raw), label: `${top} = ${JSON.stringify(v)}` };
    }
  }
}

/** Bodies that are not JSON objects at all. */
function malformedBody(r: Rand, valid: string): { body: Buffer | string; contentType: string; label: string } {
  switch (Math.floor(r() * 7)) {
    case 0: {
      const at = Math.floor(r() * valid.length);
      return { body: valid.slice(0, at), contentType: 'application/json', label: `truncated at ${at}` };
    }
    case 1: {
      const bytes = Buffer.alloc(1 + Math.floor(r() * 512));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
      return { body: bytes, contentType: 'application/vnd.kubernetes.protobuf', label: `${bytes.length} random protobuf bytes` };
    }
    case 2: {
      const bytes = Buffer.alloc(4 + Math.floor(r() * 256));
      bytes.write('k8s\u0000', 'latin1');
      for (let i = 4; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
      return { body: bytes, contentType: 'application/vnd.kubernetes.protobuf', label: `protobuf magic + ${bytes.length - 4} random bytes` };
    }
    case 3:
      return { body: pick(r, ['[]', '"x"', '1', 'null', 'true', '{}', '{"metadata":', '\u0000', '']), contentType: 'application/json', label: 'not an object' };
    case 4:
      return { body: pick(r, [': : -\n\t{', 'a: [b\n', '- - - x', '!!binary zzz', '&a [*a]', 'metadata: {name: [}']), contentType: 'application/yaml', label: 'broken YAML' };
    case 5:
      return { body: valid, contentType: pick(r, ['text/plain', 'application/xml', 'application/json; charset=latin1', 'application/apply-patch+yaml', '*/*']), label: 'odd content type' };
    default: {
      const bytes = Buffer.from(valid);
      for (let i = 0; i < 8; i++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
      return { body: bytes, contentType: 'application/json', label: 'flipped bytes' };
    }
  }
}

function jsonPatchOps(r: Rand, obj: JObj): J {
  const paths = allPaths(obj).map((p) => '/' + p.map((k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('/'));
  const ops = Array.from({ length: 1 + Math.floor(r() * 3) }, () => {
    const op = pick(r, ['add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus', '']);
    const path = pick(r, [...paths, '', 'noslash', '/spec/-', '/metadata/name', '/a/b/c/d', '/metadata/labels/~2', '/spec/containers/99', '/-']);
    return { op, path, value: pick(r, weirdValues), from: pick(r, [...paths, '/nowhere']) } as J;
  });
  return pick(r, [ops, ops, ops, {} as J, [1, 2] as J, [{ op: 'add' }] as J]);
}

function strategicDirectives(r: Rand): JObj {
  return pick(r, [
    { $patch: 'delete' },
    { $patch: 'replace' },
    { $patch: 'bogus' },
    { metadata: { $patch: 'delete' } },
    { spec: { $retainKeys: 5 } },
    { spec: { $retainKeys: ['nothing'] } },
    { metadata: { '$deleteFromPrimitiveList/finalizers': {} } },
    { metadata: { '$setElementOrder/finalizers': 'x' } },
    { spec: { '$setElementOrder/containers': [{ nome: 'x' }] } },
    { spec: { containers: [{ $patch: 'delete' }] } },
    { spec: { containers: [{ name: 'app', $patch: 'merge' }] } },
    { spec: { template: { spec: { containers: { name: 'x' } } } } },
  ] as JObj[]);
}

// ---- checking answers -------------------------------------------------------------------------

interface Finding {
  resource: string;
  label: string;
  problem: string;
}

/** Why an answer is not acceptable, or undefined. */
function judge(res: Response, expect: { apiVersion: string; kind: string }): string | undefined {
  if (res.status >= 500) return `HTTP ${res.status}: ${res.body.slice(0, 300)}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    return `HTTP ${res.status} with a body that is not JSON: ${JSON.stringify(res.body.slice(0, 200))}`;
  }
  if (res.status >= 400) {
    if (body.kind !== 'Status' || body.apiVersion !== 'v1') return `HTTP ${res.status} without a Status: ${res.body.slice(0, 200)}`;
    if (body.status !== 'Failure') return `Status.status ${String(body.status)}`;
    if (body.code !== res.status) return `Status.code ${String(body.code)} on HTTP ${res.status}`;
    if (typeof body.reason !== 'string' || body.reason === '') return `Status without a reason: ${res.body.slice(0, 200)}`;
    if (typeof body.message !== 'string') return 'Status without a message';
    const causes = (body.details as { causes?: unknown } | undefined)?.causes;
    if (causes !== undefined && !Array.isArray(causes)) return 'details.causes is not a list';
    return undefined;
  }
  if (body.kind === 'Status') return body.status === 'Success' ? undefined : `HTTP ${res.status} with a failed Status`;
  if (body.kind !== expect.kind && body.kind !== `${expect.kind}List`) return `HTTP ${res.status} answered kind ${String(body.kind)}, expected ${expect.kind}`;
  if (body.apiVersion !== expect.apiVersion) return `HTTP ${res.status} answered apiVersion ${String(body.apiVersion)}, expected ${expect.apiVersion}`;
  if (typeof body.metadata !== 'object' || body.metadata === null) return `HTTP ${res.status} object without metadata`;
  return undefined;
}

// ---- the run ------------------------------------------------------------------------------------

interface Served {
  key: string;
  groupVersion: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

let kapi: KapiProcess;
let c: KapiClient;
let served: Served[] = [];
const findings = new Map<string, Finding[]>();
let requestCount = 0;

function collection(s: Served): string {
  const base = s.groupVersion === 'v1' ? '/api/v1' : `/apis/${s.groupVersion}`;
  return s.namespaced ? `${base}/namespaces/${ns}/${s.resource}` : `${base}/${s.resource}`;
}

/**
 * The seed as a full object named after `suffix`. Three kinds derive their
 * name from their content: CRDs (`<plural>.<group>`), APIServices
 * (`<version>.<group>`) and IPAddresses (the address).
 */
function withName(s: Served, suffix: string): JObj {
  const seed = clone(seeds[s.key]);
  let name = suffix;
  const h = fnv(suffix);
  if (s.resource === 'customresourcedefinitions' || s.resource === 'apiservices') {
    const group = `${suffix}.example.com`;
    (seed.spec as JObj).group = group;
    name = s.resource === 'apiservices' ? `v1.${group}` : `things.${group}`;
  } else if (s.resource === 'ipaddresses') {
    name = `192.168.${(h >>> 8) & 255}.${1 + (h % 250)}`;
  }
  return { apiVersion: s.groupVersion, kind: s.kind, metadata: { name, labels: { fuzz: 'yes' } }, ...seed };
}

/**
 * Strategic-merge errors kube-apiserver does not classify (an unknown
 * `$patch`, a directive of the wrong type, lists of mixed element types)
 * reach the client as a plain Go error: 500 with no reason. kapi answers
 * the same; these are collected apart rather than counted as findings.
 */
const unclassifiedPatchErrors: string[] = [];
const smpPlainErrors = /^(unknown patch type: |expected a .+, but received a |list element types are not identical: |unable to find api field in struct |map: .* does not contain declared merge key: )/;

function isUnclassifiedPatchError(req: FuzzRequest, res: Response): boolean {
  if (res.status !== 500 || req.contentType !== 'application/strategic-merge-patch+json') return false;
  try {
    const st = JSON.parse(res.body) as { kind?: string; code?: number; reason?: string; message?: string };
    return st.kind === 'Status' && st.code === 500 && !st.reason && smpPlainErrors.test(st.message ?? '');
  } catch {
    return false;
  }
}

/** One request with a deadline; a connection reset is retried once on a fresh socket (an idle keep-alive race), a second one is a finding. */
async function exchange(req: FuzzRequest, headers: Record<string, string>): Promise<Response | 'timeout'> {
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
  try {
    return await Promise.race([c.request(req.method, req.path, { body: req.body, headers }), timeout]);
  } catch {
    return await Promise.race([c.request(req.method, req.path, { body: req.body, headers: { ...headers, connection: 'close' } }), timeout]);
  }
}

async function send(s: Served, req: FuzzRequest): Promise<void> {
  requestCount++;
  const headers: Record<string, string> = {};
  if (req.contentType) headers['content-type'] = req.contentType;
  let problem: string | undefined;
  try {
    const res = await exchange(req, headers);
    if (res === 'timeout') problem = 'no answer within 15s';
    else if (isUnclassifiedPatchError(req, res)) unclassifiedPatchErrors.push(`${s.key}: ${JSON.parse(res.body).message}`);
    else problem = judge(res, { apiVersion: s.groupVersion, kind: s.kind });
  } catch (err) {
    problem = `request failed twice: ${(err as Error).message}`;
  }
  if (problem) {
    const list = findings.get(s.key) ?? [];
    const sent = req.body === undefined ? '' : Buffer.isBuffer(req.body) ? `<${req.body.length} bytes>` : req.body.length > 300 ? `${req.body.slice(0, 300)}…` : req.body;
    list.push({ resource: s.key, label: `${req.method} ${req.path} [${req.label}] ${req.contentType ?? ''} ${sent}`, problem });
    findings.set(s.key, list);
  }
}

async function fuzzResource(s: Served): Promise<void> {
  const r = prng(fnv(s.key));
  const coll = collection(s);
  const base = `fz-${fnv(s.key).toString(36)}`;
  const canCreate = s.verbs.includes('create');

  // POST: structural mutations and malformed bodies.
  for (let i = 0; i < postsPerKind; i++) {
    const obj = withName(s, `${base}-p${i}`);
    if (r() < 0.25) {
      const m = malformedBody(r, JSON.stringify(obj));
      await send(s, { label: m.label, method: 'POST', path: coll, body: m.body, contentType: m.contentType });
    } else {
      const m = mutateObject(r, obj);
      const yaml = r() < 0.1 ? asYaml(m.text) : undefined;
      await send(s, { label: m.label + (yaml ? ' (yaml)' : ''), method: 'POST', path: coll, body: yaml ?? m.text, contentType: yaml ? 'application/yaml' : 'application/json' });
    }
  }
  // Bad query parameters on lists and creates.
  // (Any `watch` value but 0/false starts a watch, as in Kubernetes: not sent here.)
  const queries = ['?dryRun=Bogus', '?fieldValidation=Maybe', `?fieldManager=${'m'.repeat(200)}`, '?resourceVersion=abc', '?limit=-1', '?continue=garbage', '?labelSelector=!!!', '?fieldSelector=a%3D%3Db%3D%3Dc', '?timeoutSeconds=x', '?resourceVersionMatch=Exact', '?resourceVersion=0&resourceVersionMatch=NotOlderThan&limit=x', '?pretty=2'];
  for (const q of queries) {
    if (s.verbs.includes('list')) await send(s, { label: 'list query', method: 'GET', path: coll + q });
    if (canCreate && r() < 0.3) await send(s, { label: 'create query', method: 'POST', path: coll + q, body: JSON.stringify(withName(s, `${base}-q`)), contentType: 'application/json' });
  }
  if (!s.verbs.includes('update') && !s.verbs.includes('patch')) return;

  // An existing object to update and patch.
  const seedObj = withName(s, `${base}-base`);
  const name = String((seedObj.metadata as JObj).name);
  const created = await c.request('POST', coll, { body: seedObj });
  requestCount++;
  if (created.status !== 201) {
    const list = findings.get(s.key) ?? [];
    list.push({ resource: s.key, label: `seed POST ${coll}`, problem: `the valid seed was not created: ${created.status} ${created.body.slice(0, 400)}` });
    findings.set(s.key, list);
    return;
  }
  const current = JSON.parse(created.body) as JObj;
  const item = `${coll}/${name}`;
  for (let i = 0; i < putsPerKind; i++) {
    if (r() < 0.2) {
      const m = malformedBody(r, JSON.stringify(current));
      await send(s, { label: m.label, method: 'PUT', path: item, body: m.body, contentType: m.contentType });
    } else {
      const m = mutateObject(r, current);
      await send(s, { label: m.label, method: 'PUT', path: item, body: m.text, contentType: 'application/json' });
    }
  }
  for (let i = 0; i < patchesPerKind; i++) {
    const kind = pick(r, ['merge', 'strategic', 'json', 'json', 'apply', 'bare'] as const);
    if (kind === 'json') {
      await send(s, { label: 'json patch', method: 'PATCH', path: item, body: JSON.stringify(jsonPatchOps(r, current)), contentType: 'application/json-patch+json' });
    } else if (kind === 'apply') {
      await send(s, { label: 'apply patch', method: 'PATCH', path: `${item}?fieldManager=fuzz`, body: toYaml(seedObj), contentType: 'application/apply-patch+yaml' });
    } else if (kind === 'bare') {
      await send(s, { label: 'patch without a patch type', method: 'PATCH', path: item, body: '{}', contentType: 'application/json' });
    } else {
      const text = r() < 0.3 ? JSON.stringify(strategicDirectives(r)) : mutateObject(r, current).text;
      const ct = kind === 'merge' ? 'application/merge-patch+json' : 'application/strategic-merge-patch+json';
      const body = r() < 0.15 ? malformedBody(r, text).body : text;
      await send(s, { label: `${kind} patch`, method: 'PATCH', path: item, body, contentType: ct });
    }
  }
  // Status subresource and deletes with bad options on a missing object.
  await send(s, { label: 'status patch', method: 'PATCH', path: `${item}/status`, body: JSON.stringify({ status: pick(r, weirdValues) }), contentType: 'application/merge-patch+json' });
  for (const body of ['{"gracePeriodSeconds":"x"}', '{"propagationPolicy":"Sideways"}', '{"preconditions":{"uid":5}}', '[]', '{"kind":"Pod"}', '{"dryRun":["Bogus"]}']) {
    await send(s, { label: 'delete options', method: 'DELETE', path: `${coll}/${base}-missing`, body, contentType: 'application/json' });
    await send(s, { label: 'delete options on an existing object', method: 'DELETE', path: `${item}?dryRun=All`, body, contentType: 'application/json' });
  }
}

/** The same document as YAML, when it is shallow enough for this process to convert. */
function asYaml(json: string): string | undefined {
  try {
    return toYaml(JSON.parse(json));
  } catch {
    return undefined;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

before(async () => {
  kapi = await startKapi();
  c = kapi.client;
  const nsRes = await c.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
  assert.equal(nsRes.status, 201, nsRes.body);
  const gvs = ['v1'];
  for (const g of (await c.request('GET', '/apis')).json().groups) for (const v of g.versions) gvs.push(v.groupVersion);
  for (const gv of gvs) {
    const list = (await c.request('GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`)).json();
    for (const res of list.resources as { name: string; kind: string; namespaced: boolean; verbs: string[] }[]) {
      if (res.name.includes('/')) continue;
      served.push({ key: `${gv}/${res.name}`, groupVersion: gv, resource: res.name, kind: res.kind, namespaced: res.namespaced, verbs: res.verbs });
    }
  }
  served = served.filter((s) => seeds[s.key] !== undefined).concat(served.filter((s) => seeds[s.key] === undefined));
  const started = Date.now();
  await pool(
    served.filter((s) => seeds[s.key] !== undefined),
    6,
    fuzzResource,
  );
  process.stderr.write(`fuzz: ${requestCount} requests over ${served.length} resources in ${Date.now() - started} ms\n`);
});

after(async () => {
  await kapi?.stop();
});

describe('mutated requests for every served resource get a Status or an object, never a 500', () => {
  test('every served resource has a seed', () => {
    assert.deepEqual(
      served.filter((s) => seeds[s.key] === undefined).map((s) => s.key),
      [],
    );
    assert.ok(served.length >= 60, `${served.length} resources discovered`);
  });

  for (const key of Object.keys(seeds)) {
    test(key, () => {
      assert.ok(
        served.some((s) => s.key === key),
        `${key} is not served`,
      );
      const found = findings.get(key) ?? [];
      assert.equal(found.length, 0, found.map((f) => `${f.problem}\n    ← ${f.label}`).join('\n'));
    });
  }

  test('500s come only from strategic-merge errors kube-apiserver does not classify either', () => {
    // Listed for the record: same code, empty reason and message text as kube-apiserver.
    for (const e of unclassifiedPatchErrors) assert.match(e, /: (unknown patch type|expected a|list element types|unable to find api field|map: )/);
  });

  test('the server is still ready and serves reads', async () => {
    const ready = await c.request('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body, 'ok');
    assert.equal((await c.request('GET', `/api/v1/namespaces/${ns}/configmaps`)).status, 200);
    assert.ok(requestCount > 2000, `${requestCount} requests sent`);
  });
});
