/**
 * core/v1 Service: defaults (type, session affinity, ports, traffic
 * policies), IP family fields on create, allocated values kept on update,
 * and ValidateService / ValidateServiceUpdate. Cluster IP and node port
 * allocation belong to the service REST storage, not to this strategy.
 */
import type { KubeObject } from '../../runtime/object.js';
import { duplicate, FieldError, FieldPath, forbidden, invalid, notSupported, RawValue, required } from '../../validation/field/errors.js';
import { goStringSlice } from '../../validation/gofmt.js';
import { asArr, asObj, clone, ensureObj, num, objs, str, type Obj } from '../../validation/json.js';
import { isIP, isIPv4, nameIsDNS1035Label } from '../../validation/names.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { validateDNS1123Label, validateDNS1123Subdomain, validatePortNumOrName, validateQualifiedName } from './fields.js';
import { isValidPortNum } from '../../validation/names.js';

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const protocols = ['SCTP', 'TCP', 'UDP'];
const ipMessage = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

function specOf(obj: KubeObject): Obj {
  return asObj(obj.spec) ?? {};
}

function externallyAccessible(spec: Obj): boolean {
  const t = str(spec.type);
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && (asArr(spec.externalIPs) ?? []).length > 0);
}

function needsClusterIP(spec: Obj): boolean {
  return str(spec.type) !== 'ExternalName';
}

function needsNodePort(spec: Obj): boolean {
  return str(spec.type) === 'NodePort' || str(spec.type) === 'LoadBalancer';
}

function needsHealthCheck(spec: Obj): boolean {
  return str(spec.type) === 'LoadBalancer' && str(spec.externalTrafficPolicy) === 'Local';
}

function isHeadless(spec: Obj): boolean {
  return str(spec.clusterIP) === 'None';
}

/** SetDefaults_Service. */
export function defaultService(obj: KubeObject): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = asObj(asObj(asObj(spec.sessionAffinityConfig)?.clientIP))?.timeoutSeconds;
    if (timeout === undefined || timeout === null) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of objs(spec, 'ports')) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if ((spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(str(spec.type))) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null) spec.allocateLoadBalancerNodePorts = true;
    for (const ing of objs(asObj(asObj(obj.status)?.loadBalancer), 'ingress')) {
      if (str(ing.ip) !== '' && !ing.ipMode) ing.ipMode = 'VIP';
    }
  }
}

/**
 * Keeps clusterIP and clusterIPs consistent, guessing what the client meant
 * (old clients only know the singular field). `oldSpec` is absent on create.
 */
function normalizeClusterIPs(spec: Obj, oldSpec?: Obj): void {
  const ip = str(spec.clusterIP);
  const ips = (asArr(spec.clusterIPs) ?? []).map(str);
  if (!oldSpec) {
    if (ip !== '' && ips.length === 0) spec.clusterIPs = [ip];
    return;
  }
  const oldIP = str(oldSpec.clusterIP);
  const oldIPs = (asArr(oldSpec.clusterIPs) ?? []).map(str);
  if (oldIPs.length > 0 && ips.length === 0 && oldIP === ip) spec.clusterIPs = clone(oldSpec.clusterIPs);
  if (oldIP !== ip) {
    const same = JSON.stringify((asArr(spec.clusterIPs) ?? []).map(str)) === JSON.stringify(oldIPs);
    if (oldIP !== '' && ip === '' && same) delete spec.clusterIPs;
    if (ip !== '' && same) spec.clusterIPs = [ip];
  }
}

function initIPFamilies(spec: Obj): void {
  if (!needsClusterIP(spec)) return;
  const families = (asArr(spec.ipFamilies) ?? []).map(str);
  if (isHeadless(spec) && Object.keys(asObj(spec.selector) ?? {}).length === 0) {
    if (!spec.ipFamilyPolicy) spec.ipFamilyPolicy = 'RequireDualStack';
    if (families.length === 0) families.push('IPv4');
    if (families.length === 1) families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
    spec.ipFamilies = families;
    return;
  }
  if (!spec.ipFamilyPolicy) spec.ipFamilyPolicy = families.length < 2 ? 'SingleStack' : 'RequireDualStack';
  if (families.length === 0) {
    const ip = str(spec.clusterIP);
    spec.ipFamilies = [ip !== '' && ip !== 'None' && !isIPv4(ip) ? 'IPv6' : 'IPv4'];
  }
}

