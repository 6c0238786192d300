/**
 * Naming in the OpenAPI documents: operation IDs and tags derived from the
 * path's group and version (`listAppsV1NamespacedDeployment`,
 * `rbacAuthorization_v1`), the v3 document key of a group-version
 * (`apis/apps/v1`), and the short generated descriptions of types and fields.
 */

/**
 * Removes characters that cannot appear in an operation ID, upper-casing the
 * letter after each removed one (`rbac.authorization` → `rbacAuthorization`),
 * and optionally the first letter.
 */
export function toValidOperationID(s: string, capitalizeFirst: boolean): string {
  let out = '';
  let upper = capitalizeFirst;
  for (const ch of s) {
    if (/[A-Za-z0-9]/.test(ch)) {
      out += upper ? ch.toUpperCase() : ch;
      upper = false;
    } else {
      upper = true;
    }
  }
  return out;
}

/** The group as it appears in operation IDs and tags: `core` for the legacy group, `.k8s.io` trimmed. */
function groupToken(group: string): string {
  return group === '' ? 'core' : group.endsWith('.k8s.io') ? group.slice(0, -'.k8s.io'.length) : group;
}

/** `AppsV1`, `CoreV1`, `RbacAuthorizationV1`, `FlowcontrolApiserverV1beta3`. */
export function operationGroupVersion(group: string, version: string): string {
  return toValidOperationID(groupToken(group), true) + toValidOperationID(version, true);
}

/** `apps_v1`, `core_v1`, `rbacAuthorization_v1`. */
export function operationTag(group: string, version?: string): string {
  const g = toValidOperationID(groupToken(group), false);
  return version === undefined ? g : `${g}_${toValidOperationID(version, false)}`;
}

/** `AppsAPIGroup`-style prefix: `Apps`, `RbacAuthorization`. */
export function operationGroup(group: string): string {
  return toValidOperationID(groupToken(group), true);
}

/** The v3 document key of a group-version: `api/v1` or `apis/apps/v1` (no leading slash). */
export function groupVersionKey(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** The URL prefix of a group-version: `/api/v1` or `/apis/apps/v1`. */
export function groupVersionPrefix(group: string, version: string): string {
  return `/${groupVersionKey(group, version)}`;
}

/** Upper-cases the first letter, as Go's strings.Title does for one word: `status` → `Status`. */
export function title(s: string): string {
  return s === '' ? '' : s[0]!.toUpperCase() + s.slice(1);
}

/** Splits a camelCase name into lower-case words, keeping acronyms: `podIPs` → `pod IPs`, `minReadySeconds` → `min ready seconds`. */
export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter((w) => w !== '');
  return words.map((w) => (/^[A-Z][a-z]/.test(w) && !/^[A-Z]{2}/.test(w) ? w.toLowerCase() : w)).join(' ');
}

/** The generated description of a field of `owner` (a type name). */
export function fieldDescription(field: string, owner: string): string {
  switch (field) {
    case 'apiVersion':
      return `The versioned schema of this ${owner}, as group/version.`;
    case 'kind':
      return `The REST kind of this ${owner}, in CamelCase.`;
    case 'metadata':
      return `Standard metadata of this ${owner}.`;
    default:
      return `${title(humanize(field))} of this ${owner}.`;
  }
}

/** The generated description of a type: `Deployment (apps/v1).` */
export function typeDescription(typeName: string, packageGroupVersion: string | undefined): string {
  return packageGroupVersion ? `${typeName} (${packageGroupVersion}).` : `${typeName}.`;
}

/** `a` or `an` for a noun, by its first letter. */
export function article(noun: string): string {
  return /^[AEIOUaeiou]/.test(noun) ? 'an' : 'a';
}
