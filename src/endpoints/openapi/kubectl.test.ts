/**
 * Real kubectl against the discovery and OpenAPI handlers (plain HTTP on
 * 127.0.0.1): `explain` through OpenAPI v3 (1.33) and v2 protobuf (1.27),
 * and `apply` choosing server-side field validation from the documents.
 * Skipped when the versioned kubectl binaries are not installed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createDiscoveryHandler } from '../discovery/handler.js';
import { fixtureDefinitions } from '../discovery/testing.js';
import { createOpenAPIHandler } from './handler.js';

function kubectlDir(): string | undefined {
  try {
    const out = execFileSync('sh', ['-c', 'readlink -f "$(command -v kubectl)"'], { encoding: 'utf8' }).trim();
    return out === '' ? undefined : dirname(out);
  } catch {
    return undefined;
  }
}

const dir = kubectlDir();
const binary = (v: string): string | undefined => (dir && existsSync(join(dir, `kubectl.${v}`)) ? join(dir, `kubectl.${v}`) : undefined);
// Never skipped: a machine without the versioned kubectl binaries fails this suite.
if (!binary('1.33') || !binary('1.27')) throw new Error('versioned kubectl binaries (kubectl.1.27, kubectl.1.33) are not installed beside the kubectl on the PATH');
const skip = false;

let server: Server;
let work = '';
let kubeconfig = '';
const posts: string[] = [];

const notFound = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 });

before(async () => {
  if (skip) return;
  const definitions = fixtureDefinitions();
  const discovery = createDiscoveryHandler({ definitions: () => definitions, serverAddress: () => '127.0.0.1:6443' });
  const openapi = createOpenAPIHandler({ definitions: () => definitions });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (discovery(req, res, url.pathname) || openapi(req, res, url.pathname, url.searchParams)) return;
    if (req.method === 'POST' && url.pathname === '/apis/apps/v1/namespaces/default/deployments') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        posts.push(url.search);
        res.statusCode = 201;
        res.setHeader('Content-Type', 'application/json');
        res.end(body);
      });
      return;
    }
    res.statusCode = 404;
    res.setHeader('Content-Type', 'application/json');
    res.end(notFound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  work = mkdtempSync(join(tmpdir(), 'kapi-kubectl-'));
  kubeconfig = join(work, 'config');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'clusters:', `- cluster: {server: "http://127.0.0.1:${port}"}`, '  name: t',
    'contexts:', '- context: {cluster: t, user: u, namespace: default}', '  name: t', 'current-context: t', 'users:', '- name: u', '  user: {}', '',
  ].join('\n'));
});

after(async () => {
  if (skip) return;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(work, { recursive: true, force: true });
});

function kubectl(version: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(binary(version)!, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${join(work, `cache-${version}`)}`, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

test('kubectl 1.33 explain deployments.spec.template.spec.containers (OpenAPI v3)', { skip }, async () => {
  const { code, out } = await kubectl('1.33', ['explain', 'deployments.spec.template.spec.containers']);
  assert.equal(code, 0, out);
  assert.match(out, /KIND:\s+Deployment/);
  assert.match(out, /FIELD: containers <\[\]Container>/);
  assert.match(out, /name\s+<string> -required-/);
  assert.match(out, /ports\s+<\[\]ContainerPort>/);
});

test('kubectl 1.27 explain pods.spec', { skip }, async () => {
  const { code, out } = await kubectl('1.27', ['explain', 'pods.spec']);
  assert.equal(code, 0, out);
  assert.match(out, /KIND:\s+Pod/);
  assert.match(out, /containers\s+<\[\]Container> -required-/);
});

test('kubectl 1.27 explain from OpenAPI v2 protobuf', { skip }, async () => {
  const { code, out } = await kubectl('1.27', ['explain', 'pods.spec.containers.ports', '--output=plaintext-openapiv2']);
  assert.equal(code, 0, out);
  assert.match(out, /containerPort\s+<integer> -required-/);
});

for (const version of ['1.27', '1.33']) {
  test(`kubectl ${version} apply uses server-side field validation`, { skip }, async () => {
    const manifest = join(work, 'deploy.yaml');
    writeFileSync(manifest, [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec:', '  selector: {matchLabels: {app: web}}',
      '  template:', '    metadata: {labels: {app: web}}', '    spec: {containers: [{name: nginx, image: nginx}]}', '',
    ].join('\n'));
    posts.length = 0;
    const { code, out } = await kubectl(version, ['apply', '-f', manifest]);
    assert.equal(code, 0, out);
    assert.match(out, /deployment.apps\/web created/);
    assert.equal(posts.length, 1);
    assert.match(posts[0]!, /fieldValidation=Strict/);
  });
}
