/**
 * The built-in API catalog seen through the real kubectl: `explain` reaches a
 * deep field of every served kind (OpenAPI v3 with 1.33, v2 with 1.27),
 * strict client validation names a mistyped field, `api-resources` lists every
 * served resource, `get` prints kube-apiserver's columns, and field selectors
 * work where Kubernetes supports them and fail with 400 where it does not.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKapi, type KapiProcess } from '../support/server.js';
import { Kubectl } from '../support/kubectl.js';

const ns = 'catalog';
const workDir = mkdtempSync(join(tmpdir(), 'kapi-catalog-'));

let kapi: KapiProcess;
let k33: Kubectl;
let k27: Kubectl;

/** A served resource as discovery lists it (preferred versions only, as kubectl shows them). */
interface Served {
  name: string;
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
}
let served: Served[] = [];

/**
 * One deep path per served resource: `kubectl explain <path>` must answer
 * with the kind and the last field with its type. `apiVersion` picks the
 * group when a resource name is served by two groups (events).
 */
interface ExplainCase {
  resource: string;
  group: string;
  path: string;
  field: string;
  type: string;
  apiVersion?: string;
}

const explainCases: ExplainCase[] = [
  { resource: 'bindings', group: '', path: 'bindings.target.name', field: 'name', type: 'string' },
  { resource: 'componentstatuses', group: '', path: 'componentstatuses.conditions.status', field: 'status', type: 'string' },
  { resource: 'configmaps', group: '', path: 'configmaps.binaryData', field: 'binaryData', type: 'map[string]string' },
  { resource: 'endpoints', group: '', path: 'endpoints.subsets.addresses.targetRef.uid', field: 'uid', type: 'string' },
  { resource: 'events', group: '', path: 'events.involvedObject.fieldPath', field: 'fieldPath', type: 'string', apiVersion: 'v1' },
  { resource: 'limitranges', group: '', path: 'limitranges.spec.limits.defaultRequest', field: 'defaultRequest', type: 'map[string]Quantity' },
  { resource: 'namespaces', group: '', path: 'namespaces.spec.finalizers', field: 'finalizers', type: '[]string' },
  { resource: 'nodes', group: '', path: 'nodes.spec.taints.effect', field: 'effect', type: 'string' },
  { resource: 'persistentvolumeclaims', group: '', path: 'persistentvolumeclaims.spec.dataSourceRef.apiGroup', field: 'apiGroup', type: 'string' },
  { resource: 'persistentvolumes', group: '', path: 'persistentvolumes.spec.csi.nodePublishSecretRef.name', field: 'name', type: 'string' },
  { resource: 'pods', group: '', path: 'pods.spec.containers.livenessProbe.httpGet.httpHeaders.value', field: 'value', type: 'string' },
  { resource: 'podtemplates', group: '', path: 'podtemplates.template.spec.volumes.configMap.items.key', field: 'key', type: 'string' },
  { resource: 'replicationcontrollers', group: '', path: 'replicationcontrollers.spec.template.spec.affinity.podAntiAffinity', field: 'podAntiAffinity', type: 'PodAntiAffinity' },
  { resource: 'resourcequotas', group: '', path: 'resourcequotas.spec.scopeSelector.matchExpressions.operator', field: 'operator', type: 'string' },
  { resource: 'secrets', group: '', path: 'secrets.stringData', field: 'stringData', type: 'map[string]string' },
  { resource: 'serviceaccounts', group: '', path: 'serviceaccounts.imagePullSecrets.name', field: 'name', type: 'string' },
  { resource: 'services', group: '', path: 'services.spec.ports.targetPort', field: 'targetPort', type: 'IntOrString' },
  { resource: 'mutatingwebhookconfigurations', group: 'admissionregistration.k8s.io', path: 'mutatingwebhookconfigurations.webhooks.clientConfig.service.port', field: 'port', type: 'integer' },
  { resource: 'validatingadmissionpolicies', group: 'admissionregistration.k8s.io', path: 'validatingadmissionpolicies.spec.validations.messageExpression', field: 'messageExpression', type: 'string' },
  { resource: 'validatingadmissionpolicybindings', group: 'admissionregistration.k8s.io', path: 'validatingadmissionpolicybindings.spec.paramRef.parameterNotFoundAction', field: 'parameterNotFoundAction', type: 'string' },
  { resource: 'validatingwebhookconfigurations', group: 'admissionregistration.k8s.io', path: 'validatingwebhookconfigurations.webhooks.rules.scope', field: 'scope', type: 'string' },
  { resource: 'customresourcedefinitions', group: 'apiextensions.k8s.io', path: 'customresourcedefinitions.spec.versions.schema.openAPIV3Schema', field: 'openAPIV3Schema', type: 'JSONSchemaProps' },
  { resource: 'apiservices', group: 'apiregistration.k8s.io', path: 'apiservices.spec.service.port', field: 'port', type: 'integer' },
  { resource: 'controllerrevisions', group: 'apps', path: 'controllerrevisions.revision', field: 'revision', type: 'integer' },
  { resource: 'daemonsets', group: 'apps', path: 'daemonsets.spec.updateStrategy.rollingUpdate.maxSurge', field: 'maxSurge', type: 'IntOrString' },
  { resource: 'deployments', group: 'apps', path: 'deployments.spec.template.spec.containers.livenessProbe.httpGet', field: 'httpGet', type: 'HTTPGetAction' },
  { resource: 'replicasets', group: 'apps', path: 'replicasets.spec.selector.matchExpressions', field: 'matchExpressions', type: '[]LabelSelectorRequirement' },
  { resource: 'statefulsets', group: 'apps', path: 'statefulsets.spec.persistentVolumeClaimRetentionPolicy.whenScaled', field: 'whenScaled', type: 'string' },
  { resource: 'selfsubjectreviews', group: 'authentication.k8s.io', path: 'selfsubjectreviews.status.userInfo.groups', field: 'groups', type: '[]string' },
  { resource: 'tokenreviews', group: 'authentication.k8s.io', path: 'tokenreviews.spec.audiences', field: 'audiences', type: '[]string' },
  { resource: 'localsubjectaccessreviews', group: 'authorization.k8s.io', path: 'localsubjectaccessreviews.spec.resourceAttributes.verb', field: 'verb', type: 'string' },
  { resource: 'selfsubjectaccessreviews', group: 'authorization.k8s.io', path: 'selfsubjectaccessreviews.spec.nonResourceAttributes.path', field: 'path', type: 'string' },
  { resource: 'selfsubjectrulesreviews', group: 'authorization.k8s.io', path: 'selfsubjectrulesreviews.status.resourceRules.verbs', field: 'verbs', type: '[]string' },
  { resource: 'subjectaccessreviews', group: 'authorization.k8s.io', path: 'subjectaccessreviews.spec.user', field: 'user', type: 'string' },
  { resource: 'horizontalpodautoscalers', group: 'autoscaling', path: 'horizontalpodautoscalers.spec.metrics.resource.target', field: 'target', type: 'MetricTarget' },
  { resource: 'cronjobs', group: 'batch', path: 'cronjobs.spec.jobTemplate.spec.template.spec', field: 'spec', type: 'PodSpec' },
  { resource: 'jobs', group: 'batch', path: 'jobs.spec.podFailurePolicy.rules.onExitCodes.operator', field: 'operator', type: 'string' },
  { resource: 'certificatesigningrequests', group: 'certificates.k8s.io', path: 'certificatesigningrequests.spec.usages', field: 'usages', type: '[]string' },
  { resource: 'leases', group: 'coordination.k8s.io', path: 'leases.spec.holderIdentity', field: 'holderIdentity', type: 'string' },
  { resource: 'endpointslices', group: 'discovery.k8s.io', path: 'endpointslices.endpoints.conditions.ready', field: 'ready', type: 'boolean' },
  { resource: 'events', group: 'events.k8s.io', path: 'events.regarding.kind', field: 'kind', type: 'string', apiVersion: 'events.k8s.io/v1' },
  { resource: 'flowschemas', group: 'flowcontrol.apiserver.k8s.io', path: 'flowschemas.spec.rules.subjects.serviceAccount.namespace', field: 'namespace', type: 'string' },
  { resource: 'prioritylevelconfigurations', group: 'flowcontrol.apiserver.k8s.io', path: 'prioritylevelconfigurations.spec.limited.limitResponse.queuing.handSize', field: 'handSize', type: 'integer' },
  { resource: 'ingressclasses', group: 'networking.k8s.io', path: 'ingressclasses.spec.parameters.scope', field: 'scope', type: 'string' },
  { resource: 'ingresses', group: 'networking.k8s.io', path: 'ingresses.spec.rules.http.paths.backend.service.port', field: 'port', type: 'ServiceBackendPort' },
  { resource: 'ipaddresses', group: 'networking.k8s.io', path: 'ipaddresses.spec.parentRef.resource', field: 'resource', type: 'string' },
  { resource: 'networkpolicies', group: 'networking.k8s.io', path: 'networkpolicies.spec.ingress.from.ipBlock.except', field: 'except', type: '[]string' },
  { resource: 'servicecidrs', group: 'networking.k8s.io', path: 'servicecidrs.spec.cidrs', field: 'cidrs', type: '[]string' },
  { resource: 'runtimeclasses', group: 'node.k8s.io', path: 'runtimeclasses.overhead.podFixed', field: 'podFixed', type: 'map[string]Quantity' },
  { resource: 'poddisruptionbudgets', group: 'policy', path: 'poddisruptionbudgets.spec.maxUnavailable', field: 'maxUnavailable', type: 'IntOrString' },
  { resource: 'clusterrolebindings', group: 'rbac.authorization.k8s.io', path: 'clusterrolebindings.roleRef.apiGroup', field: 'apiGroup', type: 'string' },
  { resource: 'clusterroles', group: 'rbac.authorization.k8s.io', path: 'clusterroles.rules', field: 'rules', type: '[]PolicyRule' },
  { resource: 'rolebindings', group: 'rbac.authorization.k8s.io', path: 'rolebindings.subjects.namespace', field: 'namespace', type: 'string' },
  { resource: 'roles', group: 'rbac.authorization.k8s.io', path: 'roles.rules.resourceNames', field: 'resourceNames', type: '[]string' },
  { resource: 'priorityclasses', group: 'scheduling.k8s.io', path: 'priorityclasses.preemptionPolicy', field: 'preemptionPolicy', type: 'string' },
  { resource: 'csidrivers', group: 'storage.k8s.io', path: 'csidrivers.spec.tokenRequests.audience', field: 'audience', type: 'string' },
  { resource: 'csinodes', group: 'storage.k8s.io', path: 'csinodes.spec.drivers.allocatable.count', field: 'count', type: 'integer' },
  { resource: 'csistoragecapacities', group: 'storage.k8s.io', path: 'csistoragecapacities.nodeTopology', field: 'nodeTopology', type: 'LabelSelector' },
  { resource: 'storageclasses', group: 'storage.k8s.io', path: 'storageclasses.allowedTopologies.matchLabelExpressions.values', field: 'values', type: '[]string' },
  { resource: 'volumeattachments', group: 'storage.k8s.io', path: 'volumeattachments.spec.source.inlineVolumeSpec', field: 'inlineVolumeSpec', type: 'PersistentVolumeSpec' },
];

