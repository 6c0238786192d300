/**
 * ServiceAccount tokens (pkg/serviceaccount jwt.go + claims.go): bound JWTs
 * signed with a `--service-account-key-file` key, issued by one of the
 * `--service-account-issuer`s, for one of the API audiences, still within
 * their lifetime (one minute of leeway), and whose ServiceAccount (and bound
 * Pod, Secret or Node) still exists with the uid in the token.
 */
import { createHash, type KeyObject } from 'node:crypto';
import type { UserInfo } from '../endpoints/request/context.js';
import { AuthenticationError, errorText, aggregateText, intersectAudiences, type TokenAuthenticator } from './interfaces.js';
import { claimAudiences, decodeUnverified, goQuotedList, numericDate, parsePayload, verifySignature } from './jwt.js';

export const serviceAccountUsernamePrefix = 'system:serviceaccount:';
export const allServiceAccountsGroup = 'system:serviceaccounts';
export const serviceAccountGroupPrefix = 'system:serviceaccounts:';
/** Keys of the user's extra that Kubernetes fills from the token. */
export const podNameKey = 'authentication.kubernetes.io/pod-name';
export const podUidKey = 'authentication.kubernetes.io/pod-uid';
export const nodeNameKey = 'authentication.kubernetes.io/node-name';
export const nodeUidKey = 'authentication.kubernetes.io/node-uid';
export const credentialIdKey = 'authentication.kubernetes.io/credential-id';

/** The leeway of the time checks and of "deleted long enough ago" (go-jose's DefaultLeeway). */
export const serviceAccountLeewayMs = 60_000;

/** `system:serviceaccount:<namespace>:<name>`. */
export function makeServiceAccountUsername(namespace: string, name: string): string {
  return `${serviceAccountUsernamePrefix}${namespace}:${name}`;
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Namespace and name of a ServiceAccount username, or undefined when it is not a valid one (SplitUsername). */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(serviceAccountUsernamePrefix)) return undefined;
  const parts = username.slice(serviceAccountUsernamePrefix.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts;
  if (namespace.length > 63 || !dns1123Label.test(namespace)) return undefined;
  if (name.length > 253 || !dns1123Subdomain.test(name)) return undefined;
  return { namespace, name };
}

/** The groups of every ServiceAccount of a namespace. */
export function serviceAccountGroups(namespace: string): string[] {
  return [allServiceAccountsGroup, `${serviceAccountGroupPrefix}${namespace}`];
}

/** What a validated token says about its ServiceAccount (ServiceAccountInfo). */
export interface ServiceAccountInfo {
  namespace: string;
  name: string;
  uid: string;
  podName?: string;
  podUid?: string;
  nodeName?: string;
  nodeUid?: string;
  credentialId?: string;
}

/** The user of a ServiceAccount token, with the extras Kubernetes 1.33 sets. */
export function serviceAccountUserInfo(sa: ServiceAccountInfo): UserInfo {
  const extra: Record<string, string[]> = {};
  if (sa.podName && sa.podUid) {
    extra[podNameKey] = [sa.podName];
    extra[podUidKey] = [sa.podUid];
  }
  if (sa.credentialId) extra[credentialIdKey] = [sa.credentialId];
  if (sa.nodeName) {
    extra[nodeNameKey] = [sa.nodeName];
    if (sa.nodeUid) extra[nodeUidKey] = [sa.nodeUid];
  }
  return { name: makeServiceAccountUsername(sa.namespace, sa.name), uid: sa.uid, groups: serviceAccountGroups(sa.namespace), extra };
}

/** The objects a token can be bound to, as the authenticator looks them up. */
export type ServiceAccountObjectResource = 'serviceaccounts' | 'pods' | 'secrets' | 'nodes';

/** The part of a stored object the validator needs. */
export interface ObjectIdentity {
  uid: string;
  /** RFC 3339 metadata.deletionTimestamp, when the object is being deleted. */
  deletionTimestamp?: string | null;
}

