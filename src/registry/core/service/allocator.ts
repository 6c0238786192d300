/**
 * Cluster IP and node port allocation for Services, as the service REST
 * storage of kube-apiserver does it (pkg/registry/core/service/storage/alloc.go):
 * cluster IPs from `--service-cluster-ip-range` for every Service but
 * ExternalName and headless ones, node ports from `--service-node-port-range`
 * for NodePort and LoadBalancer Services, health-check node ports for
 * LoadBalancer Services with `externalTrafficPolicy: Local`.
 *
 * The allocator only decides which values to try. Ownership is recorded by
 * `claim` (create-if-absent on a shared key, so several kapi replicas never
 * hand out the same value, as 1.33 does with IPAddress objects) and given up
 * by `release`.
 */
import type { KubeObject } from '../../../runtime/object.js';
import { newInternalError, newInvalid, StatusError } from '../../../runtime/errors.js';
import { FieldError, FieldPath, invalid } from '../../../validation/field/errors.js';
import { goStringSlice } from '../../../validation/gofmt.js';
import { formatIP, parseIPSloppy } from '../../../validation/ip.js';
import { parseNodePortRange, parseServiceIPRange, type IPRange, type PortRange, type ValueRange } from './ranges.js';

/** What is allocated: a cluster IP or a node port. */
export type AllocationKind = 'ip' | 'port';

/** One allocated value: an IP in canonical form, or a port number as text. */
export interface AllocatedValue {
  kind: AllocationKind;
  value: string;
}

/** How the allocator records ownership. */
export interface ServiceAllocatorOptions {
  /** `--service-cluster-ip-range`, e.g. `10.96.0.0/12`. */
  serviceClusterIpRange: string;
  /** `--service-node-port-range`; default `30000-32767`. */
  nodePortRange?: string;
  /** Records the value as taken; false when someone already holds it. Must be atomic (create-if-absent). */
  claim: (kind: AllocationKind, value: string) => Promise<boolean>;
  /** Gives a value back. */
  release: (kind: AllocationKind, value: string) => Promise<void>;
  /** Random source in [0, 1); default Math.random. */
  random?: () => number;
}

/** Options of one allocation. */
export interface AllocateOptions {
  /** dryRun=All: values are checked (claimed and given back at once), nothing is kept. */
  dryRun?: boolean;
}

/**
 * The outcome of an allocation, to finish once the storage write is known:
 * `commit()` after a successful write (gives back the values the old object
 * held and the new one no longer uses), `rollback()` after a failed one
 * (gives back what this allocation claimed).
 */
export interface ServiceAllocation {
  /** Values claimed by this allocation. */
  readonly claimed: AllocatedValue[];
  /** Values of the old object the new one no longer uses. */
  readonly superseded: AllocatedValue[];
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** Allocates and releases the values of Services. */
export interface ServiceAllocator {
  /** The cluster IP range in canonical form. */
  readonly serviceIPRange: string;
  /** The node port range as `min-max`. */
  readonly nodePortRange: string;
  /** The first address of the range, kept for the `kubernetes` Service. */
  readonly kubernetesServiceIP: string;
  /**
   * Fills `spec.clusterIP`/`clusterIPs`, `ipFamilies`, node ports and the
   * health-check node port of `service` (mutated in place), honouring
   * requested values. `old` is the stored object on update. Throws a 422
   * Invalid StatusError for refused requested values and a 500 when a range
   * is full.
   */
  allocate(service: KubeObject, old?: KubeObject, opts?: AllocateOptions): Promise<ServiceAllocation>;
  /** Gives back every value the Service holds (after delete). */
  release(service: KubeObject): Promise<void>;
  /** The values a Service holds. */
  allocatedValues(service: KubeObject): AllocatedValue[];
}

type Obj = Record<string, unknown>;
type ClaimFn = (kind: AllocationKind, value: string) => Promise<boolean>;

function asObj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(str) : [];
}

function ports(spec: Obj): Obj[] {
  return Array.isArray(spec.ports) ? spec.ports.map(asObj).filter((p): p is Obj => p !== undefined) : [];
}

function serviceType(spec: Obj): string {
  return str(spec.type) || 'ClusterIP';
}

function needsClusterIP(spec: Obj): boolean {
  return serviceType(spec) !== 'ExternalName';
}

