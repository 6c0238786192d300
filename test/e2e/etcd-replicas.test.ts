/**
 * Two kapi processes on one etcd behave as one API server: what is written
 * through one is seen by watches and lists on the other, optimistic
 * concurrency holds across them, and kubectl pointed at either sees the same
 * objects.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd, type EtcdHandle } from '../../src/storage/testing/etcd.js';
import { startKapiReplicas, uniquePrefix, type Replicas } from '../support/replicas.js';
import { H2Client, Http1Client } from '../support/transport.js';
import { RecordingWatcher } from '../support/watchers.js';
import { waitFor } from '../support/wait.js';
import { Kubectl } from '../support/kubectl.js';

const NS = 'replicated';
const CM = `/api/v1/namespaces/${NS}/configmaps`;

let etcd: EtcdHandle;
let replicas: Replicas;
let a: H2Client;
let b: Http1Client;

before(async () => {
  etcd = await startEtcd();
  replicas = await startKapiReplicas(2, { endpoints: etcd.endpoints, prefix: uniquePrefix('replicas') });
  const [ra, rb] = replicas.members;
  a = H2Client.fromKubeconfig(ra.url, ra.kubeconfig);
  b = Http1Client.fromKubeconfig(rb.url, rb.kubeconfig);
  const ns = await a.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  assert.equal(ns.status, 201, ns.body);
});

after(async () => {
  a?.close();
  b?.close();
  await replicas?.stop();
  await etcd?.destroy();
});

test('replicas share one certificate authority and one admin identity', async () => {
  const [ra, rb] = replicas.members;
  assert.notEqual(ra.port, rb.port);
  // The admin credentials written by A authenticate against B.
  const cross = Http1Client.fromKubeconfig(rb.url, ra.kubeconfig);
  try {
    const r = await cross.request('GET', '/api/v1/namespaces/default');
    assert.equal(r.status, 200, r.body);
  } finally {
    cross.close();
  }
});

test('a write through A is seen by a watch and a list on B', async () => {
  const start = await b.request('GET', CM);
  assert.equal(start.status, 200, start.body);
  const w = new RecordingWatcher(b, CM, { resourceVersion: start.json().metadata.resourceVersion });
  await w.start();
  try {
    const created = await a.request('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-a', labels: { via: 'a' } }, data: { k: 'v1' } });
    assert.equal(created.status, 201, created.body);
    const obj = created.json();
    const updated = await a.request('PATCH', `${CM}/from-a`, { data: { k: 'v2' } }, { headers: { 'content-type': 'application/merge-patch+json' } });
    assert.equal(updated.status, 200, updated.body);
    const deleted = await a.request('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'short-lived' } });
    assert.equal(deleted.status, 201, deleted.body);
    assert.equal((await a.request('DELETE', `${CM}/short-lived`)).status, 200);

    await w.waitUntil('B\'s watch to see the writes made through A', (evs) => evs.length >= 4, 15_000);
    assert.deepEqual(
      w.events.map((e) => `${e.type} ${e.object.metadata.name} ${e.type === 'DELETED' ? '' : e.object.metadata.resourceVersion}`),
      [`ADDED from-a ${obj.metadata.resourceVersion}`, `MODIFIED from-a ${updated.json().metadata.resourceVersion}`, `ADDED short-lived ${deleted.json().metadata.resourceVersion}`, 'DELETED short-lived '],
    );
    assert.equal(w.events[0].object.metadata.uid, obj.metadata.uid);
    assert.deepEqual(w.events[1].object.data, { k: 'v2' });

    // A consistent list on B (resourceVersion unset) sees the latest write at once.
    const list = await b.request('GET', CM);
    const item = list.json().items.find((o: { metadata: { name: string } }) => o.metadata.name === 'from-a');
    assert.equal(item?.metadata.resourceVersion, updated.json().metadata.resourceVersion);
    assert.ok(!list.json().items.some((o: { metadata: { name: string } }) => o.metadata.name === 'short-lived'));
    assert.ok(Number(list.json().metadata.resourceVersion) >= Number(w.events[3].object.metadata.resourceVersion));
    // A get on B, and a possibly-stale list (resourceVersion=0) once B's cache caught up.
    const got = await b.request('GET', `${CM}/from-a`);
    assert.equal(got.json().metadata.resourceVersion, updated.json().metadata.resourceVersion);
    await waitFor('B\'s resourceVersion=0 list to catch up', async () => {
      const l = await b.request('GET', `${CM}?resourceVersion=0`);
      return l.json().items.some((o: { metadata: { name: string; resourceVersion: string } }) => o.metadata.name === 'from-a' && o.metadata.resourceVersion === updated.json().metadata.resourceVersion);
    });
  } finally {
    w.stop();
  }
});

test('optimistic concurrency holds across replicas', async () => {
  const created = await a.request('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'contended' }, data: { n: '0' } });
  assert.equal(created.status, 201, created.body);
  // B reads the object, A updates it, B's update with the old resourceVersion must fail.
  const readOnB = await b.request('GET', `${CM}/contended`);
  assert.equal(readOnB.status, 200);
  const stale = readOnB.json();
  const onA = await a.request('PUT', `${CM}/contended`, { ...created.json(), data: { n: 'a' } });
  assert.equal(onA.status, 200, onA.body);
  const onB = await b.request('PUT', `${CM}/contended`, { ...stale, data: { n: 'b' } });
  assert.equal(onB.status, 409, onB.body);
  assert.deepEqual(onB.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Operation cannot be fulfilled on configmaps "contended": the object has been modified; please apply your changes to the latest version and try again',
    reason: 'Conflict',
    details: { name: 'contended', kind: 'configmaps' },
    code: 409,
  });
  // The same on delete with a resourceVersion precondition, and on create of an existing name.
  const del = await b.request('DELETE', `${CM}/contended`, { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion: stale.metadata.resourceVersion } });
  assert.equal(del.status, 409, del.body);
  assert.equal(del.json().reason, 'Conflict');
  const dup = await b.request('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'contended' } });
  assert.equal(dup.status, 409, dup.body);
  assert.equal(dup.json().reason, 'AlreadyExists');
  assert.equal(dup.json().message, 'configmaps "contended" already exists');
  // With the fresh resourceVersion B's update goes through, and A sees it.
  const fresh = await b.request('GET', `${CM}/contended`);
  assert.equal(fresh.json().data.n, 'a');
  const ok = await b.request('PUT', `${CM}/contended`, { ...fresh.json(), data: { n: 'b' } });
  assert.equal(ok.status, 200, ok.body);
  assert.ok(Number(ok.json().metadata.resourceVersion) > Number(onA.json().metadata.resourceVersion));
  assert.equal((await a.request('GET', `${CM}/contended`)).json().data.n, 'b');

  // Many concurrent read-modify-write increments spread over both replicas: none is lost.
  const bump = async (client: H2Client | Http1Client) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const cur = (await client.request('GET', `${CM}/contended`)).json();
      const next = { ...cur, data: { ...cur.data, count: String(Number(cur.data.count ?? 0) + 1) } };
      const r = await client.request('PUT', `${CM}/contended`, next);
      if (r.status === 200) return;
      assert.equal(r.status, 409, r.body);
    }
    throw new Error('no increment went through in 200 attempts');
  };
  await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 === 0 ? a : b)));
  assert.equal((await a.request('GET', `${CM}/contended`)).json().data.count, '20');
});

test('kubectl 1.33 against B sees what was created through A', async () => {
  const [ra, rb] = replicas.members;
  const onA = new Kubectl(33, ra.kubeconfig);
  const onB = new Kubectl(33, rb.kubeconfig);
  onA.ok(['create', 'configmap', 'by-kubectl', `--namespace=${NS}`, '--from-literal=greeting=hello']);
  const created = JSON.parse(onA.ok(['get', 'configmap', 'by-kubectl', `--namespace=${NS}`, '-o', 'json']));
  const seen = JSON.parse(onB.ok(['get', 'configmap', 'by-kubectl', `--namespace=${NS}`, '-o', 'json']));
  assert.equal(seen.metadata.uid, created.metadata.uid);
  assert.equal(seen.metadata.resourceVersion, created.metadata.resourceVersion);
  assert.deepEqual(seen.data, { greeting: 'hello' });
  const table = onB.ok(['get', 'configmaps', `--namespace=${NS}`]);
  assert.match(table, /^NAME\s+DATA\s+AGE/m);
  assert.match(table, /^by-kubectl\s+1\s+/m);
  assert.match(table, /^from-a\s+1\s+/m);
  // And the other way: kubectl on B changes it, A serves the change.
  onB.ok(['label', 'configmap', 'by-kubectl', `--namespace=${NS}`, 'edited-on=b']);
  const viaA = await a.request('GET', `${CM}/by-kubectl`);
  assert.equal(viaA.json().metadata.labels['edited-on'], 'b');
  onB.ok(['delete', 'configmap', 'by-kubectl', `--namespace=${NS}`]);
  assert.equal((await a.request('GET', `${CM}/by-kubectl`)).status, 404);
});
