/**
 * Watch that never misses: concurrent writers (creates, updates with and
 * without resourceVersion, label flips, deletes) over a small set of
 * ConfigMaps while twenty watchers of every kind follow them — from a recent
 * resourceVersion (the reference), from 0 and unset (initial state then
 * changes), with label selectors (transitions become ADDED/DELETED), and
 * restarted mid-stream from the last resourceVersion they saw. Every stream is
 * then checked against the acknowledged writes.
 *
 * Runs on SQLite, on etcd (one member; with and without the watch cache),
 * and on two kapi replicas sharing one etcd (writers and watchers spread over
 * both).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKapi, type KapiProcess } from '../support/server.js';
import { H2Client, Http1Client, type ApiTransport, type WatchEvent } from '../support/transport.js';
import { RecordingWatcher, rvOf } from '../support/watchers.js';
import { seededRandom, waitFor } from '../support/wait.js';
import { startKapiReplicas, uniquePrefix } from '../support/replicas.js';
import { startEtcd } from '../../src/storage/testing/etcd.js';

const NS = 'watch-correctness';
const CM = `/api/v1/namespaces/${NS}/configmaps`;
const NAME_COUNT = 50;
const PRECREATED = 20;
const WRITERS = 8;
const OPS_PER_WRITER = 40;
const COLORS = ['red', 'blue', 'green', undefined] as const;

type Labels = Record<string, string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

/** A label selector the test can send and evaluate itself. */
interface Selector {
  text: string;
  matches(labels: Labels): boolean;
}

const sel = (text: string, matches: (l: Labels) => boolean): Selector => ({ text, matches });
const SELECTORS = {
  red: sel('color=red', (l) => l.color === 'red'),
  redOrGreen: sel('color in (red,green)', (l) => l.color === 'red' || l.color === 'green'),
  notRed: sel('color!=red', (l) => l.color !== 'red'),
  noColor: sel('!color', (l) => l.color === undefined),
  anyColor: sel('color', (l) => l.color !== undefined),
  blue: sel('color=blue', (l) => l.color === 'blue'),
};

/** One acknowledged write. */
interface Ack {
  op: 'create' | 'update' | 'delete';
  name: string;
  uid: string;
  /** For create/update: the resourceVersion the server answered. */
  rv?: number;
  labels?: Labels;
  data?: Record<string, string>;
}

interface Endpoint {
  server: KapiProcess;
  h2: H2Client;
  h1: Http1Client;
}

const labelsOf = (o: Obj): Labels => (o?.metadata?.labels ?? {}) as Labels;
const nameOf = (o: Obj): string => String(o?.metadata?.name);
const key = (e: WatchEvent) => `${e.type} ${nameOf(e.object)} ${e.object?.metadata?.resourceVersion}`;

function expectStatus(r: { status: number; body: string }, allowed: number[], what: string): void {
  if (!allowed.includes(r.status)) throw new Error(`${what}: unexpected ${r.status}: ${r.body.slice(0, 300)}`);
}

function ackOf(op: 'create' | 'update', o: Obj): Ack {
  return { op, name: nameOf(o), uid: o.metadata.uid, rv: Number(o.metadata.resourceVersion), labels: labelsOf(o), data: o.data ?? {} };
}