/** Looks an object up in storage (namespace '' for nodes); null when it does not exist. */
export type ObjectGetter = (resource: ServiceAccountObjectResource, namespace: string, name: string) => Promise<ObjectIdentity | null>;

/** The key id Kubernetes puts in `kid`: unpadded base64url of SHA-256 over the DER (SPKI) public key. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}

export interface ServiceAccountAuthenticatorOptions {
  /** Accepted `iss` values (every --service-account-issuer). */
  issuers: string[];
  /** Verification keys (--service-account-key-file). */
  keys: KeyObject[];
  /** The API audiences (--api-audiences, default the issuers). */
  implicitAudiences: string[];
  getObject: ObjectGetter;
  /** Clock in ms (tests). */
  now?: () => number;
}

interface Ref {
  name: string;
  uid: string;
}

function refOf(v: unknown): Ref | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  return { name: typeof o.name === 'string' ? o.name : '', uid: typeof o.uid === 'string' ? o.uid : '' };
}

function deletedBefore(obj: ObjectIdentity, limitMs: number): boolean {
  if (!obj.deletionTimestamp) return false;
  const t = Date.parse(obj.deletionTimestamp);
  return Number.isFinite(t) && t < limitMs;
}

/** The bound-token validator (claims.go): times, then the objects the token names. */
async function validateBound(payload: Record<string, unknown>, getObject: ObjectGetter, nowMs: number): Promise<ServiceAccountInfo> {
  const nbf = numericDate(payload.nbf);
  const exp = numericDate(payload.exp);
  const iat = numericDate(payload.iat);
  if (nbf === undefined || exp === undefined || iat === undefined) {
    throw new AuthenticationError('service account token claims could not be validated due to unexpected validation error');
  }
  if (nbf !== null && nowMs + serviceAccountLeewayMs < nbf * 1000) throw new AuthenticationError('service account token is not valid yet');
  if (exp !== null && nowMs - serviceAccountLeewayMs > exp * 1000) throw new AuthenticationError('service account token has expired');
  if (iat !== null && nowMs + serviceAccountLeewayMs < iat * 1000) throw new AuthenticationError('service account token is issued in the future');

  const k8s = typeof payload['kubernetes.io'] === 'object' && payload['kubernetes.io'] !== null ? (payload['kubernetes.io'] as Record<string, unknown>) : {};
  const namespace = typeof k8s.namespace === 'string' ? k8s.namespace : '';
  const sa = refOf(k8s.serviceaccount) ?? { name: '', uid: '' };
  const podRef = refOf(k8s.pod);
  const secretRef = refOf(k8s.secret);
  const nodeRef = refOf(k8s.node);
  const invalidIfDeletedBefore = nowMs - serviceAccountLeewayMs;

  const account = await getObject('serviceaccounts', namespace, sa.name);
  if (!account) throw new AuthenticationError(`serviceaccounts "${sa.name}" not found`);
  if (account.uid !== sa.uid) throw new AuthenticationError(`service account UID (${account.uid}) does not match claim (${sa.uid})`);
  if (deletedBefore(account, invalidIfDeletedBefore)) throw new AuthenticationError(`service account ${namespace}/${sa.name} has been deleted`);

  if (secretRef) {
    const secret = await getObject('secrets', namespace, secretRef.name);
    if (!secret) throw new AuthenticationError('service account token has been invalidated');
    if (secret.uid !== secretRef.uid) throw new AuthenticationError(`secret UID (${secret.uid}) does not match service account secret ref claim (${secretRef.uid})`);
    if (deletedBefore(secret, invalidIfDeletedBefore)) throw new AuthenticationError('service account token has been invalidated');
  }
  const info: ServiceAccountInfo = { namespace, name: sa.name, uid: sa.uid };
  if (podRef) {
    const pod = await getObject('pods', namespace, podRef.name);
    if (!pod) throw new AuthenticationError('service account token has been invalidated');
    if (pod.uid !== podRef.uid) throw new AuthenticationError(`pod UID (${pod.uid}) does not match service account pod ref claim (${podRef.uid})`);
    if (deletedBefore(pod, invalidIfDeletedBefore)) throw new AuthenticationError('service account token has been invalidated');
    info.podName = podRef.name;
    info.podUid = podRef.uid;
  }
  if (nodeRef) {
    if (podRef) {
      // Pod-bound tokens carry their node for information only.
      info.nodeName = nodeRef.name;
      info.nodeUid = nodeRef.uid;
    } else {
      const node = await getObject('nodes', '', nodeRef.name);
      if (!node) throw new AuthenticationError('service account token has been invalidated');
      if (node.uid !== nodeRef.uid) throw new AuthenticationError(`node UID (${node.uid}) does not match service account node ref claim (${nodeRef.uid})`);
      if (deletedBefore(node, invalidIfDeletedBefore)) throw new AuthenticationError('service account token has been invalidated');
      info.nodeName = nodeRef.name;
      info.nodeUid = nodeRef.uid;
    }
  }
  if (typeof payload.jti === 'string' && payload.jti !== '') info.credentialId = `JTI=${payload.jti}`;
  return info;
}

