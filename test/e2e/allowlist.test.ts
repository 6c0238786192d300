/**
 * `--allowed-source-ranges` on a real kapi process: a connection from outside
 * the ranges is reset before any HTTP answer (and counted in the log); one
 * from inside works. On a dual-stack listener the peer is an IPv4-mapped IPv6
 * address, which must match IPv4 ranges.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, Agent } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startKapi, type KapiProcess } from '../support/server.js';
import { waitFor } from '../support/wait.js';

const running: KapiProcess[] = [];
after(async () => {
  for (const k of running) await k.stop();
});

function identity(kubeconfig: string): { ca: string; cert: string; key: string } {
  const kc = parse(readFileSync(kubeconfig, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64').toString();
  return { ca: b64(kc.clusters[0].cluster['certificate-authority-data']), cert: b64(kc.users[0].user['client-certificate-data']), key: b64(kc.users[0].user['client-key-data']) };
}

/** GET /version from a given local address: the HTTP status, or the socket error code. */
function getFrom(kapi: KapiProcess, localAddress: string): Promise<number | string> {
  const id = identity(kapi.kubeconfig);
  return new Promise((resolve) => {
    const agent = new Agent({ ...id, keepAlive: false });
    const req = request({ host: '127.0.0.1', port: kapi.port, path: '/version', method: 'GET', localAddress, agent, servername: 'localhost' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

describe('--allowed-source-ranges', () => {
  test('127.0.0.1/32: a client bound to 127.0.0.2 is reset, 127.0.0.1 is served, the refusal is logged', async () => {
    const kapi = await startKapi({ args: ['--allowed-source-ranges=127.0.0.1/32'] });
    running.push(kapi);
    assert.equal(await getFrom(kapi, '127.0.0.2'), 'ECONNRESET');
    await waitFor('the refusal log line', () => /refused connection from 127\.0\.0\.2:\d+: source address not in --allowed-source-ranges=127\.0\.0\.1\/32/.test(kapi.output()));
    assert.equal(await getFrom(kapi, '127.0.0.1'), 200);
  });

  test('on a dual-stack listener (::), IPv4-mapped peers match IPv4 ranges', async () => {
    const kapi = await startKapi({ args: ['--bind-address=::', '--advertise-address=127.0.0.1', '--allowed-source-ranges=127.0.0.1/32,::1/128'] });
    running.push(kapi);
    assert.equal(await getFrom(kapi, '127.0.0.1'), 200);
    assert.equal(await getFrom(kapi, '127.0.0.2'), 'ECONNRESET');
  });

  test('an invalid range stops the server at startup with a clear message', async () => {
    await assert.rejects(startKapi({ args: ['--allowed-source-ranges=10.0.0.0/33'] }), /--allowed-source-ranges: invalid CIDR address: 10\.0\.0\.0\/33/);
  });
});
