/**
 * Boolean query parameters the way Kubernetes reads them.
 *
 * Two Go behaviours exist and clients depend on both:
 * - `strconv.ParseBool` accepts exactly `1 t T TRUE true True` and
 *   `0 f F FALSE false False` (used for `?pretty=`).
 * - The API parameter codec (ListOptions `watch`, `allowWatchBookmarks`,
 *   `sendInitialEvents`, PatchOptions `force`, PodLogOptions `follow`...)
 *   treats an absent parameter as false, `0` or any casing of `false` as
 *   false, and every other value — including the empty string — as true.
 *   It never rejects a value: the Python client's `watch=True` is a watch.
 */

import { newBadRequest } from './errors.js';

/** Go's `strconv.ParseBool`: the boolean, or undefined when `s` is not one of its twelve spellings. */
export function parseGoBool(s: string): boolean | undefined {
  switch (s) {
    case '1': case 't': case 'T': case 'TRUE': case 'true': case 'True':
      return true;
    case '0': case 'f': case 'F': case 'FALSE': case 'false': case 'False':
      return false;
    default:
      return undefined;
  }
}

/**
 * A boolean option as kube-apiserver's parameter codec decodes it
 * (`Convert_Slice_string_To_bool`): absent → false; the first value `0` or
 * `false` in any casing → false; anything else (even `?watch` or `watch=yes`)
 * → true. Never throws.
 */
export function queryFlag(params: URLSearchParams, name: string): boolean {
  return queryOptionalFlag(params, name) ?? false;
}

/**
 * Like {@link queryFlag} for `*bool` options (e.g. `sendInitialEvents`):
 * undefined when the parameter is absent.
 */
export function queryOptionalFlag(params: URLSearchParams, name: string): boolean | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  return !(value === '0' || value.toLowerCase() === 'false');
}

/**
 * A boolean parameter that must be spelled as Go's `strconv.ParseBool`
 * accepts: absent → false, an unparsable value → 400 BadRequest. Kubernetes'
 * own API options never reject a value (see {@link queryFlag}); use this only
 * for kapi-specific parameters where a typo should fail loudly.
 */
export function queryStrictFlag(params: URLSearchParams, name: string): boolean {
  const value = params.get(name);
  if (value === null) return false;
  const parsed = parseGoBool(value);
  if (parsed === undefined) {
    throw newBadRequest(`invalid value ${JSON.stringify(value)} for query parameter ${JSON.stringify(name)}: must be one of 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False`);
  }
  return parsed;
}
