/**
 * Client-certificate authentication: a certificate verified against the
 * client CA yields user CN and groups O (k8s x509 authenticator).
 */
import type { TLSSocket } from 'node:tls';
import type { HttpRequest } from '../server/http.js';
import type { Authenticator } from './interfaces.js';
import type { UserInfo } from '../endpoints/request/context.js';

function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/**
 * The x509 authenticator. The TLS layer has already verified the chain
 * (`socket.authorized`); the user of a connection is computed once and cached
 * (HTTP/2 multiplexes many requests on one connection).
 */
export function newX509Authenticator(): Authenticator {
  const byCert = new WeakMap<object, UserInfo | null>();
  return {
    authenticate(req: HttpRequest) {
      const socket = req.socket as TLSSocket;
      if (!socket || typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return null;
      // For HTTP/2 `req.socket` is a per-request proxy; the session's socket is the stable key.
      const keyObj = ((req as { stream?: { session?: { socket?: object } } }).stream?.session?.socket ?? socket) as object;
      let user = byCert.get(keyObj);
      if (user === undefined) {
        const cert = socket.getPeerCertificate();
        const cn = cert && cert.subject ? (asList(cert.subject.CN as string | string[] | undefined)[0] ?? '') : '';
        user = cn === '' ? null : { name: cn, uid: '', groups: asList(cert.subject.O as string | string[] | undefined), extra: {} };
        byCert.set(keyObj, user);
      }
      return user ? { user: { ...user, groups: [...user.groups] } } : null;
    },
  };
}
