/**
 * core/v1 LimitRange and ResourceQuota: LimitRangeItem defaults for
 * containers, resource name and quantity rules, quota scopes.
 */
import type { KubeObject } from '../../runtime/object.js';
import { duplicate, FieldError, FieldPath, forbidden, invalid, RawValue, required } from '../../validation/field/errors.js';
import { goStringSlice } from '../../validation/gofmt.js';
import { asArr, asObj, clone, ensureObj, objs, str } from '../../validation/json.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import type { Quantity } from '../../validation/quantity.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import {
  canonicalizeQuantityMap,
  isHugePageResourceName,
  isOvercommitAllowed,
  parseResourceQuantity,
  validateContainerResourceName,
  validateResourceName,
  validateResourceQuantityValue,
} from './resources.js';

const limitFields = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'];

/** SetDefaults_LimitRangeItem (container items) and canonical quantities. */
export function defaultLimitRange(obj: KubeObject): void {
  for (const item of objs(asObj(obj.spec), 'limits')) {
    for (const f of limitFields) canonicalizeQuantityMap(item[f]);
    if (item.type !== 'Container') continue;
    const def = ensureObj(item, 'default');
    const defReq = ensureObj(item, 'defaultRequest');
    for (const [k, v] of Object.entries(asObj(item.max) ?? {})) if (def[k] === undefined) def[k] = clone(v);
    for (const [k, v] of Object.entries(def)) if (defReq[k] === undefined) defReq[k] = clone(v);
    for (const [k, v] of Object.entries(asObj(item.min) ?? {})) if (defReq[k] === undefined) defReq[k] = clone(v);
  }
}

function validateLimitRangeTypeName(t: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(t).map((m) => invalid(path, t, m));
  if (errs.length > 0) return errs;
  if (!t.includes('/') && !['Pod', 'Container', 'PersistentVolumeClaim'].includes(t)) {
    return [invalid(path, t, 'must be a standard limit type or fully qualified')];
  }
  return [];
}

/** ValidateLimitRange. */
export function validateLimitRange(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  const path = FieldPath.of('spec', 'limits');
  const types = new Set<string>();
  objs(asObj(obj.spec), 'limits').forEach((item, i) => {
    const p = path.index(i);
    const type = str(item.type);
    errs.push(...validateLimitRangeTypeName(type, p.child('type')));
    if (types.has(type)) errs.push(duplicate(p.child('type'), type));
    types.add(type);
    const nameFn = type === 'Pod' || type === 'Container' ? validateContainerResourceName : validateResourceName;
    const parsed: Record<string, Map<string, Quantity>> = {};
    for (const f of limitFields) {
      parsed[f] = new Map();
      if (type === 'Pod' && (f === 'default' || f === 'defaultRequest')) {
        if (Object.keys(asObj(item[f]) ?? {}).length > 0) errs.push(forbidden(p.child(f), "may not be specified when `type` is 'Pod'"));
        continue;
      }
      for (const [k, v] of Object.entries(asObj(item[f]) ?? {})) {
        errs.push(...nameFn(k, p.child(f).key(k)));
        const q = parseResourceQuantity(v, p.child(f).key(k), errs);
        if (q) parsed[f].set(k, q);
      }
    }
    if (type === 'PersistentVolumeClaim' && !parsed.min.has('storage') && !parsed.max.has('storage')) {
      errs.push(required(p.child('limits'), 'either minimum or maximum storage value is required, but neither was provided'));
    }
    const keys = new Set(limitFields.flatMap((f) => [...parsed[f].keys()]));
    for (const k of keys) {
      const min = parsed.min.get(k);
      const max = parsed.max.get(k);
      const def = parsed.default.get(k);
      const defReq = parsed.defaultRequest.get(k);
      const ratio = parsed.maxLimitRequestRatio.get(k);
      const raw = (q: Quantity): RawValue => new RawValue(q.toString());
      if (min && max && min.cmp(max) > 0) errs.push(invalid(p.child('min').key(k), raw(min), `min value ${min} is greater than max value ${max}`));
      if (defReq && min && min.cmp(defReq) > 0) errs.push(invalid(p.child('defaultRequest').key(k), raw(defReq), `min value ${min} is greater than default request value ${defReq}`));
      if (defReq && max && defReq.cmp(max) > 0) errs.push(invalid(p.child('defaultRequest').key(k), raw(defReq), `default request value ${defReq} is greater than max value ${max}`));
      if (defReq && def && defReq.cmp(def) > 0) errs.push(invalid(p.child('defaultRequest').key(k), raw(defReq), `default request value ${defReq} is greater than default limit value ${def}`));
      if (def && min && min.cmp(def) > 0) errs.push(invalid(p.child('default').key(k), raw(min), `min value ${min} is greater than default value ${def}`));
      if (def && max && def.cmp(max) > 0) errs.push(invalid(p.child('default').key(k), raw(max), `default value ${def} is greater than max value ${max}`));
      if (ratio && ratio.milliValue() < 1000n) errs.push(invalid(p.child('maxLimitRequestRatio').key(k), raw(ratio), `ratio ${ratio} is less than 1`));
      if (!isOvercommitAllowed(k) && def && defReq && def.cmp(defReq) !== 0) {
        errs.push(invalid(p.child('defaultRequest').key(k), raw(defReq), `default value ${def} must equal to defaultRequest value ${defReq} in ${k}`));
      }
    }
  });
  return errs;
}

