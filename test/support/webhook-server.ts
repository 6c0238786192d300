/**
 * Test support: real HTTPS admission webhook servers. A test CA and a
 * serving certificate (for localhost, 127.0.0.1 and any extra names, e.g.
 * `svc.ns.svc`) come from the server's own PKI helpers; the server answers
 * AdmissionReviews by path with handlers the test gives, and records every
 * review it received.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ensurePki } from '../../src/server/certs/pki.js';

/** A decoded AdmissionReview request (loosely typed: tests read what they assert). */
export interface ReceivedReview {
  path: string;
  review: { apiVersion: string; kind: string; request: AdmissionRequestJson };
}

/** The fields of an AdmissionRequest tests look at. */
export interface AdmissionRequestJson {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  requestKind?: { group: string; version: string; kind: string };
  requestResource?: { group: string; version: string; resource: string };
  name?: string;
  namespace?: string;
  operation: string;
  userInfo: { username?: string; uid?: string; groups?: string[] };
  object: Record<string, unknown> | null;
  oldObject: Record<string, unknown> | null;
  dryRun: boolean;
  options: Record<string, unknown> | null;
}

/** What a handler answers: the `response` object (uid filled in when absent), or a raw HTTP answer. */
export type WebhookAnswer = Record<string, unknown> | { raw: { status: number; body: string; contentType?: string } };

/** Answers one review; may wait (e.g. until the request is abandoned). */
export type WebhookHandler = (review: ReceivedReview['review'], req: IncomingMessage) => Promise<WebhookAnswer> | WebhookAnswer;

/** Test PKI material: the CA as a caBundle and a serving pair. */
export interface WebhookPki {
  caBundle: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  cleanup(): void;
}

/** Creates a fresh test CA and a serving certificate for localhost, 127.0.0.1 and `extraSans`. */
export async function makeWebhookPki(extraSans: string[] = []): Promise<WebhookPki> {
  const dir = mkdtempSync(join(tmpdir(), 'kapi-webhook-pki-'));
  const pki = await ensurePki({ certDir: dir, extraSans });
  return {
    caBundle: Buffer.from(pki.caCertPem).toString('base64'),
    caPem: pki.caCertPem,
    certPem: pki.servingCertPem,
    keyPem: pki.servingKeyPem,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A running webhook server. */
export interface WebhookServer {
  port: number;
  /** `https://127.0.0.1:<port><path>`. */
  url(path: string): string;
  /** Every review received, in order. */
  received: ReceivedReview[];
  /** Sets (or replaces) the handler of a path. */
  handle(path: string, handler: WebhookHandler): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.on('data', (c: Buffer) => (s += c.toString('utf8')));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

/** Starts an HTTPS webhook server on 127.0.0.1 with the given PKI and handlers by path. */
export async function startWebhookServer(pki: WebhookPki, handlers: Record<string, WebhookHandler> = {}): Promise<WebhookServer> {
  const routes = new Map(Object.entries(handlers));
  const received: ReceivedReview[] = [];
  const server: Server = createServer({ cert: pki.certPem, key: pki.keyPem }, (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'https://x').pathname;
      const text = await readBody(req);
      const review = JSON.parse(text) as ReceivedReview['review'];
      received.push({ path, review });
      const handler = routes.get(path);
      if (!handler) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no handler');
        return;
      }
      const answer = await handler(review, req);
      if (res.destroyed || res.writableEnded) return;
      if ('raw' in answer && typeof answer.raw === 'object' && answer.raw !== null) {
        const raw = answer.raw as { status: number; body: string; contentType?: string };
        res.writeHead(raw.status, { 'Content-Type': raw.contentType ?? 'application/json' }).end(raw.body);
        return;
      }
      const response = { uid: review.request.uid, ...answer };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ apiVersion: review.apiVersion, kind: 'AdmissionReview', response }));
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path) => `https://127.0.0.1:${port}${path}`,
    received,
    handle: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An allowing response. */
export function allow(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { allowed: true, ...extra };
}

/** A denying response with a status message and code. */
export function deny(message: string, code = 403, reason?: string): Record<string, unknown> {
  return { allowed: false, status: { message, code, ...(reason ? { reason } : {}) } };
}

/** An allowing response carrying a JSON patch. */
export function patchResponse(ops: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64'), ...extra };
}

/** Resolves when the client abandons the request (or after `maxMs`): a webhook that never answers in time. */
export function untilAbandoned(req: IncomingMessage, maxMs = 30_000): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, maxMs);
    req.socket.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function unusedPort(): Promise<number> {
  const { createServer: createTcp } = await import('node:net');
  const s = createTcp();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
