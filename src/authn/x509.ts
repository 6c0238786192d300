/**
 * Client-certificate authentication: a certificate verified against the
 * client CA yields user CN and groups O (k8s x509 authenticator).
 */
import type { TLSSocket } from 'node:tls';
import type { HttpRequest } from '../server/http.js';
import type { Authenticator } from './interfaces.js';

function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The x509 authenticator. The TLS layer has already verified the chain (`socket.authorized`). */
export function newX509Authenticator(): Authenticator {
  return {
    authenticate(req: HttpRequest) {
      const socket = req.socket as TLSSocket;
      if (!socket || typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return null;
      const cert = socket.getPeerCertificate();
      if (!cert || !cert.subject) return null;
      const cn = asList(cert.subject.CN as string | string[] | undefined)[0] ?? '';
      if (cn === '') return null;
      return { user: { name: cn, uid: '', groups: asList(cert.subject.O as string | string[] | undefined), extra: {} } };
    },
  };
}
