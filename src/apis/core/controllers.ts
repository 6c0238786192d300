/**
 * core/v1 ReplicationController and PodTemplate: template defaults, the RC's
 * selector and labels taken from the template, and their validation.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../validation/field/errors.js';
import { goStringMap } from '../../validation/gofmt.js';
import { asObj, clone, ensureObj, num, type Obj } from '../../validation/json.js';
import { selectorFromSet } from '../../validation/labelselector.js';
import { nameIsDNSSubdomain } from '../../validation/names.js';
import { validateNonnegativeField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy, metaOf } from '../common/strategy.js';
import { defaultPodTemplateSpec } from './podspec_defaults.js';
import { validatePodTemplateSpec } from './podspec_validation.js';

function rcSpec(obj: KubeObject): Obj {
  return asObj(obj.spec) ?? {};
}

/** SetDefaults_ReplicationController plus replicas and template defaults. */
export function defaultReplicationController(obj: KubeObject): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  const template = asObj(spec.template);
  const labels = asObj(asObj(template?.metadata)?.labels);
  if (labels) {
    if (Object.keys(asObj(spec.selector) ?? {}).length === 0) spec.selector = clone(labels);
    const meta = metaOf(obj);
    if (Object.keys(asObj(meta.labels) ?? {}).length === 0) meta.labels = clone(labels) as Record<string, string>;
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (template) defaultPodTemplateSpec(template);
  const status = ensureObj(asRecord(obj), 'status');
  if (status.replicas === undefined) status.replicas = 0;
}

/** ValidateReplicationControllerSpec. */
export function validateRCSpec(specIn: unknown, path: FieldPath): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs = validateNonnegativeField(num(spec.minReadySeconds) ?? 0, path.child('minReadySeconds'));
  const selector = asObj(spec.selector) ?? {};
  if (Object.keys(selector).length === 0) errs.push(required(path.child('selector')));
  errs.push(...validateNonnegativeField(num(spec.replicas) ?? 0, path.child('replicas')));
  const tp = path.child('template');
  const template = asObj(spec.template);
  if (!template) {
    errs.push(required(tp));
    return errs;
  }
  const sel = selectorFromSet(selector);
  const labels = asObj(asObj(template.metadata)?.labels);
  if (!sel.empty && !sel.matches(labels)) {
    errs.push(invalid(tp.child('metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, tp));
  const podSpec = asObj(template.spec) ?? {};
  if (podSpec.restartPolicy !== 'Always') errs.push(notSupported(tp.child('spec', 'restartPolicy'), podSpec.restartPolicy ?? '', ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(tp.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

function validateReplicasStatus(statusIn: unknown, path: FieldPath, extra: string[] = []): FieldError[] {
  const status = asObj(statusIn) ?? {};
  const errs: FieldError[] = [];
  const n = (k: string): number => num(status[k]) ?? 0;
  for (const k of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration', ...extra]) {
    errs.push(...validateNonnegativeField(n(k), path.child(k)));
  }
  const msg = 'cannot be greater than status.replicas';
  for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) if (n(k) > n('replicas')) errs.push(invalid(path.child(k), n(k), msg));
  if (n('availableReplicas') > n('readyReplicas')) errs.push(invalid(path.child('availableReplicas'), n('availableReplicas'), 'cannot be greater than readyReplicas'));
  return errs;
}

/** ReplicaSet/RC status rules (shared with apps/v1 ReplicaSet). */
export function validateReplicaSetStatus(statusIn: unknown): FieldError[] {
  return validateReplicasStatus(statusIn, FieldPath.of('status'));
}

/** The ReplicationController strategy. */
export const replicationControllerStrategy = buildStrategy({
  namespaced: true,
  hasStatus: true,
  tracksGeneration: true,
  defaults: defaultReplicationController,
  prepareForCreate(_ctx, obj) {
    obj.status = { replicas: 0 };
  },
  validate: (_ctx, obj) => [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateRCSpec(rcSpec(obj), FieldPath.of('spec'))],
  validateUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateRCSpec(rcSpec(obj), FieldPath.of('spec'))],
  validateStatusUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateReplicaSetStatus(obj.status)],
});

/** The PodTemplate strategy. */
export const podTemplateStrategy = buildStrategy({
  namespaced: true,
  hasStatus: false,
  tracksGeneration: true,
  generationSource: (obj) => obj.template,
  defaults(obj) {
    const template = asObj(obj.template);
    if (template) defaultPodTemplateSpec(template);
  },
  validate: (_ctx, obj) => [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validatePodTemplateSpec(obj.template, FieldPath.of('template'))],
  validateUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validatePodTemplateSpec(obj.template, FieldPath.of('template'))],
});