/** The LimitRange strategy. */
export const limitRangeStrategy = buildStrategy({
  allowCreateOnUpdate: true,
  namespaced: true,
  hasStatus: false,
  tracksGeneration: false,
  defaults: defaultLimitRange,
  validate: (_ctx, obj) => validateLimitRange(obj),
  validateUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateLimitRange(obj)],
});

const standardQuotaResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
]);

function validateQuotaResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/') && !standardQuotaResources.has(name) && !name.startsWith('requests.hugepages-') && !isHugePageResourceName(name)) {
    errs.push(invalid(path, name, 'must be a standard resource for quota'));
  }
  return errs;
}

function validateQuotaMap(m: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(asObj(m) ?? {})) {
    const p = path.key(k);
    errs.push(...validateQuotaResourceName(k, p));
    const q = parseResourceQuantity(v, p, errs);
    if (q) errs.push(...validateResourceQuantityValue(k, q, p));
  }
  return errs;
}

const quotaScopes = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'];

function validateQuotaSpec(specIn: unknown, path: FieldPath): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs = validateQuotaMap(spec.hard, path.child('hard'));
  const scopes = (asArr(spec.scopes) ?? []).map(str);
  const scopesPath = path.child('scopes');
  for (const s of scopes) if (!quotaScopes.includes(s)) errs.push(invalid(scopesPath, goStringSlice(scopes), 'unsupported scope'));
  const conflicting = (a: string, b: string): boolean => scopes.includes(a) && scopes.includes(b);
  if (conflicting('BestEffort', 'NotBestEffort') || conflicting('Terminating', 'NotTerminating')) {
    errs.push(invalid(scopesPath, goStringSlice(scopes), 'conflicting scopes'));
  }
  const sel = asObj(spec.scopeSelector);
  objs(sel, 'matchExpressions').forEach((req) => {
    const p = path.child('scopeSelector', 'matchExpressions');
    const name = str(req.scopeName);
    const op = str(req.operator);
    const values = asArr(req.values) ?? [];
    if (!quotaScopes.includes(name)) errs.push(invalid(p.child('scopeName'), name, 'unsupported scope'));
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(required(p.child('values'), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length !== 0) errs.push(invalid(p.child('values'), goStringSlice(values), "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
    } else {
      errs.push(invalid(p.child('operator'), op, 'not a valid selector operator'));
    }
  });
  return errs;
}

/** The ResourceQuota strategy. */
export const resourceQuotaStrategy = buildStrategy({
  namespaced: true,
  hasStatus: true,
  tracksGeneration: false,
  defaults(obj) {
    canonicalizeQuantityMap(asObj(obj.spec)?.hard);
    const status = ensureObj(asRecord(obj), 'status');
    canonicalizeQuantityMap(status.hard);
    canonicalizeQuantityMap(status.used);
  },
  prepareForCreate(_ctx, obj) {
    obj.status = {};
  },
  validate: (_ctx, obj) => [
    ...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain),
    ...validateQuotaSpec(obj.spec, FieldPath.of('spec')),
    ...validateQuotaMap(asObj(obj.status)?.hard, FieldPath.of('status', 'hard')),
    ...validateQuotaMap(asObj(obj.status)?.used, FieldPath.of('status', 'used')),
  ],
  validateUpdate(_ctx, obj, old) {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    errs.push(...validateQuotaSpec(obj.spec, FieldPath.of('spec')));
    const scopes = new Set((asArr(asObj(obj.spec)?.scopes) ?? []).map(str));
    const oldScopes = new Set((asArr(asObj(old.spec)?.scopes) ?? []).map(str));
    if (scopes.size !== oldScopes.size || [...scopes].some((s) => !oldScopes.has(s))) {
      errs.push(invalid(FieldPath.of('spec', 'scopes'), goStringSlice(asArr(asObj(obj.spec)?.scopes) ?? []), 'field is immutable'));
    }
    return errs;
  },
  validateStatusUpdate(_ctx, obj, old) {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    errs.push(...validateQuotaMap(asObj(obj.status)?.hard, FieldPath.of('status', 'hard')));
    errs.push(...validateQuotaMap(asObj(obj.status)?.used, FieldPath.of('status', 'used')));
    return errs;
  },
});
