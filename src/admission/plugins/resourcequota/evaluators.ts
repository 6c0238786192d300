/**
 * Quota evaluators (pkg/quota/v1/evaluator/core and generic, restated): for
 * one group/resource, which quota resource names it tracks, what one object
 * uses, which operations are charged, scope matching and the pod constraints
 * (every container must name what a cpu/memory quota tracks).
 */
import type { KubeObject } from '../../../runtime/object.js';
import { Quantity } from '../../../validation/quantity.js';
import { asArr, asObj, objs, str, type Obj } from '../../../validation/json.js';
import type { Operation } from '../../interfaces.js';
import { addLists, podResources, resourceList, type ResourceList } from '../../util/pod.js';

const one = (): Quantity => Quantity.of(1n);
const zero = (): Quantity => Quantity.of(0n);

/** `count/<resource>` (core) or `count/<resource>.<group>`. */
export function objectCountName(group: string, resource: string): string {
  return group === '' ? `count/${resource}` : `count/${resource}.${group}`;
}

/** The group/resource a `count/...` name counts. */
export function parseObjectCountName(name: string): { group: string; resource: string } | undefined {
  if (!name.startsWith('count/')) return undefined;
  const rest = name.slice('count/'.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
}

/** A scope requirement (spec.scopes entries become `Exists` requirements). */
export interface ScopeRequirement {
  scopeName: string;
  operator: string;
  values: string[];
}

/** The scope requirements of a quota. */
export function quotaScopes(quota: KubeObject): ScopeRequirement[] {
  const spec = asObj(quota.spec);
  const out: ScopeRequirement[] = (asArr(spec?.scopes) ?? []).map((s) => ({ scopeName: str(s), operator: 'Exists', values: [] }));
  for (const e of objs(asObj(spec?.scopeSelector), 'matchExpressions')) {
    out.push({ scopeName: str(e.scopeName), operator: str(e.operator), values: (asArr(e.values) ?? []).map(str) });
  }
  return out;
}

/** What quota does for one kind of object. */
export interface Evaluator {
  group: string;
  resource: string;
  /** Operations whose requests are charged. */
  handles(op: Operation): boolean;
  /** The names among `names` this evaluator tracks. */
  matchingResources(names: string[]): string[];
  /** Usage of one object. */
  usage(obj: KubeObject, now?: Date): ResourceList;
  /** Whether one scope requirement matches the object (only pods have scopes). */
  matchesScope(scope: ScopeRequirement, obj: KubeObject): boolean;
  /** An error text when the object lacks what `required` needs (pods only). */
  constraints(required: string[], obj: KubeObject): string | undefined;
}

// ---- generic object count -------------------------------------------------------------------

/** Counts objects (`count/<resource>.<group>`, and a legacy name such as `configmaps`). */
export function objectCountEvaluator(group: string, resource: string, legacyName = ''): Evaluator {
  const names = new Set([objectCountName(group, resource), ...(legacyName ? [legacyName] : [])]);
  return {
    group,
    resource,
    handles: (op) => op === 'CREATE',
    matchingResources: (ns) => ns.filter((n) => names.has(n)),
    usage: () => new Map([...names].map((n) => [n, one()])),
    matchesScope: () => false,
    constraints: () => undefined,
  };
}

// ---- pods ---------------------------------------------------------------------------------

const podResourceNames = new Set([
  'pods',
  'count/pods',
  'cpu',
  'memory',
  'requests.cpu',
  'requests.memory',
  'limits.cpu',
  'limits.memory',
  'ephemeral-storage',
  'requests.ephemeral-storage',
  'limits.ephemeral-storage',
]);
const validationSet = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

/** Extended resources are domain-prefixed names outside kubernetes.io. */
function isExtendedResourceName(name: string): boolean {
  if (!name.includes('/') || name.startsWith('requests.')) return false;
  const domain = name.slice(0, name.indexOf('/'));
  return domain !== 'kubernetes.io' && !domain.endsWith('.kubernetes.io');
}

function isPodResourceName(name: string): boolean {
  if (podResourceNames.has(name)) return true;
  if (name.startsWith('hugepages-') || name.startsWith('requests.hugepages-')) return true;
  return name.startsWith('requests.') && isExtendedResourceName(name.slice('requests.'.length));
}

/** podComputeUsageHelper: quota names from requests and limits. */
export function podComputeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = new Map([['pods', one()]]);
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = requests.get(r);
    if (req) {
      out.set(r, req);
      out.set(`requests.${r}`, req);
    }
    const lim = limits.get(r);
    if (lim) out.set(`limits.${r}`, lim);
  }
  for (const [r, q] of requests) {
    if (r.startsWith('hugepages-')) {
      out.set(r, q);
      out.set(`requests.${r}`, q);
    }
    if (isExtendedResourceName(r)) out.set(`requests.${r}`, q);
  }
  return out;
}

