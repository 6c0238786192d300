/**
 * CertificateApproval (plugin/pkg/admission/certificates/approval,
 * restated): updating `certificatesigningrequests/approval` needs the
 * `approve` verb on the request's signer (`signers` in certificates.k8s.io),
 * else 403 `user not permitted to approve requests with signerName "x"`.
 */
import { str } from '../../../validation/json.js';
import type { AdmissionDeps } from '../../deps.js';
import type { AdmissionPlugin } from '../../interfaces.js';
import { admissionForbidden } from '../../util/errors.js';
import { isAuthorizedForSignerName } from '../../util/signer.js';

export const PluginName = 'CertificateApproval';

/** The CertificateApproval plugin. */
export function newCertificateApproval(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: PluginName,
    handles: (op) => op === 'UPDATE',
    async validate(attrs) {
      if (attrs.subresource !== 'approval' || attrs.group !== 'certificates.k8s.io' || attrs.resource !== 'certificatesigningrequests' || !attrs.object) return;
      const signer = str((attrs.object.spec as { signerName?: unknown } | undefined)?.signerName);
      if (!(await isAuthorizedForSignerName(deps, attrs.user, 'approve', signer))) {
        throw admissionForbidden(attrs, `user not permitted to approve requests with signerName ${JSON.stringify(signer)}`);
      }
    },
  };
}
