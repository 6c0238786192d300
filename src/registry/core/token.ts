/**
 * `serviceaccounts/<name>/token`: TokenRequest → a signed ServiceAccount JWT,
 * with Kubernetes' claims layout.
 */
import { randomUUID } from 'node:crypto';
import { newInvalid } from '../../runtime/errors.js';
import { isJsonObject, type JsonObject, type KubeObject } from '../../runtime/object.js';
import { FieldPath, invalid } from '../../validation/field/errors.js';
import { nowTimestamp } from '../generic/meta.js';

/** The issuer kube-apiserver uses by default. */
export const defaultIssuer = 'https://kubernetes.default.svc.cluster.local';
/** Default and minimum token lifetimes (seconds). */
export const defaultExpirationSeconds = 3600;
export const minExpirationSeconds = 600;

/** What issuing needs from a signer (src/authn/keys.ts ServiceAccountTokenSigner). */
export interface TokenIssuer {
  readonly issuer: string;
  sign(claims: JsonObject): string;
}

/** Issues a token for the ServiceAccount `sa` as asked by the TokenRequest `req`. */
export function issueToken(signer: TokenIssuer, sa: KubeObject, req: KubeObject, apiAudiences: string[], now = new Date()): KubeObject {
  const spec = isJsonObject(req.spec) ? req.spec : {};
  const exp = spec.expirationSeconds === undefined || spec.expirationSeconds === null ? defaultExpirationSeconds : spec.expirationSeconds;
  if (typeof exp !== 'number' || exp < minExpirationSeconds || exp > 2 ** 32) {
    throw newInvalid('TokenRequest', 'authentication.k8s.io', sa.metadata?.name ?? '', [
      invalid(FieldPath.of('spec', 'expirationSeconds'), exp, typeof exp === 'number' && exp < minExpirationSeconds ? 'may not specify a duration less than 10 minutes' : 'may not specify a duration larger than 2^32 seconds'),
    ]);
  }
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences.map(String) : apiAudiences.length > 0 ? apiAudiences : [signer.issuer];
  const iat = Math.floor(now.getTime() / 1000);
  const ns = sa.metadata?.namespace ?? '';
  const name = sa.metadata?.name ?? '';
  const kubeClaims: JsonObject = { namespace: ns, serviceaccount: { name, uid: sa.metadata?.uid ?? '' } };
  const bound = isJsonObject(spec.boundObjectRef) ? spec.boundObjectRef : undefined;
  if (bound && typeof bound.kind === 'string' && typeof bound.name === 'string') {
    kubeClaims[bound.kind.toLowerCase()] = { name: bound.name, uid: typeof bound.uid === 'string' ? bound.uid : '' };
  }
  const token = signer.sign({
    aud: audiences,
    exp: iat + exp,
    iat,
    iss: signer.issuer,
    jti: randomUUID(),
    'kubernetes.io': kubeClaims,
    nbf: iat,
    sub: `system:serviceaccount:${ns}:${name}`,
  });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace: ns, creationTimestamp: nowTimestamp(now) },
    spec: { audiences, expirationSeconds: exp, boundObjectRef: bound ?? null },
    status: { token, expirationTimestamp: nowTimestamp(new Date((iat + exp) * 1000)) },
  };
}
