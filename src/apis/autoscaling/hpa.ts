/**
 * autoscaling HorizontalPodAutoscaler (pkg/apis/autoscaling/v2/defaults.go,
 * pkg/apis/autoscaling/validation): minReplicas 1, the CPU 80% metric when
 * none is given, scaling behavior filled in when present (scale-down keeps
 * no stabilization window of its own: the controller's flag applies),
 * metric sources and targets, scaling rules and policies. autoscaling/v1
 * objects (targetCPUUtilizationPercentage) get the v1 rules.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, invalid, notSupported, RawValue, required } from '../../validation/field/errors.js';
import { asObj, clone, ensureObj, num, objs, str, type Obj } from '../../validation/json.js';
import { isValidPathSegmentName, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateNonnegativeField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { canonicalQuantity, Quantity } from '../../validation/quantity.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { isSet } from '../common/validators.js';
import { validateContainerResourceName } from '../core/resources.js';
import { validateDNS1123Label } from '../core/fields.js';

/** Largest scaling policy period, seconds. */
export const MaxPeriodSeconds = 1800;
/** Largest stabilization window, seconds. */
export const MaxStabilizationWindowSeconds = 3600;

const scaleUpDefaults = (): Obj => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
});

const scaleDownDefaults = (): Obj => ({
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
});

function fillRules(given: unknown, defaults: Obj): Obj {
  const from = asObj(given);
  if (!from) return defaults;
  const out = defaults;
  for (const k of ['selectPolicy', 'stabilizationWindowSeconds', 'policies', 'tolerance']) if (isSet(from[k])) out[k] = from[k];
  return out;
}

function canonicalizeTarget(target: unknown): void {
  const t = asObj(target);
  if (!t) return;
  for (const k of ['value', 'averageValue']) {
    const v = t[k];
    if (typeof v === 'string' || typeof v === 'number') {
      const c = canonicalQuantity(String(v));
      if (c !== undefined) t[k] = c;
    }
  }
}

