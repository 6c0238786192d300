/** The source allowlist: CIDR semantics (Go's), and refusal of real connections before TLS. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type ConnectionOptions } from 'node:tls';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki } from '../certs/pki.js';
import { allowedSourceRangesFrom, attachSourceAllowlist, parseAllowedSourceRanges, SourceAllowlist } from './allowlist.js';

const cases: { ranges: string; address: string; allowed: boolean }[] = [
  { ranges: '', address: '203.0.113.9', allowed: true },
  { ranges: '127.0.0.1/32', address: '127.0.0.1', allowed: true },
  { ranges: '127.0.0.1/32', address: '127.0.0.2', allowed: false },
  { ranges: '127.0.0.1/32', address: '::ffff:127.0.0.1', allowed: true },
  { ranges: '127.0.0.1/32', address: '::ffff:127.0.0.2', allowed: false },
  { ranges: '10.0.0.0/8', address: '10.255.1.2', allowed: true },
  { ranges: '10.0.0.0/8', address: '11.0.0.1', allowed: false },
  { ranges: '10.1.2.3/8', address: '10.9.9.9', allowed: true },
  { ranges: '0.0.0.0/0', address: '198.51.100.1', allowed: true },
  { ranges: '0.0.0.0/0', address: '::1', allowed: false },
  { ranges: '::/0', address: '127.0.0.1', allowed: false },
  { ranges: '::1/128', address: '::1', allowed: true },
  { ranges: '2001:db8::/32', address: '2001:db8:1::5', allowed: true },
  { ranges: '2001:db8::/32', address: '2001:db9::5', allowed: false },
  { ranges: '::ffff:192.168.0.0/112', address: '192.168.7.7', allowed: true },
  { ranges: '192.168.0.0/16, fd00::/8', address: 'fd12::1', allowed: true },
  { ranges: '192.168.0.0/16', address: 'not-an-ip', allowed: false },
];

for (const c of cases) {
  test(`ranges ${JSON.stringify(c.ranges)} ${c.allowed ? 'allow' : 'refuse'} ${c.address}`, () => {
    const a = new SourceAllowlist(parseAllowedSourceRanges(c.ranges), () => undefined);
    assert.equal(a.allows(c.address), c.allowed);
  });
}

test('invalid ranges fail with the flag name and Go text', () => {
  for (const bad of ['10.0.0.0/33', '10.0.0.0', '::1/129', 'foo/8', '1.2.3.4/x']) {
    assert.throws(() => parseAllowedSourceRanges(bad), { message: `--allowed-source-ranges: invalid CIDR address: ${bad}` });
  }
  assert.deepEqual(allowedSourceRangesFrom({}), []);
});

test('a connection from outside the ranges is reset before TLS, counted and logged; one from inside completes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kapi-allow-'));
  const pki = await ensurePki({ certDir: dir, extraSans: [] });
  const lines: string[] = [];
  const allowlist = new SourceAllowlist(parseAllowedSourceRanges('127.0.0.1/32'), (l) => lines.push(l));
  const server = createSecureServer({ allowHTTP1: true, cert: pki.servingCertPem, key: pki.servingKeyPem }, (_req, res) => res.end('ok'));
  server.on('tlsClientError', () => undefined);
  attachSourceAllowlist(server, allowlist);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const attempt = (localAddress: string) =>
    new Promise<string>((resolve) => {
      // tls.connect passes localAddress on to net.connect (the typings omit it).
      const opts: ConnectionOptions = { host: '127.0.0.1', port, ca: pki.caCertPem, servername: 'localhost', ...{ localAddress } };
      const s = connect(opts, () => {
        resolve('handshake');
        s.end();
      });
      s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
  try {
    assert.equal(await attempt('127.0.0.2'), 'ECONNRESET');
    assert.equal(allowlist.metrics.refusedConnections, 1);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^kapi: refused connection from 127\.0\.0\.2:\d+: source address not in --allowed-source-ranges=127\.0\.0\.1\/32$/);
    assert.equal(await attempt('127.0.0.1'), 'handshake');
    assert.equal(allowlist.metrics.refusedConnections, 1);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
});
