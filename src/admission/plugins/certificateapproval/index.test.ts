import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../runtime/object.js';
import { FakeDeps, attributesFor } from '../../testing.js';
import { newCertificateApproval } from './index.js';
import { newCertificateSigning } from '../certificatesigning/index.js';

function deps(allowed: string[]): { deps: FakeDeps; asked: string[] } {
  const d = new FakeDeps();
  const asked: string[] = [];
  d.authorizer = (a) => {
    asked.push(`${a.verb} ${a.apiGroup}/${a.resource} ${a.name}`);
    return { decision: allowed.includes(`${a.verb} ${a.name}`) ? 'Allow' : 'NoOpinion', reason: '' };
  };
  return { deps: d, asked };
}

const csr = (signer: string, status: Record<string, unknown> = {}) => ({ metadata: { name: 'r' }, spec: { signerName: signer }, status });
const csrAttrs = (subresource: string, obj: KubeObject, old: KubeObject | null = null) =>
  attributesFor({ operation: 'UPDATE', group: 'certificates.k8s.io', kind: 'CertificateSigningRequest', resource: 'certificatesigningrequests', subresource, object: obj, oldObject: old, user: { name: 'alice' } });

const approvalCases = [
  { name: 'allowed for the signer', allowed: ['approve example.com/signer'], refused: false },
  { name: 'allowed through the domain wildcard', allowed: ['approve example.com/*'], refused: false },
  { name: 'not allowed', allowed: ['sign example.com/signer'], refused: true },
];
for (const c of approvalCases) {
  test(`CertificateApproval: ${c.name}`, async () => {
    const { deps: d, asked } = deps(c.allowed);
    const run = Promise.resolve(newCertificateApproval(d).validate?.(csrAttrs('approval', csr('example.com/signer'))));
    if (!c.refused) return void (await run);
    await assert.rejects(run, { message: 'certificatesigningrequests.certificates.k8s.io "r" is forbidden: user not permitted to approve requests with signerName "example.com/signer"' });
    assert.deepEqual(asked, ['approve certificates.k8s.io/signers example.com/signer', 'approve certificates.k8s.io/signers example.com/*']);
  });
}

test('CertificateApproval ignores other subresources', async () => {
  await newCertificateApproval(deps([]).deps).validate?.(csrAttrs('status', csr('example.com/signer')));
});

test('CertificateSigning: issuing a certificate needs sign on the old signer', async () => {
  const { deps: d } = deps(['sign example.com/old']);
  const plugin = newCertificateSigning(d);
  // The signer in the new object does not matter: permission is checked against the old one.
  await plugin.validate?.(csrAttrs('status', csr('example.com/new', { certificate: 'Y2VydA==' }), csr('example.com/old')));
  await assert.rejects(Promise.resolve(plugin.validate?.(csrAttrs('status', csr('example.com/new', { certificate: 'Y2VydA==' }), csr('example.com/new')))), {
    message: 'certificatesigningrequests.certificates.k8s.io "r" is forbidden: user not permitted to sign requests with signerName "example.com/new"',
  });
  // Status updates that change neither the certificate nor the conditions pass.
  await newCertificateSigning(deps([]).deps).validate?.(csrAttrs('status', csr('example.com/x'), csr('example.com/x')));
});
