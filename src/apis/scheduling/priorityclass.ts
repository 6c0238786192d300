/**
 * scheduling.k8s.io/v1 PriorityClass (pkg/apis/scheduling/validation,
 * pkg/apis/scheduling/v1/defaults.go): preemptionPolicy defaults to
 * PreemptLowerPriority; names starting with `system-` are reserved for the
 * two built-in classes; user values are at most one billion; value and
 * preemptionPolicy never change. The single-globalDefault rule is the
 * Priority admission plugin's, not this strategy's.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, notSupported, required } from '../../validation/field/errors.js';
import { asRecord } from '../common/strategy.js';
import { num, str } from '../../validation/json.js';
import { nameIsDNSSubdomain } from '../../validation/names.js';
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { buildStrategy } from '../common/strategy.js';
import { isSet } from '../common/validators.js';

/** Prefix of the reserved class names. */
export const SystemPriorityClassPrefix = 'system-';
/** Largest value a user-defined class may have. */
export const HighestUserDefinablePriority = 1000000000;

/** The built-in classes kube-apiserver creates at startup. */
export const systemPriorityClasses: { name: string; value: number; description: string }[] = [
  { name: 'system-node-critical', value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

function knownSystemClass(name: string, value: number, globalDefault: boolean): string | undefined {
  const spc = systemPriorityClasses.find((c) => c.name === name);
  if (!spc) return `${name} is not a known system priority class`;
  if (spc.value !== value) return `value of ${name} PriorityClass must be ${spc.value}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

function validatePreemptionPolicy(v: unknown, path: FieldPath): FieldError[] {
  const policy = str(v);
  if (policy === 'PreemptLowerPriority' || policy === 'Never') return [];
  if (policy === '') return [required(path)];
  return [notSupported(path, policy, ['PreemptLowerPriority', 'Never'])];
}

/** ValidatePriorityClass. */
export function validatePriorityClass(obj: KubeObject): FieldError[] {
  const o = asRecord(obj);
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const name = str(obj.metadata?.name);
  const value = num(o.value) ?? 0;
  if (name.startsWith(SystemPriorityClassPrefix)) {
    const why = knownSystemClass(name, value, o.globalDefault === true);
    if (why) errs.push(forbidden(FieldPath.of('metadata', 'name'), `priority class names with '${SystemPriorityClassPrefix}' prefix are reserved for system use only. error: ${why}`));
  } else if (value > HighestUserDefinablePriority) {
    errs.push(forbidden(FieldPath.of('value'), `maximum allowed value of a user defined priority is ${HighestUserDefinablePriority}`));
  }
  if (isSet(o.preemptionPolicy)) errs.push(...validatePreemptionPolicy(o.preemptionPolicy, FieldPath.of('preemptionPolicy')));
  return errs;
}

/** The PriorityClass strategy. */
export const priorityClassStrategy = buildStrategy({
  namespaced: false,
  hasStatus: false,
  tracksGeneration: false,
  defaults(obj) {
    const o = asRecord(obj);
    if (!isSet(o.preemptionPolicy)) o.preemptionPolicy = 'PreemptLowerPriority';
    if (!isSet(o.value)) o.value = 0;
  },
  validate: (_ctx, obj) => validatePriorityClass(obj),
  validateUpdate(_ctx, obj, old) {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    if ((num(obj.value) ?? 0) !== (num(old.value) ?? 0)) errs.push(forbidden(FieldPath.of('value'), 'may not be changed in an update.'));
    errs.push(...validateImmutableField(obj.preemptionPolicy ?? null, old.preemptionPolicy ?? null, FieldPath.of('preemptionPolicy')));
    return errs;
  },
});
