/**
 * Builds the server's authenticator from the options, in kube-apiserver's
 * order (pkg/kubeapiserver/authenticator/config.go): basic auth (opt-in),
 * x509 client certificates, then bearer tokens (Authorization header and
 * WebSocket protocol) checked by token file → ServiceAccount JWT → OIDC →
 * webhook, all behind a short success cache; anonymous last, reached only
 * when nothing presented credentials.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defaultIssuer } from '../registry/core/token.js';
import type { UserInfo } from '../endpoints/request/context.js';
import type { KubeObject } from '../runtime/object.js';
import { isReason } from '../runtime/errors.js';
import {
  AuthenticationError,
  audienceAgnostic,
  failOnErrorUnion,
  intersectAudiences,
  unionAuthenticator,
  unionTokenAuthenticator,
  withAuthenticatedGroup,
  type Authenticator,
  type TokenAuthenticator,
} from './interfaces.js';
import type { AuthenticationOptions } from './options.js';
import { newX509Authenticator } from './x509.js';
import { newBasicAuthFileAuthenticator } from './basicauth.js';
import { newTokenFileAuthenticator } from './tokenfile.js';
import { newServiceAccountAuthenticator, type ObjectGetter, type ServiceAccountObjectResource } from './serviceaccount.js';
import { newServiceAccountTokenSigner, parsePublicKeysPem, readPublicKeysFile, readSigningKeyFile, type ServiceAccountTokenSigner } from './keys.js';
import { newOIDCAuthenticator, oidcUsernamePrefix } from './oidc.js';
import { loadWebhookKubeconfig, newWebhookTokenAuthenticator } from './webhook.js';
import { newCachedTokenAuthenticator } from './tokencache.js';
import { newBearerTokenAuthenticator } from './bearertoken.js';
import { newWebSocketProtocolAuthenticator } from './websocket.js';
import { newAnonymousAuthenticator } from './anonymous.js';

/** What TokenReview asks (same shape as registry/reviews' TokenAuthenticateFunc). */
export type TokenAuthenticateFunc = (token: string, audiences: string[]) => Promise<{ user: UserInfo; audiences: string[] } | null>;

/** What the authenticators need from the server. */
export interface AuthenticationDeps {
  /** Looks up ServiceAccounts and the objects tokens are bound to (see storeObjectGetter). */
  getObject: ObjectGetter;
  /** The generated ServiceAccount key pair (PKI `sa.key`), used when no key flags are given. */
  defaultServiceAccountSigningKeyPem: string;
  /** Paths served anonymously when --anonymous-auth is not given. */
  publicPaths: (path: string) => boolean;
  /** Verify client certificates (default true). */
  clientCertificates?: boolean;
  /** How long a successful token authentication is remembered (kube-apiserver: 10 s; 0 disables). */
  tokenSuccessCacheTtlMs?: number;
  /** Startup warnings (basic auth, token file duplicates). */
  log?: (line: string) => void;
  /** OIDC tuning for tests: least time between key refetches. */
  oidcKeyRefreshMinIntervalMs?: number;
}

/** The assembled authentication of a server. */
export interface Authentication {
  /** For the chain's authentication filter. */
  authenticator: Authenticator;
  /** For TokenReview: every bearer-token authenticator; empty audiences mean the API audiences. */
  tokenAuthenticate: TokenAuthenticateFunc;
  /** --api-audiences, defaulted to the issuers (TokenRequest's default audiences). */
  apiAudiences: string[];
  /** Every accepted ServiceAccount issuer; the first one issues. */
  serviceAccountIssuers: string[];
  /** Signs TokenRequest tokens with --service-account-signing-key-file (or the generated key) for the first issuer. */
  signer: ServiceAccountTokenSigner;
  /** The PEM private key the signer uses. */
  serviceAccountSigningKeyPem: string;
  /** Verification keys (for the JWKS document). */
  serviceAccountPublicKeys: KeyObject[];
}

/** Something with a `get(scope, name)` like the registry's GenericStore. */
export interface ObjectStoreLike {
  get(scope: { namespace: string; dryRun: boolean }, name: string): Promise<KubeObject>;
}

/** An ObjectGetter over the registry's stores (`stores.get('/serviceaccounts')` …); NotFound → null. */
export function storeObjectGetter(storeFor: (resource: ServiceAccountObjectResource) => ObjectStoreLike | undefined): ObjectGetter {
  return async (resource, namespace, name) => {
    const store = storeFor(resource);
    if (!store) return null;
    try {
      const o = await store.get({ namespace, dryRun: false }, name);
      return { uid: o.metadata?.uid ?? '', deletionTimestamp: o.metadata?.deletionTimestamp ?? null };
    } catch (err) {
      if (isReason(err, 'NotFound')) return null;
      throw err;
    }
  };
}

