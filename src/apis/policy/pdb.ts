/**
 * policy/v1 PodDisruptionBudget (pkg/apis/policy/validation,
 * pkg/registry/policy/poddisruptionbudget): minAvailable and
 * maxUnavailable are exclusive counts or percentages, the selector is a
 * label selector, unhealthyPodEvictionPolicy is IfHealthyBudget or
 * AlwaysAllow; status counters are non-negative.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, invalid, notSupported, RawValue } from '../../validation/field/errors.js';
import { goLabelSelectorText } from '../../validation/gofmt.js';
import { asObj, ensureObj, num, str, type Obj } from '../../validation/json.js';
import { validateLabelSelector } from '../../validation/labelselector.js';
import { validatePathSegmentName } from '../../validation/names.js';
import { validateNonnegativeField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../apps/intorpercent.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { isSet, validateConditions } from '../common/validators.js';

const evictionPolicies = ['AlwaysAllow', 'IfHealthyBudget'];
const metaOpts = { kubeFinalizers: false };

function goIntOrStringPtr(v: unknown): string {
  if (!isSet(v)) return '(*intstr.IntOrString)(nil)';
  return typeof v === 'string' ? `&intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}` : `&intstr.IntOrString{Type:0, IntVal:${num(v) ?? 0}, StrVal:""}`;
}

function goSpec(spec: Obj): RawValue {
  const sel = isSet(spec.selector) ? `&${goLabelSelectorText(spec.selector)}` : '(*v1.LabelSelector)(nil)';
  const policy = isSet(spec.unhealthyPodEvictionPolicy) ? `&${JSON.stringify(str(spec.unhealthyPodEvictionPolicy))}` : '(*policy.UnhealthyPodEvictionPolicyType)(nil)';
  return new RawValue(
    `policy.PodDisruptionBudgetSpec{MinAvailable:${goIntOrStringPtr(spec.minAvailable)}, Selector:${sel}, MaxUnavailable:${goIntOrStringPtr(spec.maxUnavailable)}, UnhealthyPodEvictionPolicy:${policy}}`,
  );
}

/** ValidatePodDisruptionBudgetSpec. */
export function validatePDBSpec(specIn: unknown, allowInvalidLabelValues = false): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const path = FieldPath.of('spec');
  const errs: FieldError[] = [];
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) errs.push(invalid(path, goSpec(spec), 'minAvailable and maxUnavailable cannot be both set'));
  for (const k of ['minAvailable', 'maxUnavailable']) {
    if (!isSet(spec[k])) continue;
    errs.push(...validatePositiveIntOrPercent(spec[k], path.child(k)));
    errs.push(...isNotMoreThan100Percent(spec[k], path.child(k)));
  }
  errs.push(...validateLabelSelector(spec.selector, path.child('selector'), { allowInvalidLabelValueInSelector: allowInvalidLabelValues }));
  if (isSet(spec.unhealthyPodEvictionPolicy) && !evictionPolicies.includes(str(spec.unhealthyPodEvictionPolicy))) {
    errs.push(notSupported(path.child('unhealthyPodEvictionPolicy'), str(spec.unhealthyPodEvictionPolicy), evictionPolicies));
  }
  return errs;
}

function validatePDBStatus(obj: KubeObject): FieldError[] {
  const status = asObj(obj.status) ?? {};
  const path = FieldPath.of('status');
  const errs = validateConditions(status.conditions, path.child('conditions'));
  for (const k of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) {
    errs.push(...validateNonnegativeField(num(status[k]) ?? 0, path.child(k)));
  }
  return errs;
}

const zeroStatus = (): Obj => ({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });

/** The PodDisruptionBudget strategy. */
export const pdbStrategy = buildStrategy({
  namespaced: true,
  hasStatus: true,
  tracksGeneration: true,
  defaults(obj) {
    const status = ensureObj(asRecord(obj), 'status');
    for (const [k, v] of Object.entries(zeroStatus())) if (!isSet(status[k])) status[k] = v;
  },
  prepareForCreate(_ctx, obj) {
    obj.status = zeroStatus();
  },
  validate: (_ctx, obj) => [...validateObjectMeta(obj.metadata, true, validatePathSegmentName, FieldPath.of('metadata'), metaOpts), ...validatePDBSpec(obj.spec)],
  validateUpdate(_ctx, obj, old) {
    const allowInvalid = validateLabelSelector(asObj(old.spec)?.selector, FieldPath.of('spec', 'selector')).length > 0;
    return [
      ...validateObjectMeta(obj.metadata, true, validatePathSegmentName, FieldPath.of('metadata'), metaOpts),
      ...validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.of('metadata'), metaOpts),
      ...validatePDBSpec(obj.spec, allowInvalid),
    ];
  },
  validateStatusUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.of('metadata'), metaOpts), ...validatePDBStatus(obj)],
});
