/**
 * certificates.IsAuthorizedForSignerName (pkg/apis/certificates, restated):
 * a user may `approve` or `sign` for a signer when the authorizer allows the
 * verb on `signers` named after the signer in certificates.k8s.io, or on the
 * wildcard `<domain>/*`.
 */
import type { UserInfo } from '../../endpoints/request/context.js';
import type { AuthorizationAttributes } from '../../authz/interfaces.js';
import type { AdmissionDeps } from '../deps.js';

function signerAttributes(user: UserInfo, verb: string, name: string): AuthorizationAttributes {
  return { user, verb, isResourceRequest: true, namespace: '', apiGroup: 'certificates.k8s.io', apiVersion: '*', resource: 'signers', subresource: '', name, path: '' };
}

/** Whether the user may `verb` for signerName (exactly, or through `<domain>/*`). */
export async function isAuthorizedForSignerName(deps: AdmissionDeps, user: UserInfo | undefined, verb: string, signerName: string): Promise<boolean> {
  if (!user) return false;
  const exact = await deps.authorize(signerAttributes(user, verb, signerName));
  if (exact.decision === 'Allow') return true;
  const domain = signerName.split('/')[0];
  const wildcard = await deps.authorize(signerAttributes(user, verb, `${domain}/*`));
  return wildcard.decision === 'Allow';
}
