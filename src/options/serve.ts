/**
 * `kapi serve` options: kube-apiserver's flag names where they exist, plus
 * kapi's own (`--data-dir`, `--kubeconfig-out`).
 */
import { resolve, join } from 'node:path';
import { isIP } from 'node:net';
import { boolFlag, flagUsage, parseDuration, parseFlags, type FlagSpec, type FlagValues } from './flags.js';
import { auditFlags, auditOptionsFrom } from '../audit/options.js';
import { tlsFlags, tlsOptionsFrom } from '../server/tls.js';
import { encryptionFlags, encryptionOptionsFrom } from '../storage/value/options.js';
import { allowlistFlags, allowedSourceRangesFrom } from '../server/filters/allowlist.js';
import { parseAuthorizationModes, validateAuthorizerOptions, type AuthorizerOptions } from '../authz/modes.js';
import { admissionFlagSpecs, admissionOptionsFromFlags, validateAdmissionOptions, type AdmissionOptions } from '../admission/config.js';
import { authenticationFlags, collectFlagValues, parseAuthenticationOptions, type AuthenticationOptions } from '../authn/options.js';

export const serveFlags: FlagSpec[] = [
  { name: 'secure-port', type: 'int', default: '6443', help: 'The port on which to serve HTTPS (HTTP/2 and HTTP/1.1). 0 picks a free port.' },
  { name: 'bind-address', type: 'string', default: '127.0.0.1', help: 'The IP address on which to listen. 0.0.0.0 or :: for all interfaces.' },
  { name: 'advertise-address', type: 'string', default: '', help: 'The IP address on which to advertise the apiserver to clients (in the kubeconfig and discovery). Defaults to the bind address.' },
  { name: 'cert-dir', type: 'string', default: '', help: 'The directory where the generated CA, serving and admin certificates are kept. Defaults to <data-dir>/pki.' },
  { name: 'tls-cert-file', type: 'string', default: '', help: 'File containing the serving certificate (PEM). If unset, a certificate signed by the generated CA is used.' },
  { name: 'tls-private-key-file', type: 'string', default: '', help: 'File containing the private key matching --tls-cert-file.' },
  { name: 'client-ca-file', type: 'string', default: '', help: 'CA bundle used to verify client certificates. If unset, the generated CA is used.' },
  { name: 'service-cluster-ip-range', type: 'string', default: '10.96.0.0/12', help: 'CIDR range from which Service cluster IPs are allocated.' },
  { name: 'service-node-port-range', type: 'string', default: '30000-32767', help: 'A port range to reserve for services with NodePort visibility.' },
  { name: 'data-dir', type: 'string', default: './.kapi', help: 'Directory for the embedded SQLite store and generated files.' },
  { name: 'kubeconfig-out', type: 'string', default: '', help: 'Where to write the admin kubeconfig. Defaults to <data-dir>/admin.kubeconfig.' },
  { name: 'storage-backend', type: 'string', default: '', help: 'The storage backend: "sqlite" (embedded, in --data-dir) or "etcd3". Defaults to etcd3 when --etcd-servers is set, else sqlite.' },
  { name: 'etcd-servers', type: 'string', default: '', help: 'Comma-separated etcd URLs (e.g. http://127.0.0.1:2379). Selects the etcd3 backend.' },
  { name: 'etcd-prefix', type: 'string', default: '/registry', help: 'The prefix of every key kapi writes in etcd.' },
  { name: 'etcd-cafile', type: 'string', default: '', help: 'SSL Certificate Authority file used to secure etcd communication.' },
  { name: 'etcd-certfile', type: 'string', default: '', help: 'SSL certification file used to secure etcd communication.' },
  { name: 'etcd-keyfile', type: 'string', default: '', help: 'SSL key file used to secure etcd communication.' },
  { name: 'etcd-compaction-interval', type: 'duration', default: '5m0s', help: 'The interval of compaction requests. 0 disables compaction by this server.' },
  { name: 'watch-cache', type: 'bool', default: 'true', help: 'Serve watches and resourceVersion=0 lists from an in-memory watch cache per resource.' },
  { name: 'request-timeout', type: 'duration', default: '1m0s', help: 'The longest a non-watch request may take before it is answered with 504.' },
  { name: 'runtime-config', type: 'string', default: '', help: 'A set of key=value pairs that enable or disable built-in APIs, e.g. admissionregistration.k8s.io/v1beta1=true,api/all=false.' },
  { name: 'max-request-bytes', type: 'int', default: '3145728', help: 'Largest request body accepted; larger bodies get 413.' },
  ...authenticationFlags,
  ...admissionFlagSpecs,
  { name: 'authorization-mode', type: 'string', default: 'Node,RBAC', help: 'Ordered list of authorizers: AlwaysAllow, AlwaysDeny, ABAC, Webhook, RBAC, Node. Members of system:masters are always allowed.' },
  { name: 'authorization-policy-file', type: 'string', default: '', help: 'File with the ABAC authorization policy (JSON lines), for --authorization-mode=ABAC.' },
  { name: 'authorization-webhook-config-file', type: 'string', default: '', help: 'Kubeconfig-format file for the Webhook authorizer (SubjectAccessReview).' },
  { name: 'authorization-webhook-version', type: 'string', default: 'v1beta1', help: 'The authorization.k8s.io version of the SubjectAccessReview sent to the webhook: v1 or v1beta1.' },
  { name: 'authorization-webhook-cache-authorized-ttl', type: 'duration', default: '5m0s', help: 'How long to cache allowed answers from the webhook authorizer.' },
  { name: 'authorization-webhook-cache-unauthorized-ttl', type: 'duration', default: '30s', help: 'How long to cache denied answers from the webhook authorizer.' },
  ...tlsFlags,
  ...allowlistFlags,
  ...encryptionFlags,
  ...auditFlags,
  { name: 'help', type: 'bool', default: 'false', help: 'Show this help.' },
];

