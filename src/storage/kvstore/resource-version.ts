/**
 * Parsing of `resourceVersion` strings (Kubernetes' APIObjectVersioner):
 * "" and "0" are 0; anything else must be an unsigned decimal integer.
 */
import { invalidResourceVersion } from '../errors.js';

const MAX_UINT64 = 18446744073709551615n;

/**
 * Parses a resourceVersion. Throws an InvalidResourceVersion storage error
 * whose message is the one kube-apiserver returns in its 400 answer.
 */
export function parseResourceVersion(resourceVersion: string | undefined): number {
  if (resourceVersion === undefined || resourceVersion === '' || resourceVersion === '0') return 0;
  let why: string | undefined;
  if (!/^[0-9]+$/.test(resourceVersion)) {
    why = 'invalid syntax';
  } else if (BigInt(resourceVersion) > MAX_UINT64) {
    why = 'value out of range';
  }
  if (why !== undefined) {
    const quoted = JSON.stringify(resourceVersion);
    throw invalidResourceVersion(
      `invalid resource version: resourceVersion: Invalid value: ${quoted}: strconv.ParseUint: parsing ${quoted}: ${why}`,
    );
  }
  return Number(resourceVersion);
}
