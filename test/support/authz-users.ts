/**
 * Test support: users for authorization tests. Issues client certificates
 * signed by a running kapi's CA (`<data-dir>/pki/ca.crt|ca.key`), and writes
 * a kubeconfig per user so kubectl can act as them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { issueClientCert, type PkiMaterial } from '../../src/server/certs/pki.js';
import { KapiClient, type KapiProcess } from './server.js';

/** A user with a client certificate. */
export interface TestIdentity {
  name: string;
  groups: string[];
  /** HTTPS client authenticated as the user. */
  client: KapiClient;
  /** A kubeconfig for kubectl. */
  kubeconfig: string;
}

/** Issues a certificate for `name` (CN) in `groups` (O) and returns a client and kubeconfig for it. */
export async function makeIdentity(kapi: KapiProcess, name: string, groups: string[] = []): Promise<TestIdentity> {
  const pkiDir = join(kapi.dataDir, 'pki');
  const caCertPem = readFileSync(join(pkiDir, 'ca.crt'), 'utf8');
  const caKeyPem = readFileSync(join(pkiDir, 'ca.key'), 'utf8');
  const pki: PkiMaterial = { caCertPem, caKeyPem, servingCertPem: '', servingKeyPem: '', adminCertPem: '', adminKeyPem: '', saKeyPem: '', saPubPem: '' };
  const { certPem, keyPem } = await issueClientCert(pki, name, groups);
  const file = join(kapi.dataDir, `${name.replace(/[^a-zA-Z0-9-]/g, '_')}.kubeconfig`);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'kapi', cluster: { server: kapi.url, 'certificate-authority-data': b64(caCertPem) } }],
      users: [{ name, user: { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) } }],
      contexts: [{ name: 'kapi', context: { cluster: 'kapi', user: name, namespace: 'default' } }],
      'current-context': 'kapi',
    }),
    { mode: 0o600 },
  );
  return { name, groups, client: new KapiClient(kapi.url, file), kubeconfig: file };
}
