/**
 * TLS serving options: kube-apiserver's `--tls-min-version` and
 * `--tls-cipher-suites` values (Go names) mapped to Node/OpenSSL options, and
 * the reloader that puts a changed serving certificate, key or client CA into
 * the running server (`setSecureContext`) without a restart.
 *
 * Behaviour restated from kube-apiserver (Go crypto/tls):
 * - minimum TLS 1.2 by default; kapi refuses anything lower (no TLS 1.0/1.1);
 * - `--tls-cipher-suites` restricts TLS 1.2 suites only: the three TLS 1.3
 *   suites are always enabled (Go does not let them be configured), and 1.3
 *   suite names in the flag are accepted and change nothing;
 * - names are Go's (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`, plus the legacy
 *   `..._CHACHA20_POLY1305` aliases); unknown names are errors.
 * There is no plaintext port.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext, type SecureContextOptions, type SecureVersion } from 'node:tls';
import type { FlagSpec, FlagValues } from '../options/flags.js';

/** kube-apiserver's TLS flags kapi adds (cert, key and client CA flags already exist). */
export const tlsFlags: FlagSpec[] = [
  {
    name: 'tls-min-version',
    type: 'string',
    default: '',
    help: 'Minimum TLS version supported. Possible values: VersionTLS12, VersionTLS13. Empty means VersionTLS12.',
  },
  {
    name: 'tls-cipher-suites',
    type: 'string',
    default: '',
    help: 'Comma-separated list of cipher suites for the server (Go names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256). TLS 1.3 suites are not configurable. Empty uses the default list.',
  },
];

/** Go (IANA) cipher-suite names → OpenSSL names. TLS 1.3 suites map to themselves. */
const goToOpenSsl: Record<string, string> = {
  // TLS 1.3 (always on; listed so the names are accepted).
  TLS_AES_128_GCM_SHA256: 'TLS_AES_128_GCM_SHA256',
  TLS_AES_256_GCM_SHA384: 'TLS_AES_256_GCM_SHA384',
  TLS_CHACHA20_POLY1305_SHA256: 'TLS_CHACHA20_POLY1305_SHA256',
  // Go's secure TLS 1.0-1.2 suites.
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  // Go's "insecure" suites that OpenSSL 3 still offers.
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA',
};

