/**
 * coordination.k8s.io/v1 Lease: name rules and the spec's numeric bounds
 * (pkg/apis/coordination/validation).
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, invalid, notSupported } from '../../validation/field/errors.js';
import { asObj, num, str } from '../../validation/json.js';
import { nameIsDNSSubdomain } from '../../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { buildStrategy } from '../common/strategy.js';

/** ValidateLeaseSpec. */
export function validateLeaseSpec(specIn: unknown, path: FieldPath): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs: FieldError[] = [];
  const d = num(spec.leaseDurationSeconds);
  if (d !== undefined && d <= 0) errs.push(invalid(path.child('leaseDurationSeconds'), d, 'must be greater than 0'));
  const t = num(spec.leaseTransitions);
  if (t !== undefined && t < 0) errs.push(invalid(path.child('leaseTransitions'), t, 'must be greater than or equal to 0'));
  if (spec.strategy !== undefined && spec.strategy !== null && spec.strategy !== 'OldestEmulationVersion') {
    errs.push(notSupported(path.child('strategy'), spec.strategy, ['OldestEmulationVersion']));
  }
  if (str(spec.preferredHolder) !== '' && str(spec.strategy) === '') {
    errs.push(forbidden(path.child('preferredHolder'), 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

function validateLease(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateLeaseSpec(obj.spec, FieldPath.of('spec'))];
}

/** The Lease strategy. */
export const leaseStrategy = buildStrategy({
  allowCreateOnUpdate: true,
  allowUnconditionalUpdate: false,
  namespaced: true,
  hasStatus: false,
  tracksGeneration: false,
  validate: (_ctx, obj) => validateLease(obj),
  validateUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateLeaseSpec(obj.spec, FieldPath.of('spec'))],
});
