/**
 * Container validation (validateContainers, validateInitContainers and the
 * container-level rules: ports, env, volume mounts and devices, probes,
 * lifecycle handlers, resources, security context).
 */
import { duplicate, FieldError, FieldPath, forbidden, invalid, notFound, notSupported, required } from '../../validation/field/errors.js';
import { asArr, asObj, num, objs, str, type Obj } from '../../validation/json.js';
import { inclusiveRangeError, isHTTPHeaderName, isRelaxedEnvVarName, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateNonnegativeField } from '../../validation/objectmeta.js';
import { validateResourceRequirements } from './resources.js';
import { validateLocalDescendingPath, validatePathNoBacksteps } from './volumes.js';
import { validateDNS1123Label, validatePortNumOrName, validateQualifiedName } from './fields.js';

const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];

function validateContainerPorts(ports: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = path.index(i);
    const name = str(port.name);
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const m of msgs) errs.push(invalid(p.child('name'), name, m));
      else if (names.has(name)) errs.push(duplicate(p.child('name'), name));
      else names.add(name);
    }
    const cp = num(port.containerPort) ?? 0;
    if (cp === 0) errs.push(required(p.child('containerPort')));
    else for (const m of isValidPortNum(cp)) errs.push(invalid(p.child('containerPort'), cp, m));
    const hp = num(port.hostPort) ?? 0;
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(invalid(p.child('hostPort'), hp, m));
    const proto = str(port.protocol);
    if (proto === '') errs.push(required(p.child('protocol')));
    else if (!supportedPortProtocols.includes(proto)) errs.push(notSupported(p.child('protocol'), proto, supportedPortProtocols));
  });
  return errs;
}

const envFieldPaths = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
].sort();
const resourceFieldPaths = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