/** Completed options for the server. */
export interface ServeOptions {
  securePort: number;
  bindAddress: string;
  advertiseAddress: string;
  certDir: string;
  tlsCertFile: string;
  tlsPrivateKeyFile: string;
  clientCaFile: string;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  dataDir: string;
  kubeconfigOut: string;
  maxRequestBytes: number;
  storageBackend: 'sqlite' | 'etcd3';
  etcdServers: string[];
  etcdPrefix: string;
  etcdCaFile: string;
  etcdCertFile: string;
  etcdKeyFile: string;
  /** Milliseconds; 0 = never compact. */
  etcdCompactionIntervalMs: number;
  watchCache: boolean;
  requestTimeoutMs: number;
  runtimeConfig: string;
  /** The authentication flags (src/authn/options.ts). */
  authentication: AuthenticationOptions;
  /** The authorization flags (src/authz/modes.ts). */
  authorization: AuthorizerOptions;
  /** The admission flags (src/admission/config.ts). */
  admission: AdmissionOptions;
  help: boolean;
  /** Raw flag values (the audit, TLS, encryption and allowlist options read them). */
  flagValues: FlagValues;
}

export function serveUsage(): string {
  return `Usage: kapi serve [flags]\n\nStarts the Kubernetes API server on the embedded SQLite store, or on etcd with --etcd-servers.\n\nFlags:\n${flagUsage(serveFlags)}\n`;
}

function admissionOptions(values: Record<string, string>): AdmissionOptions {
  const opts = admissionOptionsFromFlags(values);
  const errs = validateAdmissionOptions(opts);
  if (errs.length > 0) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  return opts;
}

function authorizationOptions(values: Record<string, string>): AuthorizerOptions {
  const version = values['authorization-webhook-version'];
  if (version !== 'v1' && version !== 'v1beta1') throw new Error(`--authorization-webhook-version ${JSON.stringify(version)} must be v1 or v1beta1`);
  const opts: AuthorizerOptions = {
    modes: parseAuthorizationModes(values['authorization-mode']),
    policyFile: values['authorization-policy-file'],
    webhookConfigFile: values['authorization-webhook-config-file'],
    webhookVersion: version,
    webhookCacheAuthorizedTTLMs: parseDuration(values['authorization-webhook-cache-authorized-ttl']) ?? 300_000,
    webhookCacheUnauthorizedTTLMs: parseDuration(values['authorization-webhook-cache-unauthorized-ttl']) ?? 30_000,
  };
  const errs = validateAuthorizerOptions(opts);
  if (errs.length > 0) throw new Error(errs.join('; '));
  return opts;
}

