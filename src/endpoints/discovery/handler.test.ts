import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDiscoveryHandler, negotiateDiscovery } from './handler.js';
import { fixtureDefinitions } from './testing.js';

const accept133 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const accept127 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

let server: Server;
let base = '';
const definitions = fixtureDefinitions();

before(async () => {
  const handle = createDiscoveryHandler({ definitions: () => definitions, serverAddress: () => '127.0.0.1:6443' });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!handle(req, res, url.pathname)) {
      res.statusCode = 418;
      res.end('not discovery');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const negotiationCases = [
  { name: 'kubectl 1.33 gets v2', accept: accept133, want: { kind: 'aggregated', version: 'v2' } },
  { name: 'kubectl 1.27 gets v2beta1', accept: accept127, want: { kind: 'aggregated', version: 'v2beta1' } },
  { name: 'plain json gets legacy', accept: 'application/json', want: { kind: 'legacy' } },
  { name: 'no Accept gets legacy', accept: undefined, want: { kind: 'legacy' } },
  { name: 'nopeer profile is accepted', accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;profile=nopeer', want: { kind: 'aggregated', version: 'v2' } },
  { name: 'protobuf then json gets legacy json', accept: 'application/vnd.kubernetes.protobuf,application/json', want: { kind: 'legacy' } },
  { name: 'text/html is not acceptable', accept: 'text/html', want: { kind: 'none' } },
];
for (const c of negotiationCases) test(`negotiation: ${c.name}`, () => assert.deepEqual(negotiateDiscovery(c.accept), c.want));

const contentTypeCases = [
  { name: '1.33 Accept on /apis', path: '/apis', accept: accept133, type: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' },
  { name: '1.27 Accept on /apis', path: '/apis', accept: accept127, type: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2beta1' },
  { name: '1.33 Accept on /api', path: '/api', accept: accept133, type: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' },
];
for (const c of contentTypeCases) {
  test(`aggregated discovery: ${c.name}`, async () => {
    const res = await fetch(base + c.path, { headers: { accept: c.accept } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), c.type);
    assert.equal(res.headers.get('vary'), 'Accept');
    const body = (await res.json()) as { kind: string; apiVersion: string; items: unknown[] };
    assert.equal(body.kind, 'APIGroupDiscoveryList');
    assert.equal(body.apiVersion, c.apiVersion);
    assert.ok(body.items.length > 0);
  });
}

test('aggregated discovery ETag and If-None-Match → 304; the ETag is shared by v2 and v2beta1', async () => {
  const first = await fetch(base + '/apis', { headers: { accept: accept133 } });
  await first.arrayBuffer();
  const etag = first.headers.get('etag')!;
  assert.match(etag, /^"[0-9A-F]{128}"$/);
  const again = await fetch(base + '/apis', { headers: { accept: accept133, 'if-none-match': etag } });
  assert.equal(again.status, 304);
  const beta = await fetch(base + '/apis', { headers: { accept: accept127, 'if-none-match': etag } });
  assert.equal(beta.status, 304);
  const other = await fetch(base + '/api', { headers: { accept: accept133, 'if-none-match': etag } });
  assert.equal(other.status, 200);
  await other.arrayBuffer();
});

test('the ETag changes when a resource is added', async () => {
  const before = await fetch(base + '/apis', { headers: { accept: accept133 } });
  await before.arrayBuffer();
  const extra = { ...definitions[0]!, group: 'example.com', resource: 'widgets', kind: 'Widget', listKind: 'WidgetList', singular: 'widget', message: 'example.com.v1.Widget', subresources: [] };
  definitions.push(extra);
  try {
    const afterRes = await fetch(base + '/apis', { headers: { accept: accept133 } });
    const body = (await afterRes.json()) as { items: { metadata: { name: string } }[] };
    assert.notEqual(afterRes.headers.get('etag'), before.headers.get('etag'));
    assert.equal(body.items.at(-1)!.metadata.name, 'example.com');
  } finally {
    definitions.pop();
  }
});

const legacyCases = [
  { path: '/api', kind: 'APIVersions' },
  { path: '/api/', kind: 'APIVersions' },
  { path: '/apis', kind: 'APIGroupList' },
  { path: '/apis/apps', kind: 'APIGroup' },
  { path: '/api/v1', kind: 'APIResourceList' },
  { path: '/apis/apps/v1/', kind: 'APIResourceList' },
];
for (const c of legacyCases) {
  test(`legacy discovery ${c.path}`, async () => {
    const res = await fetch(base + c.path, { headers: { accept: 'application/json, */*' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = (await res.json()) as { kind: string; serverAddressByClientCIDRs?: unknown };
    assert.equal(body.kind, c.kind);
    if (c.kind === 'APIVersions') assert.deepEqual(body.serverAddressByClientCIDRs, [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }]);
  });
}

for (const path of ['/apis/nope', '/apis/apps/v9', '/api/v2']) {
  test(`unknown discovery path ${path} → 404 Status`, async () => {
    const res = await fetch(base + path);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404,
    });
  });
}

for (const path of ['/api/v1/pods', '/apis/apps/v1/deployments', '/version', '/openapi/v2']) {
  test(`${path} is not a discovery path`, async () => {
    const res = await fetch(base + path);
    assert.equal(res.status, 418);
    await res.arrayBuffer();
  });
}

test('text/html on /apis → 406', async () => {
  const res = await fetch(base + '/apis', { headers: { accept: 'text/html' } });
  assert.equal(res.status, 406);
  await res.arrayBuffer();
});
