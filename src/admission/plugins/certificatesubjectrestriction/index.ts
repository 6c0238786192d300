/**
 * CertificateSubjectRestriction
 * (plugin/pkg/admission/certificates/subjectrestriction, restated): a CSR for
 * the `kubernetes.io/kube-apiserver-client` signer may not ask for the
 * `system:masters` group (403 `use of kubernetes.io/kube-apiserver-client
 * signer with system:masters group is not allowed`).
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { newInternalError } from '../../../runtime/errors.js';
import { asObj, str } from '../../../validation/json.js';
import type { AdmissionPlugin } from '../../interfaces.js';
import { admissionForbidden } from '../../util/errors.js';

export const PluginName = 'CertificateSubjectRestriction';
export const KubeAPIServerClientSignerName = 'kubernetes.io/kube-apiserver-client';

/** The subject organizations (groups) of a base64 PEM CSR; throws on a request that does not parse. */
export function csrOrganizations(requestBase64: string): string[] {
  const pem = Buffer.from(requestBase64, 'base64').toString('latin1');
  const m = /-----BEGIN CERTIFICATE REQUEST-----([\s\S]*?)-----END CERTIFICATE REQUEST-----/.exec(pem);
  if (!m) throw new Error('PEM block type must be CERTIFICATE REQUEST');
  const req = new x509.Pkcs10CertificateRequest(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
  return req.subjectName.getField('O');
}

/** The CertificateSubjectRestriction plugin. */
export function newCertificateSubjectRestriction(): AdmissionPlugin {
  return {
    name: PluginName,
    handles: (op) => op === 'CREATE',
    validate(attrs) {
      if (attrs.group !== 'certificates.k8s.io' || attrs.resource !== 'certificatesigningrequests' || attrs.subresource !== '' || !attrs.object) return;
      const spec = asObj(attrs.object.spec) ?? {};
      if (str(spec.signerName) !== KubeAPIServerClientSignerName) return;
      let orgs: string[];
      try {
        orgs = csrOrganizations(str(spec.request));
      } catch (err) {
        throw newInternalError(new Error(`failed to parse CSR: ${(err as Error).message}`));
      }
      if (orgs.includes('system:masters')) throw admissionForbidden(attrs, `use of ${KubeAPIServerClientSignerName} signer with system:masters group is not allowed`);
    },
  };
}
