import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { fixtureDefinitions } from '../discovery/testing.js';
import { createOpenAPIHandler, negotiateV2 } from './handler.js';

let server: Server;
let port = 0;

before(async () => {
  const definitions = fixtureDefinitions();
  const handle = createOpenAPIHandler({ definitions: () => definitions });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!handle(req, res, url.pathname, url.searchParams)) {
      res.statusCode = 418;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A raw GET (no automatic decompression or redirects). */
function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const sha512 = (b: Buffer): string => createHash('sha512').update(b).digest('hex').toUpperCase();

async function index(): Promise<Record<string, { serverRelativeURL: string }>> {
  const res = await get('/openapi/v3', { accept: 'application/json, */*' });
  assert.equal(res.status, 200);
  return (JSON.parse(res.body.toString()) as { paths: Record<string, { serverRelativeURL: string }> }).paths;
}

test('/openapi/v3 lists documents without a leading slash, each URL carrying the document hash', async () => {
  const res = await get('/openapi/v3');
  assert.equal(res.headers['content-type'], 'application/json');
  assert.match(res.headers['etag'] ?? '', /^"[0-9A-F]{128}"$/);
  const paths = await index();
  for (const key of ['api', 'api/v1', 'apis', 'apis/apps', 'apis/apps/v1']) assert.ok(paths[key], key);
  assert.ok(Object.keys(paths).every((k) => !k.startsWith('/')));
  const url = paths['apis/apps/v1']!.serverRelativeURL;
  assert.match(url, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
  const doc = await get(url, { accept: 'application/json' });
  assert.equal(doc.status, 200);
  assert.equal(url.slice(url.indexOf('hash=') + 5), sha512(doc.body));
});

test('the index answers If-None-Match with 304', async () => {
  const first = await get('/openapi/v3');
  const again = await get('/openapi/v3', { 'if-none-match': first.headers['etag']! });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
});

test('a current hash gets immutable caching headers and the hash as ETag', async () => {
  const url = (await index())['api/v1']!.serverRelativeURL;
  const res = await get(url, { accept: 'application/json' });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(res.headers['cache-control'], 'public, immutable');
  assert.ok(Date.parse(res.headers['expires']!) > Date.now() + 300 * 24 * 3600 * 1000);
  assert.equal(res.headers['etag'], `"${url.slice(url.indexOf('hash=') + 5)}"`);
  assert.equal(res.headers['vary'], 'Accept');
  const doc = JSON.parse(res.body.toString()) as { openapi: string };
  assert.equal(doc.openapi, '3.0.0');
});

test('without hash: no immutable caching, but ETag and If-None-Match → 304', async () => {
  const res = await get('/openapi/v3/apis/apps/v1', { accept: 'application/json' });
  assert.equal(res.status, 200);
  assert.equal(res.headers['cache-control'], undefined);
  const again = await get('/openapi/v3/apis/apps/v1', { accept: 'application/json', 'if-none-match': res.headers['etag']! });
  assert.equal(again.status, 304);
});

test('a stale hash is redirected (301) to the current URL', async () => {
  const current = (await index())['apis/apps/v1']!.serverRelativeURL;
  const res = await get(`/openapi/v3/apis/apps/v1?hash=${'0'.repeat(128)}`, { accept: 'application/json' });
  assert.equal(res.status, 301);
  assert.equal(res.headers['location'], current);
});

const notServed = ['/openapi/v3/apis/nope/v1', '/openapi/v3/apis/apps/v9', '/openapi/v3/apis/nope'];
for (const path of notServed) {
  test(`${path} → 404`, async () => {
    const res = await get(path, { accept: 'application/json' });
    assert.equal(res.status, 404);
    assert.equal((JSON.parse(res.body.toString()) as { reason: string }).reason, 'NotFound');
  });
}

test('v3 documents only in protobuf → 406', async () => {
  const res = await get('/openapi/v3/api/v1', { accept: 'application/com.github.proto-openapi.spec.v3.v1.0+protobuf' });
  assert.equal(res.status, 406);
});

const v2Cases = [
  { accept: 'application/json', type: 'application/json' },
  { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf', type: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' },
  { accept: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', type: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' },
  { accept: '*/*', type: 'application/json' },
];
for (const c of v2Cases) {
  test(`/openapi/v2 with Accept ${c.accept}`, async () => {
    const res = await get('/openapi/v2', { accept: c.accept });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], c.type);
    assert.match(res.headers['etag'] ?? '', /^"[0-9A-F]{128}"$/);
    if (c.type === 'application/json') {
      assert.equal(res.headers['etag'], `"${sha512(res.body)}"`);
      assert.equal((JSON.parse(res.body.toString()) as { swagger: string }).swagger, '2.0');
    } else {
      // Document.swagger (field 1) = "2.0" comes first.
      assert.deepEqual([...res.body.subarray(0, 5)], [0x0a, 3, 0x32, 0x2e, 0x30]);
    }
  });
}

test('/openapi/v2: every form shares the JSON ETag; If-None-Match → 304; gzip when accepted', async () => {
  const json = await get('/openapi/v2', { accept: 'application/json' });
  const pb = await get('/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
  assert.equal(pb.headers['etag'], json.headers['etag']);
  const cached = await get('/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'if-none-match': json.headers['etag']! });
  assert.equal(cached.status, 304);
  const gz = await get('/openapi/v2', { accept: 'application/json', 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(gz.body), json.body);
});

test('/openapi/v2 with an unsupported Accept → 406', async () => {
  assert.equal((await get('/openapi/v2', { accept: 'text/html' })).status, 406);
  assert.equal(negotiateV2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf;q=0.5, application/json'), 'json');
});

test('other paths are not handled', async () => {
  assert.equal((await get('/openapi/v1')).status, 418);
  assert.equal((await get('/apis')).status, 418);
});