/** Keeps allocated values (cluster IPs, node ports, families) the client left out of an update. */
function patchAllocatedValues(spec: Obj, oldSpec: Obj): void {
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (str(spec.clusterIP) === '' && str(oldSpec.clusterIP) !== '') spec.clusterIP = oldSpec.clusterIP;
    if ((asArr(spec.clusterIPs) ?? []).length === 0 && (asArr(oldSpec.clusterIPs) ?? []).length > 0) spec.clusterIPs = clone(oldSpec.clusterIPs);
    if (!spec.ipFamilyPolicy && oldSpec.ipFamilyPolicy) spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
    if ((asArr(spec.ipFamilies) ?? []).length === 0 && (asArr(oldSpec.ipFamilies) ?? []).length > 0) spec.ipFamilies = clone(oldSpec.ipFamilies);
  }
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const oldPorts = objs(oldSpec, 'ports');
    for (const p of objs(spec, 'ports')) {
      if (num(p.nodePort)) continue;
      const match = oldPorts.find((o) => num(o.port) === num(p.port) && str(o.protocol) === str(p.protocol)) ?? (oldPorts.length === 1 && objs(spec, 'ports').length === 1 ? oldPorts[0] : undefined);
      if (match && num(match.nodePort)) p.nodePort = match.nodePort;
    }
  }
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && !num(spec.healthCheckNodePort) && num(oldSpec.healthCheckNodePort)) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

/** Clears type-dependent values the client kept from the old object when changing type. */
function dropTypeDependentFields(spec: Obj, oldSpec: Obj): void {
  const same = (k: string): boolean => JSON.stringify(spec[k]) === JSON.stringify(oldSpec[k]);
  if (!needsClusterIP(spec) && needsClusterIP(oldSpec)) {
    for (const k of ['clusterIP', 'clusterIPs', 'ipFamilyPolicy', 'ipFamilies']) if (same(k)) delete spec[k];
  }
  if (!needsNodePort(spec) && needsNodePort(oldSpec)) {
    const oldPorts = objs(oldSpec, 'ports');
    for (const p of objs(spec, 'ports')) {
      if (p.nodePort !== undefined && oldPorts.some((o) => o.nodePort === p.nodePort)) delete p.nodePort;
    }
  }
  if (!needsHealthCheck(spec) && needsHealthCheck(oldSpec) && same('healthCheckNodePort')) delete spec.healthCheckNodePort;
  if (str(spec.type) !== 'LoadBalancer' && str(oldSpec.type) === 'LoadBalancer' && same('allocateLoadBalancerNodePorts')) delete spec.allocateLoadBalancerNodePorts;
  if (!externallyAccessible(spec) && externallyAccessible(oldSpec) && same('externalTrafficPolicy')) delete spec.externalTrafficPolicy;
  if (!needsClusterIP(spec) && same('internalTrafficPolicy')) delete spec.internalTrafficPolicy;
}

