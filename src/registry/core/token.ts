/**
 * `serviceaccounts/<name>/token`: TokenRequest → a signed ServiceAccount JWT
 * (RS256), with Kubernetes' claims layout.
 */
import { createPrivateKey, createPublicKey, createHash, randomUUID, sign, type KeyObject } from 'node:crypto';
import { newInvalid } from '../../runtime/errors.js';
import { isJsonObject, type JsonObject, type KubeObject } from '../../runtime/object.js';
import { FieldPath, invalid } from '../../validation/field/errors.js';
import { nowTimestamp } from '../generic/meta.js';

/** The issuer kube-apiserver uses by default. */
export const defaultIssuer = 'https://kubernetes.default.svc.cluster.local';
/** Default and minimum token lifetimes (seconds). */
export const defaultExpirationSeconds = 3600;
export const minExpirationSeconds = 600;

function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

/** Signs ServiceAccount tokens with the server's key. */
export class TokenSigner {
  private readonly key: KeyObject;
  readonly keyId: string;

  constructor(privateKeyPem: string, readonly issuer = defaultIssuer) {
    this.key = createPrivateKey(privateKeyPem);
    const der = createPublicKey(this.key).export({ type: 'spki', format: 'der' });
    this.keyId = createHash('sha256').update(der).digest('base64url');
  }

  sign(claims: JsonObject): string {
    const header = b64url(JSON.stringify({ alg: 'RS256', kid: this.keyId }));
    const payload = b64url(JSON.stringify(claims));
    const sig = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), this.key);
    return `${header}.${payload}.${b64url(sig)}`;
  }
}

/** Issues a token for the ServiceAccount `sa` as asked by the TokenRequest `req`. */
export function issueToken(signer: TokenSigner, sa: KubeObject, req: KubeObject, now = new Date()): KubeObject {
  const spec = isJsonObject(req.spec) ? req.spec : {};
  const exp = spec.expirationSeconds === undefined || spec.expirationSeconds === null ? defaultExpirationSeconds : spec.expirationSeconds;
  if (typeof exp !== 'number' || exp < minExpirationSeconds || exp > 2 ** 32) {
    throw newInvalid('TokenRequest', 'authentication.k8s.io', sa.metadata?.name ?? '', [
      invalid(FieldPath.of('spec', 'expirationSeconds'), exp, typeof exp === 'number' && exp < minExpirationSeconds ? 'may not specify a duration less than 10 minutes' : 'may not specify a duration larger than 2^32 seconds'),
    ]);
  }
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences.map(String) : [signer.issuer];
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
