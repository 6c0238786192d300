/**
 * Bearer tokens in a WebSocket subprotocol (request/websocket): browsers
 * cannot set Authorization on a WebSocket, so clients offer
 * `base64url.bearer.authorization.k8s.io.<base64url(token), no padding>`
 * next to their real subprotocol in Sec-WebSocket-Protocol.
 */
import { AuthenticationError, headerValue, type Authenticator, type TokenAuthenticator } from './interfaces.js';
import { checkAudiences } from './bearertoken.js';
import type { HttpRequest } from '../server/http.js';

/** The subprotocol prefix that carries a bearer token. */
export const bearerProtocolPrefix = 'base64url.bearer.authorization.k8s.io.';

/** True for an HTTP/1.1 WebSocket upgrade request (wsstream.IsWebSocketRequest). */
export function isWebSocketRequest(req: HttpRequest): boolean {
  if (headerValue(req, 'upgrade').toLowerCase() !== 'websocket') return false;
  return /(^|.*,\s*)upgrade($|\s*,)/.test(headerValue(req, 'connection').toLowerCase());
}

/** All values of Sec-WebSocket-Protocol, each comma-separated list split and trimmed. */
function offeredProtocols(req: HttpRequest): string[] {
  const v = req.headers['sec-websocket-protocol'];
  const lines = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return lines.flatMap((l) => l.split(',')).map((p) => p.trim());
}

/** Decodes unpadded base64url strictly; undefined when it is not valid. */
function decodeRawBase64Url(s: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined;
  return Buffer.from(s, 'base64url');
}

/** The WebSocket-protocol bearer authenticator; on success the token protocol is removed from the header. */
export function newWebSocketProtocolAuthenticator(tokens: TokenAuthenticator, apiAudiences: string[]): Authenticator {
  return {
    async authenticate(req) {
      if (!isWebSocketRequest(req)) return null;
      let token = '';
      let sawToken = false;
      const others: string[] = [];
      for (const p of offeredProtocols(req)) {
        if (!p.startsWith(bearerProtocolPrefix)) {
          others.push(p);
          continue;
        }
        if (sawToken) throw new AuthenticationError('multiple base64.bearer.authorization tokens specified');
        sawToken = true;
        const raw = decodeRawBase64Url(p.slice(bearerProtocolPrefix.length));
        if (!raw) throw new AuthenticationError('invalid base64.bearer.authorization token encoding');
        const text = new TextDecoder('utf-8', { fatal: true });
        try {
          token = text.decode(raw);
        } catch {
          throw new AuthenticationError('invalid base64.bearer.authorization token');
        }
      }
      // Another subprotocol must remain to be echoed back once the token one is removed.
      if (token !== '' && others.length === 0) throw new AuthenticationError('missing additional subprotocol');
      if (token === '') return null;
      const resp = await tokens.authenticateToken(token, apiAudiences);
      if (!resp) throw new AuthenticationError('invalid bearer token');
      checkAudiences(resp, apiAudiences);
      try {
        (req.headers as Record<string, unknown>)['sec-websocket-protocol'] = others.join(',');
      } catch {
        /* read-only header object */
      }
      return { user: resp.user };
    },
  };
}
