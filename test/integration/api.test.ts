/**
 * The HTTP API over real TLS against a real kapi process: verbs, semantics
 * and the Status errors kube-apiserver gives for bad input.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { KapiClient, startKapi, type KapiProcess } from '../support/server.js';

let kapi: KapiProcess;
let c: KapiClient;

before(async () => {
  kapi = await startKapi();
  c = kapi.client;
  const ns = await c.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'it' } } });
  assert.equal(ns.status, 201, ns.body);
});

after(async () => {
  await kapi?.stop();
});

const cmPath = '/api/v1/namespaces/it/configmaps';
const cm = (name: string, data: Record<string, string> = { a: 'b' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

function assertStatus(res: { status: number; json(): any }, code: number, reason: string, message?: RegExp) { // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(res.status, code, JSON.stringify(res.json()));
  const s = res.json();
  assert.equal(s.kind, 'Status');
  assert.equal(s.apiVersion, 'v1');
  assert.equal(s.status, 'Failure');
  assert.equal(s.reason, reason);
  assert.equal(s.code, code);
  if (message) assert.match(s.message, message);
}

describe('health, version and transport', () => {
  test('healthz, livez, readyz with verbose and per-check paths', async () => {
    const anon = KapiClient.anonymous(kapi.url, kapi.kubeconfig);
    for (const p of ['/healthz', '/livez', '/readyz']) {
      const r = await anon.request('GET', p);
      assert.equal(r.status, 200);
      assert.equal(r.body, 'ok');
    }
    const v = await anon.request('GET', '/readyz?verbose');
    assert.match(v.body, /\[\+\]ping ok/);
    assert.match(v.body, /\[\+\]etcd ok/);
    assert.match(v.body, /readyz check passed/);
    assert.equal((await anon.request('GET', '/livez/ping')).body, 'ok');
    assert.equal((await anon.request('GET', '/readyz/nope')).status, 404);
    anon.close();
  });

  test('version advertises 1.33 with every version.Info field, trailing slash tolerated', async () => {
    const r = await c.request('GET', '/version/');
    assert.equal(r.status, 200);
    const v = r.json();
    assert.equal(v.major, '1');
    assert.equal(v.minor, '33');
    for (const f of ['gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform']) assert.ok(v[f], f);
  });

  test('no client certificate: 401 on the API', async () => {
    const anon = KapiClient.anonymous(kapi.url, kapi.kubeconfig);
    assertStatus(await anon.request('GET', '/api/v1/namespaces'), 401, 'Unauthorized', /^Unauthorized$/);
    anon.close();
  });

  test('HTTP/2 is negotiated by ALPN and serves the API', async () => {
    const kc = parse(readFileSync(kapi.kubeconfig, 'utf8'));
    const b64 = (s: string) => Buffer.from(s, 'base64').toString();
    const session = connect(kapi.url, { ca: b64(kc.clusters[0].cluster['certificate-authority-data']), cert: b64(kc.users[0].user['client-certificate-data']), key: b64(kc.users[0].user['client-key-data']) });
    const body = await new Promise<string>((resolve, reject) => {
      const req = session.request({ ':path': '/api/v1/namespaces/default' });
      let t = '';
      req.on('data', (d: Buffer) => (t += d.toString()));
      req.on('end', () => resolve(t));
      req.on('error', reject);
      req.end();
    });
    assert.equal(session.alpnProtocol, 'h2');
    assert.equal(JSON.parse(body).metadata.name, 'default');
    session.close();
  });
});

describe('what a cluster has from the start', () => {
  test('the kubernetes Service holds the first address of the service range', async () => {
    const svc = await c.request('GET', '/api/v1/namespaces/default/services/kubernetes');
    assert.equal(svc.status, 200, svc.body);
    assert.equal(svc.json().spec.clusterIP, '10.96.0.1');
    assert.equal(svc.json().spec.ports[0].port, 443);
  });

  test('componentstatuses answer, with the deprecation warning', async () => {
    const cs = await c.request('GET', '/api/v1/componentstatuses');
    assert.equal(cs.status, 200, cs.body);
    assert.deepEqual(cs.json().items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['controller-manager', 'etcd-0', 'scheduler']);
    assert.match(String(cs.headers.warning), /v1 ComponentStatus is deprecated in v1\.19\+/);
  });
});

describe('CRUD semantics', () => {
  test('create, get, update with optimistic concurrency, delete', async () => {
    const created = await c.request('POST', cmPath, { body: cm('one') });
    assert.equal(created.status, 201);
    const obj = created.json();
    assert.match(obj.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(obj.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const rv1 = Number(obj.metadata.resourceVersion);
    assert.ok(rv1 > 0);

    assertStatus(await c.request('POST', cmPath, { body: cm('one') }), 409, 'AlreadyExists', /^configmaps "one" already exists$/);

    const upd = await c.request('PUT', `${cmPath}/one`, { body: { ...obj, data: { a: 'c' } } });
    assert.equal(upd.status, 200);
    assert.ok(Number(upd.json().metadata.resourceVersion) > rv1);
    const stale = await c.request('PUT', `${cmPath}/one`, { body: { ...obj, data: { a: 'd' } } });
    assertStatus(stale, 409, 'Conflict', /^Operation cannot be fulfilled on configmaps "one": the object has been modified; please apply your changes to the latest version and try again$/);

    const noop = await c.request('PUT', `${cmPath}/one`, { body: upd.json() });
    assert.equal(noop.json().metadata.resourceVersion, upd.json().metadata.resourceVersion);

    const del = await c.request('DELETE', `${cmPath}/one`);
    assert.equal(del.status, 200);
    assert.equal(del.json().status, 'Success');
    assert.equal(del.json().details.name, 'one');
    assertStatus(await c.request('GET', `${cmPath}/one`), 404, 'NotFound', /^configmaps "one" not found$/);
  });

  test('generateName, generation bumps on spec changes only', async () => {
    const r = await c.request('POST', cmPath, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } } });
    assert.equal(r.status, 201);
    assert.match(r.json().metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);

    const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'g' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    const dp = '/apis/apps/v1/namespaces/it/deployments';
    const created = await c.request('POST', dp, { body: d });
    assert.equal(created.status, 201, created.body);
    assert.equal(created.json().metadata.generation, 1);
    const labelled = await c.request('PATCH', `${dp}/g`, { body: JSON.stringify({ metadata: { labels: { x: 'y' } } }), headers: { 'content-type': 'application/merge-patch+json' } });
    assert.equal(labelled.json().metadata.generation, 1);
    const scaled = await c.request('PATCH', `${dp}/g`, { body: JSON.stringify({ spec: { replicas: 5 } }), headers: { 'content-type': 'application/merge-patch+json' } });
    assert.equal(scaled.json().metadata.generation, 2);
    const st = await c.request('PATCH', `${dp}/g/status`, { body: JSON.stringify({ status: { replicas: 5 } }), headers: { 'content-type': 'application/merge-patch+json' } });
    assert.equal(st.status, 200, st.body);
    assert.equal(st.json().metadata.generation, 2);
    assert.equal(st.json().status.replicas, 5);
    const scale = await c.request('GET', `${dp}/g/scale`);
    assert.deepEqual({ kind: scale.json().kind, apiVersion: scale.json().apiVersion, spec: scale.json().spec, selector: scale.json().status.selector }, { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 5 }, selector: 'a=b' });
  });

  test('finalizers hold an object until they are removed', async () => {
    await c.request('POST', cmPath, { body: { ...cm('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } } });
    const del = await c.request('DELETE', `${cmPath}/fin`);
    assert.equal(del.status, 200);
    assert.ok(del.json().metadata.deletionTimestamp);
    const still = await c.request('GET', `${cmPath}/fin`);
    assert.equal(still.status, 200);
    const rm = await c.request('PATCH', `${cmPath}/fin`, { body: JSON.stringify({ metadata: { finalizers: null } }), headers: { 'content-type': 'application/merge-patch+json' } });
    assert.equal(rm.status, 200, rm.body);
    assert.equal((await c.request('GET', `${cmPath}/fin`)).status, 404);
  });

  test('json patch, merge patch and strategic merge patch', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'nginx', env: [{ name: 'X', value: '1' }] }, { name: 'b', image: 'busybox' }] } };
    const pp = '/api/v1/namespaces/it/pods';
    assert.equal((await c.request('POST', pp, { body: pod })).status, 201);
    const smp = await c.request('PATCH', `${pp}/p`, { body: JSON.stringify({ spec: { containers: [{ name: 'b', image: 'busybox:1.36' }] } }), headers: { 'content-type': 'application/strategic-merge-patch+json' } });
    assert.equal(smp.status, 200, smp.body);
    assert.deepEqual(smp.json().spec.containers.map((x: { name: string; image: string }) => [x.name, x.image]), [['a', 'nginx'], ['b', 'busybox:1.36']]);
    const jp = await c.request('PATCH', `${pp}/p`, { body: JSON.stringify([{ op: 'test', path: '/spec/containers/0/name', value: 'a' }, { op: 'add', path: '/metadata/labels', value: { k: 'v' } }]), headers: { 'content-type': 'application/json-patch+json' } });
    assert.equal(jp.status, 200, jp.body);
    assert.deepEqual(jp.json().metadata.labels, { k: 'v' });
    const failedTest = await c.request('PATCH', `${pp}/p`, { body: JSON.stringify([{ op: 'test', path: '/spec/containers/0/name', value: 'zzz' }]), headers: { 'content-type': 'application/json-patch+json' } });
    assertStatus(failedTest, 422, 'Invalid');
    const apply = await c.request('PATCH', `${pp}/p?fieldManager=t`, { body: JSON.stringify({ metadata: { name: 'p' } }), headers: { 'content-type': 'application/apply-patch+yaml' } });
    assertStatus(apply, 415, 'UnsupportedMediaType', /server-side apply/);
  });

  test('list with selectors, pagination and Table output', async () => {
    for (let i = 0; i < 7; i++) {
      const r = await c.request('POST', cmPath, { body: { ...cm(`page-${i}`), metadata: { name: `page-${i}`, labels: { page: 'yes', idx: String(i) } } } });
      assert.equal(r.status, 201);
    }
    const sel = await c.request('GET', `${cmPath}?labelSelector=${encodeURIComponent('page=yes,idx in (1,3,5)')}`);
    assert.deepEqual(sel.json().items.map((i: { metadata: { name: string } }) => i.metadata.name), ['page-1', 'page-3', 'page-5']);
    const names: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = await c.request('GET', `${cmPath}?labelSelector=page%3Dyes&limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      assert.equal(r.status, 200, r.body);
      names.push(...r.json().items.map((i: { metadata: { name: string } }) => i.metadata.name));
      cont = r.json().metadata.continue ?? '';
      pages++;
    } while (cont);
    assert.equal(pages, 3);
    assert.equal(names.length, 7);
    const byName = await c.request('GET', `${cmPath}?fieldSelector=metadata.name%3Dpage-2`);
    assert.deepEqual(byName.json().items.map((i: { metadata: { name: string } }) => i.metadata.name), ['page-2']);
    const table = await c.request('GET', `${cmPath}?limit=500`, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
    const t = table.json();
    assert.equal(t.kind, 'Table');
    assert.deepEqual(t.columnDefinitions.map((d: { name: string }) => d.name), ['Name', 'Data', 'Age']);
    assert.equal(t.rows[0].object.kind, 'PartialObjectMetadata');
    const rv0 = await c.request('GET', `${cmPath}?resourceVersion=0`);
    assert.equal(rv0.status, 200);
  });

  test('watch from a resourceVersion, with Go booleans and trailing slash', async () => {
    const start = (await c.request('GET', cmPath)).json().metadata.resourceVersion;
    const watching = c.watch(`${cmPath}/?watch=True&resourceVersion=${start}`, (ev) => ev.length >= 3, 10_000);
    await c.request('POST', cmPath, { body: cm('w1') });
    await c.request('PATCH', `${cmPath}/w1`, { body: JSON.stringify({ data: { a: 'z' } }), headers: { 'content-type': 'application/merge-patch+json' } });
    await c.request('DELETE', `${cmPath}/w1`);
    const events = await watching;
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.ok(events.every((e) => e.object.metadata.name === 'w1' && e.object.kind === 'ConfigMap'));
    const revs = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.ok(revs[0] < revs[1] && revs[1] < revs[2]);
  });

  test('deletecollection deletes what matches', async () => {
    const r = await c.request('DELETE', `${cmPath}?labelSelector=page%3Dyes`);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.json().kind, 'ConfigMapList');
    assert.equal(r.json().items.length, 7);
    assert.equal((await c.request('GET', `${cmPath}?labelSelector=page%3Dyes`)).json().items.length, 0);
  });

  test('namespace lifecycle: create into a missing namespace, delete a namespace with content', async () => {
    assertStatus(await c.request('POST', '/api/v1/namespaces/nope/configmaps', { body: cm('x') }), 404, 'NotFound', /^namespaces "nope" not found$/);
    await c.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'doomed' } } });
    await c.request('POST', '/api/v1/namespaces/doomed/configmaps', { body: cm('x') });
    const del = await c.request('DELETE', '/api/v1/namespaces/doomed');
    assert.equal(del.status, 200);
    assert.equal(del.json().status.phase, 'Terminating');
    for (let i = 0; i < 100 && (await c.request('GET', '/api/v1/namespaces/doomed')).status === 200; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await c.request('GET', '/api/v1/namespaces/doomed')).status, 404);
    assert.equal((await c.request('GET', '/api/v1/namespaces/doomed/configmaps/x')).status, 404);
  });
});

describe('bad input gets the Status kube-apiserver gives, and changes nothing', () => {
  test('malformed bodies', async () => {
    const before = (await c.request('GET', cmPath)).json().metadata.resourceVersion;
    assertStatus(await c.request('POST', cmPath, { body: '{"metadata": {', headers: { 'content-type': 'application/json' } }), 400, 'BadRequest');
    assertStatus(await c.request('POST', cmPath, { body: 'metadata: [unclosed', headers: { 'content-type': 'application/yaml' } }), 400, 'BadRequest');
    assertStatus(await c.request('POST', cmPath, { body: Buffer.from('k8s\0\x0a\x05garbage'), headers: { 'content-type': 'application/vnd.kubernetes.protobuf' } }), 400, 'BadRequest');
    assertStatus(await c.request('POST', cmPath, { body: '[1,2]', headers: { 'content-type': 'application/json' } }), 400, 'BadRequest');
    assertStatus(await c.request('POST', cmPath, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'k' } } }), 400, 'BadRequest', /kind/);
    assertStatus(await c.request('POST', cmPath, { body: { apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'k' } } }), 400, 'BadRequest', /the API version in the data \(apps\/v1\) does not match the expected API version \(v1\)/);
    assertStatus(await c.request('POST', cmPath, { body: { ...cm('k'), metadata: { name: 'k', namespace: 'other' } } }), 400, 'BadRequest', /the namespace of the provided object does not match the namespace sent on the request/);
    assertStatus(await c.request('POST', `${cmPath}?fieldValidation=Strict`, { body: { ...cm('k'), bogus: 1 } }), 400, 'BadRequest', /ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"/);
    const warned = await c.request('POST', cmPath, { body: { ...cm('warned'), bogus: 1 } });
    assert.equal(warned.status, 201);
    assert.match(String(warned.headers.warning), /299 - "unknown field \\"bogus\\""/);
    // As decoding into Kubernetes' types does, the unknown field is dropped, not stored.
    assert.equal((await c.request('GET', `${cmPath}/warned`)).json().bogus, undefined);
    assertStatus(await c.request('POST', '/apis/apps/v1/namespaces/it/deployments', { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 'three' } } }), 400, 'BadRequest', /cannot unmarshal string/);
    const after = (await c.request('GET', `${cmPath}?fieldSelector=metadata.name%3Dk`)).json();
    assert.equal(after.items.length, 0);
    assert.ok(Number(after.metadata.resourceVersion) >= Number(before));
  });

  test('invalid names get 422 with causes', async () => {
    const r = await c.request('POST', cmPath, { body: cm('Not_Valid') });
    assertStatus(r, 422, 'Invalid', /^ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain/);
    assert.equal(r.json().details.causes[0].field, 'metadata.name');
    assert.equal(r.json().details.causes[0].reason, 'FieldValueInvalid');
    assertStatus(await c.request('POST', cmPath, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} } }), 422, 'Invalid', /name or generateName is required/);
  });

  test('too large, unsupported media types and methods, unknown routes, bad selectors', async () => {
    const big = { ...cm('big'), data: { a: 'x'.repeat(3 * 1024 * 1024) } };
    assertStatus(await c.request('POST', cmPath, { body: big }), 413, 'RequestEntityTooLarge');
    assertStatus(await c.request('POST', cmPath, { body: 'a=b', headers: { 'content-type': 'text/plain' } }), 415, 'UnsupportedMediaType');
    assertStatus(await c.request('PATCH', `${cmPath}/warned`, { body: '{}', headers: { 'content-type': 'application/xml' } }), 415, 'UnsupportedMediaType');
    assertStatus(await c.request('PUT', cmPath, { body: cm('x') }), 405, 'MethodNotAllowed');
    assertStatus(await c.request('POST', `${cmPath}/warned`, { body: cm('x') }), 405, 'MethodNotAllowed');
    assertStatus(await c.request('GET', '/api/v1/namespaces/it/widgets'), 404, 'NotFound', /the server could not find the requested resource/);
    assertStatus(await c.request('GET', '/apis/nope.example.com/v1/things'), 404, 'NotFound');
    const plain = await c.request('GET', '/not-an-api');
    assert.equal(plain.status, 404);
    assert.equal(plain.body, '404 page not found\n');
    assertStatus(await c.request('GET', `${cmPath}?labelSelector=${encodeURIComponent('a in (b')}`), 400, 'BadRequest');
    assertStatus(await c.request('GET', `${cmPath}?fieldSelector=spec.nope%3Dx`), 400, 'BadRequest', /field label not supported: spec.nope/);
    assertStatus(await c.request('GET', cmPath, { headers: { accept: 'text/html' } }), 406, 'NotAcceptable');
    assertStatus(await c.request('POST', `${cmPath}?dryRun=Yes`, { body: cm('x') }), 422, 'Invalid');
  });
});
