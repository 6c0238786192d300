/**
 * Group and version order in discovery. kube-apiserver 1.33 orders groups by
 * the APIService `groupPriorityMinimum` of their built-in versions (highest
 * first, name breaks ties) and versions inside a group by `versionPriority`
 * (highest first, Kubernetes-aware version comparison breaks ties). kubectl
 * relies on this order to resolve ambiguous short names (core `events`
 * before `events.k8s.io`).
 */

/** `groupPriorityMinimum` / `versionPriority` of one group-version. */
export interface GroupVersionPriority {
  group: number;
  version: number;
}

/** apiregistration.k8s.io is always listed first (the aggregator gives it more than the maximum). */
const apiRegistrationPriority = 20001;

/**
 * Built-in priorities as kube-apiserver 1.33 registers them, by group, then
 * version. Facts restated from the aggregator's auto-registration table.
 */
const builtinPriorities: Record<string, { group: number; versions: Record<string, number> }> = {
  '': { group: 18000, versions: { v1: 1 } },
  'apiregistration.k8s.io': { group: apiRegistrationPriority, versions: { v1: 15, v1beta1: 9 } },
  apps: { group: 17800, versions: { v1: 15 } },
  'events.k8s.io': { group: 17750, versions: { v1: 15, v1beta1: 5 } },
  'authentication.k8s.io': { group: 17700, versions: { v1: 15, v1beta1: 9, v1alpha1: 1 } },
  'authorization.k8s.io': { group: 17600, versions: { v1: 15 } },
  autoscaling: { group: 17500, versions: { v2: 30, v1: 15, v2beta1: 9, v2beta2: 1 } },
  batch: { group: 17400, versions: { v1: 15, v1beta1: 9, v2alpha1: 9 } },
  'certificates.k8s.io': { group: 17300, versions: { v1: 15, v1beta1: 9, v1alpha1: 1 } },
  'networking.k8s.io': { group: 17200, versions: { v1: 15, v1beta1: 9 } },
  policy: { group: 17100, versions: { v1: 15, v1beta1: 9 } },
  'rbac.authorization.k8s.io': { group: 17000, versions: { v1: 15 } },
  'storage.k8s.io': { group: 16800, versions: { v1: 15, v1beta1: 9, v1alpha1: 1 } },
  'apiextensions.k8s.io': { group: 16700, versions: { v1: 15 } },
  'admissionregistration.k8s.io': { group: 16700, versions: { v1: 15, v1beta1: 12, v1alpha1: 9 } },
  'scheduling.k8s.io': { group: 16600, versions: { v1: 15 } },
  'coordination.k8s.io': { group: 16500, versions: { v1: 15, v1beta1: 13, v1alpha2: 12 } },
  'node.k8s.io': { group: 16300, versions: { v1: 15, v1beta1: 9, v1alpha1: 1 } },
  'discovery.k8s.io': { group: 16200, versions: { v1: 15, v1beta1: 12 } },
  'resource.k8s.io': { group: 16200, versions: { v1beta2: 15, v1beta1: 9, v1alpha3: 1 } },
  'flowcontrol.apiserver.k8s.io': { group: 16100, versions: { v1: 21, v1beta3: 18, v1beta2: 15, v1beta1: 12, v1alpha1: 9 } },
  'internal.apiserver.k8s.io': { group: 16000, versions: { v1alpha1: 9 } },
  'storagemigration.k8s.io': { group: 15800, versions: { v1alpha1: 9, v1beta1: 9 } },
};

/** Priority of groups the server does not know (CRD groups), as the CRD registration controller sets it. */
export const defaultGroupPriority = 1000;
/** Version priority of CRD versions (equal for all, so the version string decides). */
export const defaultCustomVersionPriority = 100;
/** Version priority of an unlisted version of a built-in group (aggregated discovery's default). */
export const defaultVersionPriority = 15;

/** The priority of a group-version. */
export function groupVersionPriority(group: string, version: string): GroupVersionPriority {
  const g = builtinPriorities[group];
  if (!g) return { group: defaultGroupPriority, version: defaultCustomVersionPriority };
  return { group: g.group, version: g.versions[version] ?? defaultVersionPriority };
}

const kubeVersion = /^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?$/;

/**
 * Kubernetes-aware version comparison: positive when `a` sorts before `b`
 * (GA > beta > alpha, then higher major, then higher minor; strings that do
 * not look like Kubernetes versions sort after them, lexically).
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  const ma = kubeVersion.exec(a);
  const mb = kubeVersion.exec(b);
  if (!ma && !mb) return a < b ? 1 : a > b ? -1 : 0;
  if (!ma) return -1;
  if (!mb) return 1;
  const rank = (m: RegExpExecArray): number => (m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0);
  const ra = rank(ma);
  const rb = rank(mb);
  if (ra !== rb) return ra - rb;
  const majA = Number(ma[1]);
  const majB = Number(mb[1]);
  if (majA !== majB) return majA - majB;
  return Number(ma[3] ?? 0) - Number(mb[3] ?? 0);
}

/** Sorts the versions of one group, preferred (highest priority) first. */
export function sortVersions(group: string, versions: Iterable<string>): string[] {
  return [...new Set(versions)].sort((a, b) => {
    const pa = groupVersionPriority(group, a).version;
    const pb = groupVersionPriority(group, b).version;
    if (pa !== pb) return pb - pa;
    return compareKubeAwareVersions(b, a);
  });
}

/** The group's priority: the highest `groupPriorityMinimum` over its served versions. */
export function groupPriority(group: string, versions: Iterable<string>): number {
  let best = -Infinity;
  for (const v of versions) best = Math.max(best, groupVersionPriority(group, v).group);
  return best === -Infinity ? defaultGroupPriority : best;
}

/** Sorts group names by priority (highest first), then by name. */
export function sortGroups(groups: Map<string, Iterable<string>>): string[] {
  const prio = new Map<string, number>();
  for (const [g, vs] of groups) prio.set(g, groupPriority(g, vs));
  return [...groups.keys()].sort((a, b) => (prio.get(b)! - prio.get(a)!) || (a < b ? -1 : a > b ? 1 : 0));
}