/** SetDefaults_HorizontalPodAutoscaler (autoscaling/v2). */
export function defaultHPA(obj: KubeObject): void {
  const o = asRecord(obj);
  const spec = ensureObj(o, 'spec');
  if (!isSet(spec.minReplicas)) spec.minReplicas = 1;
  if (objs(spec, 'metrics').length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  for (const m of objs(spec, 'metrics')) {
    for (const k of ['object', 'pods', 'resource', 'containerResource', 'external']) canonicalizeTarget(asObj(m[k])?.target);
  }
  const behavior = asObj(spec.behavior);
  if (behavior) {
    behavior.scaleUp = fillRules(behavior.scaleUp, scaleUpDefaults());
    behavior.scaleDown = fillRules(behavior.scaleDown, scaleDownDefaults());
  }
  const status = ensureObj(o, 'status');
  if (!isSet(status.desiredReplicas)) status.desiredReplicas = 0;
}

function hasTolerance(spec: Obj): boolean {
  const b = asObj(spec.behavior);
  return [b?.scaleUp, b?.scaleDown].some((r) => isSet(asObj(r)?.tolerance));
}

/** HPAConfigurableTolerance is off in 1.33: tolerance is dropped unless already stored. */
function dropTolerance(spec: Obj): void {
  const b = asObj(spec.behavior);
  for (const r of [b?.scaleUp, b?.scaleDown]) delete asObj(r)?.tolerance;
}

/** ValidateCrossVersionObjectReference: kind and name required path segments. */
export function validateCrossVersionObjectReference(refIn: unknown, path: FieldPath): FieldError[] {
  const ref = asObj(refIn) ?? {};
  const errs: FieldError[] = [];
  for (const k of ['kind', 'name']) {
    const v = str(ref[k]);
    if (v === '') errs.push(required(path.child(k)));
    else for (const m of isValidPathSegmentName(v)) errs.push(invalid(path.child(k), v, m));
  }
  return errs;
}

function quantityOf(v: unknown): Quantity | undefined {
  return typeof v === 'string' || typeof v === 'number' ? Quantity.tryParse(String(v)) : undefined;
}

function validateMetricTarget(tIn: unknown, path: FieldPath): FieldError[] {
  const t = asObj(tIn) ?? {};
  const errs: FieldError[] = [];
  const type = str(t.type);
  if (type === '') errs.push(required(path.child('type'), 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(type)) errs.push(invalid(path.child('type'), type, 'must be either Utilization, Value, or AverageValue'));
  for (const k of ['value', 'averageValue']) {
    if (!isSet(t[k])) continue;
    const q = quantityOf(t[k]);
    if (!q || q.sign() !== 1) errs.push(invalid(path.child(k), new RawValue(q ? q.toString() : String(t[k])), 'must be positive'));
  }
  const util = num(t.averageUtilization);
  if (util !== undefined && util < 1) errs.push(invalid(path.child('averageUtilization'), util, 'must be greater than 0'));
  return errs;
}

function validateMetricIdentifier(idIn: unknown, path: FieldPath): FieldError[] {
  const name = str(asObj(idIn)?.name);
  if (name === '') return [required(path.child('name'), 'must specify a metric name')];
  return isValidPathSegmentName(name).map((m) => invalid(path.child('name'), name, m));
}

function validateSource(kind: string, src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const target = asObj(src.target) ?? {};
  const tp = path.child('target');
  switch (kind) {
    case 'object':
      errs.push(...validateCrossVersionObjectReference(src.describedObject, path.child('describedObject')));
      errs.push(...validateMetricIdentifier(src.metric, path.child('metric')));
      errs.push(...validateMetricTarget(target, tp));
      if (!isSet(target.value) && !isSet(target.averageValue)) errs.push(required(tp.child('averageValue'), 'must set either a target value or averageValue'));
      break;
    case 'external':
      errs.push(...validateMetricIdentifier(src.metric, path.child('metric')));
      errs.push(...validateMetricTarget(target, tp));
      if (!isSet(target.value) && !isSet(target.averageValue)) errs.push(required(tp.child('averageValue'), 'must set either a target value for metric or a per-pod target'));
      if (isSet(target.value) && isSet(target.averageValue)) errs.push(forbidden(tp.child('value'), 'may not set both a target value for metric and a per-pod target'));
      break;
    case 'pods':
      errs.push(...validateMetricIdentifier(src.metric, path.child('metric')));
      errs.push(...validateMetricTarget(target, tp));
      if (!isSet(target.averageValue)) errs.push(required(tp.child('averageValue'), 'must specify a positive target averageValue'));
      break;
    case 'resource':
    case 'containerResource': {
      const name = str(src.name);
      if (name === '') errs.push(required(path.child('name'), 'must specify a resource name'));
      else if (kind === 'containerResource') errs.push(...validateContainerResourceName(name, path.child('name')));
      if (kind === 'containerResource') {
        const container = str(src.container);
        if (container === '') errs.push(required(path.child('container'), 'must specify a container'));
        else errs.push(...validateDNS1123Label(container, path.child('container')));
      }
      errs.push(...validateMetricTarget(target, tp));
      if (!isSet(target.averageUtilization) && !isSet(target.averageValue)) {
        errs.push(required(tp.child('averageUtilization'), 'must set either a target raw value or a target utilization'));
      }
      if (isSet(target.averageUtilization) && isSet(target.averageValue)) {
        errs.push(forbidden(tp.child('averageValue'), 'may not set both a target raw value and a target utilization'));
      }
      break;
    }
    default:
      break;
  }
  return errs;
}

const metricTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const sourceFields: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };

function validateMetricSpec(m: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(m.type);
  if (type === '') errs.push(required(path.child('type'), 'must specify a metric source type'));
  if (!metricTypes.includes(type)) errs.push(notSupported(path.child('type'), type, metricTypes));
  const present = ['object', 'external', 'pods', 'resource', 'containerResource'].filter((k) => isSet(m[k]));
  if (present.length > 0) errs.push(...validateSource(present[0], asObj(m[present[0]]) ?? {}, path.child(present[0])));
  const expected = sourceFields[type];
  if (expected === undefined) errs.push(notSupported(path.child('type'), type, metricTypes));
  else if (!isSet(m[expected])) errs.push(required(path.child(expected), 'must populate information for the given metric source'));
  if (present.length > 1) {
    for (const k of present.filter((k) => k !== expected).sort()) errs.push(forbidden(path.child(k), 'must populate the given metric source only'));
  }
  return errs;
}

const selectPolicies = ['Disabled', 'Max', 'Min'];
const policyTypes = ['Percent', 'Pods'];

function validateScalingRules(rIn: unknown, path: FieldPath): FieldError[] {
  const r = asObj(rIn);
  if (!r) return [];
  const errs: FieldError[] = [];
  const w = num(r.stabilizationWindowSeconds);
  if (w !== undefined && w < 0) errs.push(invalid(path.child('stabilizationWindowSeconds'), w, 'must be greater than or equal to zero'));
  if (w !== undefined && w > MaxStabilizationWindowSeconds) {
    errs.push(invalid(path.child('stabilizationWindowSeconds'), w, `must be less than or equal to ${MaxStabilizationWindowSeconds}`));
  }
  if (isSet(r.selectPolicy) && !selectPolicies.includes(str(r.selectPolicy))) errs.push(notSupported(path.child('selectPolicy'), str(r.selectPolicy), selectPolicies));
  const policies = objs(r, 'policies');
  if (policies.length === 0) errs.push(required(path.child('policies'), 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const pp = path.child('policies').index(i);
    if (!policyTypes.includes(str(p.type))) errs.push(notSupported(pp.child('type'), str(p.type), policyTypes));
    const value = num(p.value) ?? 0;
    if (value <= 0) errs.push(invalid(pp.child('value'), value, 'must be greater than zero'));
    const period = num(p.periodSeconds) ?? 0;
    if (period <= 0) errs.push(invalid(pp.child('periodSeconds'), period, 'must be greater than zero'));
    if (period > MaxPeriodSeconds) errs.push(invalid(pp.child('periodSeconds'), period, `must be less than or equal to ${MaxPeriodSeconds}`));
  });
  return errs;
}

function validateHPASpec(specIn: unknown, minLowerBound: number): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const path = FieldPath.of('spec');
  const errs: FieldError[] = [];
  const min = num(spec.minReplicas);
  const max = num(spec.maxReplicas) ?? 0;
  if (min !== undefined && min < minLowerBound) errs.push(invalid(path.child('minReplicas'), min, `must be greater than or equal to ${minLowerBound}`));
  if (max < 1) errs.push(invalid(path.child('maxReplicas'), max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(invalid(path.child('maxReplicas'), max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateCrossVersionObjectReference(spec.scaleTargetRef, path.child('scaleTargetRef')));
  objs(spec, 'metrics').forEach((m, i) => errs.push(...validateMetricSpec(m, path.child('metrics').index(i))));
  if (min === 0 && !objs(spec, 'metrics').some((m) => m.type === 'Object' || m.type === 'External')) {
    errs.push(forbidden(path.child('metrics'), 'must specify at least one Object or External metric to support scaling to zero replicas'));
  }
  const behavior = asObj(spec.behavior);
  if (behavior) {
    errs.push(...validateScalingRules(behavior.scaleUp, path.child('behavior', 'scaleUp')));
    errs.push(...validateScalingRules(behavior.scaleDown, path.child('behavior', 'scaleDown')));
  }
  return errs;
}

function validateV1Spec(specIn: unknown, minLowerBound: number): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const path = FieldPath.of('spec');
  const errs: FieldError[] = [];
  const min = num(spec.minReplicas);
  const max = num(spec.maxReplicas) ?? 0;
  if (min !== undefined && min < minLowerBound) errs.push(invalid(path.child('minReplicas'), min, `must be greater than or equal to ${minLowerBound}`));
  if (max < 1) errs.push(invalid(path.child('maxReplicas'), max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(invalid(path.child('maxReplicas'), max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateCrossVersionObjectReference(spec.scaleTargetRef, path.child('scaleTargetRef')));
  const cpu = num(spec.targetCPUUtilizationPercentage);
  if (cpu !== undefined && cpu < 1) {
    errs.push(invalid(path.child('metrics').index(0).child('resource', 'target', 'averageUtilization'), cpu, 'must be greater than 0'));
  }
  return errs;
}

function validateHPAStatus(obj: KubeObject): FieldError[] {
  const status = asObj(obj.status) ?? {};
  return [
    ...validateNonnegativeField(num(status.currentReplicas) ?? 0, FieldPath.of('status', 'currentReplicas')),
    ...validateNonnegativeField(num(status.desiredReplicas) ?? 0, FieldPath.of('status', 'desiredReplicas')),
  ];
}

function minBound(old?: KubeObject): number {
  return num(asObj(old?.spec)?.minReplicas) === 0 ? 0 : 1;
}

function hpaStrategy(v1: boolean) {
  const validateSpec = v1 ? validateV1Spec : validateHPASpec;
  return buildStrategy({
    namespaced: true,
    hasStatus: true,
    tracksGeneration: false,
    defaults: v1
      ? (obj) => {
          const o = asRecord(obj);
          const spec = ensureObj(o, 'spec');
          if (!isSet(spec.minReplicas)) spec.minReplicas = 1;
          const status = ensureObj(o, 'status');
          if (!isSet(status.currentReplicas)) status.currentReplicas = 0;
          if (!isSet(status.desiredReplicas)) status.desiredReplicas = 0;
        }
      : defaultHPA,
    prepareForCreate(_ctx, obj) {
      obj.status = v1 ? { currentReplicas: 0, desiredReplicas: 0 } : { desiredReplicas: 0 };
      if (!v1) dropTolerance(ensureObj(asRecord(obj), 'spec'));
    },
    prepareForUpdate(_ctx, obj, old) {
      if (!v1 && !hasTolerance(asObj(old.spec) ?? {})) dropTolerance(ensureObj(asRecord(obj), 'spec'));
    },
    validate: (_ctx, obj) => [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateSpec(obj.spec, 1)],
    validateUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateSpec(obj.spec, minBound(old))],
    validateStatusUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateHPAStatus(obj)],
  });
}

/** The HorizontalPodAutoscaler strategy (autoscaling/v2 objects). */
export const hpaStrategyV2 = hpaStrategy(false);
/** The HorizontalPodAutoscaler strategy for autoscaling/v1 objects. */
export const hpaStrategyV1 = hpaStrategy(true);

/** The default v2 scaling rules, for tests and documentation. */
export function defaultScalingRules(): { scaleUp: Obj; scaleDown: Obj } {
  return { scaleUp: clone(scaleUpDefaults()), scaleDown: clone(scaleDownDefaults()) };
}
