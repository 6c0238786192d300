/**
 * An informer from @kubernetes/client-node 1.4 (list, then watch from the
 * list's resourceVersion) follows 1,000 concurrent changes — creates, updates,
 * label flips, deletes — and ends with exactly the state of a fresh list.
 * The library has no periodic resync; mid-run the informer is stopped and
 * started again, which resumes the watch from its last resourceVersion (the
 * reconnect path every long-lived informer takes).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startKapi, type KapiProcess } from '../support/server.js';
import { H2Client } from '../support/transport.js';
import { seededRandom, waitFor } from '../support/wait.js';

const NS = 'informed';
const CM = `/api/v1/namespaces/${NS}/configmaps`;
const CHANGES = 1_000;
const WRITERS = 8;
const NAMES = 120;

let kapi: KapiProcess;
let kc: k8s.KubeConfig;
let h2: H2Client;

before(async () => {
  kapi = await startKapi();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(kapi.kubeconfig);
  h2 = H2Client.fromKubeconfig(kapi.url, kapi.kubeconfig, 2);
  const r = await h2.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  assert.equal(r.status, 201, r.body);
});

after(async () => {
  h2?.close();
  await kapi?.stop();
});

/** name → resourceVersion. */
function versions(items: readonly k8s.V1ConfigMap[]): Record<string, string> {
  return Object.fromEntries(items.map((o) => [o.metadata?.name ?? '', o.metadata?.resourceVersion ?? '']).sort(([a], [b]) => a.localeCompare(b)));
}

test('an informer stays in sync through 1,000 changes', { timeout: 90_000 }, async (t) => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  // Some state before the informer lists.
  for (let i = 0; i < 30; i++) {
    const r = await h2.request('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, labels: { round: '0' } } });
    assert.equal(r.status, 201, r.body);
  }
  const informer = k8s.makeInformer<k8s.V1ConfigMap>(kc, CM, () => core.listNamespacedConfigMap({ namespace: NS }));
  const errors: unknown[] = [];
  informer.on('error', (err) => {
    // Our own stop() aborts the watch request, and the library reports that abort.
    if ((err as { type?: string } | undefined)?.type !== 'aborted') errors.push(err);
  });
  // Per object, the informer must never go back in time.
  const lastSeen = new Map<string, number>();
  const regressions: string[] = [];
  const track = (o: k8s.V1ConfigMap) => {
    const name = o.metadata?.name ?? '';
    const rv = Number(o.metadata?.resourceVersion);
    if (rv < (lastSeen.get(name) ?? 0)) regressions.push(`${name}: ${rv} after ${lastSeen.get(name)}`);
    lastSeen.set(name, rv);
  };
  informer.on('add', track);
  informer.on('update', track);
  let deletes = 0;
  informer.on('delete', () => deletes++);
  await informer.start();
  assert.equal(informer.list(NS).length, 31); // 30 + kube-root-ca.crt

  // The changes: writers race on shared names, so some attempts conflict or miss; only answered writes count.
  let changes = 0;
  let restarted = false;
  const present = new Set(Array.from({ length: 30 }, (_, i) => `cm-${i}`));
  const writer = async (id: number) => {
    const rand = seededRandom(7 + id);
    let seq = 0;
    while (changes < CHANGES) {
      const name = `cm-${Math.floor(rand() * NAMES)}`;
      seq++;
      let r;
      if (!present.has(name)) {
        r = await h2.request('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { round: String(seq % 3) } }, data: { seq: `${id}-${seq}` } });
        if (r.status === 201 || r.status === 409) present.add(name);
      } else if (rand() < 0.25) {
        r = await h2.request('DELETE', `${CM}/${name}`);
        present.delete(name);
      } else {
        r = await h2.request('PATCH', `${CM}/${name}`, { metadata: { labels: { round: String(seq % 3) } }, data: { seq: `${id}-${seq}` } }, { headers: { 'content-type': 'application/merge-patch+json' } });
        if (r.status === 404) present.delete(name);
      }
      if (![200, 201, 404, 409].includes(r.status)) throw new Error(`unexpected ${r.status}: ${r.body.slice(0, 300)}`);
      if (r.status === 200 || r.status === 201) changes++;
      if (!restarted && changes >= CHANGES / 2) {
        // Reconnect mid-run: stop, then start again (resumes from the last resourceVersion).
        restarted = true;
        const rvBefore = (informer as unknown as { latestResourceVersion(): string }).latestResourceVersion();
        await informer.stop();
        await informer.start();
        assert.ok(Number(rvBefore) > 0, 'the informer had no resourceVersion to resume from');
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(i)));
  assert.ok(restarted);

  // Converges on a fresh, consistent list.
  const fresh = await core.listNamespacedConfigMap({ namespace: NS });
  const want = versions(fresh.items);
  await waitFor('the informer cache to equal a fresh list', () => JSON.stringify(versions(informer.list(NS))) === JSON.stringify(want), 20_000);
  await informer.stop();
  assert.deepEqual(versions(informer.list(NS)), want);
  assert.deepEqual(errors, [], 'the informer reported errors');
  assert.deepEqual(regressions, [], 'the informer saw an object go back in time');
  assert.ok(deletes > 0, 'no delete reached the informer');
  t.diagnostic(`${changes} changes; ${fresh.items.length} objects at the end; ${deletes} deletes seen`);
});