function validateEnv(env: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  env.forEach((ev, i) => {
    const p = path.index(i);
    const name = str(ev.name);
    if (name === '') errs.push(required(p.child('name')));
    else for (const m of isRelaxedEnvVarName(name)) errs.push(invalid(p.child('name'), name, m));
    const from = asObj(ev.valueFrom);
    if (!from) return;
    const fp = p.child('valueFrom');
    let sources = 0;
    const fieldRef = asObj(from.fieldRef);
    if (fieldRef) {
      sources++;
      const rp = fp.child('fieldRef');
      const fieldPath = str(fieldRef.fieldPath);
      if (str(fieldRef.apiVersion) === '') errs.push(required(rp.child('apiVersion')));
      else if (fieldPath === '') errs.push(required(rp.child('fieldPath')));
      else {
        const sub = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fieldPath);
        if (sub) {
          const key = sub[1] === 'metadata.annotations' ? sub[2].toLowerCase() : sub[2];
          errs.push(...validateQualifiedName(key, rp));
        } else if (!envFieldPaths.includes(fieldPath)) {
          errs.push(notSupported(rp.child('fieldPath'), fieldPath, envFieldPaths));
        }
      }
    }
    const resourceFieldRef = asObj(from.resourceFieldRef);
    if (resourceFieldRef) {
      sources++;
      const rp = fp.child('resourceFieldRef');
      const resource = str(resourceFieldRef.resource);
      if (resource === '') errs.push(required(rp.child('resource')));
      else if (!resourceFieldPaths.includes(resource) && !resource.startsWith('requests.hugepages-') && !resource.startsWith('limits.hugepages-')) {
        errs.push(notSupported(rp.child('resource'), resource, resourceFieldPaths));
      }
    }
    for (const key of ['configMapKeyRef', 'secretKeyRef']) {
      const ref = asObj(from[key]);
      if (!ref) continue;
      sources++;
      const rp = fp.child(key);
      for (const m of nameIsDNSSubdomain(str(ref.name), false)) errs.push(invalid(rp.child('name'), str(ref.name), m));
      if (str(ref.key) === '') errs.push(required(rp.child('key')));
    }
    if (sources === 0) {
      errs.push(invalid(fp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    } else if (str(ev.value) !== '') {
      errs.push(invalid(fp, '', 'may not be specified when `value` is not empty'));
    } else if (sources > 1) {
      errs.push(invalid(fp, '', 'may not have more than one field specified at a time'));
    }
  });
  return errs;
}

function validateEnvFrom(list: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list.forEach((ev, i) => {
    const p = path.index(i);
    const prefix = str(ev.prefix);
    if (prefix !== '') for (const m of isRelaxedEnvVarName(prefix)) errs.push(invalid(p.child('prefix'), prefix, m));
    let sources = 0;
    for (const key of ['configMapRef', 'secretRef']) {
      const ref = asObj(ev[key]);
      if (!ref) continue;
      sources++;
      const name = str(ref.name);
      if (name === '') errs.push(required(p.child(key).child('name')));
      else for (const m of nameIsDNSSubdomain(name, true)) errs.push(invalid(p.child(key).child('name'), name, m));
    }
    if (sources === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateVolumeMounts(mounts: Obj[], volumes: Map<string, Obj>, devices: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  const deviceNames = new Set(devices.map((d) => str(d.name)));
  const devicePaths = new Set(devices.map((d) => str(d.devicePath)));
  mounts.forEach((m, i) => {
    const p = path.index(i);
    const name = str(m.name);
    const mountPath = str(m.mountPath);
    if (name === '') errs.push(required(p.child('name')));
    if (!volumes.has(name)) errs.push(notFound(p.child('name'), name));
    if (mountPath === '') errs.push(required(p.child('mountPath')));
    if (seen.has(mountPath)) errs.push(invalid(p.child('mountPath'), mountPath, 'must be unique'));
    seen.add(mountPath);
    if (deviceNames.has(name)) errs.push(invalid(p.child('name'), name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(mountPath)) errs.push(invalid(p.child('mountPath'), mountPath, 'must not already exist as a path in volumeDevices'));
    const subPath = str(m.subPath);
    const subPathExpr = str(m.subPathExpr);
    if (subPath !== '') errs.push(...validateLocalDescendingPath(subPath, path.child('subPath')));
    if (subPathExpr !== '') {
      if (subPath !== '') errs.push(invalid(p.child('subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, path.child('subPathExpr')));
    }
  });
  return errs;
}

function validateVolumeDevices(devices: Obj[], mounts: Obj[], volumes: Map<string, Obj>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const paths = new Set<string>();
  const mountNames = new Set(mounts.map((m) => str(m.name)));
  const mountPaths = new Set(mounts.map((m) => str(m.mountPath)));
  devices.forEach((d, i) => {
    const p = path.index(i);
    const name = str(d.name);
    const devicePath = str(d.devicePath);
    const vol = volumes.get(name);
    if (name === '') errs.push(required(p.child('name')));
    if (names.has(name)) errs.push(invalid(p.child('name'), name, 'must be unique'));
    if (vol && !vol.persistentVolumeClaim && !vol.ephemeral) {
      errs.push(invalid(p.child('name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    }
    if (!vol) errs.push(notFound(p.child('name'), name));
    if (devicePath === '') errs.push(required(p.child('devicePath')));
    if (paths.has(devicePath)) errs.push(invalid(p.child('devicePath'), devicePath, 'must be unique'));
    if (devicePath !== '' && validatePathNoBacksteps(devicePath, p).length > 0) {
      errs.push(invalid(p.child('devicePath'), devicePath, "can not contain backsteps ('..')"));
    } else paths.add(devicePath);
    if (mountNames.has(name)) errs.push(invalid(p.child('name'), name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(devicePath)) errs.push(invalid(p.child('devicePath'), devicePath, 'must not already exist as a path in volumeMounts'));
    if (name !== '') names.add(name);
  });
  return errs;
}

function validateHandler(handler: Obj, path: FieldPath, kinds: string[]): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const k of kinds) {
    const h = asObj(handler[k]);
    if (!h) continue;
    if (count > 0) {
      errs.push(forbidden(path.child(k), 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    const p = path.child(k);
    switch (k) {
      case 'exec':
        if ((asArr(h.command) ?? []).length === 0) errs.push(required(p.child('command')));
        break;
      case 'httpGet': {
        if (str(h.path) === '') errs.push(required(p.child('path')));
        errs.push(...validatePortNumOrName(h.port, p.child('port')));
        const scheme = str(h.scheme);
        if (scheme !== 'HTTP' && scheme !== 'HTTPS') errs.push(notSupported(p.child('scheme'), scheme, ['HTTP', 'HTTPS']));
        for (const hdr of objs(h, 'httpHeaders')) for (const m of isHTTPHeaderName(str(hdr.name))) errs.push(invalid(p.child('httpHeaders'), str(hdr.name), m));
        break;
      }
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(h.port, p.child('port')));
        break;
      case 'grpc':
        errs.push(...validatePortNumOrName(num(h.port) ?? 0, p.child('port')));
        break;
      default:
        break;
    }
  }
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(probeIn: unknown, path: FieldPath, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  const probe = asObj(probeIn);
  if (!probe) return [];
  const errs = validateHandler(probe, path, ['exec', 'httpGet', 'tcpSocket', 'grpc']);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...validateNonnegativeField(num(probe[f]) ?? 0, path.child(f)));
  }
  const tgps = num(probe.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0) errs.push(invalid(path.child('terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  if (kind !== 'readiness' && (num(probe.successThreshold) ?? 0) !== 1) {
    errs.push(invalid(path.child('successThreshold'), num(probe.successThreshold) ?? 0, 'must be 1'));
  }
  if (kind === 'readiness' && probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds !== null) {
    errs.push(invalid(path.child('terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return errs;
}

function validateLifecycle(lifecycle: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['postStart', 'preStop']) {
    const h = asObj(lifecycle[k]);
    if (h) errs.push(...validateHandler(h, path.child(k), ['exec', 'httpGet', 'tcpSocket', 'sleep']));
  }
  return errs;
}

function validateSecurityContext(scIn: unknown, path: FieldPath): FieldError[] {
  const sc = asObj(scIn);
  if (!sc) return [];
  const errs: FieldError[] = [];
  for (const f of ['runAsUser', 'runAsGroup']) {
    const v = num(sc[f]);
    if (v !== undefined && (v < 0 || v > 0xffffffff)) errs.push(invalid(path.child(f), v, inclusiveRangeError(0, 4294967295)));
  }
  const pm = sc.procMount;
  if (pm !== undefined && pm !== null && pm !== 'Default' && pm !== 'Unmasked') {
    errs.push(notSupported(path.child('procMount'), pm, ['Default', 'Unmasked']));
  }
  if (sc.allowPrivilegeEscalation === false && sc.privileged === true) {
    errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  return errs;
}

function validateContainerCommon(c: Obj, volumes: Map<string, Obj>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (name === '') errs.push(required(path.child('name')));
  else errs.push(...validateDNS1123Label(name, path.child('name')));
  if (str(c.image) === '') errs.push(required(path.child('image')));
  const tmp = str(c.terminationMessagePolicy);
  if (tmp === '') errs.push(required(path.child('terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(notSupported(path.child('terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  const mounts = objs(c, 'volumeMounts');
  const devices = objs(c, 'volumeDevices');
  errs.push(...validateContainerPorts(objs(c, 'ports'), path.child('ports')));
  errs.push(...validateEnv(objs(c, 'env'), path.child('env')));
  errs.push(...validateEnvFrom(objs(c, 'envFrom'), path.child('envFrom')));
  errs.push(...validateVolumeMounts(mounts, volumes, devices, path.child('volumeMounts')));
  errs.push(...validateVolumeDevices(devices, mounts, volumes, path.child('volumeDevices')));
  const pp = str(c.imagePullPolicy);
  if (pp === '') errs.push(required(path.child('imagePullPolicy')));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(pp)) errs.push(notSupported(path.child('imagePullPolicy'), pp, ['Always', 'IfNotPresent', 'Never']));
  errs.push(...validateResourceRequirements(c.resources, path.child('resources')));
  errs.push(...validateSecurityContext(c.securityContext, path.child('securityContext')));
  return errs;
}

function hostPortConflicts(containers: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    objs(c, 'ports').forEach((p, pi) => {
      const hp = num(p.hostPort) ?? 0;
      if (hp === 0) return;
      const key = `${str(p.protocol)}/${str(p.hostIP)}/${hp}`;
      if (seen.has(key)) errs.push(duplicate(path.index(ci).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    });
  });
  return errs;
}

export function validateContainers(containers: Obj[], volumes: Map<string, Obj>, path: FieldPath): FieldError[] {
  if (containers.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, p));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(p.child('name'), name));
    else names.add(name);
    const lifecycle = asObj(c.lifecycle);
    if (lifecycle) errs.push(...validateLifecycle(lifecycle, p.child('lifecycle')));
    errs.push(...validateProbe(c.livenessProbe, p.child('livenessProbe'), 'liveness'));
    errs.push(...validateProbe(c.readinessProbe, p.child('readinessProbe'), 'readiness'));
    errs.push(...validateProbe(c.startupProbe, p.child('startupProbe'), 'startup'));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) errs.push(forbidden(p.child('restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...hostPortConflicts(containers, path));
  return errs;
}

export function validateInitContainers(inits: Obj[], regular: Obj[], volumes: Map<string, Obj>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(regular.map((c) => str(c.name)));
  inits.forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, p));
    let restartAlways = false;
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      if (c.restartPolicy !== 'Always') errs.push(notSupported(p.child('restartPolicy'), c.restartPolicy, ['Always']));
      restartAlways = c.restartPolicy === 'Always';
    }
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(p.child('name'), name));
    else if (name !== '') names.add(name);
    errs.push(...hostPortConflicts([c], path));
    if (restartAlways) {
      const lifecycle = asObj(c.lifecycle);
      if (lifecycle) errs.push(...validateLifecycle(lifecycle, p.child('lifecycle')));
      errs.push(...validateProbe(c.livenessProbe, p.child('livenessProbe'), 'liveness'));
      errs.push(...validateProbe(c.readinessProbe, p.child('readinessProbe'), 'readiness'));
      errs.push(...validateProbe(c.startupProbe, p.child('startupProbe'), 'startup'));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (c[f] !== undefined && c[f] !== null) errs.push(forbidden(p.child(f), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