/** QuotaV1Pod: terminal pods and pods past their deletion grace period use no compute quota. */
export function podIsCharged(pod: KubeObject, now = new Date()): boolean {
  const phase = str(asObj(pod.status)?.phase);
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const meta = pod.metadata;
  if (meta?.deletionTimestamp && typeof meta.deletionGracePeriodSeconds === 'number') {
    const end = Date.parse(meta.deletionTimestamp) + meta.deletionGracePeriodSeconds * 1000;
    if (now.getTime() > end) return false;
  }
  return true;
}

function isTerminating(spec: Obj | undefined): boolean {
  const ads = spec?.activeDeadlineSeconds;
  return typeof ads === 'number' && ads >= 0;
}

/** QoS BestEffort: no container requests or limits cpu or memory. */
export function isBestEffort(spec: Obj | undefined): boolean {
  for (const c of [...objs(spec, 'initContainers'), ...objs(spec, 'containers')]) {
    const res = asObj(c.resources);
    for (const which of ['requests', 'limits']) {
      for (const [k, q] of resourceList(res?.[which])) if ((k === 'cpu' || k === 'memory') && !q.isZero()) return false;
    }
  }
  return true;
}

function usesCrossNamespacePodAffinity(spec: Obj | undefined): boolean {
  const aff = asObj(spec?.affinity);
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = asObj(aff?.[kind]);
    const terms = [...objs(a, 'requiredDuringSchedulingIgnoredDuringExecution'), ...objs(a, 'preferredDuringSchedulingIgnoredDuringExecution').map((w) => asObj(w.podAffinityTerm) ?? {})];
    for (const t of terms) if ((asArr(t.namespaces)?.length ?? 0) > 0 || asObj(t.namespaceSelector) !== undefined) return true;
  }
  return false;
}

function podMatchesScope(scope: ScopeRequirement, pod: KubeObject): boolean {
  const spec = asObj(pod.spec);
  switch (scope.scopeName) {
    case 'Terminating':
      return isTerminating(spec);
    case 'NotTerminating':
      return !isTerminating(spec);
    case 'BestEffort':
      return isBestEffort(spec);
    case 'NotBestEffort':
      return !isBestEffort(spec);
    case 'PriorityClass': {
      const pc = str(spec?.priorityClassName);
      switch (scope.operator) {
        case 'Exists':
          return pc !== '';
        case 'DoesNotExist':
          return false;
        case 'In':
          return scope.values.includes(pc);
        case 'NotIn':
          return !scope.values.includes(pc);
      }
      return false;
    }
    case 'CrossNamespacePodAffinity':
      return usesCrossNamespacePodAffinity(spec);
  }
  return false;
}