/** The same through OpenAPI v2 (kubectl 1.27 `--output=plaintext-openapiv2`), where objects print as `<Object>`. */
const explainV2Cases: { path: string; kind: string; version: string; field: string; type: string }[] = [
  { path: 'deployments.spec.template.spec.containers.livenessProbe.httpGet', kind: 'Deployment', version: 'apps/v1', field: 'httpGet', type: 'Object' },
  { path: 'ingresses.spec.rules.http.paths.backend.service.port', kind: 'Ingress', version: 'networking.k8s.io/v1', field: 'port', type: 'Object' },
  { path: 'cronjobs.spec.jobTemplate.spec.template.spec.containers', kind: 'CronJob', version: 'batch/v1', field: 'containers', type: '[]Object' },
  { path: 'clusterroles.rules.verbs', kind: 'ClusterRole', version: 'rbac.authorization.k8s.io/v1', field: 'verbs', type: '[]string' },
  { path: 'services.spec.ports.port', kind: 'Service', version: 'v1', field: 'port', type: 'integer' },
];

const fixtures = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: ${ns}}
spec:
  ingressClassName: nginx
  tls: [{hosts: [www.example.com], secretName: www-tls}]
  rules:
  - host: www.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: ${ns}}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, storageClassName: fast}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: ${ns}}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: tick, namespace: ${ns}}
