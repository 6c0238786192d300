/**
 * Compute resources: canonical quantities in resource lists (as the
 * defaulters round them), resource-name rules, requests/limits validation
 * (pkg/apis/core/validation) and the pod QoS class.
 */
import { FieldError, FieldPath, forbidden, invalid, RawValue, required } from '../../validation/field/errors.js';
import { asObj, str, type Obj } from '../../validation/json.js';
import { isQualifiedName } from '../../validation/names.js';
import { IsNegativeErrorMsg } from '../../validation/objectmeta.js';
import { Quantity, QuantityError } from '../../validation/quantity.js';

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
const standardResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const standardIntegerResources = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

/** `hugepages-<size>`. */
export function isHugePageResourceName(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** Unprefixed or `kubernetes.io/`-prefixed names. */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** A vendor extended resource (`example.com/gpu`). */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** Whether requests may be lower than limits for this resource. */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

function isStandardResourceName(name: string): boolean {
  return standardResources.has(name) || isHugePageResourceName(name) || name.startsWith('requests.hugepages-') || name.startsWith('limits.hugepages-');
}

function isStandardContainerResourceName(name: string): boolean {
  return standardContainerResources.has(name) || isHugePageResourceName(name);
}

function isIntegerResourceName(name: string): boolean {
  return standardIntegerResources.has(name) || isExtendedResourceName(name);
}

/** A resource name: qualified, and standard when unprefixed. */
export function validateResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !isStandardResourceName(name)) {
    return [invalid(path, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

/** A container resource name. */
export function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!isStandardContainerResourceName(name)) errs.push(invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses a quantity value of a resource list, or reports why it cannot. */
export function parseResourceQuantity(v: unknown, path: FieldPath, errs: FieldError[]): Quantity | undefined {
  const s = typeof v === 'number' ? String(v) : str(v);
  try {
    return Quantity.parse(s);
  } catch (e) {
    errs.push(invalid(path, s, e instanceof QuantityError ? e.message : String(e)));
    return undefined;
  }
}

/** A quantity must be non-negative; integer resources must be whole. */
export function validateResourceQuantityValue(name: string, q: Quantity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (q.sign() < 0) errs.push(invalid(path, q.toString(), IsNegativeErrorMsg));
  if (isIntegerResourceName(name) && q.milliValue() % 1000n !== 0n) errs.push(invalid(path, new RawValue(q.toString()), 'must be an integer'));
  return errs;
}

/** A positive quantity (`must be greater than zero`). */
export function validatePositiveQuantityValue(q: Quantity, path: FieldPath): FieldError[] {
  return q.sign() <= 0 ? [invalid(path, q.toString(), 'must be greater than zero')] : [];
}

function hugePageSize(name: string): Quantity | undefined {
  return Quantity.tryParse(name.slice('hugepages-'.length));
}

/** A container's `resources` (limits, requests). */
export function validateResourceRequirements(resources: unknown, path: FieldPath): FieldError[] {
  const r = asObj(resources) ?? {};
  const errs: FieldError[] = [];
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits = asObj(r.limits) ?? {};
  const requests = asObj(r.requests) ?? {};
  const limitQ = new Map<string, Quantity>();
  let limCpuMem = false;
  let reqCpuMem = false;
  let limHuge = false;
  let reqHuge = false;
  const hugeCheck = (name: string, q: Quantity, p: FieldPath): void => {
    const size = hugePageSize(name);
    if (size && !size.isZero()) {
      const [a, b] = [q.scaledValue(9), size.scaledValue(9)];
      if (a % b !== 0n || q.sign() <= 0) errs.push(invalid(p, q.toString(), `${q.toString()} is not positive integer multiple of ${name}`));
    }
  };
  for (const [name, v] of Object.entries(limits)) {
    const p = limPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = parseResourceQuantity(v, p, errs);
    if (!q) continue;
    limitQ.set(name, q);
    errs.push(...validateResourceQuantityValue(name, q, p));
    if (isHugePageResourceName(name)) {
      limHuge = true;
      hugeCheck(name, q, p);
    }
    if (name === 'cpu' || name === 'memory') limCpuMem = true;
  }
  for (const [name, v] of Object.entries(requests)) {
    const p = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = parseResourceQuantity(v, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    const lim = limitQ.get(name);
    if (lim) {
      if (q.cmp(lim) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${lim.toString()}`));
      } else if (q.cmp(lim) > 0) {
        errs.push(invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${lim.toString()}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) {
      reqHuge = true;
      hugeCheck(name, q, p);
    }
    if (name === 'cpu' || name === 'memory') reqCpuMem = true;
  }
  if (!limCpuMem && !reqCpuMem && (reqHuge || limHuge)) errs.push(forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}

/**
 * Rewrites every parseable quantity of a resource list in canonical form,
 * rounded up to milli precision (SetDefaults_ResourceList).
 */
export function canonicalizeResourceList(list: unknown): void {
  const m = asObj(list);
  if (!m) return;
  for (const [k, v] of Object.entries(m)) {
    const q = Quantity.tryParse(typeof v === 'number' ? String(v) : str(v));
    if (q) m[k] = q.roundUp(3).toString();
  }
}

/** Canonical form of any quantity map (capacity, hard, used...), without rounding. */
export function canonicalizeQuantityMap(list: unknown): void {
  const m = asObj(list);
  if (!m) return;
  for (const [k, v] of Object.entries(m)) {
    const q = Quantity.tryParse(typeof v === 'number' ? String(v) : str(v));
    if (q) m[k] = q.toString();
  }
}

/** The QoS class of a pod spec: BestEffort, Burstable or Guaranteed (ComputePodQOS). */
export function computePodQOS(spec: Obj): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const containers = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])];
  const addTo = (m: Map<string, Quantity>, name: string, q: Quantity): void => {
    const cur = m.get(name);
    m.set(name, cur ? q.add(cur) : q);
  };
  for (const c of containers) {
    const res = asObj(asObj(c)?.resources) ?? {};
    for (const [name, v] of Object.entries(asObj(res.requests) ?? {})) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = Quantity.tryParse(str(v));
      if (q && q.sign() > 0) addTo(requests, name, q);
    }
    const found = new Set<string>();
    for (const [name, v] of Object.entries(asObj(res.limits) ?? {})) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = Quantity.tryParse(str(v));
      if (q && q.sign() > 0) {
        found.add(name);
        addTo(limits, name, q);
      }
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || lim.cmp(req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