/** Go names kube-apiserver accepts that Node's OpenSSL cannot offer (RC4). */
const unsupportedByOpenSsl = new Set(['TLS_RSA_WITH_RC4_128_SHA', 'TLS_ECDHE_RSA_WITH_RC4_128_SHA', 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA']);

const tls13Suites = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/** Every cipher-suite name `--tls-cipher-suites` accepts. */
export function tlsCipherPossibleValues(): string[] {
  return Object.keys(goToOpenSsl).sort();
}

/** `--tls-min-version` → Node's minVersion. Empty → TLS 1.2. */
export function tlsMinVersion(name: string): SecureVersion {
  switch (name) {
    case '':
    case 'VersionTLS12':
      return 'TLSv1.2';
    case 'VersionTLS13':
      return 'TLSv1.3';
    case 'VersionTLS10':
    case 'VersionTLS11':
      throw new Error(`--tls-min-version=${name} is not supported: kapi requires at least VersionTLS12`);
    default:
      throw new Error(`unknown tls version ${JSON.stringify(name)}; possible values: VersionTLS12, VersionTLS13`);
  }
}

/**
 * `--tls-cipher-suites` (comma-separated Go names) → an OpenSSL cipher string
 * (TLS 1.2 suites in the given order, then the TLS 1.3 suites), or undefined
 * for the default list.
 */
export function tlsCipherSuites(list: string): string | undefined {
  const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) return undefined;
  const tls12: string[] = [];
  for (const name of names) {
    if (unsupportedByOpenSsl.has(name)) throw new Error(`cipher suite ${name} is not supported by this server's TLS library (OpenSSL ${process.versions.openssl})`);
    const openssl = goToOpenSsl[name];
    if (openssl === undefined) throw new Error(`cipher suite ${name} not supported or doesn't exist`);
    if (!tls13Suites.includes(openssl) && !tls12.includes(openssl)) tls12.push(openssl);
  }
  return [...tls12, ...tls13Suites].join(':');
}

/** Protocol options for the server's secure context. */
export interface TlsProtocolOptions {
  minVersion: SecureVersion;
  /** OpenSSL cipher list; undefined = Node's default. */
  ciphers?: string;
}

/** Reads the TLS flags from parsed flag values; throws with the flag's name on bad values. */
export function tlsOptionsFrom(values: FlagValues): TlsProtocolOptions {
  let minVersion: SecureVersion;
  try {
    minVersion = tlsMinVersion(values['tls-min-version'] ?? '');
  } catch (err) {
    const m = (err as Error).message;
    throw new Error(m.startsWith('--') ? m : `--tls-min-version: ${m}`);
  }
  let ciphers: string | undefined;
  try {
    ciphers = tlsCipherSuites(values['tls-cipher-suites'] ?? '');
  } catch (err) {
    throw new Error(`--tls-cipher-suites: ${(err as Error).message}`);
  }
  return ciphers === undefined ? { minVersion } : { minVersion, ciphers };
}

/** PEM material of a serving context. */
export interface ServingMaterial {
  certPem: string;
  keyPem: string;
  /** Client CA bundle (verifies client certificates). */
  clientCaPem: string;
}

/**
 * The complete secure-context options (what `createSecureServer` and
 * `setSecureContext` take): material plus protocol options. `setSecureContext`
 * replaces the whole context, so it must always be given all of them.
 */
export function secureContextOptions(material: ServingMaterial, protocol: TlsProtocolOptions): SecureContextOptions {
  const opts: SecureContextOptions = {
    cert: material.certPem,
    key: material.keyPem,
    ca: material.clientCaPem,
    minVersion: protocol.minVersion,
  };
  if (protocol.ciphers !== undefined) opts.ciphers = protocol.ciphers;
  return opts;
}

/** Something whose secure context can be replaced (a node:tls / node:http2 secure server). */
export interface SecureContextTarget {
  setSecureContext(options: SecureContextOptions): void;
}

/** Files the reloader watches (`--tls-cert-file`, `--tls-private-key-file`, `--client-ca-file` or the generated ones). */
export interface ServingFiles {
  certFile: string;
  keyFile: string;
  clientCaFile: string;
}

function describeCert(pem: string): string {
  try {
    const c = new X509Certificate(pem);
    return `subject "${c.subject.replace(/\n/g, ', ')}", valid until ${new Date(c.validTo).toISOString()}`;
  } catch {
    return 'unparseable certificate';
  }
}

/**
 * Watches the serving files and, when their content changes, validates the
 * new material (the key must match the certificate) and installs it with
 * `setSecureContext`. New connections get the new certificate; open ones keep
 * theirs. An invalid or half-written update is logged and the previous
 * material stays until the next change. Directory watches catch editors'
 * rename-into-place and Kubernetes' `..data` symlink swaps; a periodic check
 * (`pollIntervalMs`, kube-apiserver resyncs every minute) catches the rest.
 */
export class ServingCertificateReloader {
  private lastHash: string;
  private watchers: FSWatcher[] = [];
  private poll: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly listeners: ((ok: boolean) => void)[] = [];

  constructor(
    private readonly files: ServingFiles,
    private readonly protocol: TlsProtocolOptions,
    private readonly target: SecureContextTarget,
    private readonly log: (line: string) => void,
    private readonly pollIntervalMs = 60_000,
  ) {
    this.lastHash = this.hash();
  }

  private read(): ServingMaterial {
    return {
      certPem: readFileSync(this.files.certFile, 'utf8'),
      keyPem: readFileSync(this.files.keyFile, 'utf8'),
      clientCaPem: readFileSync(this.files.clientCaFile, 'utf8'),
    };
  }

  private hash(): string {
    const h = createHash('sha256');
    for (const f of [this.files.certFile, this.files.keyFile, this.files.clientCaFile]) {
      try {
        h.update(readFileSync(f));
      } catch {
        h.update('\0missing\0');
      }
      h.update('\0');
    }
    return h.digest('hex');
  }

  /** Starts watching. */
  start(): void {
    const dirs = new Set([this.files.certFile, this.files.keyFile, this.files.clientCaFile].map((f) => dirname(f)));
    for (const d of dirs) {
      try {
        const w = watch(d, () => this.schedule());
        w.on('error', () => undefined);
        w.unref();
        this.watchers.push(w);
      } catch {
        /* the periodic check still runs */
      }
    }
    this.poll = setInterval(() => void this.check(), this.pollIntervalMs);
    this.poll.unref();
  }

  /** Stops watching. */
  stop(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.poll) clearInterval(this.poll);
    if (this.debounce) clearTimeout(this.debounce);
  }

  /** Calls `fn` after each reload attempt (true = installed). For tests and metrics. */
  onReload(fn: (ok: boolean) => void): void {
    this.listeners.push(fn);
  }

  private schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    // Writers replace cert and key one after the other: let both land.
    this.debounce = setTimeout(() => void this.check(), 100);
    this.debounce.unref();
  }

  /** Re-reads the files; installs them if they changed and are valid. Returns whether something was installed. */
  check(): boolean {
    const h = this.hash();
    if (h === this.lastHash) return false;
    let ok = false;
    try {
      const material = this.read();
      const opts = secureContextOptions(material, this.protocol);
      // Throws on a key that does not match the certificate, or unparseable PEM.
      createSecureContext(opts);
      this.target.setSecureContext(opts);
      this.lastHash = h;
      ok = true;
      this.log(`kapi: loaded new serving certificate from ${this.files.certFile} (${describeCert(material.certPem)}) and client CA from ${this.files.clientCaFile}`);
    } catch (err) {
      this.log(`kapi: not reloading the serving certificate from ${this.files.certFile}: ${(err as Error).message}; the previous certificate stays in use`);
    }
    for (const fn of this.listeners) fn(ok);
    return ok;
  }
}
