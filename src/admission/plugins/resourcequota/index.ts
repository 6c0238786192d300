/**
 * ResourceQuota (k8s.io/apiserver/pkg/admission/plugin/resourcequota,
 * restated): a validating plugin that charges each create (and growing
 * update) of a namespaced object to every quota of its namespace that tracks
 * it. `status.used` is updated with optimistic concurrency, checking against
 * the fresh quota on every retry, so concurrent requests can never push usage
 * past `status.hard`. Refusals are 403:
 * - `exceeded quota: <name>, requested: pods=1, used: pods=10, limited: pods=10`;
 * - `failed quota: <name>: must specify limits.cpu for: c; ...` for pods that
 *   do not name what a cpu/memory quota tracks;
 * - `insufficient quota to consume: ...` for resources the configuration
 *   (`ResourceQuotaConfiguration.limitedResources`) limits by default.
 * Dry runs are checked but not charged.
 */
import type { KubeObject } from '../../../runtime/object.js';
import { Quantity } from '../../../validation/quantity.js';
import { asArr, asObj, str } from '../../../validation/json.js';
import type { AdmissionDeps } from '../../deps.js';
import type { AdmissionPlugin, Attributes } from '../../interfaces.js';
import { admissionForbidden } from '../../util/errors.js';
import { addLists, negate, resourceListObject, type ResourceList } from '../../util/pod.js';
import { evaluatorFor, quotaMatches, type Evaluator } from './evaluators.js';
import { statusHard, statusInSync, statusUsed, syncQuotaStatus } from './status.js';

export const PluginName = 'ResourceQuota';

export { recalculateQuotaUsage, resyncAllQuotas, syncQuotaStatus } from './status.js';

/** One `limitedResources` entry of ResourceQuotaConfiguration. */
export interface LimitedResource {
  apiGroup: string;
  resource: string;
  matchContains: string[];
}

/** Reads the plugin configuration (apiserver.config.k8s.io ResourceQuotaConfiguration). */
export function parseResourceQuotaConfiguration(config: unknown): LimitedResource[] {
  const o = asObj(config);
  return (asArr(o?.limitedResources) ?? []).map((x) => {
    const r = asObj(x) ?? {};
    return { apiGroup: str(r.apiGroup), resource: str(r.resource), matchContains: (asArr(r.matchContains) ?? []).map(str) };
  });
}

/** `k=v,k=v`, keys sorted (prettyPrint). */
export function prettyPrint(list: ResourceList): string {
  return [...list.keys()]
    .sort()
    .map((k) => `${k}=${(list.get(k) as Quantity).toString()}`)
    .join(',');
}

function mask(list: ResourceList, names: Iterable<string>): ResourceList {
  const keep = new Set(names);
  return new Map([...list].filter(([k]) => keep.has(k)));
}

/** The charge of one request: which quotas and how much. */
export interface QuotaCharge {
  quotas: string[];
  delta: ResourceList;
}

/**
 * CheckRequest without the write: finds the quotas the object falls under,
 * enforces their constraints, and computes the usage to charge (null when
 * nothing is charged). Throws the 403s.
 */
export function planCharge(quotas: KubeObject[], attrs: Attributes, ev: Evaluator, limited: LimitedResource[], now = new Date()): QuotaCharge | null {
  const obj = attrs.object as KubeObject;
  let limitedNames: string[] = [];
  const limits = limited.filter((l) => l.apiGroup === attrs.group && l.resource === attrs.resource);
  if (limits.length > 0) {
    const usage = ev.usage(obj, now);
    limitedNames = [...usage.keys()].filter((k) => limits.some((l) => l.matchContains.some((m) => k.includes(m))));
  }
  const interesting: string[] = [];
  const restricted = new Set<string>();
  for (const q of quotas) {
    const hardNames = [...statusHard(q).keys()];
    if (!quotaMatches(q, ev, obj, hardNames)) continue;
    const name = q.metadata?.name ?? '';
    const restrictedHere = ev.matchingResources(hardNames);
    const why = ev.constraints(restrictedHere, obj);
    if (why) throw admissionForbidden(attrs, `failed quota: ${name}: ${why}`);
    const used = statusUsed(q);
    const missing = restrictedHere.filter((r) => !used.has(r));
    if (missing.length > 0) throw admissionForbidden(attrs, `status unknown for quota: ${name}, resources: ${[...restrictedHere].sort().join(',')}`);
    interesting.push(name);
    for (const r of restrictedHere) restricted.add(r);
  }
  let delta = ev.usage(obj, now);
  const negative = [...delta].filter(([, v]) => v.sign() < 0).map(([k]) => k);
  if (negative.length > 0) throw admissionForbidden(attrs, `quota usage is negative for resource(s): ${negative.sort().join(',')}`);
  if (attrs.operation === 'UPDATE') {
    const prev = attrs.oldObject;
    if (!prev) throw admissionForbidden(attrs, 'unable to get previous usage since prior version of object was not found');
    if (prev.metadata?.resourceVersion) {
      const prevUsage = ev.usage(prev, now);
      const out: ResourceList = new Map();
      for (const [k, v] of delta) {
        const p = prevUsage.get(k);
        const d = p ? v.add(negate(p)) : v;
        out.set(k, d.sign() < 0 ? Quantity.of(0n) : d);
      }
      delta = out;
    }
  }
  delta = new Map([...delta].filter(([, v]) => !v.isZero()));
  if (delta.size === 0) return null;
  const uncovered = [...new Set(limitedNames.filter((n) => !restricted.has(n)))].sort();
  if (uncovered.length > 0) throw admissionForbidden(attrs, `insufficient quota to consume: ${uncovered.join(',')}`);
  if (interesting.length === 0) return null;
  return { quotas: interesting, delta };
}

