/**
 * Test fixtures for the authenticators: real key material, a real HTTPS
 * OIDC provider and a real TokenReview webhook on 127.0.0.1, and fake
 * request objects for request authenticators. Used by the unit tests here
 * and by test/support/authn-*.ts.
 */
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpRequest } from '../server/http.js';
import { ensurePki, type PkiMaterial } from '../server/certs/pki.js';
import { keyIdOf } from './serviceaccount.js';

/** A temporary directory and a writer for files in it. */
export interface TempDir {
  path: string;
  write(name: string, content: string): string;
  remove(): void;
}

export function tempDir(prefix = 'kapi-authn-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    write(name, content) {
      const p = join(path, name);
      writeFileSync(p, content, { mode: 0o600 });
      return p;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** A fresh CA with a serving certificate for 127.0.0.1 and localhost. */
export async function testPki(dir: TempDir, name = 'pki'): Promise<PkiMaterial> {
  return ensurePki({ certDir: join(dir.path, name), extraSans: [] });
}

/** A key pair for signing test tokens. */
export interface TestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
  alg: string;
}

const cachedRsa: TestKey[] = [];

/** An RSA (RS256) key; the first `n` are generated once per process and reused. */
export function rsaKey(index = 0): TestKey {
  while (cachedRsa.length <= index) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    cachedRsa.push({ privateKey, publicKey, kid: keyIdOf(publicKey), alg: 'RS256' });
  }
  return cachedRsa[index];
}

/** A fresh ECDSA key on P-256 (ES256) or P-384 (ES384). */
export function ecKey(curve: 'P-256' | 'P-384' = 'P-256'): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  return { privateKey, publicKey, kid: keyIdOf(publicKey), alg: curve === 'P-256' ? 'ES256' : 'ES384' };
}

const hashes: Record<string, string> = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

/** Signs a compact JWS with a test key (header `alg` and `kid` may be overridden or dropped with null). */
export function signJwt(key: TestKey, payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const h: Record<string, unknown> = { alg: key.alg, kid: key.kid, ...header };
  for (const [k, v] of Object.entries(h)) if (v === null) delete h[k];
  const alg = String(h.alg);
  const input = `${Buffer.from(JSON.stringify(h)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const hash = hashes[alg.slice(2)] ?? 'sha256';
  let sig: Buffer;
  if (alg.startsWith('ES')) sig = sign(hash, Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  else if (alg.startsWith('PS')) sig = sign(hash, Buffer.from(input), { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 });
  else sig = sign(hash, Buffer.from(input), key.privateKey);
  return `${input}.${sig.toString('base64url')}`;
}

/** Flips one character of the signature. */
export function tamper(token: string): string {
  const i = token.lastIndexOf('.') + 5;
  const c = token[i] === 'A' ? 'B' : 'A';
  return token.slice(0, i) + c + token.slice(i + 1);
}

/** Seconds since the epoch. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A fake request for request authenticators: headers (repeatable), url. */
export function fakeRequest(headers: [string, string][] = [], url = '/api'): HttpRequest {
  const h: Record<string, string | string[]> = {};
  for (const [n, v] of headers) {
    const k = n.toLowerCase();
    const prev = h[k];
    h[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : k === 'sec-websocket-protocol' ? [prev, v] : `${prev}, ${v}`;
  }
  return { headers: h, rawHeaders: headers.flat(), url, method: 'GET', socket: undefined } as unknown as HttpRequest;
}

/** A running HTTPS server for tests. */
export interface TestHttpsServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts an HTTPS server on 127.0.0.1 with the PKI's serving certificate. */
export async function startHttpsServer(pki: PkiMaterial, handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<TestHttpsServer> {
  const server = createServer({ cert: pki.servingCertPem, key: pki.servingKeyPem }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** An OIDC provider: discovery, JWKS, and token signing with its current keys. */
export interface TestOIDCIssuer {
  url: string;
  /** Keys served in the JWKS (the first signs by default). */
  keys: TestKey[];
  readonly discoveryFetches: number;
  readonly jwksFetches: number;
  /** Signs an ID token; `iss`, `aud`, `iat`, `exp` default to valid values. */
  token(claims: Record<string, unknown>, opts?: { key?: TestKey; header?: Record<string, unknown> }): string;
  close(): Promise<void>;
}

/** Starts an OIDC issuer over HTTPS on 127.0.0.1 whose keys the test can change. */
export async function startOIDCIssuer(pki: PkiMaterial, clientID: string, keys: TestKey[] = [rsaKey(0)]): Promise<TestOIDCIssuer> {
  let discoveryFetches = 0;
  let jwksFetches = 0;
  let url = '';
  const state = { keys };
  const srv = await startHttpsServer(pki, (req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      discoveryFetches++;
      res.end(JSON.stringify({ issuer: url, jwks_uri: `${url}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/keys') {
      jwksFetches++;
      res.end(JSON.stringify({ keys: state.keys.map((k) => ({ ...(k.publicKey.export({ format: 'jwk' }) as object), kid: k.kid, use: 'sig', alg: k.alg })) }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  url = srv.url;
  return {
    url,
    get keys() {
      return state.keys;
    },
    set keys(v: TestKey[]) {
      state.keys = v;
    },
    get discoveryFetches() {
      return discoveryFetches;
    },
    get jwksFetches() {
      return jwksFetches;
    },
    token(claims, opts = {}) {
      const now = nowSeconds();
      return signJwt(opts.key ?? state.keys[0], { iss: url, aud: clientID, iat: now, exp: now + 600, ...claims }, opts.header);
    },
    close: () => srv.close(),
  };
}

/** A TokenReview webhook: answers with `respond(review)` and records what it received. */
export interface TestWebhook {
  url: string;
  reviews: Record<string, unknown>[];
  /** Client certificate subjects (CN) seen. */
  clientNames: string[];
  close(): Promise<void>;
}

/** Starts a TokenReview webhook over HTTPS that requires a client certificate from `clientCaPem` when given. */
export async function startTokenReviewWebhook(
  pki: PkiMaterial,
  respond: (review: Record<string, unknown>) => { status?: number; body: unknown },
): Promise<TestWebhook> {
  const reviews: Record<string, unknown>[] = [];
  const clientNames: string[] = [];
  const server = createServer({ cert: pki.servingCertPem, key: pki.servingKeyPem, ca: pki.caCertPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const sock = req.socket as import('node:tls').TLSSocket;
      const cert = sock.getPeerCertificate();
      if (sock.authorized && cert?.subject?.CN) clientNames.push(String(cert.subject.CN));
      const review = JSON.parse(body) as Record<string, unknown>;
      reviews.push(review);
      const out = respond(review);
      res.statusCode = out.status ?? 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/authenticate`,
    reviews,
    clientNames,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A kubeconfig for a webhook: server, CA, optional client certificate. */
export function webhookKubeconfig(server: string, caPem: string, client?: { certPem: string; keyPem: string }): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const user = client ? `    client-certificate-data: ${b64(client.certPem)}\n    client-key-data: ${b64(client.keyPem)}\n` : '    {}\n';
  return (
    'apiVersion: v1\nkind: Config\nclusters:\n- name: hook\n  cluster:\n' +
    `    server: ${server}\n    certificate-authority-data: ${b64(caPem)}\n` +
    `users:\n- name: apiserver\n  user:\n${user}` +
    'contexts:\n- name: webhook\n  context:\n    cluster: hook\n    user: apiserver\ncurrent-context: webhook\n'
  );
}