function serviceAccountKeys(opts: AuthenticationOptions, signingPem: string): KeyObject[] {
  if (opts.serviceAccountKeyFiles.length > 0) return opts.serviceAccountKeyFiles.flatMap((f) => readPublicKeysFile(f));
  return parsePublicKeysPem(createPublicKey(createPrivateKey(signingPem)).export({ type: 'spki', format: 'pem' }).toString());
}

/** Builds the authenticators the options ask for. Throws on unreadable files. */
export function newAuthentication(opts: AuthenticationOptions, deps: AuthenticationDeps): Authentication {
  const log = deps.log ?? (() => {});
  const issuers = opts.serviceAccountIssuers.length > 0 ? opts.serviceAccountIssuers : [defaultIssuer];
  const apiAudiences = opts.apiAudiences.length > 0 ? opts.apiAudiences : issuers;
  const signingPem = opts.serviceAccountSigningKeyFile ? readSigningKeyFile(opts.serviceAccountSigningKeyFile) : deps.defaultServiceAccountSigningKeyPem;
  const signer = newServiceAccountTokenSigner(signingPem, issuers[0]);
  const keys = serviceAccountKeys(opts, signingPem);

  const tokenAuthenticators: TokenAuthenticator[] = [];
  if (opts.tokenAuthFile) tokenAuthenticators.push(audienceAgnostic(apiAudiences, newTokenFileAuthenticator(opts.tokenAuthFile, log)));
  tokenAuthenticators.push(newServiceAccountAuthenticator({ issuers, keys, implicitAudiences: apiAudiences, getObject: deps.getObject }));
  if (opts.oidc) {
    const o = opts.oidc;
    const oidc = newOIDCAuthenticator({
      issuerURL: o.issuerURL,
      clientID: o.clientID,
      usernameClaim: o.usernameClaim,
      usernamePrefix: oidcUsernamePrefix(o.usernamePrefix, o.usernameClaim, o.issuerURL),
      groupsClaim: o.groupsClaim,
      groupsPrefix: o.groupsPrefix,
      signingAlgs: o.signingAlgs,
      requiredClaims: o.requiredClaims,
      caPem: o.caFile ? readFileSync(o.caFile, 'utf8') : undefined,
      keyRefreshMinIntervalMs: deps.oidcKeyRefreshMinIntervalMs,
    });
    tokenAuthenticators.push(audienceAgnostic(apiAudiences, oidc));
  }
  if (opts.webhook) {
    tokenAuthenticators.push(
      newWebhookTokenAuthenticator({
        endpoint: loadWebhookKubeconfig(opts.webhook.configFile),
        version: opts.webhook.version,
        cacheTtlMs: opts.webhook.cacheTtlMs,
        implicitAudiences: apiAudiences,
      }),
    );
  }
  let tokens = unionTokenAuthenticator(tokenAuthenticators);
  const successTtl = deps.tokenSuccessCacheTtlMs ?? 10_000;
  if (successTtl > 0) tokens = newCachedTokenAuthenticator(tokens, { successTtlMs: successTtl, failureTtlMs: 0, cacheErrors: false });

  const requestAuthenticators: Authenticator[] = [];
  if (opts.basicAuthFile) requestAuthenticators.push(newBasicAuthFileAuthenticator(opts.basicAuthFile, log));
  if (deps.clientCertificates !== false) requestAuthenticators.push(newX509Authenticator());
  requestAuthenticators.push(newBearerTokenAuthenticator(tokens, apiAudiences), newWebSocketProtocolAuthenticator(tokens, apiAudiences));

  let authenticator = unionAuthenticator(requestAuthenticators);
  if (opts.anonymousAuth !== false) {
    const anonymous = newAnonymousAuthenticator(opts.anonymousAuth === true ? {} : { paths: deps.publicPaths });
    authenticator = failOnErrorUnion(authenticator, anonymous);
  }

  const tokenAuthenticate: TokenAuthenticateFunc = async (token, audiences) => {
    const auds = audiences.length > 0 ? audiences : apiAudiences;
    const resp = await tokens.authenticateToken(token, auds);
    if (!resp) throw new AuthenticationError('invalid bearer token');
    if (auds.length > 0 && intersectAudiences(auds, resp.audiences).length === 0) return null;
    return { user: withAuthenticatedGroup(resp.user), audiences: resp.audiences };
  };

  return { authenticator, tokenAuthenticate, apiAudiences, serviceAccountIssuers: issuers, signer, serviceAccountSigningKeyPem: signingPem, serviceAccountPublicKeys: keys };
}
