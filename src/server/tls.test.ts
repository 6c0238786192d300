/** TLS options from kube-apiserver flag values, and certificate reload into a running server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { ensurePki } from './certs/pki.js';
import { secureContextOptions, ServingCertificateReloader, tlsCipherSuites, tlsMinVersion, tlsOptionsFrom } from './tls.js';

const versions: { flag: string; want?: string; error?: RegExp }[] = [
  { flag: '', want: 'TLSv1.2' },
  { flag: 'VersionTLS12', want: 'TLSv1.2' },
  { flag: 'VersionTLS13', want: 'TLSv1.3' },
  { flag: 'VersionTLS11', error: /kapi requires at least VersionTLS12/ },
  { flag: 'VersionTLS10', error: /kapi requires at least VersionTLS12/ },
  { flag: 'TLS1.2', error: /unknown tls version "TLS1\.2"/ },
];
for (const v of versions) {
  test(`--tls-min-version=${JSON.stringify(v.flag)}`, () => {
    if (v.error) assert.throws(() => tlsMinVersion(v.flag), v.error);
    else assert.equal(tlsMinVersion(v.flag), v.want);
  });
}

const suites: { flag: string; want?: string; error?: string | RegExp }[] = [
  { flag: '', want: undefined },
  {
    flag: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    want: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256',
  },
  // Legacy alias and a 1.3 name (accepted, no effect).
  { flag: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305, TLS_AES_128_GCM_SHA256', want: 'ECDHE-RSA-CHACHA20-POLY1305:TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256' },
  { flag: 'TLS_FOO', error: "cipher suite TLS_FOO not supported or doesn't exist" },
  { flag: 'TLS_RSA_WITH_RC4_128_SHA', error: /not supported by this server's TLS library/ },
];
for (const s of suites) {
  test(`--tls-cipher-suites=${JSON.stringify(s.flag)}`, () => {
    if (s.error) assert.throws(() => tlsCipherSuites(s.flag), typeof s.error === 'string' ? { message: s.error } : s.error);
    else assert.equal(tlsCipherSuites(s.flag), s.want);
  });
}

test('tlsOptionsFrom names the flag in errors', () => {
  assert.deepEqual(tlsOptionsFrom({}), { minVersion: 'TLSv1.2' });
  assert.throws(() => tlsOptionsFrom({ 'tls-cipher-suites': 'nope' }), { message: "--tls-cipher-suites: cipher suite nope not supported or doesn't exist" });
  assert.throws(() => tlsOptionsFrom({ 'tls-min-version': 'v1.3' }), { message: '--tls-min-version: unknown tls version "v1.3"; possible values: VersionTLS12, VersionTLS13' });
});

function peerCert(port: number, opts: { maxVersion?: 'TLSv1.2' | 'TLSv1.3'; ciphers?: string } = {}): Promise<PeerCertificate | string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost', ...opts }, () => {
      resolve(s.getPeerCertificate());
      s.end();
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

test('the configured protocol options hold on a real server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kapi-tls-'));
  const pki = await ensurePki({ certDir: dir, extraSans: [] });
  const server = createSecureServer({
    allowHTTP1: true,
    ...secureContextOptions({ certPem: pki.servingCertPem, keyPem: pki.servingKeyPem, clientCaPem: pki.caCertPem }, tlsOptionsFrom({ 'tls-cipher-suites': 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' })),
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  try {
    assert.equal(typeof (await peerCert(port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' })), 'object');
    assert.equal(typeof (await peerCert(port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' })), 'string');
    // TLS 1.3 suites stay available whatever the 1.2 list says (as with Go).
    assert.equal(typeof (await peerCert(port, { maxVersion: 'TLSv1.3' })), 'object');
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a changed certificate on disk is loaded into the running server; a broken one is refused and logged', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kapi-tls-reload-'));
  const first = await ensurePki({ certDir: join(root, 'a'), extraSans: [] });
  const second = await ensurePki({ certDir: join(root, 'b'), extraSans: [] });
  const live = join(root, 'live');
  const files = { certFile: join(live, 'tls.crt'), keyFile: join(live, 'tls.key'), clientCaFile: join(live, 'ca.crt') };
  mkdirSync(live);
  writeFileSync(files.certFile, first.servingCertPem);
  writeFileSync(files.keyFile, first.servingKeyPem);
  writeFileSync(files.clientCaFile, first.caCertPem);
  const protocol = tlsOptionsFrom({});
  const server = createSecureServer({ allowHTTP1: true, ...secureContextOptions({ certPem: first.servingCertPem, keyPem: first.servingKeyPem, clientCaPem: first.caCertPem }, protocol) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const lines: string[] = [];
  const reloader = new ServingCertificateReloader(files, protocol, server, (l) => lines.push(l), 60_000);
  const nextReload = () => new Promise<boolean>((r) => reloader.onReload(r));
  reloader.start();
  const fingerprint = async () => ((await peerCert(port)) as PeerCertificate).fingerprint256;
  try {
    const before = await fingerprint();
    // A mismatched pair (new cert, old key) is refused: the old certificate stays.
    let reloaded = nextReload();
    writeFileSync(files.certFile, second.servingCertPem);
    assert.equal(await reloaded, false);
    assert.match(lines.at(-1) ?? '', /not reloading the serving certificate .*the previous certificate stays in use/);
    assert.equal(await fingerprint(), before);
    // The matching key lands (renamed into place, as editors and kubelet do).
    reloaded = nextReload();
    writeFileSync(join(live, 'tls.key.tmp'), second.servingKeyPem);
    renameSync(join(live, 'tls.key.tmp'), files.keyFile);
    assert.equal(await reloaded, true);
    assert.match(lines.at(-1) ?? '', /^kapi: loaded new serving certificate from .*tls\.crt \(subject "CN=kapi-apiserver", valid until /);
    const after = await fingerprint();
    assert.notEqual(after, before);
    // The client CA is part of the context: a new CA file is picked up too.
    reloaded = nextReload();
    copyFileSync(join(root, 'b', 'ca.crt'), files.clientCaFile);
    assert.equal(await reloaded, true);
  } finally {
    reloader.stop();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(root, { recursive: true, force: true });
  }
});