/** The pod evaluator. */
export function podEvaluator(): Evaluator {
  return {
    group: '',
    resource: 'pods',
    handles: (op) => op === 'CREATE' || op === 'UPDATE',
    matchingResources: (ns) => ns.filter(isPodResourceName),
    usage(pod, now) {
      const result: ResourceList = new Map([['count/pods', one()]]);
      if (!podIsCharged(pod, now)) return result;
      const spec = asObj(pod.spec);
      return addLists(result, podComputeUsage(podResources(spec, 'requests'), podResources(spec, 'limits')));
    },
    matchesScope: podMatchesScope,
    constraints(required, pod) {
      const requiredSet = required.filter((r) => validationSet.has(r));
      if (requiredSet.length === 0) return undefined;
      const spec = asObj(pod.spec);
      const missing = new Map<string, Set<string>>();
      for (const c of [...objs(spec, 'containers'), ...objs(spec, 'initContainers')]) {
        const res = asObj(c.resources);
        const have = podComputeUsage(resourceList(res?.requests), resourceList(res?.limits));
        for (const r of requiredSet) {
          if (have.has(r)) continue;
          if (!missing.has(r)) missing.set(r, new Set());
          missing.get(r)?.add(str(c.name));
        }
      }
      if (missing.size === 0) return undefined;
      const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...(missing.get(r) ?? [])].sort().join(',')}`);
      return `must specify ${parts.join('; ')}`;
    },
  };
}

// ---- services -----------------------------------------------------------------------------

const serviceNames = new Set(['services', 'count/services', 'services.loadbalancers', 'services.nodeports']);

/** The service evaluator. */
export function serviceEvaluator(): Evaluator {
  return {
    group: '',
    resource: 'services',
    handles: (op) => op === 'CREATE' || op === 'UPDATE',
    matchingResources: (ns) => ns.filter((n) => serviceNames.has(n)),
    usage(svc) {
      const spec = asObj(svc.spec);
      const ports = objs(spec, 'ports');
      const out: ResourceList = new Map([
        ['count/services', one()],
        ['services', one()],
        ['services.loadbalancers', zero()],
        ['services.nodeports', zero()],
      ]);
      const type = str(spec?.type);
      if (type === 'NodePort') out.set('services.nodeports', Quantity.of(BigInt(ports.length)));
      if (type === 'LoadBalancer') {
        const withNodePorts = spec?.allocateLoadBalancerNodePorts === false ? ports.filter((p) => typeof p.nodePort === 'number' && p.nodePort !== 0).length : ports.length;
        out.set('services.nodeports', Quantity.of(BigInt(withNodePorts)));
        out.set('services.loadbalancers', one());
      }
      return out;
    },
    matchesScope: () => false,
    constraints: () => undefined,
  };
}

// ---- persistent volume claims -------------------------------------------------------------

const storageClassSuffix = '.storageclass.storage.k8s.io/';

/** The PVC's class: spec.storageClassName, else the beta annotation. */
function pvcClass(pvc: KubeObject): string {
  const spec = asObj(pvc.spec);
  if (typeof spec?.storageClassName === 'string') return spec.storageClassName;
  return pvc.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';
}

/** The PVC evaluator. */
export function pvcEvaluator(): Evaluator {
  return {
    group: '',
    resource: 'persistentvolumeclaims',
    handles: (op) => op === 'CREATE' || op === 'UPDATE',
    matchingResources: (ns) =>
      ns.filter((n) => n === 'persistentvolumeclaims' || n === 'count/persistentvolumeclaims' || n === 'requests.storage' || (n.includes(storageClassSuffix) && (n.endsWith('/requests.storage') || n.endsWith('/persistentvolumeclaims')))),
    usage(pvc) {
      const out: ResourceList = new Map([
        ['count/persistentvolumeclaims', one()],
        ['persistentvolumeclaims', one()],
      ]);
      const cls = pvcClass(pvc);
      if (cls !== '') out.set(`${cls}${storageClassSuffix}persistentvolumeclaims`, one());
      let storage = resourceList(asObj(asObj(pvc.spec)?.resources)?.requests).get('storage');
      const allocated = resourceList(asObj(pvc.status)?.allocatedResources).get('storage');
      if (allocated && (!storage || allocated.cmp(storage) > 0)) storage = allocated;
      if (storage) {
        out.set('requests.storage', storage);
        if (cls !== '') out.set(`${cls}${storageClassSuffix}requests.storage`, storage);
      }
      return out;
    },
    matchesScope: () => false,
    constraints: () => undefined,
  };
}

// ---- registry -----------------------------------------------------------------------------

const legacyCounted: Record<string, string> = {
  configmaps: 'configmaps',
  secrets: 'secrets',
  resourcequotas: 'resourcequotas',
  replicationcontrollers: 'replicationcontrollers',
};

/** The evaluator of a group/resource (an object counter for anything without a dedicated one). */
export function evaluatorFor(group: string, resource: string): Evaluator {
  if (group === '') {
    if (resource === 'pods') return podEvaluator();
    if (resource === 'services') return serviceEvaluator();
    if (resource === 'persistentvolumeclaims') return pvcEvaluator();
    if (resource in legacyCounted) return objectCountEvaluator('', resource, legacyCounted[resource]);
  }
  return objectCountEvaluator(group, resource);
}

/** The evaluators that track any of the names (for recalculating a quota's usage). */
export function evaluatorsForNames(names: string[]): Evaluator[] {
  const out: Evaluator[] = [podEvaluator(), serviceEvaluator(), pvcEvaluator(), ...Object.keys(legacyCounted).map((r) => objectCountEvaluator('', r, legacyCounted[r]))];
  const known = new Set(out.map((e) => `${e.group}/${e.resource}`));
  for (const n of names) {
    const gr = parseObjectCountName(n);
    if (gr && !known.has(`${gr.group}/${gr.resource}`)) {
      known.add(`${gr.group}/${gr.resource}`);
      out.push(objectCountEvaluator(gr.group, gr.resource));
    }
  }
  return out.filter((e) => e.matchingResources(names).length > 0);
}

/** Whether every scope requirement of the quota matches (no scopes: everything matches). */
export function quotaMatches(quota: KubeObject, evaluator: Evaluator, obj: KubeObject, hardNames: string[]): boolean {
  if (evaluator.matchingResources(hardNames).length === 0) return false;
  return quotaScopes(quota).every((s) => evaluator.matchesScope(s, obj));
}
