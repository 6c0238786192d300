/**
 * networking.k8s.io/v1 NetworkPolicy: policyTypes and port protocol
 * defaults, peers, ports and IP blocks (ValidateNetworkPolicy).
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, invalid, notSupported, RawValue, required } from '../../validation/field/errors.js';
import { familyBits, parseCIDRSloppy } from '../../validation/ip.js';
import { asArr, asObj, ensureObj, num, objs, str, type Obj } from '../../validation/json.js';
import { labelSelectorAsSelector, validateLabelSelector, type LabelSelectorValidationOptions } from '../../validation/labelselector.js';
import { isValidPortName, isValidPortNum, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { isSet } from '../common/validators.js';

const protocols = ['TCP', 'UDP', 'SCTP'];
const policyTypes = ['Ingress', 'Egress'];
const cidrMessage = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort. */
export function defaultNetworkPolicy(obj: KubeObject): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  ensureObj(spec, 'podSelector');
  for (const dir of ['ingress', 'egress']) {
    for (const rule of objs(spec, dir)) for (const p of objs(rule, 'ports')) if (!isSet(p.protocol)) p.protocol = 'TCP';
  }
  if ((asArr(spec.policyTypes) ?? []).length === 0) {
    spec.policyTypes = (asArr(spec.egress) ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function validatePort(p: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isSet(p.protocol) && !protocols.includes(str(p.protocol))) errs.push(notSupported(path.child('protocol'), str(p.protocol), protocols));
  const endPort = num(p.endPort);
  if (typeof p.port === 'number') {
    for (const m of isValidPortNum(p.port)) errs.push(invalid(path.child('port'), p.port, m));
    if (endPort !== undefined) {
      if (endPort < p.port) errs.push(invalid(path.child('endPort'), endPort, 'must be greater than or equal to `port`'));
      for (const m of isValidPortNum(endPort)) errs.push(invalid(path.child('endPort'), endPort, m));
    }
  } else if (typeof p.port === 'string') {
    if (endPort !== undefined) errs.push(invalid(path.child('endPort'), endPort, 'may not be specified when `port` is non-numeric'));
    for (const m of isValidPortName(p.port)) errs.push(invalid(path.child('port'), p.port, m));
  } else if (endPort !== undefined) {
    errs.push(invalid(path.child('endPort'), endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

function validateIPBlock(block: Obj, path: FieldPath, allowed: Set<string>): FieldError[] {
  const cidrText = str(block.cidr);
  if (cidrText === '') return [required(path.child('cidr'))];
  const errs: FieldError[] = [];
  const cidr = parseCIDRSloppy(cidrText);
  if (!cidr) {
    if (!allowed.has(cidrText)) errs.push(invalid(path.child('cidr'), cidrText, cidrMessage));
    return errs;
  }
  (asArr(block.except) ?? []).map(str).forEach((e, i) => {
    const ep = path.child('except').index(i);
    const except = parseCIDRSloppy(e);
    if (!except) {
      if (!allowed.has(e)) errs.push(invalid(ep, e, cidrMessage));
      return;
    }
    const host = BigInt(familyBits(cidr.ip.family) - cidr.prefixLength);
    const contained = except.ip.family === cidr.ip.family && except.network >> host === cidr.network >> host;
    if (!contained || cidr.prefixLength >= except.prefixLength) errs.push(invalid(ep, e, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: Obj, path: FieldPath, opts: LabelSelectorValidationOptions, allowed: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  if (isSet(peer.podSelector)) {
    count++;
    errs.push(...validateLabelSelector(peer.podSelector, path.child('podSelector'), opts));
  }
  if (isSet(peer.namespaceSelector)) {
    count++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, path.child('namespaceSelector'), opts));
  }
  const ipBlock = asObj(peer.ipBlock);
  if (ipBlock) {
    count++;
    errs.push(...validateIPBlock(ipBlock, path.child('ipBlock'), allowed));
  }
  if (count === 0) errs.push(required(path, 'must specify a peer'));
  else if (count > 1 && ipBlock) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

/** ValidateNetworkPolicySpec. */
export function validateNetworkPolicySpec(specIn: unknown, path: FieldPath, opts: LabelSelectorValidationOptions = {}, allowed = new Set<string>()): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs = validateLabelSelector(spec.podSelector ?? {}, path.child('podSelector'), opts);
  for (const [dir, peers] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    objs(spec, dir).forEach((rule, i) => {
      const rp = path.child(dir).index(i);
      objs(rule, 'ports').forEach((p, j) => errs.push(...validatePort(p, rp.child('ports').index(j))));
      objs(rule, peers).forEach((peer, j) => errs.push(...validatePeer(peer, rp.child(peers).index(j), opts, allowed)));
    });
  }
  const types = (asArr(spec.policyTypes) ?? []).map(str);
  if (types.length > policyTypes.length) {
    errs.push(invalid(path.child('policyTypes'), new RawValue(`&[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`), 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (!policyTypes.includes(t)) errs.push(notSupported(path.child('policyTypes').index(i), t, policyTypes));
  });
  return errs;
}

function existingCIDRs(old: KubeObject): Set<string> {
  const out = new Set<string>();
  const spec = asObj(old.spec) ?? {};
  for (const [dir, peers] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    for (const rule of objs(spec, dir)) {
      for (const peer of objs(rule, peers)) {
        const b = asObj(peer.ipBlock);
        if (!b) continue;
        out.add(str(b.cidr));
        for (const e of asArr(b.except) ?? []) out.add(str(e));
      }
    }
  }
  return out;
}

/** The NetworkPolicy strategy. */
export const networkPolicyStrategy = buildStrategy({
  namespaced: true,
  hasStatus: false,
  tracksGeneration: true,
  defaults: defaultNetworkPolicy,
  validate: (_ctx, obj) => [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateNetworkPolicySpec(obj.spec, FieldPath.of('spec'))],
  validateUpdate(_ctx, obj, old) {
    const oldSel = asObj(old.spec)?.podSelector ?? {};
    const opts = { allowInvalidLabelValueInSelector: validateLabelSelector(oldSel, FieldPath.of('')).length > 0 || !labelSelectorAsSelector(oldSel) };
    return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateNetworkPolicySpec(obj.spec, FieldPath.of('spec'), opts, existingCIDRs(old))];
  },
});
