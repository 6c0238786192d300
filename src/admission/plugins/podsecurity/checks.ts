/**
 * The Pod Security Standards checks of kube-apiserver 1.33
 * (staging/src/k8s.io/pod-security-admission/policy, restated), each
 * returning Kubernetes' reason and detail texts. Baseline checks run first,
 * then restricted ones, each group ordered by check ID; three restricted
 * checks replace a baseline one (capabilities, hostPath/volumes, seccomp).
 */
import { asArr, asObj, objs, str, type Obj } from '../../../validation/json.js';
import { allContainers, joinQuote, pluralize } from '../../util/pod.js';

/** A policy level. */
export type Level = 'privileged' | 'baseline' | 'restricted';

/** A policy version: a minor of 1.x, or `latest`. */
export type Version = number | 'latest';

/** The newest policy version kapi knows (what `latest` means). */
export const latestMinor = 33;

/** A failed check. */
export interface CheckResult {
  reason: string;
  detail: string;
}

interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  /** Minimum 1.x minor. */
  minMinor: number;
  /** Baseline checks this one replaces at the restricted level. */
  overrides?: string[];
  run(meta: Obj, spec: Obj, minor: number): CheckResult | undefined;
}

function sc(o: Obj): Obj | undefined {
  return asObj(o.securityContext);
}