/** Adds `delta` to a quota's status.used, refusing when that would pass status.hard. */
export function chargeQuota(quota: KubeObject, delta: ResourceList, attrs: Attributes): KubeObject {
  const hard = statusHard(quota);
  const used = statusUsed(quota);
  const requested = mask(delta, hard.keys());
  const newUsage = addLists(used, requested);
  const exceeded: string[] = [];
  for (const k of requested.keys()) {
    const h = hard.get(k);
    if (h && (newUsage.get(k) as Quantity).cmp(h) > 0) exceeded.push(k);
  }
  if (exceeded.length > 0) {
    throw admissionForbidden(
      attrs,
      `exceeded quota: ${quota.metadata?.name ?? ''}, requested: ${prettyPrint(mask(requested, exceeded))}, used: ${prettyPrint(mask(used, exceeded))}, limited: ${prettyPrint(mask(hard, exceeded))}`,
    );
  }
  const next = structuredClone(quota);
  next.status = { ...(asObj(next.status) ?? {}), used: resourceListObject(newUsage) };
  return next;
}

/** Subtracts a charge again (a later quota of the same request refused it). */
function refundQuota(quota: KubeObject, delta: ResourceList): KubeObject {
  const used = statusUsed(quota);
  const out: ResourceList = new Map(used);
  for (const [k, v] of delta) {
    const u = used.get(k);
    if (!u) continue;
    const r = u.add(negate(v));
    out.set(k, r.sign() < 0 ? Quantity.of(0n) : r);
  }
  const next = structuredClone(quota);
  next.status = { ...(asObj(next.status) ?? {}), used: resourceListObject(out) };
  return next;
}

/** The ResourceQuota plugin. */
export function newResourceQuota(deps: AdmissionDeps, config?: unknown): AdmissionPlugin {
  const limited = parseResourceQuotaConfiguration(config);
  return {
    name: PluginName,
    handles: (op) => op === 'CREATE' || op === 'UPDATE',
    async validate(attrs) {
      if (attrs.subresource !== '' || attrs.namespace === '' || attrs.object === null) return;
      if (attrs.group === '' && attrs.kind === 'Namespace') return;
      const ev = evaluatorFor(attrs.group, attrs.resource);
      if (!ev.handles(attrs.operation)) return;
      const listed = await deps.list('', 'resourcequotas', attrs.namespace);
      if (listed.length === 0 && !limited.some((l) => l.apiGroup === attrs.group && l.resource === attrs.resource)) return;
      const quotas: KubeObject[] = [];
      for (const q of listed) {
        const synced = statusInSync(q) ? q : await syncQuotaStatus(deps, attrs.namespace, q.metadata?.name ?? '');
        if (synced) quotas.push(synced);
      }
      const plan = planCharge(quotas, attrs, ev, limited);
      if (plan === null) return;
      if (attrs.dryRun) {
        for (const q of quotas) if (plan.quotas.includes(q.metadata?.name ?? '')) chargeQuota(q, plan.delta, attrs);
        return;
      }
      const charged: string[] = [];
      try {
        for (const name of plan.quotas) {
          await deps.guaranteedUpdate('', 'resourcequotas', attrs.namespace, name, (cur) => chargeQuota(cur, plan.delta, attrs));
          charged.push(name);
        }
      } catch (err) {
        for (const name of charged) await deps.guaranteedUpdate('', 'resourcequotas', attrs.namespace, name, (cur) => refundQuota(cur, plan.delta)).catch(() => undefined);
        throw err;
      }
    },
  };
}
