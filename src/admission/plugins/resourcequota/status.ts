/**
 * ResourceQuota status as kube-controller-manager's quota controller keeps
 * it (pkg/controller/resourcequota, restated): `status.hard` mirrors
 * `spec.hard`, `status.used` is the usage of everything in the namespace that
 * the quota tracks. kapi has no controller manager, so admission (and the
 * server, on deletes) call these: a quota whose status is not in sync is
 * recalculated before it is charged.
 */
import type { KubeObject } from '../../../runtime/object.js';
import { Quantity } from '../../../validation/quantity.js';
import { asObj } from '../../../validation/json.js';
import type { AdmissionDeps } from '../../deps.js';
import { resourceList, resourceListObject, addLists, type ResourceList } from '../../util/pod.js';
import { evaluatorsForNames, quotaScopes } from './evaluators.js';

/** A quota's status.hard. */
export function statusHard(quota: KubeObject): ResourceList {
  return resourceList(asObj(quota.status)?.hard);
}

/** A quota's status.used. */
export function statusUsed(quota: KubeObject): ResourceList {
  return resourceList(asObj(quota.status)?.used);
}

/** A quota's spec.hard. */
export function specHard(quota: KubeObject): ResourceList {
  return resourceList(asObj(quota.spec)?.hard);
}

function sameList(a: ResourceList, b: ResourceList): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (!b.has(k) || (b.get(k) as Quantity).cmp(v) !== 0) return false;
  return true;
}

/** True when status.hard equals spec.hard and every tracked resource has a usage. */
export function statusInSync(quota: KubeObject): boolean {
  const hard = specHard(quota);
  if (!sameList(hard, statusHard(quota))) return false;
  const used = statusUsed(quota);
  const names = [...hard.keys()];
  const tracked = new Set(evaluatorsForNames(names).flatMap((e) => e.matchingResources(names)));
  for (const n of tracked) if (!used.has(n)) return false;
  return true;
}

/** The usage of everything in the namespace the quota tracks (zero for tracked names nothing uses). */
export async function calculateUsage(deps: AdmissionDeps, namespace: string, quota: KubeObject, now = new Date()): Promise<ResourceList> {
  const names = [...specHard(quota).keys()];
  const scopes = quotaScopes(quota);
  let used: ResourceList = new Map();
  for (const ev of evaluatorsForNames(names)) {
    const matched = new Set(ev.matchingResources(names));
    for (const n of matched) if (!used.has(n)) used.set(n, Quantity.of(0n));
    for (const obj of await deps.list(ev.group, ev.resource, namespace)) {
      if (!scopes.every((s) => ev.matchesScope(s, obj))) continue;
      const u: ResourceList = new Map();
      for (const [k, v] of ev.usage(obj, now)) if (matched.has(k)) u.set(k, v);
      used = addLists(used, u);
    }
  }
  return used;
}

/** Thrown inside guaranteedUpdate to leave the object as it is. */
const unchanged = new Error('unchanged');

/**
 * Recalculates one quota's status (hard from spec, used from the objects)
 * when it is out of sync, or always with `force`. Returns the quota as stored
 * afterwards (null when it disappeared).
 */
export async function syncQuotaStatus(deps: AdmissionDeps, namespace: string, name: string, force = false): Promise<KubeObject | null> {
  try {
    return await deps.guaranteedUpdate('', 'resourcequotas', namespace, name, async (cur) => {
      if (!force && statusInSync(cur)) throw unchanged;
      const used = await calculateUsage(deps, namespace, cur);
      const next = structuredClone(cur);
      next.status = { ...(asObj(next.status) ?? {}), hard: resourceListObject(specHard(cur)), used: resourceListObject(used) };
      return next;
    });
  } catch (err) {
    if (err === unchanged) return deps.get('', 'resourcequotas', namespace, name);
    throw err;
  }
}

/**
 * Replenishment (the quota controller's reaction to deletes and resyncs):
 * recalculates every quota of the namespace, or only those tracking the
 * given group/resource. Call after an object of a tracked resource was
 * removed, and after a ResourceQuota was created or its spec changed.
 */
export async function recalculateQuotaUsage(deps: AdmissionDeps, namespace: string, gr?: { group: string; resource: string }): Promise<void> {
  if (namespace === '') return;
  for (const q of await deps.list('', 'resourcequotas', namespace)) {
    const names = [...specHard(q).keys()];
    if (gr && !evaluatorsForNames(names).some((e) => e.group === gr.group && e.resource === gr.resource)) continue;
    await syncQuotaStatus(deps, namespace, q.metadata?.name ?? '', true);
  }
}

/**
 * The quota controller's periodic full resync (`--resource-quota-sync-period`,
 * 5m in kube-controller-manager): recalculates every quota of the cluster.
 * Corrects charges of requests that were admitted but then failed to store.
 */
export async function resyncAllQuotas(deps: AdmissionDeps): Promise<void> {
  for (const q of await deps.list('', 'resourcequotas', '')) {
    const ns = q.metadata?.namespace ?? '';
    if (ns !== '') await syncQuotaStatus(deps, ns, q.metadata?.name ?? '', true);
  }
}
