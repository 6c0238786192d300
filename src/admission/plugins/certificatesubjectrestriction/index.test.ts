import { test } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { attributesFor } from '../../testing.js';
import { newCertificateSubjectRestriction } from './index.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

async function request(subject: string): Promise<string> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as unknown as webcrypto.CryptoKeyPair;
  const req = await x509.Pkcs10CertificateRequestGenerator.create({ name: subject, keys, signingAlgorithm: alg });
  return Buffer.from(req.toString('pem')).toString('base64');
}

const cases = [
  { name: 'system:masters for the client signer', subject: 'CN=eve,O=system:masters', signer: 'kubernetes.io/kube-apiserver-client', refused: true },
  { name: 'another group for the client signer', subject: 'CN=bob,O=devs', signer: 'kubernetes.io/kube-apiserver-client', refused: false },
  { name: 'system:masters for another signer', subject: 'CN=eve,O=system:masters', signer: 'example.com/custom', refused: false },
];
for (const c of cases) {
  test(`CertificateSubjectRestriction: ${c.name}`, async () => {
    const csr = { metadata: { name: 'r' }, spec: { signerName: c.signer, request: await request(c.subject), usages: ['client auth'] } };
    const run = (async () => newCertificateSubjectRestriction().validate?.(attributesFor({ operation: 'CREATE', group: 'certificates.k8s.io', kind: 'CertificateSigningRequest', resource: 'certificatesigningrequests', object: csr })))();
    if (!c.refused) return void (await run);
    await assert.rejects(run, { message: 'certificatesigningrequests.certificates.k8s.io "r" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed' });
  });
}