/**
 * The ServiceAccount token authenticator. Tokens of other issuers, and
 * strings that are not JWTs, get no opinion; anything else that fails is an
 * AuthenticationError.
 */
export function newServiceAccountAuthenticator(opts: ServiceAccountAuthenticatorOptions): TokenAuthenticator {
  const issuers = new Set(opts.issuers);
  const all = opts.keys.map((key) => ({ key, kid: keyIdOf(key) }));
  const now = opts.now ?? Date.now;
  return {
    async authenticateToken(token, audiences) {
      const jwt = decodeUnverified(token);
      if (!jwt || typeof jwt.payload.iss !== 'string' || !issuers.has(jwt.payload.iss)) return null;
      if (typeof jwt.header.alg !== 'string') return null;
      const kid = typeof jwt.header.kid === 'string' ? jwt.header.kid : '';
      const keys = kid === '' ? all : all.filter((k) => k.kid === kid);
      if (keys.length === 0) throw new AuthenticationError('invalid signature, no keys found');
      let verified: Uint8Array | undefined;
      const errs: string[] = [];
      for (const k of keys) {
        try {
          verified = await verifySignature(token, k.key, [jwt.header.alg]);
          break;
        } catch (err) {
          errs.push(errorText(err));
        }
      }
      if (!verified) throw new AuthenticationError(aggregateText(errs));
      let payload: Record<string, unknown>;
      try {
        payload = parsePayload(verified);
      } catch (err) {
        throw new AuthenticationError(errorText(err));
      }
      // The issuer was read before the signature was checked: check it again.
      if (typeof payload.iss !== 'string' || !issuers.has(payload.iss)) throw new AuthenticationError(`token issuer "${String(payload.iss)}" is invalid`);
      let tokenAudiences = claimAudiences(payload.aud);
      if (!tokenAudiences) throw new AuthenticationError('service account token claims could not be validated due to unexpected validation error');
      if (tokenAudiences.length === 0) tokenAudiences = opts.implicitAudiences;
      const requested = audiences.length > 0 ? audiences : opts.implicitAudiences;
      const auds = intersectAudiences(tokenAudiences, requested);
      if (auds.length === 0 && opts.implicitAudiences.length !== 0) {
        throw new AuthenticationError(`token audiences ${goQuotedList(tokenAudiences)} is invalid for the target audiences ${goQuotedList(requested)}`);
      }
      const info = await validateBound(payload, opts.getObject, now());
      return { user: serviceAccountUserInfo(info), audiences: auds };
    },
  };
}
