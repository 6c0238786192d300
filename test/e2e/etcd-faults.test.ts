/**
 * kapi on a three-member etcd cluster through member failures, and on etcd
 * with frequent compaction:
 *
 * - one member down: writes go on; two down (quorum lost): a create answers a
 *   5xx Status within the request timeout instead of hanging, and /readyz
 *   fails its etcd check; members back: writes and /readyz recover without
 *   restarting kapi, and a watch that resumes from its last resourceVersion
 *   (as reflectors do) has missed nothing.
 * - compaction every 2 s: up-to-date watches (through the watch cache and
 *   straight on etcd) keep receiving every event across compactions; a watch
 *   from a compacted resourceVersion gets an ERROR event with a 410 Expired
 *   Status.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { startEtcd, startEtcdCluster, type EtcdCluster, type EtcdHandle } from '../../src/storage/testing/etcd.js';
import { startKapiReplicas, uniquePrefix, type Replicas } from '../support/replicas.js';
import { H2Client, Http1Client, type Answer, type ApiTransport } from '../support/transport.js';
import { RecordingWatcher, rvOf } from '../support/watchers.js';
import { waitFor } from '../support/wait.js';

const REQUEST_TIMEOUT_S = 6;

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: name } });

function assertStatusBody(r: Answer, what: string): void {
  assert.match(String(r.headers['content-type']), /^application\/json/, `${what}: ${r.status} ${r.body}`);
  const s = r.json();
  assert.equal(s.kind, 'Status', `${what}: ${r.body}`);
  assert.equal(s.apiVersion, 'v1');
  assert.equal(s.status, 'Failure');
  assert.equal(s.code, r.status);
  assert.equal(typeof s.message, 'string');
}

/**
 * Checks a watch saw exactly the acknowledged creates, in order. Creates that
 * were answered with an error may still have happened (a timed-out write can
 * land later, in Kubernetes too): those may appear, at most once each.
 */
function assertSawCreates(w: RecordingWatcher, acked: { name: string; rv: number }[], what: string, uncertain: ReadonlySet<string> = new Set()): void {
  assert.ok(!w.events.some((e) => e.type === 'ERROR'), `${what}: ERROR event ${JSON.stringify(w.events.find((e) => e.type === 'ERROR'))}`);
  let last = 0;
  for (const e of w.events) {
    assert.ok(rvOf(e) > last, `${what}: resourceVersion ${rvOf(e)} after ${last}`);
    last = rvOf(e);
  }
  const ackedNames = new Set(acked.map((a) => a.name));
  const line = (e: { type: string; object: { metadata: { name: string; resourceVersion: string } } }) => `${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`;
  assert.deepEqual(
    w.events.filter((e) => ackedNames.has(e.object.metadata.name)).map(line),
    acked.map((a) => `ADDED ${a.name} ${a.rv}`),
    what,
  );
  const others = w.events.filter((e) => !ackedNames.has(e.object.metadata.name));
  for (const e of others) assert.ok(e.type === 'ADDED' && uncertain.has(e.object.metadata.name), `${what}: unexpected ${line(e)}`);
  assert.equal(new Set(others.map((e) => e.object.metadata.name)).size, others.length, `${what}: repeated events ${others.map(line)}`);
}