spec:
  schedule: "*/5 * * * *"
  timeZone: Etc/UTC
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: tick, image: "busybox:1.36"}]}}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: ${ns}}
spec:
  template: {spec: {restartPolicy: Never, containers: [{name: work, image: "busybox:1.36"}]}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: ${ns}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 7
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: on-node-a, namespace: ${ns}}
spec:
  nodeName: node-a
  containers: [{name: app, image: "nginx:1.27"}]
---
apiVersion: v1
kind: Pod
metadata: {name: unscheduled, namespace: ${ns}}
spec:
  containers: [{name: app, image: "nginx:1.27"}]
---
apiVersion: v1
kind: Secret
metadata: {name: www-tls, namespace: ${ns}}
type: kubernetes.io/tls
data: {tls.crt: Y2VydA==, tls.key: a2V5}
---
apiVersion: v1
kind: Secret
metadata: {name: plain, namespace: ${ns}}
stringData: {k: v}
---
apiVersion: v1
kind: Event
metadata: {name: on-node-a.1, namespace: ${ns}}
involvedObject: {kind: Pod, namespace: ${ns}, name: on-node-a}
reason: Scheduled
type: Normal
message: assigned to node-a
source: {component: default-scheduler}
---
apiVersion: v1
kind: Event
metadata: {name: unscheduled.1, namespace: ${ns}}
involvedObject: {kind: Pod, namespace: ${ns}, name: unscheduled}
reason: FailedScheduling
type: Warning
message: no nodes available
source: {component: default-scheduler}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: ${ns}}
spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
---
apiVersion: v1
kind: Node
metadata: {name: catalog-node-a}
spec: {unschedulable: true}
---
apiVersion: v1
kind: Node
metadata: {name: catalog-node-b}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: 0
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: "nginx:1.27"}]}}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy, namespace: ${ns}}
spec:
  replicas: 0
  template: {metadata: {labels: {app: legacy}}, spec: {containers: [{name: app, image: "nginx:1.27"}]}}
