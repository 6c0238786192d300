/**
 * Printers for certificates.k8s.io: CertificateSigningRequests and ClusterTrustBundles.
 */
import type { KubeObject } from '../runtime/object.js';
import { list, optNum, str } from './access.js';
import { ageOf, nameOf } from './common.js';
import { humanDuration } from './duration.js';
import { AGE_COLUMN, NAME_COLUMN, col } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** `Approved,Issued`, `Denied`, `Pending`, with `,Failed` and `,Issued` appended as they apply. */
export function csrCondition(csr: KubeObject): string {
  let approved = false;
  let denied = false;
  let failed = false;
  for (const c of list(csr, 'status', 'conditions')) {
    switch (str(c, 'type')) {
      case 'Approved':
        approved = true;
        break;
      case 'Denied':
        denied = true;
        break;
      case 'Failed':
        failed = true;
        break;
    }
  }
  let status = denied ? 'Denied' : approved ? 'Approved' : 'Pending';
  if (failed) status += ',Failed';
  if (str(csr, 'status', 'certificate') !== '') status += ',Issued';
  return status;
}

/** CertificateSigningRequests: Name, Age, SignerName, Requestor, RequestedDuration, Condition. */
export const certificateSigningRequestConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    AGE_COLUMN,
    col('SignerName', 'string', 'The signer asked to sign the certificate.'),
    col('Requestor', 'string', 'The user who created the request.'),
    col('RequestedDuration', 'string', 'The validity period asked for the certificate.'),
    col('Condition', 'string', 'Whether the request is approved, denied or pending, and whether it is issued.'),
  ],
  cells(o, now) {
    const seconds = optNum(o, 'spec', 'expirationSeconds');
    return [
      nameOf(o),
      ageOf(o, now),
      str(o, 'spec', 'signerName') || '<none>',
      str(o, 'spec', 'username'),
      seconds === undefined ? '<none>' : humanDuration(seconds * 1000),
      csrCondition(o),
    ];
  },
};

/** ClusterTrustBundles: Name, SignerName (no Age). */
export const clusterTrustBundleConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('SignerName', 'string', 'The signer whose trust anchors the bundle holds.')],
  cells: (o) => [nameOf(o), str(o, 'spec', 'signerName') || '<none>'],
};
