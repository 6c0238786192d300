/**
 * LimitRanger (plugin/pkg/admission/limitranger, restated) for pod creates and
 * PVC creates/updates, against every LimitRange of the namespace:
 * - mutating: containers and init containers get the `Container` items'
 *   `default` (limits) and `defaultRequest` (requests) for resources they do
 *   not name, recorded in the `kubernetes.io/limit-ranger` annotation;
 * - validating: `min`, `max` and `maxLimitRequestRatio` per Container, per
 *   Pod (effective requests/limits), and `min`/`max` per
 *   PersistentVolumeClaim request, with Kubernetes' messages; every
 *   violation is reported, in one 403.
 */
import type { KubeObject } from '../../../runtime/object.js';
import { Quantity } from '../../../validation/quantity.js';
import { asObj, clone, ensureObj, objs, str, type Obj } from '../../../validation/json.js';
import { defaultLimitRange } from '../../../apis/core/quota.js';
import type { AdmissionDeps } from '../../deps.js';
import type { AdmissionPlugin, Attributes } from '../../interfaces.js';
import { admissionForbidden, aggregate } from '../../util/errors.js';
import { podResources, resourceList, type ResourceList } from '../../util/pod.js';

export const PluginName = 'LimitRanger';
export const LimitRangerAnnotation = 'kubernetes.io/limit-ranger';

/** Largest value whose milli-value fits an int64 (resource.MaxMilliValue). */
const maxMilliValue = ((1n << 63n) - 1n) / 1000n;

/** requestLimitEnforcedValues: milli-values when nothing overflows, else values. */
function compareValues(req: Quantity | undefined, lim: Quantity | undefined, enforced: Quantity): [bigint, bigint, bigint] {
  const v = (q: Quantity | undefined) => (q ? q.value() : 0n);
  const m = (q: Quantity | undefined) => (q ? q.milliValue() : 0n);
  if (v(req) <= maxMilliValue && v(lim) <= maxMilliValue && v(enforced) <= maxMilliValue) return [m(req), m(lim), m(enforced)];
  return [v(req), v(lim), v(enforced)];
}

/** minConstraint. */
export function minConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const [r, l, e] = compareValues(req, lim, enforced);
  if (!req) return `minimum ${name} usage per ${limitType} is ${enforced.toString()}.  No request is specified`;
  if (r < e) return `minimum ${name} usage per ${limitType} is ${enforced.toString()}, but request is ${req.toString()}`;
  if (lim && l < e) return `minimum ${name} usage per ${limitType} is ${enforced.toString()}, but limit is ${lim.toString()}`;
  return undefined;
}

/** maxConstraint (limits must exist and stay under max; so must requests). */
export function maxConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const [r, l, e] = compareValues(req, lim, enforced);
  if (!lim) return `maximum ${name} usage per ${limitType} is ${enforced.toString()}.  No limit is specified`;
  if (l > e) return `maximum ${name} usage per ${limitType} is ${enforced.toString()}, but limit is ${lim.toString()}`;
  if (req && r > e) return `maximum ${name} usage per ${limitType} is ${enforced.toString()}, but request is ${req.toString()}`;
  return undefined;
}

/** maxRequestConstraint (PVC: requests only). */
export function maxRequestConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList): string | undefined {
  const req = requests.get(name);
  const [r, , e] = compareValues(req, undefined, enforced);
  if (!req) return `maximum ${name} usage per ${limitType} is ${enforced.toString()}.  No request is specified`;
  if (r > e) return `maximum ${name} usage per ${limitType} is ${enforced.toString()}, but request is ${req.toString()}`;
  return undefined;
}

/** Go's `%f`. */
function formatFloat(v: number): string {
  return v.toFixed(6);
}

/** limitRequestRatioConstraint. */
export function limitRequestRatioConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const [r, l] = compareValues(req, lim, enforced);
  if (!req || r === 0n) return `${name} max limit to request ratio per ${limitType} is ${enforced.toString()}, but no request is specified or request is 0`;
  if (!lim || l === 0n) return `${name} max limit to request ratio per ${limitType} is ${enforced.toString()}, but no limit is specified or limit is 0`;
  const observed = Number(l) / Number(r);
  let ratio = observed;
  let max = Number(enforced.value());
  if (enforced.value() <= maxMilliValue) {
    ratio = observed * 1000;
    max = Number(enforced.milliValue());
  }
  if (ratio > max) return `${name} max limit to request ratio per ${limitType} is ${enforced.toString()}, but provided ratio is ${formatFloat(observed)}`;
  return undefined;
}