function servicePortKey(protocol: string, port: number): RawValue {
  return new RawValue(
    `core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

/** ValidateService. */
export function validateService(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const specPath = FieldPath.of('spec');
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNS1035Label);
  const type = str(spec.type);
  const ports = objs(spec, 'ports');
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required(specPath.child('ports')));
  const clusterIPs = (asArr(spec.clusterIPs) ?? []).map(str);
  switch (type) {
    case 'LoadBalancer':
      if (headless) errs.push(invalid(specPath.child('clusterIPs').index(0), clusterIPs[0] ?? 'None', "may not be set to 'None' for LoadBalancer services"));
      break;
    case 'NodePort':
      if (headless) errs.push(invalid(specPath.child('clusterIPs').index(0), clusterIPs[0] ?? 'None', "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if (clusterIPs.length > 0) errs.push(forbidden(specPath.child('clusterIPs'), 'may not be set for ExternalName services'));
      if ((asArr(spec.ipFamilies) ?? []).length > 0) errs.push(forbidden(specPath.child('ipFamilies'), 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) errs.push(forbidden(specPath.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
      const cname = str(spec.externalName).replace(/\.$/, '');
      if (cname !== '') errs.push(...validateDNS1123Subdomain(cname, specPath.child('externalName')));
      else errs.push(required(specPath.child('externalName')));
      break;
    }
    default:
      break;
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = specPath.child('ports').index(i);
    const name = str(p.name);
    if (ports.length > 1 && name === '') errs.push(required(pp.child('name')));
    else if (name !== '') {
      errs.push(...validateDNS1123Label(name, pp.child('name')));
      if (names.has(name)) errs.push(duplicate(pp.child('name'), name));
      else names.add(name);
    }
    const port = num(p.port) ?? 0;
    for (const m of isValidPortNum(port)) errs.push(invalid(pp.child('port'), port, m));
    const proto = str(p.protocol);
    if (proto === '') errs.push(required(pp.child('protocol')));
    else if (!protocols.includes(proto)) errs.push(notSupported(pp.child('protocol'), proto, protocols));
    errs.push(...validatePortNumOrName(p.targetPort, pp.child('targetPort')));
    if (typeof p.appProtocol === 'string') errs.push(...validateQualifiedName(p.appProtocol, pp.child('appProtocol')));
  });
  if (spec.selector !== undefined && spec.selector !== null) errs.push(...validateLabels(spec.selector, specPath.child('selector')));
  const sa = str(spec.sessionAffinity);
  if (sa === '') errs.push(required(specPath.child('sessionAffinity')));
  else if (sa !== 'ClientIP' && sa !== 'None') errs.push(notSupported(specPath.child('sessionAffinity'), sa, ['ClientIP', 'None']));
  if (sa === 'ClientIP') {
    const cfgPath = specPath.child('sessionAffinityConfig');
    const cfg = asObj(spec.sessionAffinityConfig);
    const clientIP = asObj(cfg?.clientIP);
    const timeout = num(clientIP?.timeoutSeconds);
    if (!cfg) errs.push(required(cfgPath, 'when session affinity type is ClientIP'));
    else if (!clientIP) errs.push(required(cfgPath.child('clientIP'), 'when session affinity type is ClientIP'));
    else if (timeout === undefined) errs.push(required(cfgPath.child('clientIP').child('timeoutSeconds'), 'when session affinity type is ClientIP'));
    else if (timeout <= 0 || timeout > 86400) errs.push(invalid(cfgPath.child('clientIP').child('timeoutSeconds'), timeout, 'must be greater than 0 and less than 86400'));
  } else if (sa === 'None' && spec.sessionAffinityConfig) {
    errs.push(forbidden(specPath.child('sessionAffinityConfig'), 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPFields(spec, specPath));
  (asArr(spec.externalIPs) ?? []).map(str).forEach((ip, i) => {
    if (!isIP(ip)) errs.push(invalid(specPath.child('externalIPs').index(i), ip, ipMessage));
  });
  if (type === '') errs.push(required(specPath.child('type')));
  else if (!serviceTypes.includes(type)) errs.push(notSupported(specPath.child('type'), type, serviceTypes));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (num(p.nodePort)) errs.push(forbidden(specPath.child('ports').index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const np = num(p.nodePort) ?? 0;
    if (np === 0) return;
    const key = `${str(p.protocol)}/${np}`;
    if (nodePorts.has(key)) errs.push(duplicate(specPath.child('ports').index(i).child('nodePort'), np));
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${str(p.protocol)}/${num(p.port) ?? 0}`;
    if (seen.has(key)) errs.push(duplicate(specPath.child('ports').index(i), servicePortKey(str(p.protocol), num(p.port) ?? 0)));
    seen.add(key);
  });
  if ((asArr(spec.loadBalancerSourceRanges) ?? []).length > 0 && type !== 'LoadBalancer') {
    errs.push(forbidden(specPath.child('LoadBalancerSourceRanges'), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts !== null && type !== 'LoadBalancer') {
    errs.push(forbidden(specPath.child('allocateLoadBalancerNodePorts'), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)) {
    errs.push(required(FieldPath.of('allocateLoadBalancerNodePorts')));
  }
  const etp = str(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp !== '') errs.push(invalid(specPath.child('externalTrafficPolicy'), etp, 'may only be set for externally-accessible services'));
  } else if (etp === '') errs.push(required(specPath.child('externalTrafficPolicy')));
  else if (etp !== 'Cluster' && etp !== 'Local') errs.push(notSupported(specPath.child('externalTrafficPolicy'), etp, ['Cluster', 'Local']));
  const hc = num(spec.healthCheckNodePort) ?? 0;
  if (!needsHealthCheck(spec)) {
    if (hc !== 0) errs.push(invalid(specPath.child('healthCheckNodePort'), hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    // A missing health check node port is not an error here: the service
    // allocator assigns one (kube-apiserver allocates before it validates).
  } else if (hc !== 0) for (const m of isValidPortNum(hc)) errs.push(invalid(specPath.child('healthCheckNodePort'), hc, m));
  const itp = spec.internalTrafficPolicy;
  if ((itp === undefined || itp === null) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(type)) errs.push(required(specPath.child('internalTrafficPolicy')));
  if (itp !== undefined && itp !== null && itp !== 'Cluster' && itp !== 'Local') errs.push(notSupported(specPath.child('internalTrafficPolicy'), itp, ['Cluster', 'Local']));
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== null && spec.trafficDistribution !== 'PreferClose') {
    errs.push(notSupported(specPath.child('trafficDistribution'), spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

function validateClusterIPFields(spec: Obj, specPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!needsClusterIP(spec)) return errs;
  const policy = spec.ipFamilyPolicy;
  if (policy !== undefined && policy !== null && !['SingleStack', 'PreferDualStack', 'RequireDualStack'].includes(str(policy))) {
    errs.push(notSupported(specPath.child('ipFamilyPolicy'), policy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  const families = (asArr(spec.ipFamilies) ?? []).map(str);
  const seenFam = new Set<string>();
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(specPath.child('ipFamilies').index(i), f, ['IPv4', 'IPv6']));
    if (seenFam.has(f)) errs.push(duplicate(specPath.child('ipFamilies').index(i), f));
    seenFam.add(f);
  });
  if (families.length > 2) errs.push(invalid(specPath.child('ipFamilies'), families, 'may specify no more than one IP for each IP family, i.e 192.168.0.1 and/or 2001:db8::1'));
  const ips = (asArr(spec.clusterIPs) ?? []).map(str);
  const ip = str(spec.clusterIP);
  if (ips.length > 0 && ip !== '' && ips[0] !== ip) {
    errs.push(invalid(specPath.child('clusterIPs'), goStringSlice(ips), 'first value must match `clusterIP`'));
  }
  ips.forEach((v, i) => {
    if (i === 0 && v === 'None') {
      if (ips.length > 1) errs.push(invalid(specPath.child('clusterIPs'), goStringSlice(ips), "'None' must be the first and only value"));
      return;
    }
    if (!isIP(v)) errs.push(invalid(specPath.child('clusterIPs').index(i), v, ipMessage));
  });
  if (ips.length > 2) errs.push(invalid(specPath.child('clusterIPs'), goStringSlice(ips), 'may only hold up to 2 values'));
  return errs;
}

/** ValidateServiceUpdate (metadata, allocated IP immutability, then ValidateService). */
export function validateServiceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const spec = specOf(obj);
  const oldSpec = specOf(old);
  if (needsClusterIP(spec) && needsClusterIP(oldSpec)) {
    const ips = (asArr(spec.clusterIPs) ?? []).map(str);
    const oldIPs = (asArr(oldSpec.clusterIPs) ?? []).map(str);
    if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) {
      errs.push(invalid(FieldPath.of('spec', 'clusterIPs').index(0), goStringSlice(ips), 'may not change once set'));
    }
    if (oldIPs.length > 1 && ips.length > 1 && ips[1] !== oldIPs[1]) {
      errs.push(invalid(FieldPath.of('spec', 'clusterIPs').index(1), goStringSlice(ips), 'may not change once set'));
    }
    const fam = (asArr(spec.ipFamilies) ?? []).map(str);
    const oldFam = (asArr(oldSpec.ipFamilies) ?? []).map(str);
    if (oldFam.length > 0 && fam.length > 0 && fam[0] !== oldFam[0]) {
      errs.push(invalid(FieldPath.of('spec', 'ipFamilies').index(0), fam[0], 'may not change once set'));
    }
  }
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && num(spec.healthCheckNodePort) !== num(oldSpec.healthCheckNodePort)) {
    errs.push(forbidden(FieldPath.of('spec', 'healthCheckNodePort'), 'field is immutable'));
  }
  errs.push(...validateService(obj));
  return errs;
}

/** The Service strategy. */
export const serviceStrategy = buildStrategy({
  allowCreateOnUpdate: true,
  namespaced: true,
  hasStatus: true,
  tracksGeneration: false,
  defaults(obj) {
    defaultService(obj);
    const status = ensureObj(asRecord(obj), 'status');
    ensureObj(status, 'loadBalancer');
  },
  prepareForCreate(_ctx, obj) {
    obj.status = { loadBalancer: {} };
    const spec = ensureObj(asRecord(obj), 'spec');
    normalizeClusterIPs(spec);
    initIPFamilies(spec);
  },
  prepareForUpdate(_ctx, obj, old) {
    const spec = ensureObj(asRecord(obj), 'spec');
    const oldSpec = specOf(old);
    patchAllocatedValues(spec, oldSpec);
    dropTypeDependentFields(spec, oldSpec);
    normalizeClusterIPs(spec, oldSpec);
    initIPFamilies(spec);
  },
  validate: (_ctx, obj) => validateService(obj),
  validateUpdate: (_ctx, obj, old) => validateServiceUpdate(obj, old),
  validateStatusUpdate(_ctx, obj, old) {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    const ingress = objs(asObj(asObj(obj.status)?.loadBalancer), 'ingress');
    const path = FieldPath.of('status', 'loadBalancer', 'ingress');
    if (str(specOf(obj).type) !== 'LoadBalancer' && ingress.length > 0) {
      errs.push(forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'"));
      return errs;
    }
    ingress.forEach((ing, i) => {
      const ip = str(ing.ip);
      if (ip !== '' && !isIP(ip)) errs.push(invalid(path.index(i).child('ip'), ip, ipMessage));
      if (ip !== '' && !ing.ipMode) errs.push(required(path.index(i).child('ipMode'), 'must be specified when `ip` is set'));
      if (ip === '' && ing.ipMode) errs.push(forbidden(path.index(i).child('ipMode'), 'may not be specified when `ip` is not set'));
    });
    return errs;
  },
});
