/**
 * networking.k8s.io/v1 IPAddress and ServiceCIDR: an IPAddress is named by
 * its address and points at its owner (parentRef, immutable); a ServiceCIDR
 * holds one CIDR per family, unchangeable except to add the second family.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, invalid, RawValue, required } from '../../validation/field/errors.js';
import { goStringSlice } from '../../validation/gofmt.js';
import { isValidCIDR, isValidIP, parseCIDRSloppy } from '../../validation/ip.js';
import { asObj, ensureObj, str } from '../../validation/json.js';
import { isDNS1123Subdomain, isValidPathSegmentName, nameIsDNSSubdomain, type NameValidator } from '../../validation/names.js';
import { FieldImmutableErrorMsg, validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { stringList, validateConditions } from '../common/validators.js';

/** ValidateIPAddressName: the name is an IP address (generateName is not supported). */
export const validateIPAddressName: NameValidator = (name) => isValidIP(FieldPath.of(''), name).map((e) => e.detail);

function validateParentRef(refIn: unknown, path: FieldPath): FieldError[] {
  const ref = asObj(refIn);
  if (!ref) return [required(path.child('parentRef'))];
  const p = path.child('parentRef');
  const errs: FieldError[] = [];
  const group = str(ref.group);
  if (group !== '') for (const m of isDNS1123Subdomain(group)) errs.push(invalid(p.child('group'), group, m));
  for (const k of ['resource', 'name']) {
    const v = str(ref[k]);
    if (v === '') errs.push(required(p.child(k)));
    else for (const m of isValidPathSegmentName(v)) errs.push(invalid(p.child(k), v, m));
  }
  const ns = str(ref.namespace);
  if (ns !== '') for (const m of isValidPathSegmentName(ns)) errs.push(invalid(p.child('namespace'), ns, m));
  return errs;
}

/** The IPAddress strategy. */
export const ipAddressStrategy = buildStrategy({
  namespaced: false,
  hasStatus: false,
  tracksGeneration: false,
  validate: (_ctx, obj) => [...validateObjectMeta(obj.metadata, false, validateIPAddressName), ...validateParentRef(asObj(obj.spec)?.parentRef, FieldPath.of('spec'))],
  validateUpdate: (_ctx, obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateImmutableField(asObj(obj.spec)?.parentRef ?? null, asObj(old.spec)?.parentRef ?? null, FieldPath.of('spec', 'parentRef'), new RawValue(goParentRef(asObj(obj.spec)?.parentRef))),
  ],
});

function goParentRef(refIn: unknown): string {
  const ref = asObj(refIn);
  if (!ref) return '(*networking.ParentReference)(nil)';
  const q = (k: string): string => JSON.stringify(str(ref[k]));
  return `&networking.ParentReference{Group:${q('group')}, Resource:${q('resource')}, Namespace:${q('namespace')}, Name:${q('name')}}`;
}

function familyOf(cidr: string): number {
  return parseCIDRSloppy(cidr)?.ip.family ?? 0;
}

function validateServiceCIDRSpec(specIn: unknown): FieldError[] {
  const path = FieldPath.of('spec', 'cidrs');
  const cidrs = stringList(asObj(specIn)?.cidrs);
  if (cidrs.length === 0) return [required(path, 'at least one CIDR required')];
  if (cidrs.length > 2) return [invalid(path, new RawValue(`networking.ServiceCIDRSpec{CIDRs:${goStringSlice(cidrs).text}}`), 'may only hold up to 2 values')];
  const errs: FieldError[] = [];
  cidrs.forEach((c, i) => errs.push(...isValidCIDR(path.index(i), c)));
  if (cidrs.length === 2 && familyOf(cidrs[0]) !== 0 && familyOf(cidrs[0]) === familyOf(cidrs[1])) {
    errs.push(invalid(path, goStringSlice(cidrs), 'may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64'));
  }
  return errs;
}

/** ValidateServiceCIDRUpdate: CIDRs are immutable, except adding the second family to a single one. */
function validateServiceCIDRUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const path = FieldPath.of('spec', 'cidrs');
  const n = stringList(asObj(obj.spec)?.cidrs);
  const o = stringList(asObj(old.spec)?.cidrs);
  if (n.length === o.length) {
    o.forEach((c, i) => {
      if (c !== n[i]) errs.push(invalid(path.index(i), n[i], FieldImmutableErrorMsg));
    });
  } else if (o.length === 1 && n.length === 2) {
    if (n[0] !== o[0]) errs.push(invalid(path.index(0), n[0], FieldImmutableErrorMsg));
    errs.push(...validateServiceCIDRSpec(obj.spec));
  } else {
    errs.push(invalid(path, goStringSlice(n), FieldImmutableErrorMsg));
  }
  return errs;
}

/** The ServiceCIDR strategy. */
export const serviceCIDRStrategy = buildStrategy({
  namespaced: false,
  hasStatus: true,
  tracksGeneration: false,
  defaults(obj) {
    ensureObj(asRecord(obj), 'status');
  },
  prepareForCreate(_ctx, obj) {
    obj.status = {};
  },
  validate: (_ctx, obj) => [...validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain), ...validateServiceCIDRSpec(obj.spec)],
  validateUpdate: (_ctx, obj, old) => validateServiceCIDRUpdate(obj, old),
  validateStatusUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateConditions(asObj(obj.status)?.conditions, FieldPath.of('status', 'conditions'))],
});