function sortedEntries(v: unknown): [string, Quantity][] {
  return [...resourceList(v).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function containerLists(c: Obj): [ResourceList, ResourceList] {
  const res = asObj(c.resources);
  return [resourceList(res?.requests), resourceList(res?.limits)];
}

/** PodValidateLimitFunc: every violation of one LimitRange. */
export function validatePodLimits(limitRange: KubeObject, pod: KubeObject): string[] {
  const errs: string[] = [];
  const spec = asObj(pod.spec);
  const check = (type: string, item: Obj, requests: ResourceList, limits: ResourceList) => {
    for (const [k, v] of sortedEntries(item.min)) {
      const e = minConstraint(type, k, v, requests, limits);
      if (e) errs.push(e);
    }
    for (const [k, v] of sortedEntries(item.max)) {
      const e = maxConstraint(type, k, v, requests, limits);
      if (e) errs.push(e);
    }
    for (const [k, v] of sortedEntries(item.maxLimitRequestRatio)) {
      const e = limitRequestRatioConstraint(type, k, v, requests, limits);
      if (e) errs.push(e);
    }
  };
  for (const item of objs(asObj(limitRange.spec), 'limits')) {
    const type = str(item.type);
    if (type === 'Container') {
      for (const c of [...objs(spec, 'containers'), ...objs(spec, 'initContainers')]) check(type, item, ...containerLists(c));
    }
    if (type === 'Pod') check(type, item, podResources(spec, 'requests'), podResources(spec, 'limits'));
  }
  return errs;
}

/** PersistentVolumeClaimValidateLimitFunc. */
export function validatePvcLimits(limitRange: KubeObject, pvc: KubeObject): string[] {
  const errs: string[] = [];
  const requests = resourceList(asObj(asObj(pvc.spec)?.resources)?.requests);
  for (const item of objs(asObj(limitRange.spec), 'limits')) {
    if (str(item.type) !== 'PersistentVolumeClaim') continue;
    for (const [k, v] of sortedEntries(item.min)) {
      const e = minConstraint('PersistentVolumeClaim', k, v, requests, new Map());
      if (e) errs.push(e);
    }
    for (const [k, v] of sortedEntries(item.max)) {
      const e = maxRequestConstraint('PersistentVolumeClaim', k, v, requests);
      if (e) errs.push(e);
    }
  }
  return errs;
}

/** The default requirements of `Container` items (later items override earlier ones). */
function defaultRequirements(limitRange: KubeObject): { requests: Obj; limits: Obj } {
  const lr = clone(limitRange);
  defaultLimitRange(lr);
  const out = { requests: {} as Obj, limits: {} as Obj };
  for (const item of objs(asObj(lr.spec), 'limits')) {
    if (str(item.type) !== 'Container') continue;
    Object.assign(out.requests, asObj(item.defaultRequest) ?? {});
    Object.assign(out.limits, asObj(item.default) ?? {});
  }
  return out;
}

/** PodMutateLimitFunc: fills missing container requests/limits from one LimitRange. */
export function mutatePodLimits(limitRange: KubeObject, pod: KubeObject): void {
  const defaults = defaultRequirements(limitRange);
  const spec = asObj(pod.spec);
  if (!spec) return;
  const notes: string[] = [];
  for (const [key, label] of [['containers', 'container'], ['initContainers', 'init container']] as const) {
    for (const c of objs(spec, key)) {
      const res = ensureObj(c, 'resources');
      const limits = ensureObj(res, 'limits');
      const requests = ensureObj(res, 'requests');
      // API defaulting (done before admission in kube-apiserver): a limit without a request requests the limit.
      for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
      const setLimits: string[] = [];
      const setRequests: string[] = [];
      for (const [k, v] of Object.entries(defaults.limits)) {
        if (limits[k] === undefined) {
          limits[k] = clone(v);
          setLimits.push(k);
        }
      }
      for (const [k, v] of Object.entries(defaults.requests)) {
        if (requests[k] === undefined) {
          requests[k] = clone(v);
          setRequests.push(k);
        }
      }
      if (Object.keys(limits).length === 0) delete res.limits;
      if (Object.keys(requests).length === 0) delete res.requests;
      if (setRequests.length > 0) notes.push(`${setRequests.sort().join(', ')} request for ${label} ${str(c.name)}`);
      if (setLimits.length > 0) notes.push(`${setLimits.sort().join(', ')} limit for ${label} ${str(c.name)}`);
    }
  }
  if (notes.length > 0) {
    const meta = (pod.metadata ??= {});
    meta.annotations = { ...(meta.annotations ?? {}), [LimitRangerAnnotation]: `LimitRanger plugin set: ${notes.join('; ')}` };
  }
}

function supports(attrs: Attributes): 'pod' | 'pvc' | undefined {
  if (attrs.subresource !== '' || attrs.group !== '' || attrs.object === null) return undefined;
  if (attrs.kind === 'Pod') return attrs.operation === 'UPDATE' ? undefined : 'pod';
  if (attrs.kind === 'PersistentVolumeClaim') return 'pvc';
  return undefined;
}

/** The LimitRanger plugin. */
export function newLimitRanger(deps: AdmissionDeps): AdmissionPlugin {
  const limitRanges = (ns: string) => deps.list('', 'limitranges', ns);
  return {
    name: PluginName,
    handles: (op) => op === 'CREATE' || op === 'UPDATE',
    async admit(attrs) {
      if (supports(attrs) !== 'pod') return;
      for (const lr of await limitRanges(attrs.namespace)) mutatePodLimits(lr, attrs.object as KubeObject);
    },
    async validate(attrs) {
      const what = supports(attrs);
      if (!what) return;
      const errs: string[] = [];
      for (const lr of await limitRanges(attrs.namespace)) {
        errs.push(...(what === 'pod' ? validatePodLimits(lr, attrs.object as KubeObject) : validatePvcLimits(lr, attrs.object as KubeObject)));
      }
      if (errs.length > 0) throw admissionForbidden(attrs, aggregate(errs));
    },
  };
}
