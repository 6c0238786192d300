/**
 * The real kubectl, at 1.27, 1.30 and 1.33, against a real kapi process:
 * the everyday commands a user runs, end to end.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKapi, type KapiProcess } from '../support/server.js';
import { Kubectl } from '../support/kubectl.js';

const versions = [27, 30, 33];

const deploymentManifest = (ns: string, image: string, env?: { name: string; value: string }) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
${env ? `        env:\n        - name: ${env.name}\n          value: "${env.value}"\n` : ''}`;

let kapi: KapiProcess;
const workDir = mkdtempSync(join(tmpdir(), 'kapi-kubectl-'));

before(async () => {
  kapi = await startKapi({ keepDataDir: true });
});

after(async () => {
  await kapi?.stop();
});

for (const minor of versions) {
  describe(`kubectl 1.${minor}`, () => {
    const ns = `v1${minor}`;
    let k: Kubectl;
    before(() => {
      k = new Kubectl(minor, kapi.kubeconfig);
    });

    test('create namespace, configmap and deployment', () => {
      assert.match(k.ok(['create', 'namespace', ns]), new RegExp(`namespace/${ns} created`));
      assert.match(k.ok(['-n', ns, 'create', 'configmap', 'settings', '--from-literal=a=1', '--from-literal=b=two']), /configmap\/settings created/);
      const cm = JSON.parse(k.ok(['-n', ns, 'get', 'configmap', 'settings', '-o', 'json']));
      assert.deepEqual(cm.data, { a: '1', b: 'two' });
      assert.match(k.ok(['-n', ns, 'create', 'deployment', 'created', '--image=nginx:1.27', '--replicas=0']), /deployment.apps\/created created/);
      const d = JSON.parse(k.ok(['-n', ns, 'get', 'deployment', 'created', '-o', 'json']));
      assert.equal(d.spec.replicas, 0);
      assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.27');
      // The namespace got its default ServiceAccount and root CA ConfigMap.
      assert.match(k.ok(['-n', ns, 'get', 'serviceaccounts']), /default/);
      assert.match(k.ok(['-n', ns, 'get', 'configmap', 'kube-root-ca.crt', '-o', 'jsonpath={.data.ca\\.crt}']), /BEGIN CERTIFICATE/);
    });

    test('apply, then apply a changed manifest', () => {
      const file = join(workDir, `web-${minor}.yaml`);
      writeFileSync(file, deploymentManifest(ns, 'nginx:1.27'));
      assert.match(k.ok(['apply', '-f', file]), /deployment.apps\/web created/);
      writeFileSync(file, deploymentManifest(ns, 'nginx:1.28', { name: 'MODE', value: 'fast' }));
      assert.match(k.ok(['apply', '-f', file]), /deployment.apps\/web configured/);
      assert.match(k.ok(['apply', '-f', file]), /deployment.apps\/web unchanged/);
      const d = JSON.parse(k.ok(['-n', ns, 'get', 'deployment', 'web', '-o', 'json']));
      const c = d.spec.template.spec.containers;
      assert.equal(c.length, 1);
      assert.equal(c[0].image, 'nginx:1.28');
      assert.deepEqual(c[0].env, [{ name: 'MODE', value: 'fast' }]);
      assert.deepEqual(c[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
      assert.equal(d.spec.replicas, 2);
      assert.equal(d.metadata.generation, 2);
      // Kubernetes' defaults are there, as on a real cluster.
      assert.equal(d.spec.strategy.type, 'RollingUpdate');
      assert.equal(d.spec.revisionHistoryLimit, 10);
      assert.equal(d.spec.template.spec.restartPolicy, 'Always');
      assert.equal(c[0].terminationMessagePath, '/dev/termination-log');
      assert.equal(c[0].imagePullPolicy, 'IfNotPresent');
      assert.ok(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'].includes('nginx:1.28'));
    });

    test('get in its several forms', () => {
      const table = k.ok(['-n', ns, 'get', 'deployments']);
      assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/m);
      assert.match(table, /^web\s+0\/2\s+0\s+0\s+\d+s/m);
      const wide = k.ok(['-n', ns, 'get', 'deployments', '-o', 'wide']);
      assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/);
      assert.match(wide, /nginx\s+nginx:1\.28\s+app=web/);
      const yaml = k.ok(['-n', ns, 'get', 'configmap', 'settings', '-o', 'yaml']);
      assert.match(yaml, /^kind: ConfigMap$/m);
      assert.match(yaml, /resourceVersion: "\d+"/);
      const list = JSON.parse(k.ok(['-n', ns, 'get', 'configmaps', '-o', 'json']));
      assert.equal(list.kind, 'List');
      assert.ok(list.items.some((i: { metadata: { name: string } }) => i.metadata.name === 'settings'));
      const all = k.ok(['-n', ns, 'get', 'all']);
      assert.match(all, /deployment.apps\/web/);
      assert.match(all, /deployment.apps\/created/);
    });

    test('api-resources and explain', () => {
      const res = k.ok(['api-resources']);
      assert.match(res, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      assert.match(res, /^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/m);
      assert.match(res, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
      const explain = k.ok(['explain', 'pods.spec.containers']);
      assert.match(explain, /KIND:\s+Pod/);
      assert.match(explain, /FIELD:\s+containers/);
      assert.match(explain, /image/);
    });

    test('label, annotate and scale', () => {
      k.ok(['-n', ns, 'label', 'configmap', 'settings', 'tier=backend']);
      k.ok(['-n', ns, 'annotate', 'configmap', 'settings', 'owner=team-a']);
      const cm = JSON.parse(k.ok(['-n', ns, 'get', 'configmap', 'settings', '-o', 'json']));
      assert.equal(cm.metadata.labels.tier, 'backend');
      assert.equal(cm.metadata.annotations.owner, 'team-a');
      assert.match(k.ok(['-n', ns, 'get', 'configmaps', '-l', 'tier=backend']), /settings/);
      assert.doesNotMatch(k.ok(['-n', ns, 'get', 'configmaps', '-l', 'tier!=backend']), /settings/);
      assert.match(k.ok(['-n', ns, 'scale', 'deployment', 'web', '--replicas=3']), /scaled/);
      assert.equal(k.ok(['-n', ns, 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']), '3');
    });

    test('auth can-i, whoami and create token', () => {
      assert.equal(k.ok(['auth', 'can-i', 'create', 'pods']).trim(), 'yes');
      const who = k.run(['auth', 'whoami']);
      assert.equal(who.code, 0, who.stderr);
      assert.match(who.stdout, /kapi-admin/);
      assert.match(who.stdout, /system:masters/);
      const token = k.ok(['-n', ns, 'create', 'token', 'default']).trim();
      assert.equal(token.split('.').length, 3);
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      assert.equal(claims.sub, `system:serviceaccount:${ns}:default`);
    });

    test('get -w and rollout status follow changes', async () => {
      const watch = k.start(['-n', ns, 'get', 'configmaps', '-w']);
      await watch.waitFor(/settings/);
      k.ok(['-n', ns, 'create', 'configmap', 'late', '--from-literal=x=y']);
      await watch.waitFor(/late/);
      watch.stop();

      const rollout = k.start(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=30s']);
      await rollout.waitFor(/Waiting for deployment/);
      const d = JSON.parse(k.ok(['-n', ns, 'get', 'deployment', 'web', '-o', 'json']));
      const n = d.spec.replicas;
      const status = { observedGeneration: d.metadata.generation, replicas: n, updatedReplicas: n, readyReplicas: n, availableReplicas: n, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'ok' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ok' }] };
      const res = await kapi.client.request('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/web/status`, { body: JSON.stringify({ status }), headers: { 'content-type': 'application/merge-patch+json' } });
      assert.equal(res.status, 200, res.body);
      await rollout.waitFor(/successfully rolled out/);
      rollout.stop();
    });

    test('delete -f and delete --all', () => {
      const file = join(workDir, `web-${minor}.yaml`);
      assert.match(k.ok(['delete', '-f', file]), /deployment.apps "web" deleted/);
      assert.equal(k.run(['-n', ns, 'get', 'deployment', 'web']).code, 1);
      k.ok(['-n', ns, 'delete', 'configmaps', '--all']);
      const left = k.ok(['-n', ns, 'get', 'configmaps', '-o', 'name']);
      assert.doesNotMatch(left, /settings|late/);
    });
  });
}

describe('restart', () => {
  test('objects and increasing resourceVersions survive a restart', async () => {
    const k = new Kubectl(33, kapi.kubeconfig);
    k.ok(['create', 'configmap', 'survivor', '--from-literal=k=v']);
    const before = Number(JSON.parse(k.ok(['get', 'configmap', 'survivor', '-o', 'json'])).metadata.resourceVersion);
    const dataDir = kapi.dataDir;
    assert.equal(await kapi.stop(), 0);
    kapi = await startKapi({ dataDir });
    const k2 = new Kubectl(33, kapi.kubeconfig);
    const cm = JSON.parse(k2.ok(['get', 'configmap', 'survivor', '-o', 'json']));
    assert.deepEqual(cm.data, { k: 'v' });
    k2.ok(['create', 'configmap', 'after-restart', '--from-literal=k=v']);
    const afterRv = Number(JSON.parse(k2.ok(['get', 'configmap', 'after-restart', '-o', 'json'])).metadata.resourceVersion);
    assert.ok(afterRv > before, `${afterRv} > ${before}`);
  });
});
