/**
 * core/v1 Node: status may be set on create; allocatable defaults to
 * capacity; taints, pod CIDRs and providerID rules (ValidateNode,
 * ValidateNodeUpdate). The zero-valued status structs Go always writes
 * (`daemonEndpoints`, `nodeInfo`) are filled in, as kube-apiserver returns them.
 */
import type { KubeObject } from '../../runtime/object.js';
import { duplicate, FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../validation/field/errors.js';
import { asArr, asObj, clone, ensureObj, objs, semanticEqual, str, type Obj } from '../../validation/json.js';
import { isValidLabelValue, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateLabelName, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { canonicalizeQuantityMap, parseResourceQuantity, validateResourceQuantityValue } from './resources.js';

const nodeInfoKeys = [
  'architecture',
  'bootID',
  'containerRuntimeVersion',
  'kernelVersion',
  'kubeProxyVersion',
  'kubeletVersion',
  'machineID',
  'operatingSystem',
  'osImage',
  'systemUUID',
];

/** Node defaults: allocatable from capacity, canonical quantities, structural zero values. */
export function defaultNode(obj: KubeObject): void {
  const o = asRecord(obj);
  const spec = ensureObj(o, 'spec');
  // v1 podCIDR and podCIDRs are one field internally: podCIDRs wins, a lone podCIDR becomes its only entry.
  const cidrs = asArr(spec.podCIDRs) ?? [];
  if (cidrs.length > 0) spec.podCIDR = cidrs[0];
  else if (str(spec.podCIDR) !== '') spec.podCIDRs = [spec.podCIDR];
  const status = ensureObj(o, 'status');
  if ((status.allocatable === undefined || status.allocatable === null) && asObj(status.capacity)) status.allocatable = clone(status.capacity);
  canonicalizeQuantityMap(status.capacity);
  canonicalizeQuantityMap(status.allocatable);
  const endpoints = ensureObj(status, 'daemonEndpoints');
  const kubelet = ensureObj(endpoints, 'kubeletEndpoint');
  if (kubelet.Port === undefined) kubelet.Port = 0;
  const info = ensureObj(status, 'nodeInfo');
  for (const k of nodeInfoKeys) if (info[k] === undefined || info[k] === null) info[k] = '';
}

function validateTaints(taints: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Map<string, Set<string>>();
  taints.forEach((t, i) => {
    const p = path.index(i);
    const key = str(t.key);
    const effect = str(t.effect);
    errs.push(...validateLabelName(key, p.child('key')));
    const msgs = isValidLabelValue(str(t.value));
    if (msgs.length > 0) errs.push(invalid(p.child('value'), str(t.value), msgs.join(';')));
    if (effect === '') errs.push(required(p.child('effect')));
    else if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) {
      errs.push(notSupported(p.child('effect'), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
    const keys = unique.get(effect) ?? new Set<string>();
    if (keys.has(key)) {
      const d = duplicate(p, t);
      errs.push(new FieldError(d.type, d.field, t, 'taints must be unique by key and effect pair'));
      return;
    }
    keys.add(key);
    unique.set(effect, keys);
  });
  return errs;
}

function validateNodeResources(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const status = asObj(obj.status) ?? {};
  for (const field of ['capacity', 'allocatable']) {
    for (const [k, v] of Object.entries(asObj(status[field]) ?? {})) {
      const p = FieldPath.of('status', field, k);
      const q = parseResourceQuantity(v, p, errs);
      if (q) errs.push(...validateResourceQuantityValue(k, q, p));
    }
  }
  return errs;
}

function isCIDR(s: string): boolean {
  const m = /^(.+)\/([0-9]{1,3})$/.exec(s);
  if (!m) return false;
  const bits = Number(m[2]);
  const ip = m[1];
  if (/^[0-9.]+$/.test(ip)) return bits <= 32 && ip.split('.').length === 4 && ip.split('.').every((x) => x !== '' && Number(x) <= 255);
  return ip.includes(':') && bits <= 128;
}

/** ValidateNode. */
export function validateNode(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const spec = asObj(obj.spec) ?? {};
  errs.push(...validateTaints(objs(spec, 'taints'), FieldPath.of('metadata', 'taints')));
  errs.push(...validateNodeResources(obj));
  const cidrs = (asArr(spec.podCIDRs) ?? []).map(str);
  cidrs.forEach((c, i) => {
    if (!isCIDR(c)) errs.push(invalid(FieldPath.of('spec', 'podCIDRs').index(i), c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  return errs;
}

/** ValidateNodeUpdate. */
export function validateNodeUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateNodeResources(obj));
  const spec = asObj(obj.spec) ?? {};
  const oldSpec = asObj(old.spec) ?? {};
  const addresses = objs(asObj(obj.status), 'addresses');
  addresses.forEach((a, i) => {
    if (addresses.slice(0, i).some((b) => semanticEqual(a, b))) errs.push(duplicate(FieldPath.of('status', 'addresses').index(i), a));
  });
  const oldCidrs = (asArr(oldSpec.podCIDRs) ?? []).map(str);
  const cidrs = (asArr(spec.podCIDRs) ?? []).map(str);
  if (oldCidrs.length > 0) {
    const changed = oldCidrs.length !== cidrs.length ? [true] : oldCidrs.map((c, i) => c !== cidrs[i]).filter(Boolean);
    for (const _ of changed) errs.push(forbidden(FieldPath.of('spec', 'podCIDRs'), 'node updates may not change podCIDR except from "" to valid'));
  }
  if (str(oldSpec.providerID) !== '' && str(oldSpec.providerID) !== str(spec.providerID)) {
    errs.push(forbidden(FieldPath.of('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  errs.push(...validateTaints(objs(spec, 'taints'), FieldPath.of('metadata', 'taints')));
  if (str(spec.externalID) !== str(oldSpec.externalID)) errs.push(forbidden(FieldPath.of('spec', 'externalID'), 'may not be updated'));
  return errs;
}

/** The Node strategy. */
export const nodeStrategy = buildStrategy({
  namespaced: false,
  hasStatus: true,
  tracksGeneration: false,
  keepStatusOnCreate: true,
  defaults: defaultNode,
  validate: (_ctx, obj) => validateNode(obj),
  validateUpdate: (_ctx, obj, old) => validateNodeUpdate(obj, old),
  validateStatusUpdate: (_ctx, obj, old) => validateNodeUpdate(obj, old),
});
