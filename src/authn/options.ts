/**
 * The authentication flags of `kapi serve`, with kube-apiserver's names,
 * defaults and validation. Some flags may repeat (kube-apiserver's
 * StringArray / StringSlice / map flags): `collectFlagValues` gathers every
 * occurrence, `parseAuthenticationOptions` turns them into options.
 */
import type { FlagSpec } from '../options/flags.js';
import { boolFlag, parseDuration } from '../options/flags.js';
import { oidcAllowedSigningAlgs } from './oidc.js';

/** The flags to add to `kapi serve`. */
export const authenticationFlags: FlagSpec[] = [
  {
    name: 'anonymous-auth',
    type: 'bool',
    default: '',
    help:
      'Enables anonymous requests (user system:anonymous, group system:unauthenticated). true: every request without credentials is anonymous and then authorized; ' +
      'false: none is. Unset (kapi\'s default): only /healthz, /livez, /readyz and /version may be read anonymously.',
  },
  { name: 'token-auth-file', type: 'string', default: '', help: 'If set, the file that will be used to secure the secure port of the API server via token authentication (CSV: token,user,uid,"group1,group2").' },
  { name: 'basic-auth-file', type: 'string', default: '', help: 'If set, HTTP basic authentication with this CSV file (password,user,uid,"group1,group2"). Removed from Kubernetes in 1.19; kapi keeps it opt-in.' },
  { name: 'service-account-key-file', type: 'string', default: '', help: 'File containing PEM-encoded x509 RSA or ECDSA private or public keys, used to verify ServiceAccount tokens. May be repeated. Defaults to the generated key.' },
  { name: 'service-account-issuer', type: 'string', default: '', help: 'Identifier of the service account token issuer. May be repeated: the first is used to issue tokens, all are accepted. Defaults to https://kubernetes.default.svc.cluster.local.' },
  { name: 'service-account-signing-key-file', type: 'string', default: '', help: 'Path to the file that contains the current private key of the service account token issuer (RSA or ECDSA). Defaults to the generated key.' },
  { name: 'api-audiences', type: 'string', default: '', help: 'Identifiers of the API (comma-separated, may be repeated). ServiceAccount tokens must be bound to one of them. Defaults to the service account issuers.' },
  { name: 'oidc-issuer-url', type: 'string', default: '', help: 'The URL of the OpenID issuer, only HTTPS scheme will be accepted. If set, it will be used to verify the OIDC JSON Web Token (JWT).' },
  { name: 'oidc-client-id', type: 'string', default: '', help: 'The client ID for the OpenID Connect client, must be set if oidc-issuer-url is set.' },
  { name: 'oidc-ca-file', type: 'string', default: '', help: "If set, the OpenID server's certificate will be verified by one of the authorities in the oidc-ca-file, otherwise the host's root CA set will be used." },
  { name: 'oidc-username-claim', type: 'string', default: 'sub', help: 'The OpenID claim to use as the user name.' },
  { name: 'oidc-username-prefix', type: 'string', default: '', help: "If provided, all usernames will be prefixed with this value. If not provided, username claims other than 'email' are prefixed by the issuer URL to avoid clashes. To skip any prefixing, provide the value '-'." },
  { name: 'oidc-groups-claim', type: 'string', default: '', help: 'If provided, the name of a custom OpenID Connect claim for specifying user groups (a string or an array of strings).' },
  { name: 'oidc-groups-prefix', type: 'string', default: '', help: 'If provided, all groups will be prefixed with this value.' },
  { name: 'oidc-signing-algs', type: 'string', default: 'RS256', help: 'Comma-separated list of allowed JOSE asymmetric signing algorithms: RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512.' },
  { name: 'oidc-required-claim', type: 'string', default: '', help: 'A key=value pair that describes a required claim in the ID Token. Repeat this flag to specify multiple claims.' },
  { name: 'authentication-token-webhook-config-file', type: 'string', default: '', help: 'File with webhook configuration for token authentication in kubeconfig format.' },
  { name: 'authentication-token-webhook-version', type: 'string', default: 'v1beta1', help: 'The API version of the authentication.k8s.io TokenReview to send to and expect from the webhook.' },
  { name: 'authentication-token-webhook-cache-ttl', type: 'duration', default: '2m0s', help: 'The duration to cache responses from the webhook token authenticator.' },
];

/** OIDC flags as given. */
export interface OIDCFlagOptions {
  issuerURL: string;
  clientID: string;
  caFile: string;
  usernameClaim: string;
  /** The raw flag: '' = default rule, '-' = none. */
  usernamePrefix: string;
  groupsClaim: string;
  groupsPrefix: string;
  signingAlgs: string[];
  requiredClaims: Record<string, string>;
}

/** Parsed and validated authentication flags. */
export interface AuthenticationOptions {
  /** undefined when --anonymous-auth was not given (kapi's default: public paths only). */
  anonymousAuth: boolean | undefined;
  tokenAuthFile: string;
  basicAuthFile: string;
  serviceAccountKeyFiles: string[];
  serviceAccountIssuers: string[];
  serviceAccountSigningKeyFile: string;
  apiAudiences: string[];
  /** Set when --oidc-issuer-url and --oidc-client-id are. */
  oidc?: OIDCFlagOptions;
  /** Set when --authentication-token-webhook-config-file is. */
  webhook?: { configFile: string; version: 'v1' | 'v1beta1'; cacheTtlMs: number };
}

