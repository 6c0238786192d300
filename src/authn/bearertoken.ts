/**
 * `Authorization: Bearer <token>` (request/bearertoken): hands the token to
 * the token authenticators. A bearer token that no token authenticator
 * accepts is an invalid credential (401), never "no credentials".
 */
import type { HttpRequest } from '../server/http.js';
import { AuthenticationError, headerValue, intersectAudiences, type Authenticator, type TokenAuthenticator, type TokenResponse } from './interfaces.js';

/** The bearer token of an Authorization header value, or undefined when there is none (Kubernetes' parsing). */
export function bearerToken(authorization: string): string | undefined {
  const auth = authorization.trim();
  if (auth === '') return undefined;
  const parts = auth.split(' ');
  if (parts.length < 2 || parts[0].toLowerCase() !== 'bearer') return undefined;
  // `Bearer  x` (two spaces) yields an empty token: no credentials, as in Kubernetes.
  return parts[1] === '' ? undefined : parts[1];
}

/** Checks a token answer against the API audiences (the authentication filter's "unable to match audiences"). */
export function checkAudiences(resp: TokenResponse, apiAudiences: string[]): TokenResponse {
  if (apiAudiences.length > 0 && resp.audiences.length > 0 && intersectAudiences(apiAudiences, resp.audiences).length === 0) {
    throw new AuthenticationError('unable to match audiences');
  }
  return resp;
}

/** Drops a header after a successful authentication so nothing downstream can reuse the credential. */
export function dropHeader(req: HttpRequest, name: string): void {
  try {
    delete (req.headers as Record<string, unknown>)[name];
  } catch {
    /* read-only header object: nothing to drop */
  }
}

/** The bearer-token request authenticator. */
export function newBearerTokenAuthenticator(tokens: TokenAuthenticator, apiAudiences: string[]): Authenticator {
  return {
    async authenticate(req) {
      const token = bearerToken(headerValue(req, 'authorization'));
      if (token === undefined) return null;
      const resp = await tokens.authenticateToken(token, apiAudiences);
      if (!resp) throw new AuthenticationError('invalid bearer token');
      checkAudiences(resp, apiAudiences);
      dropHeader(req, 'authorization');
      return { user: resp.user };
    },
  };
}