`;

before(async () => {
  kapi = await startKapi();
  k33 = new Kubectl(33, kapi.kubeconfig);
  k27 = new Kubectl(27, kapi.kubeconfig);
  k33.ok(['create', 'namespace', ns]);
  const file = join(workDir, 'fixtures.yaml');
  writeFileSync(file, fixtures);
  k33.ok(['apply', '-f', file]);
  // The pod on node-a runs.
  const running = await kapi.client.request('PATCH', `/api/v1/namespaces/${ns}/pods/on-node-a/status`, {
    body: JSON.stringify({ status: { phase: 'Running' } }),
    headers: { 'content-type': 'application/merge-patch+json' },
  });
  assert.equal(running.status, 200, running.body);

  const c = kapi.client;
  const lists = [(await c.request('GET', '/api/v1')).json()];
  for (const g of (await c.request('GET', '/apis')).json().groups) lists.push((await c.request('GET', `/apis/${g.preferredVersion.groupVersion}`)).json());
  served = lists.flatMap((l) => {
    const [group, version] = l.groupVersion.includes('/') ? l.groupVersion.split('/') : ['', l.groupVersion];
    return (l.resources as { name: string; kind: string; namespaced: boolean; shortNames?: string[] }[])
      .filter((r) => !r.name.includes('/'))
      .map((r) => ({ name: r.name, group, version, kind: r.kind, namespaced: r.namespaced, shortNames: r.shortNames ?? [] }));
  });
});

after(async () => {
  await kapi?.stop();
});

describe('kubectl 1.33 explain: a deep path of every served kind', () => {
  test('the table covers every served resource', () => {
    const missing = served.filter((s) => !explainCases.some((c) => c.resource === s.name && c.group === s.group)).map((s) => `${s.name}.${s.group}`);
    assert.deepEqual(missing, []);
  });

  for (const c of explainCases) {
    test(`${c.path}${c.group ? ` (${c.group})` : ''}`, () => {
      const s = served.find((r) => r.name === c.resource && r.group === c.group);
      assert.ok(s, `${c.resource}.${c.group} is not served`);
      const out = k33.ok(['explain', c.path, ...(c.apiVersion ? [`--api-version=${c.apiVersion}`] : [])]);
      if (c.group) assert.match(out, new RegExp(`^GROUP:\\s+${c.group.replace(/\./g, '\\.')}$`, 'm'));
      else assert.doesNotMatch(out, /^GROUP:/m);
      assert.match(out, new RegExp(`^KIND:\\s+${s.kind}$`, 'm'));
      assert.match(out, new RegExp(`^VERSION:\\s+${s.version}$`, 'm'));
      assert.ok(out.includes(`FIELD: ${c.field} <${c.type}>`), `expected "FIELD: ${c.field} <${c.type}>" in:\n${out}`);
      assert.match(out, /^DESCRIPTION:$/m);
    });
  }

  test('an unknown field is named in the error', () => {
    const r = k33.run(['explain', 'deployments.spec.replicsa']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /field "replicsa" does not exist/);
  });
});

describe('kubectl 1.27 explain through OpenAPI v2', () => {
  for (const c of explainV2Cases) {
    test(c.path, () => {
      const out = k27.ok(['explain', c.path, '--output=plaintext-openapiv2']);
      assert.match(out, new RegExp(`^KIND:\\s+${c.kind}$`, 'm'));
      assert.match(out, new RegExp(`^VERSION:\\s+${c.version.replace(/\./g, '\\.')}$`, 'm'));
      assert.ok(out.includes(`RESOURCE: ${c.field} <${c.type}>`) || out.includes(`FIELD:    ${c.field} <${c.type}>`), `expected ${c.field} <${c.type}> in:\n${out}`);
    });
  }
});

describe('kubectl apply --validate=strict names a mistyped field', () => {
  const manifest = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  replicsa: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: app, image: "nginx:1.27"}]
`;
  for (const [minor, get] of [
    [33, () => k33],
    [27, () => k27],
  ] as const) {
    test(`kubectl 1.${minor}`, () => {
      const name = `typo-${minor}`;
      const file = join(workDir, `${name}.yaml`);
      writeFileSync(file, manifest(name));
      const r = get().run(['apply', '--validate=strict', '-f', file]);
      assert.notEqual(r.code, 0, r.stdout);
      assert.match(r.stderr, /unknown field "spec\.replicsa"/);
      assert.match(r.stderr, /Error from server \(BadRequest\)/);
      assert.equal(get().run(['-n', ns, 'get', 'deployment', name]).code, 1, 'nothing was created');
      // Without strict validation the field is dropped with a warning and the object is created.
      const warned = get().run(['apply', '--validate=warn', '-f', file]);
      assert.equal(warned.code, 0, warned.stderr);
      assert.match(warned.stderr, /unknown field "spec\.replicsa"/);
    });
  }
});

