/**
 * Client-certificate authentication: a certificate verified against the
 * client CA yields user CN and groups O (k8s x509 authenticator). A
 * certificate that does not verify (unknown CA, expired) is an invalid
 * credential; no certificate at all is no opinion.
 */
import type { TLSSocket } from 'node:tls';
import type { HttpRequest } from '../server/http.js';
import { AuthenticationError, type Authenticator } from './interfaces.js';
import type { UserInfo } from '../endpoints/request/context.js';

function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** What a connection's certificate means: a user, nothing, or a failed verification. */
type CertOutcome = { user: UserInfo } | { none: true } | { error: string };

function outcomeOf(socket: TLSSocket): CertOutcome {
  const cert = socket.getPeerCertificate();
  const presented = !!cert && Object.keys(cert).length > 0;
  if (!presented) return { none: true };
  if (!socket.authorized) {
    const why = socket.authorizationError ? String(socket.authorizationError) : 'unknown authority';
    return { error: `verifying certificate ${cert.subject?.CN ? `CN=${String(cert.subject.CN)}, ` : ''}SN=${cert.serialNumber} failed: x509: ${why}` };
  }
  const cn = cert.subject ? (asList(cert.subject.CN as string | string[] | undefined)[0] ?? '') : '';
  if (cn === '') return { none: true };
  return { user: { name: cn, uid: '', groups: asList(cert.subject.O as string | string[] | undefined), extra: {} } };
}

/**
 * The x509 authenticator. The TLS layer has already verified the chain
 * (`socket.authorized`); the outcome of a connection is computed once and
 * cached (HTTP/2 multiplexes many requests on one connection).
 */
export function newX509Authenticator(): Authenticator {
  const byConnection = new WeakMap<object, CertOutcome>();
  return {
    authenticate(req: HttpRequest) {
      const socket = req.socket as TLSSocket;
      if (!socket || typeof socket.getPeerCertificate !== 'function') return null;
      // For HTTP/2 `req.socket` is a per-request proxy; the session's socket is the stable key.
      const keyObj = ((req as { stream?: { session?: { socket?: object } } }).stream?.session?.socket ?? socket) as object;
      let outcome = byConnection.get(keyObj);
      if (outcome === undefined) {
        outcome = outcomeOf(socket);
        byConnection.set(keyObj, outcome);
      }
      if ('error' in outcome) throw new AuthenticationError(outcome.error);
      if ('none' in outcome) return null;
      const u = outcome.user;
      return { user: { ...u, groups: [...u.groups], extra: {} } };
    },
  };
}
