/**
 * The manifest corpus against a real kapi process: every valid manifest is
 * created (through the API, a subset through `kubectl.1.33 apply -f`), read
 * back and compared with the defaulted object Kubernetes 1.33 would store;
 * every invalid one is rejected with the Status, reason and causes
 * kube-apiserver gives. One server, all requests sent up front, one test per
 * case.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { repoRoot, startKapi, type KapiClient, type KapiProcess } from '../support/server.js';
import { Kubectl } from '../support/kubectl.js';
import { casesDir, loadCorpus, type CorpusCase, type Obj } from './cases.js';
import { mismatches, Pattern } from './match.js';

const namespace = 'corpus';
const corpus = loadCorpus(casesDir(repoRoot));

/** What happened to a case: the object read back, or the error answer. */
interface Outcome {
  status: number;
  body: Obj;
  /** For kubectl cases: the kubectl error output. */
  stderr?: string;
  /** Failure of a step before the one the case is about. */
  setupError?: string;
}

interface ResourceRef {
  resource: string;
  namespaced: boolean;
}

let kapi: KapiProcess;
const outcomes = new Map<string, Outcome>();

/** `apiVersion/Kind` → resource, from discovery. */
async function discover(c: KapiClient): Promise<Map<string, ResourceRef>> {
  const map = new Map<string, ResourceRef>();
  const versions = ['v1'];
  const groups = (await c.request('GET', '/apis')).json();
  for (const g of groups.groups) for (const v of g.versions) versions.push(v.groupVersion);
  await Promise.all(
    versions.map(async (gv) => {
      const list = (await c.request('GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`)).json();
      for (const r of list.resources) if (!r.name.includes('/')) map.set(`${gv}/${r.kind}`, { resource: r.name, namespaced: r.namespaced });
    }),
  );
  return map;
}

/** The namespace a case's object goes to: its own when the case names one (quotas and limit ranges keep theirs apart), else the corpus namespace. */
function namespaceOf(obj: Obj): string {
  const ns = (obj.metadata as Obj | undefined)?.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : namespace;
}

function collectionPath(refs: Map<string, ResourceRef>, obj: Obj): { path: string; namespaced: boolean } {
  const gv = String(obj.apiVersion);
  const ref = refs.get(`${gv}/${String(obj.kind)}`);
  if (!ref) throw new Error(`no served resource for ${gv} ${String(obj.kind)}`);
  const base = gv === 'v1' ? '/api/v1' : `/apis/${gv}`;
  return { path: ref.namespaced ? `${base}/namespaces/${namespaceOf(obj)}/${ref.resource}` : `${base}/${ref.resource}`, namespaced: ref.namespaced };
}

function objectName(obj: Obj): string {
  return String((obj.metadata as Obj | undefined)?.name ?? '');
}

function parse(body: string): Obj {
  try {
    return JSON.parse(body) as Obj;
  } catch {
    return { unparsable: body };
  }
}

const patchTypes = { merge: 'application/merge-patch+json', strategic: 'application/strategic-merge-patch+json', json: 'application/json-patch+json' };

/** Runs one API case: prereqs, create, read back or patch. */
async function runApiCase(c: KapiClient, refs: Map<string, ResourceRef>, cc: CorpusCase): Promise<Outcome> {
  for (const p of cc.prereqs) {
    const r = await c.request('POST', collectionPath(refs, p).path, { body: p });
    if (r.status !== 201) return { status: r.status, body: parse(r.body), setupError: `prereq ${String(p.kind)} ${objectName(p)}: ${r.status} ${r.body}` };
  }
  const { path } = collectionPath(refs, cc.object);
  const created = await c.request('POST', path, { body: cc.object });
  if (created.status !== 201) {
    const o: Outcome = { status: created.status, body: parse(created.body) };
    if (cc.patch) o.setupError = `create: ${created.status} ${created.body}`;
    return o;
  }
  const name = objectName(parse(created.body));
  if (cc.patch) {
    const p = await c.request('PATCH', `${path}/${name}`, { body: JSON.stringify(cc.patch.body), headers: { 'content-type': patchTypes[cc.patch.type] } });
    if (p.status !== 200) return { status: p.status, body: parse(p.body) };
  }
  const got = await c.request('GET', `${path}/${name}`);
  return { status: got.status === 200 ? 201 : got.status, body: parse(got.body) };
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

/**
 * Sends the kubectl cases through two `apply -f` runs (the valid manifests,
 * then the rejected ones) and reads the valid ones back with `get -f -o yaml`.
 */
function runKubectlCases(k: Kubectl, refs: Map<string, ResourceRef>, cases: CorpusCase[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'kapi-corpus-'));
  const withNs = (o: Obj): Obj => (collectionPath(refs, o).namespaced ? { ...o, metadata: { ...(o.metadata as Obj), namespace: namespaceOf(o) } } : o);
  const valid = cases.filter((c) => !c.error);
  const invalid = cases.filter((c) => c.error);

  const validFile = join(dir, 'valid.yaml');
  writeFileSync(validFile, valid.map((c) => stringify(withNs(c.object))).join('---\n'));
  const applied = k.run(['apply', '-f', validFile]);
  const got = k.run(['get', '-f', validFile, '-o', 'yaml', '--ignore-not-found']);
  const items = ((got.stdout ? (parseYaml(got.stdout) as Obj) : {}).items ?? []) as Obj[];
  for (const c of valid) {
    const item = items.find((i) => i.kind === c.object.kind && objectName(i) === objectName(c.object));
    const about = (text: string) => text.split('\n').filter((l) => l.includes(objectName(c.object)) || l.includes(String(c.object.kind))).join('\n');
    outcomes.set(c.name, item ? { status: 201, body: item } : { status: 0, body: {}, setupError: `not found after kubectl apply (exit ${applied.code}): ${about(applied.stderr)}\n${about(got.stderr)}` });
  }

  const invalidFile = join(dir, 'invalid.yaml');
  writeFileSync(invalidFile, invalid.map((c) => stringify(withNs(c.object))).join('---\n'));
  const rejected = k.run(['apply', '-f', invalidFile]);
  for (const c of invalid) {
    const o = outcomes.get(c.name);
    if (o) o.stderr = rejected.stderr;
  }
}

before(async () => {
  kapi = await startKapi();
  const c = kapi.client;
  for (const name of new Set([namespace, ...corpus.map((cc) => namespaceOf(cc.object))])) {
    const ns = await c.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
    assert.equal(ns.status, 201, ns.body);
  }
  const refs = await discover(c);
  const viaApi = corpus.filter((cc) => !cc.kubectl || cc.error);
  await pool(viaApi, 8, async (cc) => {
    outcomes.set(cc.name, await runApiCase(c, refs, cc));
  });
  runKubectlCases(new Kubectl(33, kapi.kubeconfig), refs, corpus.filter((cc) => cc.kubectl));
});

after(async () => {
  await kapi?.stop();
});

function checkError(cc: CorpusCase, o: Outcome): void {
  const e = cc.error!;
  const s = o.body as { kind?: string; apiVersion?: string; code?: number; reason?: string; message?: string; status?: string; details?: { causes?: { field?: string; reason?: string; message?: string }[] } };
  const shown = JSON.stringify(s, null, 1);
  assert.equal(o.status, e.code, `HTTP status: ${shown}`);
  assert.equal(s.kind, 'Status', shown);
  assert.equal(s.status, 'Failure', shown);
  assert.equal(s.code, e.code, shown);
  assert.equal(s.reason, e.reason, shown);
  if (e.message instanceof Pattern) assert.ok(e.message.test(s.message), `message ${JSON.stringify(s.message)} does not match /${e.message.source}/`);
  else if (e.message !== undefined) assert.equal(s.message, e.message);
  const causes = s.details?.causes ?? [];
  for (const want of e.causes ?? []) {
    const hit = causes.find(
      (got) =>
        got.field === want.field &&
        got.reason === want.reason &&
        (want.message === undefined || (want.message instanceof Pattern ? want.message.test(got.message) : (got.message ?? '').includes(want.message))),
    );
    assert.ok(hit, `no cause ${JSON.stringify(want)} among ${JSON.stringify(causes, null, 1)}`);
  }
  if (e.exact) assert.equal(causes.length, e.causes?.length ?? 0, `expected exactly the listed causes, got ${JSON.stringify(causes, null, 1)}`);
  if (cc.kubectl) {
    // kubectl prints the server's message for the object it could not create.
    assert.ok(o.stderr?.includes(`${String(s.message)}`), `kubectl apply output lacks ${JSON.stringify(s.message)}:\n${o.stderr}`);
  }
}

for (const file of [...new Set(corpus.map((c) => c.file))]) {
  describe(file, () => {
    for (const cc of corpus.filter((c) => c.file === file)) {
      test(cc.name, () => {
        const o = outcomes.get(cc.name);
        assert.ok(o, 'case did not run');
        assert.equal(o.setupError, undefined, o.setupError);
        if (cc.error) {
          checkError(cc, o);
          return;
        }
        assert.equal(o.status, 201, `expected success, got ${o.status}: ${JSON.stringify(o.body, null, 1)}`);
        const diff = mismatches(cc.expect, o.body);
        assert.deepEqual(diff, [], `${diff.join('\n')}\nread back: ${JSON.stringify(o.body, null, 1)}`);
      });
    }
  });
}

test('the corpus has at least 150 cases, valid and invalid, some through kubectl', () => {
  assert.ok(corpus.length >= 150, `${corpus.length} cases`);
  assert.ok(corpus.filter((c) => c.error).length >= 50);
  assert.ok(corpus.filter((c) => c.expect).length >= 50);
  assert.ok(corpus.filter((c) => c.kubectl).length >= 15);
});