describe('kubectl api-resources', () => {
  test('prints a row per served resource with its short names, version, scope and kind', () => {
    const out = k33.ok(['api-resources']);
    const rows = out.trim().split('\n').slice(1);
    assert.equal(rows.length, served.length, out);
    for (const s of served) {
      const gv = s.group ? `${s.group}/${s.version}` : s.version;
      const short = s.shortNames.length > 0 ? `${s.shortNames.join(',')}\\s+` : '';
      const re = new RegExp(`^${s.name}\\s+${short}${gv.replace(/\./g, '\\.')}\\s+${s.namespaced}\\s+${s.kind}$`, 'm');
      assert.match(out, re);
    }
  });

  test('filters by group, scope and verbs', () => {
    const batch = k33.ok(['api-resources', '--api-group=batch', '-o', 'name']).trim().split('\n').sort();
    assert.deepEqual(batch, ['cronjobs.batch', 'jobs.batch']);
    const cluster = k33.ok(['api-resources', '--namespaced=false', '-o', 'name']);
    assert.match(cluster, /^namespaces$/m);
    assert.doesNotMatch(cluster, /^pods$/m);
    const listable = k33.ok(['api-resources', '--verbs=list', '-o', 'name']);
    assert.doesNotMatch(listable, /^bindings$/m);
    assert.doesNotMatch(listable, /selfsubjectaccessreviews/);
  });
});