/** NodePort Services, and LoadBalancers unless allocateLoadBalancerNodePorts is false. */
function allocatesNodePorts(spec: Obj): boolean {
  const t = serviceType(spec);
  return t === 'NodePort' || (t === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

/** Types whose ports may carry node ports at all. */
function mayHaveNodePorts(spec: Obj): boolean {
  const t = serviceType(spec);
  return t === 'NodePort' || t === 'LoadBalancer';
}

function needsHealthCheckNodePort(spec: Obj): boolean {
  return serviceType(spec) === 'LoadBalancer' && str(spec.externalTrafficPolicy) === 'Local';
}

/** Keeps clusterIP and clusterIPs in sync for a request that set only one of them. */
function syncClusterIPs(spec: Obj): void {
  const ip = str(spec.clusterIP);
  const ips = strings(spec.clusterIPs);
  if (ip !== '' && ips.length === 0) spec.clusterIPs = [ip];
  else if (ip === '' && ips.length > 0) spec.clusterIP = ips[0];
}

function familyName(family: 4 | 6): string {
  return family === 4 ? 'IPv4' : 'IPv6';
}

function specOf(obj: KubeObject | undefined): Obj {
  return asObj(obj?.spec) ?? {};
}

function invalidService(service: KubeObject, errs: FieldError[]): StatusError {
  return newInvalid('Service', '', str(service.metadata?.name), errs);
}

/**
 * An update that leaves out allocated values keeps the old ones (as the
 * strategy's patchAllocatedValues does), so the allocator never replaces
 * them whatever order the caller runs things in.
 */
function keepAllocatedValues(spec: Obj, oldSpec: Obj): void {
  if (needsClusterIP(spec) && needsClusterIP(oldSpec) && str(spec.clusterIP) === '' && strings(spec.clusterIPs).length === 0) {
    if (str(oldSpec.clusterIP) !== '') spec.clusterIP = oldSpec.clusterIP;
    if (strings(oldSpec.clusterIPs).length > 0) spec.clusterIPs = [...strings(oldSpec.clusterIPs)];
    syncClusterIPs(spec);
  }
  if (mayHaveNodePorts(spec) && mayHaveNodePorts(oldSpec)) {
    const oldPorts = ports(oldSpec);
    const newPorts = ports(spec);
    for (const p of newPorts) {
      if (num(p.nodePort) !== 0) continue;
      const match =
        oldPorts.find((o) => num(o.port) === num(p.port) && (str(o.protocol) || 'TCP') === (str(p.protocol) || 'TCP')) ??
        (oldPorts.length === 1 && newPorts.length === 1 ? oldPorts[0] : undefined);
      if (match && num(match.nodePort) !== 0) p.nodePort = match.nodePort;
    }
  }
  if (needsHealthCheckNodePort(spec) && needsHealthCheckNodePort(oldSpec) && num(spec.healthCheckNodePort) === 0 && num(oldSpec.healthCheckNodePort) !== 0) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

/** The values a spec holds. */
function heldValues(spec: Obj): AllocatedValue[] {
  const out: AllocatedValue[] = [];
  if (needsClusterIP(spec)) {
    for (const ip of strings(spec.clusterIPs).length > 0 ? strings(spec.clusterIPs) : [str(spec.clusterIP)]) {
      const parsed = ip === '' || ip === 'None' ? undefined : parseIPSloppy(ip);
      if (parsed) out.push({ kind: 'ip', value: formatIP(parsed.family, parsed.value) });
    }
  }
  if (mayHaveNodePorts(spec)) {
    const seen = new Set<number>();
    for (const p of ports(spec)) {
      const np = num(p.nodePort);
      if (np > 0 && !seen.has(np)) {
        seen.add(np);
        out.push({ kind: 'port', value: String(np) });
      }
    }
  }
  if (needsHealthCheckNodePort(spec) && num(spec.healthCheckNodePort) > 0) out.push({ kind: 'port', value: String(num(spec.healthCheckNodePort)) });
  return out;
}

/** Creates the Service allocator of a cluster. */
export function newServiceAllocator(opts: ServiceAllocatorOptions): ServiceAllocator {
  const ipRange: IPRange = parseServiceIPRange(opts.serviceClusterIpRange);
  const portRange: PortRange = parseNodePortRange(opts.nodePortRange ?? '30000-32767');
  const random = opts.random ?? Math.random;
  const kubernetesServiceIP = ipRange.valueAt(0);

  /** Tries indexes [from, to) starting at a random point, wrapping around. */
  async function scanBand(claim: ClaimFn, kind: AllocationKind, range: ValueRange, from: number, to: number, skip: (i: number) => boolean): Promise<string | undefined> {
    const n = to - from;
    if (n <= 0) return undefined;
    const start = Math.floor(random() * n);
    const attempts = Math.min(n, 1 << 20);
    for (let k = 0; k < attempts; k++) {
      const index = from + ((start + k) % n);
      if (skip(index)) continue;
      const value = range.valueAt(index);
      if (await claim(kind, value)) return value;
    }
    return undefined;
  }

  /** AllocateNext: the dynamic band first, then the static band. */
  async function allocateNext(claim: ClaimFn, kind: AllocationKind, range: ValueRange, skip: (i: number) => boolean): Promise<string | undefined> {
    return (await scanBand(claim, kind, range, range.staticBand, range.size, skip)) ?? (await scanBand(claim, kind, range, 0, range.staticBand, skip));
  }

  async function releaseAll(values: AllocatedValue[]): Promise<void> {
    for (const v of values) await opts.release(v.kind, v.value);
  }

  async function allocate(service: KubeObject, old?: KubeObject, aopts: AllocateOptions = {}): Promise<ServiceAllocation> {
    if (!asObj(service.spec)) service.spec = {};
    const spec = service.spec as Obj;
    const oldSpec = specOf(old);
    syncClusterIPs(spec);
    if (old) keepAllocatedValues(spec, oldSpec);
    const claimed: AllocatedValue[] = [];
    const fail = async (err: StatusError): Promise<never> => {
      await releaseAll(claimed);
      throw err;
    };
    const claim: ClaimFn = async (kind, value) => {
      const ok = await opts.claim(kind, value);
      if (ok) claimed.push({ kind, value });
      return ok;
    };

    // Values the old object holds stay owned by this Service.
    const oldHeld = old ? heldValues(oldSpec) : [];
    const oldIPs = new Set(oldHeld.filter((v) => v.kind === 'ip').map((v) => v.value));
    const oldPorts = new Set(oldHeld.filter((v) => v.kind === 'port').map((v) => Number(v.value)));

    await allocateClusterIPs(service, spec, oldIPs, claim, fail);
    await allocateNodePorts(service, spec, oldPorts, claim, fail);

    const newHeld = heldValues(spec);
    const keep = new Set(newHeld.map((v) => `${v.kind}/${v.value}`));
    const superseded = oldHeld.filter((v) => !keep.has(`${v.kind}/${v.value}`));
    if (aopts.dryRun) {
      await releaseAll(claimed);
      return { claimed: [], superseded, commit: async () => {}, rollback: async () => {} };
    }
    let done = false;
    return {
      claimed,
      superseded,
      async commit() {
        if (done) return;
        done = true;
        await releaseAll(superseded);
      },
      async rollback() {
        if (done) return;
        done = true;
        await releaseAll(claimed);
      },
    };
  }

  async function allocateClusterIPs(
    service: KubeObject,
    spec: Obj,
    oldIPs: Set<string>,
    claim: ClaimFn,
    fail: (err: StatusError) => Promise<never>,
  ): Promise<void> {
    if (!needsClusterIP(spec)) return;
    const ips = strings(spec.clusterIPs);
    const headless = ips[0] === 'None';
    const selectorless = Object.keys(asObj(spec.selector) ?? {}).length === 0;
    if (headless && selectorless) return;
    const clusterFamily = familyName(ipRange.family);
    let families = strings(spec.ipFamilies);
    const requested = ips.filter((ip) => ip !== '' && ip !== 'None');
    // The strategy defaults ipFamilies to IPv4 without knowing the cluster;
    // on an IPv6 cluster that default (no requested IP, single stack) means the cluster family.
    if (
      requested.length === 0 &&
      families.length === 1 &&
      families[0] !== clusterFamily &&
      (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === 'SingleStack') &&
      oldIPs.size === 0
    ) {
      families = [clusterFamily];
    }
    const errs: FieldError[] = [];
    if (spec.ipFamilyPolicy === 'RequireDualStack') {
      errs.push(invalid(FieldPath.of('spec', 'ipFamilyPolicy'), 'RequireDualStack', 'this cluster is not configured for dual-stack services'));
    }
    families.forEach((f, i) => {
      if (f !== clusterFamily) errs.push(invalid(FieldPath.of('spec', 'ipFamilies').index(i), f, 'not configured on this cluster'));
    });
    if (errs.length > 0) await fail(invalidService(service, errs));
    spec.ipFamilies = [clusterFamily];
    if (!spec.ipFamilyPolicy) spec.ipFamilyPolicy = 'SingleStack';
    if (headless) {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
      return;
    }
    const wanted = requested[0];
    if (wanted !== undefined) {
      const parsed = parseIPSloppy(wanted);
      const key = parsed ? formatIP(parsed.family, parsed.value) : wanted;
      spec.clusterIP = wanted;
      spec.clusterIPs = [wanted];
      if (oldIPs.has(key)) return;
      const bad = (why: string): FieldError => invalid(FieldPath.of('spec', 'clusterIPs'), goStringSlice(ips), `failed to allocate IP ${wanted}: ${why}`);
      if (ipRange.indexOf(wanted) === undefined) {
        return fail(invalidService(service, [bad(`the provided IP (${parsed ? key : '<nil>'}) is not in the valid range. The range of valid IPs is ${ipRange.cidr}`)]));
      }
      if (!(await claim('ip', key))) return fail(invalidService(service, [bad('provided IP is already allocated')]));
      return;
    }
    const next = await allocateNext(claim, 'ip', ipRange, (i) => i === 0);
    if (next === undefined) return fail(newInternalError(new Error('failed to allocate a serviceIP: range is full')));
    spec.clusterIP = next;
    spec.clusterIPs = [next];
  }

  async function allocateNodePorts(
    service: KubeObject,
    spec: Obj,
    oldPorts: Set<number>,
    claim: ClaimFn,
    fail: (err: StatusError) => Promise<never>,
  ): Promise<void> {
    if (!mayHaveNodePorts(spec)) return;
    const auto = allocatesNodePorts(spec);
    const taken = new Map<number, number>(); // service port -> node port, within this Service
    const mine = new Set<number>(); // node ports this Service holds after this call
    const useRequested = async (np: number, path: FieldPath): Promise<void> => {
      if (mine.has(np) || oldPorts.has(np)) {
        mine.add(np);
        return;
      }
      if (portRange.indexOf(np) === undefined) {
        return fail(invalidService(service, [invalid(path, np, `provided port is not in the valid range. The range of valid ports is ${portRange.text}`)]));
      }
      if (!(await claim('port', String(np)))) return fail(invalidService(service, [invalid(path, np, 'provided port is already allocated')]));
      mine.add(np);
    };
    const list = ports(spec);
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      const path = FieldPath.of('spec', 'ports').index(i).child('nodePort');
      const port = num(p.port);
      const np = num(p.nodePort);
      if (np === 0 && !auto) continue;
      const already = taken.get(port);
      if (already === undefined) {
        // A node port requested by a later entry for the same port number serves both.
        const later = np === 0 ? list.findIndex((q, j) => j > i && num(q.port) === port && num(q.nodePort) !== 0) : -1;
        const requested = np !== 0 ? np : later >= 0 ? num(list[later].nodePort) : 0;
        if (requested !== 0) {
          await useRequested(requested, np !== 0 ? path : FieldPath.of('spec', 'ports').index(later).child('nodePort'));
          p.nodePort = requested;
          taken.set(port, requested);
        } else {
          const next = await allocateNext(claim, 'port', portRange, (idx) => mine.has(portRange.base + idx) || oldPorts.has(portRange.base + idx));
          if (next === undefined) return fail(newInternalError(new Error('failed to allocate a nodePort: range is full')));
          p.nodePort = Number(next);
          mine.add(Number(next));
          taken.set(port, Number(next));
        }
      } else if (np !== already) {
        if (np === 0) p.nodePort = already;
        else await useRequested(np, path);
      }
    }
    if (needsHealthCheckNodePort(spec)) {
      const hc = num(spec.healthCheckNodePort);
      const path = FieldPath.of('spec', 'healthCheckNodePort');
      if (hc !== 0) {
        if (!mine.has(hc) && !oldPorts.has(hc)) {
          if (portRange.indexOf(hc) === undefined) {
            await fail(invalidService(service, [invalid(path, hc, `failed to allocate requested HealthCheck NodePort ${hc}: provided port is not in the valid range. The range of valid ports is ${portRange.text}`)]));
          }
          if (!(await claim('port', String(hc)))) {
            await fail(invalidService(service, [invalid(path, hc, `failed to allocate requested HealthCheck NodePort ${hc}: provided port is already allocated`)]));
          }
        }
      } else {
        const next = await allocateNext(claim, 'port', portRange, (idx) => mine.has(portRange.base + idx) || oldPorts.has(portRange.base + idx));
        if (next === undefined) return fail(newInternalError(new Error('failed to allocate a nodePort: range is full')));
        spec.healthCheckNodePort = Number(next);
      }
    }
  }

  return {
    serviceIPRange: ipRange.cidr,
    nodePortRange: portRange.text,
    kubernetesServiceIP,
    allocate,
    async release(service) {
      await releaseAll(heldValues(specOf(service)));
    },
    allocatedValues: (service) => heldValues(specOf(service)),
  };
}
