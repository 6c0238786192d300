/**
 * Pod helpers shared by plugins: container visiting, resource lists as
 * exact quantities, and the pod's effective requests and limits
 * (k8s.io/component-helpers/resource, restated without sidecars' subtleties:
 * max(sum of containers, largest init container) + overhead).
 */
import { Quantity } from '../../validation/quantity.js';
import { asObj, objs, type Obj } from '../../validation/json.js';

export type { Obj };

/** Containers, init containers and ephemeral containers of a pod spec, in that order. */
export function allContainers(spec: Obj | undefined): Obj[] {
  return [...objs(spec, 'initContainers'), ...objs(spec, 'containers'), ...objs(spec, 'ephemeralContainers')];
}

/** A resource list (`{cpu: "100m"}`) as quantities; unparsable values are skipped. */
export type ResourceList = Map<string, Quantity>;

/** Reads a ResourceList object. */
export function resourceList(v: unknown): ResourceList {
  const out: ResourceList = new Map();
  const o = asObj(v);
  if (!o) return out;
  for (const [k, raw] of Object.entries(o)) {
    const q = typeof raw === 'string' ? Quantity.tryParse(raw) : typeof raw === 'number' ? Quantity.tryParse(String(raw)) : undefined;
    if (q) out.set(k, q);
  }
  return out;
}

/** Writes a ResourceList object with canonical quantity strings, keys sorted. */
export function resourceListObject(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...list.keys()].sort()) out[k] = (list.get(k) as Quantity).toString();
  return out;
}

/** x + y; a zero x takes y's format (resource.Quantity.Add). */
export function addQuantities(x: Quantity, y: Quantity): Quantity {
  const sum = x.add(y);
  return x.isZero() ? Quantity.of(sum.unscaled, sum.decimals, y.format) : sum;
}

/** a + b per key. */
export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [k, v] of b) out.set(k, out.has(k) ? addQuantities(out.get(k) as Quantity, v) : v);
  return out;
}

/** a - b per key (keys of a). */
export function subtractLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of a) out.set(k, b.has(k) ? v.add(negate(b.get(k) as Quantity)) : v);
  return out;
}

/** -q. */
export function negate(q: Quantity): Quantity {
  return Quantity.of(-q.unscaled, q.decimals, q.format);
}

/** max(a, b) per key. */
export function maxLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [k, v] of b) if (!out.has(k) || v.cmp(out.get(k) as Quantity) > 0) out.set(k, v);
  return out;
}

function containerList(c: Obj, which: 'requests' | 'limits'): ResourceList {
  return resourceList(asObj(c.resources)?.[which]);
}

/**
 * The pod's effective requests or limits: the sum over regular containers,
 * raised to any init container's value, plus `spec.overhead`.
 */
export function podResources(spec: Obj | undefined, which: 'requests' | 'limits'): ResourceList {
  let sum: ResourceList = new Map();
  for (const c of objs(spec, 'containers')) sum = addLists(sum, containerList(c, which));
  let initMax: ResourceList = new Map();
  for (const c of objs(spec, 'initContainers')) initMax = maxLists(initMax, containerList(c, which));
  let out = maxLists(sum, initMax);
  const overhead = resourceList(spec?.overhead);
  if (overhead.size > 0) {
    // Overhead is added only to the resources the pod names (limits) or always (requests).
    const add: ResourceList = new Map();
    for (const [k, v] of overhead) if (which === 'requests' || out.has(k)) add.set(k, v);
    out = addLists(out, add);
  }
  return out;
}

/** `"a", "b"` (pod-security's joinQuote). */
export function joinQuote(items: readonly string[]): string {
  return items.map((s) => JSON.stringify(s)).join(', ');
}

/** singular when n is 1, plural otherwise. */
export function pluralize(singular: string, plural: string, n: number): string {
  return n === 1 ? singular : plural;
}