/** Parses and validates `kapi serve` flags. Throws with a clear message on bad input. */
export function parseServeOptions(argv: string[]): ServeOptions {
  const { values, args } = parseFlags(argv, serveFlags);
  if (args.length > 0) throw new Error(`unexpected arguments: ${args.join(' ')}`);
  const dataDir = resolve(values['data-dir']);
  const port = Number(values['secure-port']);
  if (port < 0 || port > 65535) throw new Error(`--secure-port ${port} must be between 0 and 65535`);
  const bind = values['bind-address'];
  if (!isIP(bind)) throw new Error(`--bind-address ${JSON.stringify(bind)} is not a valid IP address`);
  const adv = values['advertise-address'];
  if (adv !== '' && !isIP(adv)) throw new Error(`--advertise-address ${JSON.stringify(adv)} is not a valid IP address`);
  const cidr = values['service-cluster-ip-range'];
  if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(cidr) && !/^[0-9a-fA-F:]+\/\d+$/.test(cidr)) {
    throw new Error(`--service-cluster-ip-range ${JSON.stringify(cidr)} is not a valid CIDR`);
  }
  if ((values['tls-cert-file'] === '') !== (values['tls-private-key-file'] === '')) {
    throw new Error('--tls-cert-file and --tls-private-key-file must be given together');
  }
  const etcdServers = values['etcd-servers'].split(',').map((x) => x.trim()).filter((x) => x !== '');
  for (const u of etcdServers) {
    if (!/^https?:\/\/[^/]+$/.test(u.replace(/\/$/, ''))) throw new Error(`--etcd-servers: ${JSON.stringify(u)} is not an http(s)://host:port URL`);
  }
  let backend = values['storage-backend'];
  if (backend === '') backend = etcdServers.length > 0 ? 'etcd3' : 'sqlite';
  if (backend !== 'sqlite' && backend !== 'etcd3') throw new Error(`--storage-backend ${JSON.stringify(backend)} is not one of "sqlite", "etcd3"`);
  if (backend === 'etcd3' && etcdServers.length === 0) throw new Error('--storage-backend=etcd3 needs --etcd-servers');
  // The security flags fail here, before anything starts.
  tlsOptionsFrom(values);
  allowedSourceRangesFrom(values);
  encryptionOptionsFrom(values);
  auditOptionsFrom(values);
  const prefix = values['etcd-prefix'];
  if (!prefix.startsWith('/')) throw new Error(`--etcd-prefix ${JSON.stringify(prefix)} must start with "/"`);
  return {
    storageBackend: backend,
    etcdServers,
    etcdPrefix: prefix.replace(/\/+$/, '') || '/registry',
    etcdCaFile: values['etcd-cafile'],
    etcdCertFile: values['etcd-certfile'],
    etcdKeyFile: values['etcd-keyfile'],
    etcdCompactionIntervalMs: parseDuration(values['etcd-compaction-interval']) ?? 300_000,
    watchCache: boolFlag(values['watch-cache']),
    requestTimeoutMs: parseDuration(values['request-timeout']) ?? 60_000,
    runtimeConfig: values['runtime-config'],
    securePort: port,
    bindAddress: bind,
    advertiseAddress: adv || (bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind),
    certDir: values['cert-dir'] ? resolve(values['cert-dir']) : join(dataDir, 'pki'),
    tlsCertFile: values['tls-cert-file'],
    tlsPrivateKeyFile: values['tls-private-key-file'],
    clientCaFile: values['client-ca-file'],
    serviceClusterIpRange: cidr,
    serviceNodePortRange: values['service-node-port-range'],
    dataDir,
    kubeconfigOut: values['kubeconfig-out'] ? resolve(values['kubeconfig-out']) : join(dataDir, 'admin.kubeconfig'),
    maxRequestBytes: Number(values['max-request-bytes']),
    authentication: parseAuthenticationOptions(collectFlagValues(argv, serveFlags)),
    authorization: authorizationOptions(values),
    admission: admissionOptions(values),
    help: values.help === 'true',
    flagValues: values,
  };
}
