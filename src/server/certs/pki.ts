/**
 * The server's PKI on first start: a CA, a serving certificate, an admin
 * client certificate (CN kapi-admin, O system:masters) and the ServiceAccount
 * token signing key. Later starts reuse what is on disk.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** PEM material the server needs. */
export interface PkiMaterial {
  caCertPem: string;
  caKeyPem: string;
  servingCertPem: string;
  servingKeyPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  /** RSA private key that signs ServiceAccount tokens. */
  saKeyPem: string;
  saPubPem: string;
}

export interface PkiOptions {
  certDir: string;
  /** Extra SANs for the serving certificate (bind and advertise addresses). */
  extraSans: string[];
  /** Files given by flags take precedence over generated ones. */
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCaFile?: string;
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

async function keyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function exportKey(key: CryptoKey): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importKey(pem: string): Promise<CryptoKey> {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return webcrypto.subtle.importKey('pkcs8', Buffer.from(b64, 'base64'), alg, true, ['sign']);
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');
}

const tenYears = 10 * 365 * 24 * 3600 * 1000;

async function makeCa(): Promise<{ cert: x509.X509Certificate; keys: CryptoKeyPair }> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=kapi-ca',
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + tenYears),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

async function issue(
  ca: { cert: x509.X509Certificate; key: CryptoKey },
  subject: string,
  usage: 'server' | 'client',
  sans: string[],
): Promise<{ certPem: string; keyPem: string }> {
  const keys = await keyPair();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
  ];
  if (sans.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(sans.map((s) => (isIP(s) ? { type: 'ip' as const, value: s } : { type: 'dns' as const, value: s }))),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + tenYears),
    signingKey: ca.key,
    publicKey: keys.publicKey,
    signingAlgorithm: alg,
    extensions,
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportKey(keys.privateKey) };
}

/** SANs of the serving certificate. */
export function servingSans(extra: string[]): string[] {
  const all = ['localhost', '127.0.0.1', '::1', hostname(), 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', ...extra];
  return [...new Set(all.filter((s) => s && s !== '0.0.0.0' && s !== '::'))];
}

function sansOf(certPem: string): string[] {
  const alt = new X509Certificate(certPem).subjectAltName ?? '';
  return alt.split(',').map((s) => s.trim().replace(/^(DNS|IP Address):/, ''));
}

/**
 * Loads the PKI from certDir, generating whatever is missing. The serving
 * certificate is re-issued when a requested SAN is not in it.
 */
export async function ensurePki(opts: PkiOptions): Promise<PkiMaterial> {
  mkdirSync(opts.certDir, { recursive: true, mode: 0o700 });
  const p = (n: string) => join(opts.certDir, n);
  const read = (n: string) => readFileSync(p(n), 'utf8');
  const write = (n: string, s: string, mode = 0o600) => writeFileSync(p(n), s, { mode });

  if (!existsSync(p('ca.crt')) || !existsSync(p('ca.key'))) {
    const ca = await makeCa();
    write('ca.key', await exportKey(ca.keys.privateKey));
    write('ca.crt', ca.cert.toString('pem') + '\n', 0o644);
  }
  const caCertPem = read('ca.crt');
  const caKeyPem = read('ca.key');
  const ca = { cert: new x509.X509Certificate(caCertPem), key: await importKey(caKeyPem) };

  const sans = servingSans(opts.extraSans);
  const needServing = !existsSync(p('apiserver.crt')) || !existsSync(p('apiserver.key')) || sans.some((s) => !sansOf(read('apiserver.crt')).includes(s));
  if (needServing) {
    const s = await issue(ca, 'CN=kapi-apiserver', 'server', sans);
    write('apiserver.crt', s.certPem, 0o644);
    write('apiserver.key', s.keyPem);
  }
  if (!existsSync(p('admin.crt')) || !existsSync(p('admin.key'))) {
    const a = await issue(ca, 'CN=kapi-admin, O=system:masters', 'client', []);
    write('admin.crt', a.certPem, 0o644);
    write('admin.key', a.keyPem);
  }
  if (!existsSync(p('sa.key'))) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    write('sa.key', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    write('sa.pub', publicKey.export({ type: 'spki', format: 'pem' }).toString(), 0o644);
  }
  return {
    caCertPem: opts.clientCaFile ? readFileSync(opts.clientCaFile, 'utf8') : caCertPem,
    caKeyPem,
    servingCertPem: opts.tlsCertFile ? readFileSync(opts.tlsCertFile, 'utf8') : read('apiserver.crt'),
    servingKeyPem: opts.tlsPrivateKeyFile ? readFileSync(opts.tlsPrivateKeyFile, 'utf8') : read('apiserver.key'),
    adminCertPem: read('admin.crt'),
    adminKeyPem: read('admin.key'),
    saKeyPem: read('sa.key'),
    saPubPem: read('sa.pub'),
  };
}

/** Issues a client certificate signed by the CA (used by tests and `kapi` tooling). */
export async function issueClientCert(pki: PkiMaterial, cn: string, groups: string[]): Promise<{ certPem: string; keyPem: string }> {
  const ca = { cert: new x509.X509Certificate(pki.caCertPem), key: await importKey(pki.caKeyPem) };
  const subject = [`CN=${cn}`, ...groups.map((g) => `O=${g}`)].join(', ');
  return issue(ca, subject, 'client', []);
}
