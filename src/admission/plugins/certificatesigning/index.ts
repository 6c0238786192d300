/**
 * CertificateSigning (plugin/pkg/admission/certificates/signing, restated):
 * an update of `certificatesigningrequests/status` that changes
 * `status.certificate` or `status.conditions` needs the `sign` verb on the
 * signer of the request as it was (so the signer cannot be swapped in the
 * same call), else 403 `user not permitted to sign requests with signerName "x"`.
 */
import { jsonEqual } from '../../../registry/generic/meta.js';
import { asObj, str } from '../../../validation/json.js';
import type { AdmissionDeps } from '../../deps.js';
import type { AdmissionPlugin } from '../../interfaces.js';
import { admissionForbidden } from '../../util/errors.js';
import { isAuthorizedForSignerName } from '../../util/signer.js';

export const PluginName = 'CertificateSigning';

/** The CertificateSigning plugin. */
export function newCertificateSigning(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: PluginName,
    handles: (op) => op === 'UPDATE',
    async validate(attrs) {
      if (attrs.subresource !== 'status' || attrs.group !== 'certificates.k8s.io' || attrs.resource !== 'certificatesigningrequests') return;
      if (!attrs.object || !attrs.oldObject) return;
      const now = asObj(attrs.object.status) ?? {};
      const before = asObj(attrs.oldObject.status) ?? {};
      if (jsonEqual(now.certificate ?? null, before.certificate ?? null) && jsonEqual(now.conditions ?? [], before.conditions ?? [])) return;
      const signer = str(asObj(attrs.oldObject.spec)?.signerName);
      if (!(await isAuthorizedForSignerName(deps, attrs.user, 'sign', signer))) {
        throw admissionForbidden(attrs, `user not permitted to sign requests with signerName ${JSON.stringify(signer)}`);
      }
    },
  };
}
