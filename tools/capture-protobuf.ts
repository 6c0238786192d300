/**
 * Captures the protobuf request bodies that kubectl (1.32+) sends, for the
 * codec's test fixtures in testdata/protobuf/.
 *
 * It runs a tiny recording HTTP server on 127.0.0.1, points kubectl at it with
 * a throw-away kubeconfig, runs each command below, and saves the body of the
 * first protobuf POST of each as testdata/protobuf/<name>.pb. The server
 * answers just enough (minimal discovery, 201 with a small JSON object) for
 * kubectl to finish.
 *
 * Usage: npx tsc -p . && node dist/tools/capture-protobuf.js [--kubectl PATH] [--out DIR]
 * (default kubectl: kubectl.1.33 next to the `kubectl` on PATH).
 */

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** name → kubectl arguments. */
const COMMANDS: Record<string, string[]> = {
  configmap: ['create', 'configmap', 'x', '--from-literal=a=b', '--from-literal=c=d'],
  secret: ['create', 'secret', 'generic', 's', '--from-literal=k=v'],
  deployment: ['create', 'deployment', 'web', '--image=nginx', '--replicas=0'],
  namespace: ['create', 'namespace', 'n1'],
  service: ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080'],
  serviceaccount: ['create', 'serviceaccount', 'sa1'],
  job: ['create', 'job', 'j', '--image=busybox'],
  cronjob: ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *'],
  role: ['create', 'role', 'r', '--verb=get', '--resource=pods'],
  priorityclass: ['create', 'priorityclass', 'pc', '--value=0'],
  quota: ['create', 'quota', 'q', '--hard=pods=3'],
  selfsubjectaccessreview: ['auth', 'can-i', 'create', 'pods'],
  selfsubjectreview: ['auth', 'whoami'],
  tokenrequest: ['create', 'token', 'default'],
};

/** Minimal discovery so that kubectl can map `pods` (role, can-i). */
const DISCOVERY: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'] },
    ],
  },
};

/** The JSON answer to a POST, by the last path segment. */
function answerFor(path: string): unknown {
  const seg = path.split('?')[0].split('/').filter(Boolean);
  const last = seg[seg.length - 1];
  const ns = seg[seg.indexOf('namespaces') + 1] ?? 'default';
  switch (last) {
    case 'selfsubjectaccessreviews':
      return { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', status: { allowed: true } };
    case 'selfsubjectreviews':
      return { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', status: { userInfo: { username: 'admin', groups: ['system:masters'] } } };
    case 'token':
      return { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name: 'default', namespace: ns }, status: { token: 'dummy', expirationTimestamp: '2030-01-01T00:00:00Z' } };
  }
  const kinds: Record<string, [string, string]> = {
    configmaps: ['v1', 'ConfigMap'],
    secrets: ['v1', 'Secret'],
    namespaces: ['v1', 'Namespace'],
    services: ['v1', 'Service'],
    serviceaccounts: ['v1', 'ServiceAccount'],
    resourcequotas: ['v1', 'ResourceQuota'],
    deployments: ['apps/v1', 'Deployment'],
    jobs: ['batch/v1', 'Job'],
    cronjobs: ['batch/v1', 'CronJob'],
    roles: ['rbac.authorization.k8s.io/v1', 'Role'],
    priorityclasses: ['scheduling.k8s.io/v1', 'PriorityClass'],
  };
  const [apiVersion, kind] = kinds[last] ?? ['v1', 'Status'];
  return { apiVersion, kind, metadata: { name: 'captured', namespace: ns } };
}

function defaultKubectl(): string {
  const onPath = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
  return join(dirname(realpathSync(onPath)), 'kubectl.1.33');
}

function parseArgs(argv: string[]): { kubectl: string; out: string } {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  let kubectl = '';
  let out = join(root, 'testdata', 'protobuf');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--kubectl') kubectl = argv[++i];
    else if (argv[i] === '--out') out = resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return { kubectl: kubectl || defaultKubectl(), out };
}

function runKubectl(kubectl: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(kubectl, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, output });
    });
  });
}

async function main(): Promise<void> {
  const { kubectl, out } = parseArgs(process.argv.slice(2));
  let captured: Buffer | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const body = Buffer.concat(chunks);
      if (req.method === 'POST' && (req.headers['content-type'] ?? '').includes('protobuf') && !captured) captured = body;
      const disc = DISCOVERY[path];
      let code = 200;
      let payload: unknown = disc;
      if (req.method === 'POST') {
        code = 201;
        payload = answerFor(req.url ?? '/');
      } else if (!disc) {
        code = 404;
        payload = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 };
      }
      const text = JSON.stringify(payload);
      res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'kapi-capture-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- cluster: {server: "http://127.0.0.1:${port}"}`,
      '  name: capture',
      'contexts:',
      '- context: {cluster: capture, user: capture, namespace: default}',
      '  name: capture',
      'current-context: capture',
      'users:',
      '- name: capture',
      '  user: {token: capture}',
      '',
    ].join('\n'),
  );
  mkdirSync(out, { recursive: true });
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
  let failed = 0;
  try {
    for (const [name, args] of Object.entries(COMMANDS)) {
      captured = undefined;
      const r = await runKubectl(kubectl, [...args, '--cache-dir', join(dir, 'cache')], env);
      if (!captured) {
        failed++;
        process.stderr.write(`${name}: no protobuf body captured (exit ${r.code}): ${r.output.trim()}\n`);
        continue;
      }
      writeFileSync(join(out, `${name}.pb`), captured);
      process.stdout.write(`${name}: ${(captured as Buffer).length} bytes (kubectl exit ${r.code})\n`);
    }
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed > 0) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`capture-protobuf: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