describe('etcd member failures', { timeout: 120_000 }, () => {
  let cluster: EtcdCluster | undefined;
  let replicas: Replicas | undefined;
  let c: ApiTransport;
  let readyz: Http1Client;

  after(async () => {
    c?.close();
    readyz?.close();
    await replicas?.stop();
    await cluster?.destroy();
  });

  test('quorum loss fails fast with a Status and recovers without restarting kapi', async (t) => {
    cluster = await startEtcdCluster(3);
    replicas = await startKapiReplicas(1, {
      endpoints: cluster.endpoints,
      prefix: uniquePrefix('faults'),
      args: [`--request-timeout=${REQUEST_TIMEOUT_S}s`, '--etcd-compaction-interval=0'],
    });
    const kapi = replicas.members[0];
    c = H2Client.fromKubeconfig(kapi.url, kapi.kubeconfig);
    readyz = Http1Client.fromKubeconfig(kapi.url, kapi.kubeconfig);
    const ns = 'faults';
    const CM = `/api/v1/namespaces/${ns}/configmaps`;
    assert.equal((await c.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status, 201);
    const acked: { name: string; rv: number }[] = [];
    const uncertain = new Set<string>();
    const create = async (name: string) => {
      const r = await c.request('POST', CM, cm(name), { timeoutMs: 30_000 });
      if (r.status === 201) acked.push({ name, rv: Number(r.json().metadata.resourceVersion) });
      else uncertain.add(name);
      return r;
    };
    const start = await c.request('GET', CM);
    // A reflector-style watch: resumes from its last resourceVersion whenever the server ends the stream.
    const w = new RecordingWatcher(c, CM, { resourceVersion: start.json().metadata.resourceVersion, resumeOnEof: true });
    await w.start();
    try {
      assert.equal((await create('before')).status, 201);

      // One member down: the other two keep a quorum; every create succeeds.
      await cluster.stopMember(0);
      for (let i = 0; i < 5; i++) {
        const r = await create(`one-down-${i}`);
        assert.equal(r.status, 201, `create with one member down: ${r.status} ${r.body}`);
      }

      // Two members down: no quorum. The create answers a 5xx Status within the request timeout.
      await cluster.stopMember(1);
      const t0 = performance.now();
      const failed = await create('no-quorum');
      const elapsed = (performance.now() - t0) / 1000;
      assert.ok(failed.status >= 500 && failed.status <= 599, `create without quorum answered ${failed.status}: ${failed.body}`);
      assertStatusBody(failed, 'create without quorum');
      assert.ok(elapsed <= REQUEST_TIMEOUT_S + 1.5, `the failure took ${elapsed.toFixed(1)} s, more than the ${REQUEST_TIMEOUT_S} s request timeout`);
      t.diagnostic(`create without quorum: ${failed.status} ${failed.json().reason ?? ''} after ${elapsed.toFixed(1)} s: ${failed.json().message}`);

      // /readyz fails on its etcd check, and says so with ?verbose.
      const notReady = await waitFor(
        '/readyz to fail its etcd check',
        async () => {
          const r = await readyz.request('GET', '/readyz?verbose', undefined, { timeoutMs: 15_000 });
          return r.status === 500 && r.body.includes('[-]etcd failed') ? r : undefined;
        },
        20_000,
      );
      assert.match(notReady.body, /\[\+\]ping ok/);
      assert.match(notReady.body, /readyz check failed/);

      // Members back: writes succeed again and /readyz recovers, same kapi process.
      await cluster.startMember(0);
      await cluster.startMember(1);
      let attempt = 0;
      await waitFor('a create to succeed after the members came back', async () => (await create(`recovered-${attempt++}`)).status === 201, 30_000, 200);
      for (let i = 0; i < 5; i++) {
        const r = await create(`after-${i}`);
        assert.equal(r.status, 201, `create after recovery: ${r.status} ${r.body}`);
      }
      await waitFor('/readyz to pass again', async () => (await readyz.request('GET', '/readyz')).status === 200, 20_000);
      assert.equal(kapi.proc.exitCode, null, 'kapi exited');
      assert.equal(kapi.proc.pid, replicas.members[0].proc.pid);

      // The watch missed nothing (the create that timed out may or may not have landed).
      const last = acked[acked.length - 1];
      await w.waitUntil('the watch to see every acknowledged create', (evs) => evs.some((e) => rvOf(e) >= last.rv), 20_000);
      assertSawCreates(w, acked, 'watch across the etcd outage', uncertain);
      t.diagnostic(`watch: ${w.events.length} events over ${w.streams} stream(s)`);
    } finally {
      w.stop();
    }
  });
});

describe('etcd compaction', { timeout: 120_000 }, () => {
  let etcd: EtcdHandle | undefined;
  let replicas: Replicas | undefined;
  const clients: ApiTransport[] = [];

  after(async () => {
    for (const cl of clients) cl.close();
    await replicas?.stop();
    await etcd?.destroy();
  });

  test('watches survive compactions; a compacted resourceVersion gets 410 Expired', async (t) => {
    etcd = await startEtcd();
    // Replica 0 reads etcd directly (no watch cache); replica 1, started later, has the cache.
    replicas = await startKapiReplicas(1, {
      endpoints: etcd.endpoints,
      prefix: uniquePrefix('compaction'),
      args: ['--etcd-compaction-interval=2s'],
      argsOf: (i) => (i === 0 ? ['--watch-cache=false'] : []),
    });
    const direct = H2Client.fromKubeconfig(replicas.members[0].url, replicas.members[0].kubeconfig);
    clients.push(direct);
    const ns = 'compaction';
    const CM = `/api/v1/namespaces/${ns}/configmaps`;
    assert.equal((await direct.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status, 201);
    const early = await direct.request('POST', CM, cm('early'));
    assert.equal(early.status, 201, early.body);
    const rvOld = early.json().metadata.resourceVersion as string;
    // Later writes, so that the cached replica's initial list is strictly newer than rvOld.
    for (const name of ['early-1', 'early-2']) assert.equal((await direct.request('POST', CM, cm(name))).status, 201);

    // The cached replica starts after rvOld: rvOld is older than its window too.
    const cachedKapi = await replicas.add();
    const cached = H2Client.fromKubeconfig(cachedKapi.url, cachedKapi.kubeconfig);
    clients.push(cached);
    const startRv = (await cached.request('GET', CM)).json().metadata.resourceVersion as string;
    const watchers = [new RecordingWatcher(cached, CM, { resourceVersion: startRv }), new RecordingWatcher(direct, CM, { resourceVersion: startRv })];
    await Promise.all(watchers.map((w) => w.start()));
    try {
      // Write steadily until two compactions happened after the watches started.
      const acked: { name: string; rv: number }[] = [];
      const compacted = async (rv: string) => (await direct.request('GET', `${CM}?resourceVersion=${rv}&resourceVersionMatch=Exact`)).status === 410;
      let rvMid: string | undefined;
      const deadline = Date.now() + 30_000;
      for (let i = 0; ; i++) {
        const r = await direct.request('POST', CM, cm(`tick-${i}`));
        assert.equal(r.status, 201, r.body);
        acked.push({ name: `tick-${i}`, rv: Number(r.json().metadata.resourceVersion) });
        if (rvMid === undefined && (await compacted(rvOld))) rvMid = String(acked[acked.length - 1].rv);
        if (rvMid !== undefined && (await compacted(rvMid))) break;
        assert.ok(Date.now() < deadline, `no two compactions within 30 s (first ${rvMid ? 'seen' : 'not seen'}; ${acked.length} writes)`);
        await delay(100); // pacing of the write load, not synchronisation
      }
      const last = acked[acked.length - 1];
      for (const [w, what] of [
        [watchers[0], 'watch through the watch cache'],
        [watchers[1], 'watch straight on etcd'],
      ] as const) {
        await w.waitUntil(`${what} to see the last write`, (evs) => evs.some((e) => rvOf(e) >= last.rv), 15_000);
        assertSawCreates(w, acked, `${what} across compactions`);
        assert.equal(w.streams, 1);
        assert.deepEqual(w.ends, [], `${what} ended`);
      }
      t.diagnostic(`${acked.length} writes; compactions passed ${rvOld} and ${rvMid}`);

      // A list at exactly a compacted resourceVersion: 410 Expired.
      const exact = await cached.request('GET', `${CM}?resourceVersion=${rvOld}&resourceVersionMatch=Exact`);
      assert.equal(exact.status, 410, exact.body);
      assert.equal(exact.json().reason, 'Expired');
      // A watch from the compacted resourceVersion: one ERROR event with a 410 Expired Status, then the stream ends.
      for (const [cl, what] of [
        [direct, 'straight on etcd'],
        [cached, 'through the watch cache'],
      ] as const) {
        const w = new RecordingWatcher(cl, CM, { resourceVersion: rvOld });
        await w.start();
        await w.waitUntil(`the watch ${what} from ${rvOld} to get an event`, (evs) => evs.length > 0, 10_000);
        await waitFor(`the watch ${what} from a compacted resourceVersion to end (got ${JSON.stringify(w.events).slice(0, 300)})`, () => w.ends.length > 0, 10_000);
        w.stop();
        assert.equal(w.events.length, 1, `watch ${what}: ${JSON.stringify(w.events).slice(0, 500)}`);
        const [ev] = w.events;
        assert.equal(ev.type, 'ERROR', `watch ${what} from compacted ${rvOld}: ${JSON.stringify(ev).slice(0, 300)}`);
        assert.equal(ev.object.kind, 'Status');
        assert.equal(ev.object.apiVersion, 'v1');
        assert.equal(ev.object.status, 'Failure');
        assert.equal(ev.object.code, 410);
        assert.equal(ev.object.reason, 'Expired');
        assert.match(ev.object.message, /too old/);
        assert.equal(w.ends[0].status, 200);
        assert.equal(w.ends[0].reason, 'eof');
      }
    } finally {
      for (const w of watchers) w.stop();
    }
  });
});
