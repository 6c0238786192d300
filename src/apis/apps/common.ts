/**
 * Helpers shared by the apps/v1 workload strategies: template defaults,
 * selector/template validation, selector immutability, status counters.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../validation/field/errors.js';
import { goLabelSelector, goStringMap } from '../../validation/gofmt.js';
import { asArr, asObj, ensureObj, num, str, type Obj } from '../../validation/json.js';
import { labelSelectorAsSelector, validateLabelSelector } from '../../validation/labelselector.js';
import { validateImmutableField, validateNonnegativeField } from '../../validation/objectmeta.js';
import { defaultPodTemplateSpec } from '../core/podspec_defaults.js';
import { validatePodTemplateSpec } from '../core/podspec_validation.js';

export function specOf(obj: KubeObject): Obj {
  return asObj(obj.spec) ?? {};
}

export function defaultTemplate(spec: Obj): void {
  defaultPodTemplateSpec(ensureObj(spec, 'template'));
}

export const specPath = FieldPath.of('spec');

/** The selector checks shared by Deployments and ReplicaSets. */
export function validateSelectorAndTemplate(spec: Obj, path: FieldPath, kindWord: string): FieldError[] {
  const errs: FieldError[] = [];
  const sel = spec.selector;
  const selObj = asObj(sel);
  if (sel === undefined || sel === null) errs.push(required(path.child('selector')));
  else {
    errs.push(...validateLabelSelector(sel, path.child('selector')));
    if (Object.keys(asObj(selObj?.matchLabels) ?? {}).length + (asArr(selObj?.matchExpressions) ?? []).length === 0) {
      errs.push(invalid(path.child('selector'), goLabelSelector(sel), `empty selector is invalid for ${kindWord}`));
    }
  }
  const selector = labelSelectorAsSelector(sel);
  if (!selector) {
    errs.push(invalid(path.child('selector'), goLabelSelector(sel), 'invalid label selector'));
    return errs;
  }
  const tp = path.child('template');
  const template = asObj(spec.template) ?? {};
  const labels = asObj(asObj(template.metadata)?.labels);
  if (!selector.empty && !selector.matches(labels)) {
    errs.push(invalid(tp.child('metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, tp));
  const podSpec = asObj(template.spec) ?? {};
  if (podSpec.restartPolicy !== 'Always') errs.push(notSupported(tp.child('spec', 'restartPolicy'), str(podSpec.restartPolicy), ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(tp.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  return errs;
}

export function selectorImmutable(obj: KubeObject, old: KubeObject): FieldError[] {
  const sel = specOf(obj).selector;
  return validateImmutableField(sel ?? null, specOf(old).selector ?? null, specPath.child('selector'), sel === undefined || sel === null ? null : goLabelSelector(sel));
}

export function validateWorkloadStatus(statusIn: unknown, fields: string[]): FieldError[] {
  const status = asObj(statusIn) ?? {};
  const path = FieldPath.of('status');
  const errs: FieldError[] = [];
  const n = (k: string): number => num(status[k]) ?? 0;
  for (const k of fields) errs.push(...validateNonnegativeField(n(k), path.child(k)));
  if (status.collisionCount !== undefined) errs.push(...validateNonnegativeField(n('collisionCount'), path.child('collisionCount')));
  return errs;
}

export function collisionCountDecrement(obj: KubeObject, old: KubeObject): FieldError[] {
  const n = num(asObj(obj.status)?.collisionCount);
  const o = num(asObj(old.status)?.collisionCount);
  if (o !== undefined && (n === undefined || n < o)) return [invalid(FieldPath.of('status', 'collisionCount'), n ?? 0, 'cannot be decremented')];
  return [];
}