describe('kubectl get tables', () => {
  const cases: { resource: string; wide?: boolean; header: RegExp; row: RegExp }[] = [
    { resource: 'hpa', header: /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/m, row: /^web\s+Deployment\/web\s+cpu: <unknown>\/60%\s+2\s+7\s+0\s+\d+s$/m },
    { resource: 'ingress', header: /^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE$/m, row: /^web\s+nginx\s+www\.example\.com\s+80, 443\s+\d+s$/m },
    { resource: 'pvc', header: /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/m, row: /^data\s+Pending\s+fast\s+<unset>\s+\d+s$/m },
    { resource: 'pvc', wide: true, header: /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE\s+VOLUMEMODE$/m, row: /^data\s+Pending\s+fast\s+<unset>\s+\d+s\s+Filesystem$/m },
    { resource: 'roles', header: /^NAME\s+CREATED AT$/m, row: /^reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m },
    { resource: 'cronjobs', header: /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE$/m, row: /^tick\s+\*\/5 \* \* \* \*\s+Etc\/UTC\s+False\s+0\s+<none>\s+\d+s$/m },
    {
      resource: 'cronjobs',
      wide: true,
      header: /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m,
      row: /^tick\s+\*\/5 \* \* \* \*\s+Etc\/UTC\s+False\s+0\s+<none>\s+\d+s\s+tick\s+busybox:1\.36\s+<none>$/m,
    },
    { resource: 'jobs', header: /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/m, row: /^once\s+Running\s+0\/1\s+\d+s$/m },
    {
      resource: 'jobs',
      wide: true,
      header: /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m,
      row: /^once\s+Running\s+0\/1\s+\d+s\s+work\s+busybox:1\.36\s+batch\.kubernetes\.io\/controller-uid=[0-9a-f-]{36}$/m,
    },
    { resource: 'services', wide: true, header: /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR$/m, row: /^web\s+NodePort\s+10\.\d+\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP\s+\d+s\s+app=web$/m },
    { resource: 'pods', wide: true, header: /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m, row: /^on-node-a\s+0\/1\s+Running\s+0\s+\d+s\s+<none>\s+node-a\s+<none>\s+<none>$/m },
  ];
  for (const c of cases) {
    test(`get ${c.resource}${c.wide ? ' -o wide' : ''}`, () => {
      const out = k33.ok(['-n', ns, 'get', c.resource, ...(c.wide ? ['-o', 'wide'] : [])]);
      assert.match(out, c.header);
      assert.match(out, c.row);
    });
  }
});