/** Runs one writer: `OPS_PER_WRITER` operations on random names, recording what the server acknowledged. */
async function writer(id: number, t: ApiTransport, believedPresent: Map<string, boolean>, acks: Ack[]): Promise<void> {
  const rand = seededRandom(1000 + id);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  for (let i = 0; i < OPS_PER_WRITER; i++) {
    const name = `cm-${String(Math.floor(rand() * NAME_COUNT)).padStart(2, '0')}`;
    const seq = `w${id}-${i}`;
    if (!believedPresent.get(name)) {
      const color = pick(COLORS);
      const r = await t.request('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: color ? { color } : {} }, data: { seq } });
      expectStatus(r, [201, 409], `create ${name}`);
      if (r.status === 201) acks.push(ackOf('create', r.json()));
      believedPresent.set(name, true);
      continue;
    }
    const roll = rand();
    if (roll < 0.35) {
      // Read-modify-write with the resourceVersion: may lose the race (409 Conflict).
      const g = await t.request('GET', `${CM}/${name}`);
      expectStatus(g, [200, 404], `get ${name}`);
      if (g.status === 404) {
        believedPresent.set(name, false);
        continue;
      }
      const obj = g.json();
      obj.data = { ...(obj.data ?? {}), seq };
      if (rand() < 0.5) {
        const color = pick(COLORS);
        obj.metadata.labels = color ? { color } : {};
      }
      const u = await t.request('PUT', `${CM}/${name}`, obj);
      expectStatus(u, [200, 404, 409], `update ${name}`);
      if (u.status === 200) acks.push(ackOf('update', u.json()));
      if (u.status === 409) assert.equal(u.json().reason, 'Conflict', u.body);
      if (u.status === 404) believedPresent.set(name, false);
    } else if (roll < 0.7) {
      // Label flip by merge patch (no resourceVersion: applies to the latest object).
      const color = pick(COLORS);
      const p = await t.request('PATCH', `${CM}/${name}`, { metadata: { labels: { color: color ?? null } }, data: { seq } }, { headers: { 'content-type': 'application/merge-patch+json' } });
      expectStatus(p, [200, 404], `patch ${name}`);
      if (p.status === 200) acks.push(ackOf('update', p.json()));
      else believedPresent.set(name, false);
    } else {
      const d = await t.request('DELETE', `${CM}/${name}`);
      expectStatus(d, [200, 404], `delete ${name}`);
      if (d.status === 200) {
        const s = d.json();
        acks.push({ op: 'delete', name, uid: s.details?.uid ?? s.metadata?.uid });
      }
      believedPresent.set(name, false);
    }
  }
}

/** Replays events onto a name → object map. */
function replay(events: WatchEvent[], initial: Map<string, Obj> = new Map()): Map<string, Obj> {
  const state = new Map(initial);
  for (const e of events) {
    if (e.type === 'DELETED') state.delete(nameOf(e.object));
    else state.set(nameOf(e.object), e.object);
  }
  return state;
}

/** name → resourceVersion, for comparing states. */
function versions(state: Map<string, Obj>): Record<string, string> {
  return Object.fromEntries([...state.entries()].map(([n, o]) => [n, String(o.metadata.resourceVersion)]).sort(([a], [b]) => a.localeCompare(b)));
}

/** The events a selector watch from the same start must see, derived from the reference stream (KEP table: old/new match). */
function deriveSelected(reference: WatchEvent[], initial: Map<string, Obj>, s: Selector): string[] {
  const state = new Map(initial);
  const out: string[] = [];
  for (const e of reference) {
    const name = nameOf(e.object);
    const old = state.get(name);
    const oldMatch = old !== undefined && s.matches(labelsOf(old));
    if (e.type === 'DELETED') {
      if (oldMatch) out.push(key(e));
      state.delete(name);
      continue;
    }
    const newMatch = s.matches(labelsOf(e.object));
    if (!oldMatch && newMatch) out.push(key({ type: 'ADDED', object: e.object }));
    else if (oldMatch && newMatch) out.push(key({ type: 'MODIFIED', object: e.object }));
    else if (oldMatch && !newMatch) out.push(key({ type: 'DELETED', object: e.object }));
    state.set(name, e.object);
  }
  return out;
}

/** Checks a reference stream against the acknowledged writes. */
function checkReference(label: string, events: WatchEvent[], acks: Ack[], initial: Map<string, Obj>): void {
  let last = 0;
  for (const e of events) {
    assert.ok(['ADDED', 'MODIFIED', 'DELETED'].includes(e.type), `${label}: unexpected event ${JSON.stringify(e).slice(0, 300)}`);
    const rv = rvOf(e);
    assert.ok(rv > last, `${label}: resourceVersion ${rv} after ${last} (${key(e)})`);
    last = rv;
  }
  // Every acknowledged create/update exactly once, with the acknowledged resourceVersion and content.
  const byRv = new Map<number, WatchEvent>();
  for (const e of events) if (e.type !== 'DELETED') byRv.set(rvOf(e), e);
  const writes = acks.filter((a) => a.op !== 'delete');
  for (const a of writes) {
    const e = byRv.get(a.rv as number);
    assert.ok(e, `${label}: acknowledged ${a.op} of ${a.name} at ${a.rv} never arrived`);
    assert.equal(e.type, a.op === 'create' ? 'ADDED' : 'MODIFIED', `${label}: ${a.op} of ${a.name} at ${a.rv}`);
    assert.equal(nameOf(e.object), a.name);
    assert.equal(e.object.metadata.uid, a.uid);
    assert.deepEqual(labelsOf(e.object), a.labels, `${label}: labels of ${a.name} at ${a.rv}`);
    assert.deepEqual(e.object.data ?? {}, a.data, `${label}: data of ${a.name} at ${a.rv}`);
    assert.equal(e.object.kind, 'ConfigMap');
    assert.equal(e.object.apiVersion, 'v1');
  }
  assert.equal(byRv.size, writes.length, `${label}: ${byRv.size} ADDED/MODIFIED events for ${writes.length} acknowledged creates/updates`);
  // Every acknowledged delete as exactly one DELETED event.
  const deletes = acks.filter((a) => a.op === 'delete');
  const deletedUids = events.filter((e) => e.type === 'DELETED').map((e) => String(e.object.metadata.uid));
  assert.equal(deletedUids.length, deletes.length, `${label}: ${deletedUids.length} DELETED events for ${deletes.length} acknowledged deletes`);
  assert.deepEqual([...deletedUids].sort(), deletes.map((d) => d.uid).sort(), `${label}: DELETED events do not match the acknowledged deletes`);
  // Each object's history is well formed from the initial state.
  const present = new Set(initial.keys());
  for (const e of events) {
    const n = nameOf(e.object);
    if (e.type === 'ADDED') assert.ok(!present.has(n), `${label}: ADDED ${n} while it exists`);
    else assert.ok(present.has(n), `${label}: ${e.type} ${n} while it does not exist`);
    if (e.type === 'DELETED') present.delete(n);
    else present.add(n);
  }
}

/** One full run against the given replicas (1 or 2). */
async function runScenario(servers: KapiProcess[]): Promise<{ events: number; acks: number }> {
  const eps: Endpoint[] = servers.map((s) => ({ server: s, h2: H2Client.fromKubeconfig(s.url, s.kubeconfig, 2), h1: Http1Client.fromKubeconfig(s.url, s.kubeconfig) }));
  const transportOf = (i: number): ApiTransport => {
    const ep = eps[i % eps.length];
    return Math.floor(i / eps.length) % 2 === 0 ? ep.h2 : ep.h1;
  };
  const watchers: RecordingWatcher[] = [];
  try {
    const c0 = eps[0].h2;
    const ns = await c0.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    assert.equal(ns.status, 201, ns.body);

    // Initial state: some of the names exist before the watches start.
    const believedPresent = new Map<string, boolean>();
    for (let i = 0; i < PRECREATED; i++) {
      const name = `cm-${String(i * 2).padStart(2, '0')}`;
      const color = COLORS[i % COLORS.length];
      const r = await c0.request('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: color ? { color } : {} }, data: { seq: 'initial' } });
      assert.equal(r.status, 201, r.body);
      believedPresent.set(name, true);
    }
    // The reference start: a consistent list on every replica must show the same state.
    const list = await c0.request('GET', CM);
    assert.equal(list.status, 200, list.body);
    const startRv = String(list.json().metadata.resourceVersion);
    const initial = new Map<string, Obj>(list.json().items.map((o: Obj) => [nameOf(o), o]));
    assert.ok(initial.has('kube-root-ca.crt'));

    const add = (i: number, opts: ConstructorParameters<typeof RecordingWatcher>[2]) => {
      const w = new RecordingWatcher(transportOf(i), CM, opts);
      watchers.push(w);
      return w;
    };
    const refs = [0, 1, 2].map((i) => add(i, { resourceVersion: startRv }));
    const fromZero = [3, 4, 5].map((i) => add(i, { resourceVersion: '0' }));
    const fromUnset = [6, 7].map((i) => add(i, {}));
    const selectorKeys = ['red', 'redOrGreen', 'notRed', 'noColor', 'anyColor'] as const;
    const selected = selectorKeys.map((k, j) => ({ s: SELECTORS[k], w: add(8 + j, { resourceVersion: startRv, labelSelector: SELECTORS[k].text }) }));
    const zeroSelected = { s: SELECTORS.blue, w: add(13, { resourceVersion: '0', labelSelector: SELECTORS.blue.text }) };
    const restartPlans = [[1, 2, 3], [7, 50, 120], [25, 90], [150], [40, 41, 100]];
    const restarted = restartPlans.map((plan, j) => add(14 + j, { resourceVersion: startRv, restartAfter: plan }));
    const restartedSelected = { s: SELECTORS.red, w: add(19, { resourceVersion: startRv, labelSelector: SELECTORS.red.text, restartAfter: [2, 10, 30] }) };
    assert.equal(watchers.length, 20);
    await Promise.all(watchers.map((w) => w.start()));

    // The storm.
    const acks: Ack[] = [];
    await Promise.all(Array.from({ length: WRITERS }, (_, id) => writer(id, transportOf(id), believedPresent, acks)));
    // End markers: one per label shape, created after every acknowledged write, so a
    // watcher that saw the markers it matches has seen everything before them.
    const markers: Obj[] = [];
    for (const color of ['red', 'blue', undefined]) {
      const r = await c0.request('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `zz-marker-${color ?? 'none'}`, labels: color ? { color } : {} }, data: { seq: 'marker' } });
      assert.equal(r.status, 201, r.body);
      markers.push(r.json());
      acks.push(ackOf('create', r.json()));
    }
    const sawMarkers = (s: Selector | undefined) => {
      const wanted = markers.filter((m) => !s || s.matches(labelsOf(m))).map((m) => nameOf(m));
      return (events: WatchEvent[]) => wanted.every((n) => events.some((e) => e.type === 'ADDED' && nameOf(e.object) === n));
    };
    await Promise.all([
      ...[...refs, ...fromZero, ...fromUnset, ...restarted].map((w, i) => w.waitUntil(`watcher ${i} to see the markers`, sawMarkers(undefined))),
      ...[...selected, zeroSelected, restartedSelected].map(({ s, w }) => w.waitUntil(`${s.text} watcher to see its markers`, sawMarkers(s))),
    ]);
    for (const w of watchers) w.stop();

    // The reference streams: complete, exact, identical on every replica.
    const reference = refs[0].events;
    refs.forEach((w, i) => checkReference(`reference watcher ${i} (${w.transport.base}, ${w.transport.protocol})`, w.events, acks, initial));
    const refKeys = reference.map(key);
    for (const w of refs.slice(1)) assert.deepEqual(w.events.map(key), refKeys, 'reference watchers disagree');
    assert.ok(reference.length >= 180, `only ${reference.length} events: the storm is too small to exercise the restarts`);

    // Restarted watchers: the concatenated streams equal the reference.
    restarted.forEach((w, j) => {
      assert.equal(w.streams, restartPlans[j].length + 1, `restarted watcher ${j} opened ${w.streams} streams`);
      assert.deepEqual(w.events.map(key), refKeys, `restarted watcher ${j} (restarts after ${restartPlans[j]}) differs from the reference`);
    });

    // Selector watchers: exactly the transitions the reference implies.
    for (const { s, w } of [...selected, restartedSelected]) {
      assert.deepEqual(w.events.map(key), deriveSelected(reference, initial, s), `selector ${s.text}: events differ from the transitions of the reference`);
    }
    assert.ok(restartedSelected.w.streams > 1, 'the restarted selector watcher never restarted');

    // Watchers from 0 / unset end in the state of a final list.
    const finalList = await c0.request('GET', CM);
    const finalState = new Map<string, Obj>(finalList.json().items.map((o: Obj) => [nameOf(o), o]));
    for (const [i, w] of [...fromZero, ...fromUnset].entries()) {
      assert.ok(w.events.every((e) => ['ADDED', 'MODIFIED', 'DELETED'].includes(e.type)), `watcher ${i}: unexpected event type`);
      assert.deepEqual(versions(replay(w.events)), versions(finalState), `watcher from ${w.opts.resourceVersion ?? 'unset'} (${i}) does not end in the final list's state`);
    }
    const finalBlue = new Map([...finalState].filter(([, o]) => SELECTORS.blue.matches(labelsOf(o))));
    assert.deepEqual(versions(replay(zeroSelected.w.events)), versions(finalBlue), 'selector watcher from 0 does not end in the final list state');
    // Every replica lists the same final state.
    for (const ep of eps.slice(1)) {
      const other = await ep.h1.request('GET', CM);
      assert.deepEqual(versions(new Map(other.json().items.map((o: Obj) => [nameOf(o), o]))), versions(finalState), `replica ${ep.server.url} lists another state`);
    }
    return { events: reference.length, acks: acks.length };
  } finally {
    for (const w of watchers) w.stop();
    for (const ep of eps) {
      ep.h2.close();
      ep.h1.close();
    }
  }
}

let etcdPromise: ReturnType<typeof startEtcd> | undefined;
/** One etcd for the etcd runs of this file (each run has its own prefix). */
function sharedEtcd(): ReturnType<typeof startEtcd> {
  etcdPromise ??= startEtcd();
  return etcdPromise;
}

after(async () => {
  if (etcdPromise) await (await etcdPromise.catch(() => undefined))?.destroy();
});

describe('watch correctness under concurrent writers', { timeout: 120_000 }, () => {
  test('SQLite', async (t) => {
    const kapi = await startKapi();
    try {
      const r = await runScenario([kapi]);
      t.diagnostic(`${r.events} reference events from ${r.acks} acknowledged writes`);
    } finally {
      await kapi.stop();
    }
  });

  test('etcd, one member', async (t) => {
    const etcd = await sharedEtcd();
    const replicas = await startKapiReplicas(1, { endpoints: etcd.endpoints, prefix: uniquePrefix('wc1') });
    try {
      const r = await runScenario(replicas.members);
      t.diagnostic(`${r.events} reference events from ${r.acks} acknowledged writes`);
    } finally {
      await replicas.stop();
    }
  });

  test('etcd, one member, without the watch cache', async (t) => {
    const etcd = await sharedEtcd();
    const replicas = await startKapiReplicas(1, { endpoints: etcd.endpoints, prefix: uniquePrefix('wc0'), args: ['--watch-cache=false'] });
    try {
      const r = await runScenario(replicas.members);
      t.diagnostic(`${r.events} reference events from ${r.acks} acknowledged writes`);
    } finally {
      await replicas.stop();
    }
  });

  test('two kapi replicas on one etcd', async (t) => {
    const etcd = await sharedEtcd();
    const replicas = await startKapiReplicas(2, { endpoints: etcd.endpoints, prefix: uniquePrefix('wc2') });
    try {
      // Both replicas are serving the same store before the run starts.
      await waitFor('the second replica to see the first one\'s namespaces', async () => (await replicas.members[1].client.request('GET', '/api/v1/namespaces/default')).status === 200);
      const r = await runScenario(replicas.members);
      t.diagnostic(`${r.events} reference events from ${r.acks} acknowledged writes`);
    } finally {
      await replicas.stop();
    }
  });
});
