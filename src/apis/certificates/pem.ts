/**
 * PEM-encoded PKCS#10 requests and X.509 certificates as CSR validation
 * checks them (certificates.ParseCSR + CheckSignature, validateCertificate),
 * with Go's error texts for the common failures. Signatures are verified
 * synchronously with node:crypto.
 */
import 'reflect-metadata';
import { verify, createPublicKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** One PEM block: its type, headers present, and DER bytes. */
interface PemBlock {
  type: string;
  hasHeaders: boolean;
  der: Buffer;
}

/** pem.Decode over every block of a text (blocks that do not parse end the scan, as in Go). */
function decodePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const re = /-----BEGIN ([^-\r\n]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const body = m[2];
    const lines = body.split(/\r?\n/);
    const hasHeaders = lines.some((l) => l.includes(':'));
    const b64 = lines.filter((l) => !l.includes(':')).join('').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) break;
    blocks.push({ type: m[1], hasHeaders, der: Buffer.from(b64, 'base64') });
  }
  return blocks;
}

const digestByOID: Record<string, string | null> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
};

function signatureOID(req: x509.Pkcs10CertificateRequest): string {
  const asn = (req as unknown as { asn: { signatureAlgorithm: { algorithm: string } } }).asn;
  return asn.signatureAlgorithm.algorithm;
}

/**
 * Parses a PEM certificate request and checks its signature. Returns the
 * error text Kubernetes reports (undefined when the request is valid).
 */
export function checkCertificateRequest(pemBytes: Buffer): string | undefined {
  const block = decodePem(pemBytes.toString('latin1'))[0];
  if (!block || block.type !== 'CERTIFICATE REQUEST') return 'PEM block type must be CERTIFICATE REQUEST';
  let req: x509.Pkcs10CertificateRequest;
  try {
    req = new x509.Pkcs10CertificateRequest(block.der);
  } catch {
    return 'x509: malformed certificate request';
  }
  const oid = signatureOID(req);
  if (!(oid in digestByOID)) return 'x509: cannot verify signature: algorithm unimplemented';
  try {
    const key = createPublicKey({ key: Buffer.from(req.publicKey.rawData), format: 'der', type: 'spki' });
    const ok = verify(digestByOID[oid], Buffer.from((req as unknown as { tbs: ArrayBuffer }).tbs), key, Buffer.from(req.signature));
    if (ok) return undefined;
    return key.asymmetricKeyType === 'rsa' ? 'crypto/rsa: verification error' : key.asymmetricKeyType === 'ec' ? 'x509: ECDSA verification failure' : 'x509: Ed25519 verification failure';
  } catch {
    return 'x509: cannot verify signature: algorithm unimplemented';
  }
}

/** validateCertificate: status.certificate must be CERTIFICATE PEM blocks only (empty is fine). */
export function checkCertificateChain(pemBytes: Buffer): string | undefined {
  if (pemBytes.length === 0) return undefined;
  const blocks = decodePem(pemBytes.toString('latin1'));
  if (blocks.length === 0) return 'must contain at least one CERTIFICATE PEM block';
  for (const b of blocks) {
    if (b.type !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found ${JSON.stringify(b.type)}`;
    if (b.hasHeaders) return 'no PEM block headers are permitted';
    try {
      new x509.X509Certificate(b.der);
    } catch {
      return 'x509: malformed certificate';
    }
  }
  return undefined;
}

/** Go's %#v of a []byte: `[]byte{0x2d, 0x2d}`. */
export function goBytes(b: Buffer): string {
  return `[]byte{${[...b].map((x) => `0x${x.toString(16)}`).join(', ')}}`;
}