describe('field selectors', () => {
  const cases: { resource: string; selector: string; names: string[] }[] = [
    { resource: 'pods', selector: 'status.phase=Running', names: ['on-node-a'] },
    { resource: 'pods', selector: 'status.phase!=Running', names: ['unscheduled'] },
    { resource: 'pods', selector: 'spec.nodeName=node-a', names: ['on-node-a'] },
    { resource: 'pods', selector: 'spec.nodeName=', names: ['unscheduled'] },
    { resource: 'pods', selector: 'spec.restartPolicy=Always,metadata.name=unscheduled', names: ['unscheduled'] },
    { resource: 'events', selector: 'involvedObject.name=on-node-a', names: ['on-node-a.1'] },
    { resource: 'events', selector: 'type=Warning', names: ['unscheduled.1'] },
    { resource: 'events', selector: 'reason=Scheduled,involvedObject.kind=Pod', names: ['on-node-a.1'] },
    { resource: 'secrets', selector: 'type=kubernetes.io/tls', names: ['www-tls'] },
    { resource: 'secrets', selector: 'type=Opaque', names: ['plain'] },
    { resource: 'services', selector: 'spec.clusterIP=None', names: ['db'] },
    { resource: 'services', selector: 'spec.type=NodePort', names: ['web'] },
    { resource: 'jobs', selector: 'status.successful=0', names: ['once'] },
    { resource: 'namespaces', selector: `status.phase=Active,metadata.name=${ns}`, names: [ns] },
    { resource: 'nodes', selector: 'spec.unschedulable=true', names: ['catalog-node-a'] },
    { resource: 'nodes', selector: 'spec.unschedulable=false', names: ['catalog-node-b'] },
    { resource: 'replicasets', selector: 'status.replicas=0', names: ['web'] },
    { resource: 'replicationcontrollers', selector: 'status.replicas=0,metadata.name=legacy', names: ['legacy'] },
    { resource: 'persistentvolumeclaims', selector: 'name=data', names: ['data'] },
    { resource: 'events.events.k8s.io', selector: 'regarding.name=on-node-a', names: ['on-node-a.1'] },
    { resource: 'events.events.k8s.io', selector: 'reason=FailedScheduling', names: ['unscheduled.1'] },
  ];
  for (const c of cases) {
    test(`${c.resource} --field-selector ${c.selector}`, () => {
      const scope = c.resource === 'namespaces' || c.resource === 'nodes' ? [] : ['-n', ns];
      const out = k33.ok([...scope, 'get', c.resource, `--field-selector=${c.selector}`, '-o', 'name']);
      const names = out.trim().split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('/') + 1)).sort();
      assert.deepEqual(names, c.names);
    });
  }

  test('a field Kubernetes does not index answers 400 field label not supported', async () => {
    const r = k33.run(['-n', ns, 'get', 'configmaps', '--field-selector=data.k=v']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(BadRequest\)/);
    assert.match(r.stderr, /field label not supported: data\.k/);
    const res = await kapi.client.request('GET', `/api/v1/namespaces/${ns}/pods?fieldSelector=${encodeURIComponent('spec.containers.image=nginx')}`);
    assert.equal(res.status, 400, res.body);
    const s = res.json();
    assert.equal(s.kind, 'Status');
    assert.equal(s.reason, 'BadRequest');
    assert.equal(s.code, 400);
    assert.match(s.message, /field label not supported: spec\.containers\.image/);
  });

  test('watch with a field selector sees only matching objects', async () => {
    const events = await kapi.client.watch(`/api/v1/namespaces/${ns}/pods?watch=1&fieldSelector=spec.nodeName%3Dnode-a`, (evs) => evs.length >= 1, 5000);
    assert.deepEqual(
      events.map((e) => [e.type, e.object.metadata.name]),
      [['ADDED', 'on-node-a']],
    );
  });
});