function sortedUnique(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

function isWindows(spec: Obj): boolean {
  return str(asObj(spec.os)?.name) === 'windows';
}

function containersPhrase(names: string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

const allowedCapabilities = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const allowedSelinuxTypes = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);

function allowedSysctls(minor: number): Set<string> {
  const s = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
  if (minor >= 27) s.push('net.ipv4.ip_local_reserved_ports');
  if (minor >= 29) s.push('net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes');
  if (minor >= 32) s.push('net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem');
  return new Set(s);
}

const validSeccomp = (t: string) => t === 'RuntimeDefault' || t === 'Localhost';

/** Pod and containers that set a field to a bad value; containers that leave it unset where the pod does not cover them. */
function podAndContainers(spec: Obj, get: (o: Obj | undefined) => unknown, bad: (v: unknown) => boolean): { badSetters: string[]; implicit: string[]; podSet: boolean; badValues: string[] } {
  const badSetters: string[] = [];
  const badValues: string[] = [];
  let podSet = false;
  const podVal = get(sc(spec));
  if (podVal !== undefined && podVal !== null) {
    if (bad(podVal)) {
      badSetters.push('pod');
      badValues.push(String(podVal));
    } else podSet = true;
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of allContainers(spec)) {
    const v = get(sc(c));
    if (v !== undefined && v !== null) {
      if (bad(v)) {
        explicit.push(str(c.name));
        badValues.push(String(v));
      }
    } else if (!podSet) implicit.push(str(c.name));
  }
  if (explicit.length > 0) badSetters.push(containersPhrase(explicit));
  return { badSetters, implicit, podSet, badValues: sortedUnique(badValues) };
}

const checks: Check[] = [
  // ---- baseline ----
  {
    id: 'appArmorProfile',
    level: 'baseline',
    minMinor: 0,
    run(meta, spec) {
      const allowedType = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
      const setters: string[] = [];
      const values = new Set<string>();
      const podProfile = asObj(sc(spec)?.appArmorProfile);
      if (podProfile && !allowedType(podProfile.type)) {
        setters.push('pod');
        values.add(str(podProfile.type));
      }
      const bad: string[] = [];
      for (const c of allContainers(spec)) {
        const p = asObj(sc(c)?.appArmorProfile);
        if (p && !allowedType(p.type)) {
          bad.push(str(c.name));
          values.add(str(p.type));
        }
      }
      if (bad.length > 0) setters.push(containersPhrase(bad));
      const annotations: string[] = [];
      for (const [k, v] of Object.entries(asObj(meta.annotations) ?? {})) {
        const val = str(v);
        if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && !(val === '' || val === 'runtime/default' || val.startsWith('localhost/'))) {
          annotations.push(`${k}=${JSON.stringify(val)}`);
        }
      }
      const valueList = [...values].sort();
      if (annotations.length > 0) {
        valueList.push(...annotations.sort());
        setters.push(pluralize('annotation', 'annotations', annotations.length));
      }
      if (setters.length === 0) return undefined;
      return { reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', valueList.length), detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(valueList)}` };
    },
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    minMinor: 0,
    run(_meta, spec) {
      const bad: string[] = [];
      const caps = new Set<string>();
      for (const c of allContainers(spec)) {
        const add = asArr(asObj(sc(c)?.capabilities)?.add) ?? [];
        let ok = true;
        for (const cap of add) {
          if (!allowedCapabilities.has(str(cap))) {
            ok = false;
            caps.add(str(cap));
          }
        }
        if (!ok) bad.push(str(c.name));
      }
      if (bad.length === 0) return undefined;
      return { reason: 'non-default capabilities', detail: `${containersPhrase(bad)} must not include ${joinQuote(sortedUnique(caps))} in securityContext.capabilities.add` };
    },
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    minMinor: 0,
    run(_meta, spec) {
      const ns: string[] = [];
      if (spec.hostNetwork === true) ns.push('hostNetwork');
      if (spec.hostPID === true) ns.push('hostPID');
      if (spec.hostIPC === true) ns.push('hostIPC');
      if (ns.length === 0) return undefined;
      return { reason: 'host namespaces', detail: ns.sort().join(', ') };
    },
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    minMinor: 0,
    run(_meta, spec) {
      const vols = objs(spec, 'volumes').filter((v) => asObj(v.hostPath)).map((v) => str(v.name));
      if (vols.length === 0) return undefined;
      return { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', vols.length)} ${joinQuote(vols)}` };
    },
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    minMinor: 0,
    run(_meta, spec) {
      const bad: string[] = [];
      const ports = new Set<string>();
      for (const c of allContainers(spec)) {
        let ok = true;
        for (const p of objs(c, 'ports')) {
          if (typeof p.hostPort === 'number' && p.hostPort !== 0) {
            ok = false;
            ports.add(String(p.hostPort));
          }
        }
        if (!ok) bad.push(str(c.name));
      }
      if (bad.length === 0) return undefined;
      return {
        reason: 'hostPort',
        detail: `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', ports.size)} ${sortedUnique(ports).join(', ')}`,
      };
    },
  },
  {
    id: 'privileged',
    level: 'baseline',
    minMinor: 0,
    run(_meta, spec) {
      const bad = allContainers(spec).filter((c) => sc(c)?.privileged === true).map((c) => str(c.name));
      if (bad.length === 0) return undefined;
      return { reason: 'privileged', detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` };
    },
  },
  {
    id: 'procMount',
    level: 'baseline',
    minMinor: 0,
    run(_meta, spec) {
      const bad: string[] = [];
      const types = new Set<string>();
      for (const c of allContainers(spec)) {
        const pm = sc(c)?.procMount;
        if (typeof pm === 'string' && pm !== 'Default') {
          bad.push(str(c.name));
          types.add(pm);
        }
      }
      if (bad.length === 0) return undefined;
      return { reason: 'procMount', detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedUnique(types))}` };
    },
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    minMinor: 0,
    run(_meta, spec) {
      const badTypes = new Set<string>();
      let setUser = false;
      let setRole = false;
      const valid = (o: Obj) => {
        let ok = true;
        if (!allowedSelinuxTypes.has(str(o.type))) {
          ok = false;
          badTypes.add(str(o.type));
        }
        if (str(o.user) !== '') {
          ok = false;
          setUser = true;
        }
        if (str(o.role) !== '') {
          ok = false;
          setRole = true;
        }
        return ok;
      };
      const setters: string[] = [];
      const podOpts = asObj(sc(spec)?.seLinuxOptions);
      if (podOpts && !valid(podOpts)) setters.push('pod');
      const bad: string[] = [];
      for (const c of allContainers(spec)) {
        const o = asObj(sc(c)?.seLinuxOptions);
        if (o && !valid(o)) bad.push(str(c.name));
      }
      if (bad.length > 0) setters.push(containersPhrase(bad));
      if (setters.length === 0) return undefined;
      const data: string[] = [];
      if (badTypes.size > 0) data.push(`${pluralize('type', 'types', badTypes.size)} ${joinQuote(sortedUnique(badTypes))}`);
      if (setUser) data.push('user may not be set');
      if (setRole) data.push('role may not be set');
      return { reason: 'seLinuxOptions', detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
    },
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    minMinor: 0,
    run(meta, spec, minor) {
      if (minor < 19) {
        const forbidden = new Set<string>();
        const ann = asObj(meta.annotations) ?? {};
        const validAnn = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
        const podKey = 'seccomp.security.alpha.kubernetes.io/pod';
        if (typeof ann[podKey] === 'string' && !validAnn(ann[podKey] as string)) forbidden.add(`${podKey}=${JSON.stringify(ann[podKey])}`);
        for (const c of allContainers(spec)) {
          const key = `container.seccomp.security.alpha.kubernetes.io/${str(c.name)}`;
          if (typeof ann[key] === 'string' && !validAnn(ann[key] as string)) forbidden.add(`${key}=${JSON.stringify(ann[key])}`);
        }
        if (forbidden.size === 0) return undefined;
        return { reason: 'seccompProfile', detail: `forbidden ${pluralize('annotation', 'annotations', forbidden.size)} ${sortedUnique(forbidden).join(', ')}` };
      }
      const r = podAndContainers(spec, (o) => asObj(o?.seccompProfile)?.type ?? (asObj(o?.seccompProfile) ? '' : undefined), (t) => !validSeccomp(str(t)));
      if (r.badSetters.length === 0) return undefined;
      return { reason: 'seccompProfile', detail: `${r.badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(r.badValues)}` };
    },
  },
  {
    id: 'sysctls',
    level: 'baseline',
    minMinor: 0,
    run(_meta, spec, minor) {
      const allowed = allowedSysctls(minor);
      const bad = objs(sc(spec), 'sysctls').map((s) => str(s.name)).filter((n) => !allowed.has(n));
      if (bad.length === 0) return undefined;
      return { reason: 'forbidden sysctls', detail: bad.join(', ') };
    },
  },
  {
    id: 'windowsHostProcess',
    level: 'baseline',
    minMinor: 0,
    run(_meta, spec) {
      const hostProcess = (o: Obj | undefined) => asObj(o?.windowsOptions)?.hostProcess === true;
      const setters: string[] = [];
      if (hostProcess(sc(spec))) setters.push('pod');
      const bad = allContainers(spec).filter((c) => hostProcess(sc(c))).map((c) => str(c.name));
      if (bad.length > 0) setters.push(containersPhrase(bad));
      if (setters.length === 0) return undefined;
      return { reason: 'hostProcess', detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true` };
    },
  },
  // ---- restricted ----
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    minMinor: 8,
    run(_meta, spec, minor) {
      if (minor >= 25 && isWindows(spec)) return undefined;
      const bad = allContainers(spec).filter((c) => sc(c)?.allowPrivilegeEscalation !== false).map((c) => str(c.name));
      if (bad.length === 0) return undefined;
      return { reason: 'allowPrivilegeEscalation != false', detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false` };
    },
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    minMinor: 22,
    overrides: ['capabilities_baseline'],
    run(_meta, spec, minor) {
      if (minor >= 25 && isWindows(spec)) return undefined;
      const missingDrop: string[] = [];
      const adding: string[] = [];
      const forbidden = new Set<string>();
      for (const c of allContainers(spec)) {
        const caps = asObj(sc(c)?.capabilities);
        if (!caps) {
          missingDrop.push(str(c.name));
          continue;
        }
        if (!(asArr(caps.drop) ?? []).some((d) => d === 'ALL')) missingDrop.push(str(c.name));
        let bad = false;
        for (const a of asArr(caps.add) ?? []) {
          if (a !== 'NET_BIND_SERVICE') {
            bad = true;
            forbidden.add(str(a));
          }
        }
        if (bad) adding.push(str(c.name));
      }
      const details: string[] = [];
      if (missingDrop.length > 0) details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
      if (adding.length > 0) details.push(`${containersPhrase(adding)} must not include ${joinQuote(sortedUnique(forbidden))} in securityContext.capabilities.add`);
      if (details.length === 0) return undefined;
      return { reason: 'unrestricted capabilities', detail: details.join('; ') };
    },
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    minMinor: 0,
    overrides: ['hostPathVolumes'],
    run(_meta, spec) {
      const allowed = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
      const known = ['hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos'];
      const bad: string[] = [];
      const types = new Set<string>();
      for (const v of objs(spec, 'volumes')) {
        if (allowed.some((k) => v[k] !== undefined && v[k] !== null)) continue;
        bad.push(str(v.name));
        types.add(known.find((k) => v[k] !== undefined && v[k] !== null) ?? 'unknown');
      }
      if (bad.length === 0) return undefined;
      return {
        reason: 'restricted volume types',
        detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', types.size)} ${joinQuote(sortedUnique(types))}`,
      };
    },
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    minMinor: 0,
    run(_meta, spec) {
      const r = podAndContainers(spec, (o) => o?.runAsNonRoot, (v) => v !== true);
      if (r.badSetters.length > 0) return { reason: 'runAsNonRoot != true', detail: `${r.badSetters.join(' and ')} must not set securityContext.runAsNonRoot=false` };
      if (r.implicit.length > 0) return { reason: 'runAsNonRoot != true', detail: `pod or ${containersPhrase(r.implicit)} must set securityContext.runAsNonRoot=true` };
      return undefined;
    },
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    minMinor: 23,
    run(_meta, spec) {
      const setters: string[] = [];
      if (sc(spec)?.runAsUser === 0) setters.push('pod');
      const bad = allContainers(spec).filter((c) => sc(c)?.runAsUser === 0).map((c) => str(c.name));
      if (bad.length > 0) setters.push(containersPhrase(bad));
      if (setters.length === 0) return undefined;
      return { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` };
    },
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    minMinor: 19,
    overrides: ['seccompProfile_baseline'],
    run(_meta, spec, minor) {
      if (minor >= 25 && isWindows(spec)) return undefined;
      const r = podAndContainers(spec, (o) => asObj(o?.seccompProfile)?.type ?? (asObj(o?.seccompProfile) ? '' : undefined), (t) => !validSeccomp(str(t)));
      if (r.badSetters.length > 0) return { reason: 'seccompProfile', detail: `${r.badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(r.badValues)}` };
      if (r.implicit.length > 0) return { reason: 'seccompProfile', detail: `pod or ${containersPhrase(r.implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
      return undefined;
    },
  },
];

function byId(a: Check, b: Check): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The checks of a level at a policy minor version, in evaluation order. */
function checksFor(level: Level, minor: number): Check[] {
  if (level === 'privileged') return [];
  const active = checks.filter((c) => c.minMinor <= minor);
  const baseline = active.filter((c) => c.level === 'baseline').sort(byId);
  if (level === 'baseline') return baseline;
  const restricted = active.filter((c) => c.level === 'restricted').sort(byId);
  const overridden = new Set(restricted.flatMap((c) => c.overrides ?? []));
  return [...baseline.filter((c) => !overridden.has(c.id)), ...restricted];
}

/** Evaluates a pod (metadata + spec) against a level and version; empty when allowed. */
export function evaluatePod(level: Level, version: Version, meta: Obj | undefined, spec: Obj | undefined): CheckResult[] {
  const minor = version === 'latest' || version > latestMinor ? latestMinor : version;
  const out: CheckResult[] = [];
  for (const c of checksFor(level, minor)) {
    const r = c.run(meta ?? {}, spec ?? {}, minor);
    if (r) out.push(r);
  }
  return out;
}

/** `reason (detail), reason (detail)` (AggregateCheckResult.ForbiddenDetail). */
export function forbiddenDetail(results: CheckResult[]): string {
  return results.map((r) => (r.detail === '' ? r.reason : `${r.reason} (${r.detail})`)).join(', ');
}

/** `reason, reason` (AggregateCheckResult.ForbiddenReason). */
export function forbiddenReason(results: CheckResult[]): string {
  return results.map((r) => r.reason).join(', ');
}
