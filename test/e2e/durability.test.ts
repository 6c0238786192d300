/**
 * Durability on the embedded SQLite store: `kill -9` in the middle of a storm
 * of concurrent creates, restart on the same `--data-dir`, and every create
 * that was answered 201 before the kill is there, unchanged; resourceVersions
 * go on increasing after the restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startKapi } from '../support/server.js';
import { H2Client, Http1Client, type ApiTransport } from '../support/transport.js';

const NS = 'storm';
const CM = `/api/v1/namespaces/${NS}/configmaps`;
const WORKERS = 24;
/** Kill once this many creates were acknowledged. */
const KILL_AFTER = 400;
/** Upper bound on attempts, so the storm always ends. */
const MAX_ATTEMPTS = 5_000;

test('creates answered 201 before kill -9 survive the restart', { timeout: 90_000 }, async (t) => {
  const first = await startKapi({ keepDataDir: true });
  const dataDir = first.dataDir;
  const transports: ApiTransport[] = [H2Client.fromKubeconfig(first.url, first.kubeconfig, 2), Http1Client.fromKubeconfig(first.url, first.kubeconfig)];
  try {
    const ns = await transports[0].request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    assert.equal(ns.status, 201, ns.body);

    const acked = new Map<string, { uid: string; rv: string; payload: string }>();
    let attempts = 0;
    let inFlight = 0;
    let inFlightAtKill = -1;
    let killed = false;
    const errorsBeforeKill: string[] = [];
    const worker = async (w: number) => {
      const tr = transports[w % transports.length];
      while (!killed && attempts < MAX_ATTEMPTS) {
        const name = `cm-${attempts++}`;
        const payload = `${name}-${'x'.repeat(200)}`;
        inFlight++;
        try {
          const r = await tr.request('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { payload } }, { timeoutMs: 20_000 });
          if (r.status === 201) {
            const o = r.json();
            acked.set(name, { uid: o.metadata.uid, rv: o.metadata.resourceVersion, payload });
          } else if (!killed) errorsBeforeKill.push(`${name}: ${r.status} ${r.body.slice(0, 200)}`);
        } catch (err) {
          if (!killed) errorsBeforeKill.push(`${name}: ${String(err)}`);
        } finally {
          inFlight--;
        }
        if (!killed && acked.size >= KILL_AFTER) {
          // kill -9 while the other workers' creates are in flight.
          killed = true;
          inFlightAtKill = inFlight;
          first.proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    assert.deepEqual(errorsBeforeKill, [], 'creates failed before the kill');
    assert.ok(killed, `the storm ended after ${attempts} attempts without reaching ${KILL_AFTER} acknowledged creates`);
    assert.ok(inFlightAtKill > 0, 'no create was in flight at the kill');
    await first.kill();
    assert.equal(first.proc.signalCode, 'SIGKILL');
    for (const tr of transports) tr.close();

    const second = await startKapi({ dataDir });
    const c = Http1Client.fromKubeconfig(second.url, second.kubeconfig);
    try {
      const list = await c.request('GET', CM);
      assert.equal(list.status, 200, list.body);
      const stored = new Map<string, { metadata: { uid: string; resourceVersion: string }; data: { payload: string } }>(list.json().items.map((o: { metadata: { name: string } }) => [o.metadata.name, o]));
      const missing = [...acked.keys()].filter((n) => !stored.has(n));
      assert.deepEqual(missing, [], `${missing.length} of ${acked.size} acknowledged creates are gone after kill -9`);
      for (const [name, a] of acked) {
        const o = stored.get(name);
        assert.equal(o?.metadata.uid, a.uid, `${name}: uid changed`);
        assert.equal(o?.metadata.resourceVersion, a.rv, `${name}: resourceVersion changed`);
        assert.equal(o?.data.payload, a.payload, `${name}: data changed`);
      }
      // Unacknowledged creates may or may not have landed, but nothing else appeared.
      for (const name of stored.keys()) assert.ok(name === 'kube-root-ca.crt' || /^cm-\d+$/.test(name), `unexpected ${name}`);
      // The store goes on: a new write gets a larger resourceVersion than anything before the crash.
      const maxRv = Math.max(...[...stored.values()].map((o) => Number(o.metadata.resourceVersion)));
      const after = await c.request('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-restart' } });
      assert.equal(after.status, 201, after.body);
      assert.ok(Number(after.json().metadata.resourceVersion) > maxRv, `resourceVersion ${after.json().metadata.resourceVersion} after the restart is not above ${maxRv}`);
      t.diagnostic(`${acked.size} acknowledged of ${attempts} attempted; ${inFlightAtKill} in flight at the kill; ${stored.size} stored after restart`);
    } finally {
      c.close();
      await second.stop();
    }
  } finally {
    for (const tr of transports) tr.close();
    if (first.proc.exitCode === null && first.proc.signalCode === null) await first.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