/**
 * Every value given for every flag, in order, scanning argv as
 * options/flags.ts parses it (`--name=value`, `--name value`, bare booleans).
 * `specs` must be the full flag list so values of other flags are skipped.
 */
export function collectFlagValues(argv: string[], specs: FlagSpec[]): Record<string, string[]> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const out: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const spec = byName.get(name);
    if (!spec) continue;
    let value: string;
    if (eq >= 0) value = a.slice(eq + 1);
    else if (spec.type === 'bool') value = 'true';
    else if (i + 1 < argv.length) value = argv[++i];
    else continue;
    (out[name] ??= []).push(value);
  }
  return out;
}

function last(values: Record<string, string[]>, name: string, def = ''): string {
  const v = values[name];
  return v && v.length > 0 ? v[v.length - 1] : def;
}

/** Comma-separated values of a slice flag, over all its occurrences. */
function slice(values: Record<string, string[]>, name: string): string[] {
  return (values[name] ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

/** Parses the authentication flags (every occurrence of each); throws with kube-apiserver's message on bad input. */
export function parseAuthenticationOptions(values: Record<string, string[]>): AuthenticationOptions {
  const errors: string[] = [];
  const anonymous = values['anonymous-auth'];
  const issuers = values['service-account-issuer'] ?? [];
  const seen = new Set<string>();
  for (const issuer of issuers) {
    if (issuer === '') errors.push('service-account-issuer should not be an empty string');
    else if (issuer.includes(':') && !URL.canParse(issuer)) errors.push(`service-account-issuer ${JSON.stringify(issuer)} contained a ':' but was not a valid URL`);
    else if (seen.has(issuer)) errors.push(`service-account-issuer ${JSON.stringify(issuer)} is already specified`);
    seen.add(issuer);
  }
  const opts: AuthenticationOptions = {
    anonymousAuth: anonymous && anonymous.length > 0 ? boolFlag(anonymous[anonymous.length - 1]) : undefined,
    tokenAuthFile: last(values, 'token-auth-file'),
    basicAuthFile: last(values, 'basic-auth-file'),
    serviceAccountKeyFiles: (values['service-account-key-file'] ?? []).filter((f) => f !== ''),
    serviceAccountIssuers: issuers,
    serviceAccountSigningKeyFile: last(values, 'service-account-signing-key-file'),
    apiAudiences: slice(values, 'api-audiences'),
  };

  const issuerURL = last(values, 'oidc-issuer-url');
  const clientID = last(values, 'oidc-client-id');
  if ((issuerURL !== '') !== (clientID !== '')) errors.push('oidc-issuer-url and oidc-client-id should be specified together');
  if (issuerURL !== '' && clientID !== '') {
    let url: URL | undefined;
    try {
      url = new URL(issuerURL);
    } catch {
      errors.push(`oidc-issuer-url: Invalid value: ${JSON.stringify(issuerURL)}: not a valid URL`);
    }
    if (url && url.protocol !== 'https:') errors.push(`oidc-issuer-url: Invalid value: ${JSON.stringify(issuerURL)}: URL scheme must be https`);
    for (const issuer of issuers) {
      if (issuer === issuerURL) errors.push(`service-account-issuer ${JSON.stringify(issuer)} should not be the same as oidc-issuer-url`);
    }
    const algs = slice(values, 'oidc-signing-algs');
    for (const a of algs) if (!oidcAllowedSigningAlgs.includes(a)) errors.push(`oidc: unsupported signing alg: ${JSON.stringify(a)}`);
    const requiredClaims: Record<string, string> = {};
    for (const pair of values['oidc-required-claim'] ?? []) {
      const eq = pair.indexOf('=');
      if (eq <= 0) errors.push(`invalid argument ${JSON.stringify(pair)} for "--oidc-required-claim" flag: must be formatted as key=value`);
      else requiredClaims[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    opts.oidc = {
      issuerURL,
      clientID,
      caFile: last(values, 'oidc-ca-file'),
      usernameClaim: last(values, 'oidc-username-claim', 'sub'),
      usernamePrefix: last(values, 'oidc-username-prefix'),
      groupsClaim: last(values, 'oidc-groups-claim'),
      groupsPrefix: last(values, 'oidc-groups-prefix'),
      signingAlgs: algs.length > 0 ? algs : ['RS256'],
      requiredClaims,
    };
  }

  const webhookFile = last(values, 'authentication-token-webhook-config-file');
  if (webhookFile !== '') {
    const version = last(values, 'authentication-token-webhook-version', 'v1beta1');
    if (version !== 'v1' && version !== 'v1beta1') {
      errors.push(`unsupported authentication webhook version ${JSON.stringify(version)}, supported versions are "v1", "v1beta1"`);
    }
    const ttl = parseDuration(last(values, 'authentication-token-webhook-cache-ttl', '2m0s'));
    if (ttl === undefined) errors.push('invalid --authentication-token-webhook-cache-ttl');
    opts.webhook = { configFile: webhookFile, version: version === 'v1' ? 'v1' : 'v1beta1', cacheTtlMs: ttl ?? 120_000 };
  }
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return opts;
}
