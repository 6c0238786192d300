/**
 * @kubernetes/client-node 1.4 against a real kapi: list, create, patch,
 * watch and an informer (list-then-watch), through the library as users call it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startKapi, type KapiProcess } from '../support/server.js';

let kapi: KapiProcess;
let kc: k8s.KubeConfig;

before(async () => {
  kapi = await startKapi();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(kapi.kubeconfig);
});

after(async () => {
  await kapi?.stop();
});

test('list namespaces, create and patch a configmap', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const nss = await core.listNamespace();
  const names = nss.items.map((n) => n.metadata?.name);
  for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.ok(names.includes(n), n);
  const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'from-node' }, data: { a: '1' } } });
  assert.equal(created.metadata?.name, 'from-node');
  const patched = await core.patchNamespacedConfigMap(
    { name: 'from-node', namespace: 'default', body: { data: { b: '2' } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  assert.deepEqual(patched.data, { a: '1', b: '2' });
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const d = await apps.createNamespacedDeployment({
    namespace: 'default',
    body: { metadata: { name: 'node-web' }, spec: { selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } },
  });
  assert.equal(d.spec?.replicas, 1);
  await assert.rejects(core.readNamespacedConfigMap({ name: 'missing', namespace: 'default' }), (err: unknown) => (err as { code?: number }).code === 404);
});

test('watch delivers events through the library', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const list = await core.listNamespacedConfigMap({ namespace: 'default' });
  const events: string[] = [];
  const w = new k8s.Watch(kc);
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const ac = await w.watch(
    '/api/v1/namespaces/default/configmaps',
    { resourceVersion: list.metadata?.resourceVersion },
    (phase, obj) => {
      events.push(`${phase}:${obj.metadata.name}`);
      if (events.length >= 2) done();
    },
    () => done(),
  );
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'watched' } } });
  await core.deleteNamespacedConfigMap({ name: 'watched', namespace: 'default' });
  await finished;
  ac.abort();
  assert.deepEqual(events, ['ADDED:watched', 'DELETED:watched']);
});

test('an informer lists, then follows changes', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
  const seen = new Set<string>();
  let resolveSeen!: () => void;
  const gotIt = new Promise<void>((r) => (resolveSeen = r));
  informer.on('add', (obj: k8s.V1ConfigMap) => {
    seen.add(obj.metadata?.name ?? '');
    if (seen.has('informed')) resolveSeen();
  });
  await informer.start();
  assert.ok(informer.list().some((o) => o.metadata?.name === 'from-node'));
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'informed' } } });
  await gotIt;
  await informer.stop();
  assert.ok(seen.has('informed'));
});
