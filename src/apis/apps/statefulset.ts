/**
 * apps/v1 StatefulSet: defaults (including volumeClaimTemplates), spec
 * validation and the fields an update may change.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../validation/field/errors.js';
import { goLabelSelector, goStringMap } from '../../validation/gofmt.js';
import { asArr, asObj, clone, ensureObj, num, objs, semanticEqual, str } from '../../validation/json.js';
import { labelSelectorAsSelector, validateLabelSelector } from '../../validation/labelselector.js';
import { nameIsDNSLabel } from '../../validation/names.js';
import { validateAnnotations, validateLabels, validateNonnegativeField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { defaultTemplateMeta } from '../core/podspec_defaults.js';
import { defaultPVCTemplate } from '../core/storage.js';
import { intOrPercentValue, intOrStringValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from './intorpercent.js';
import { collisionCountDecrement, defaultTemplate, specOf, specPath, validateWorkloadStatus } from './common.js';

// ---- StatefulSet ---------------------------------------------------------------------------

/** SetDefaults_StatefulSet plus template and claim template defaults. */
export function defaultStatefulSet(obj: KubeObject): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  if (!spec.podManagementPolicy) spec.podManagementPolicy = 'OrderedReady';
  const us = ensureObj(spec, 'updateStrategy');
  if (!us.type) {
    us.type = 'RollingUpdate';
    if (!asObj(us.rollingUpdate)) us.rollingUpdate = {};
  }
  const ru = asObj(us.rollingUpdate);
  if (us.type === 'RollingUpdate' && ru && (ru.partition === undefined || ru.partition === null)) ru.partition = 0;
  const policy = ensureObj(spec, 'persistentVolumeClaimRetentionPolicy');
  if (!policy.whenDeleted) policy.whenDeleted = 'Retain';
  if (!policy.whenScaled) policy.whenScaled = 'Retain';
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  defaultTemplate(spec);
  for (const pvc of objs(spec, 'volumeClaimTemplates')) {
    pvc.apiVersion = 'v1';
    pvc.kind = 'PersistentVolumeClaim';
    defaultTemplateMeta(pvc);
    defaultPVCTemplate(pvc);
  }
}

function validateRetentionPolicyType(v: unknown, path: FieldPath): FieldError[] {
  const s = str(v);
  return s === 'Retain' || s === 'Delete' ? [] : [notSupported(path, s, ['Retain', 'Delete'])];
}

/** ValidateStatefulSetSpec. */
export function validateStatefulSetSpec(specIn: unknown, path: FieldPath): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs: FieldError[] = [];
  const pmp = str(spec.podManagementPolicy);
  if (pmp === '') errs.push(required(path.child('podManagementPolicy')));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalid(path.child('podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = asObj(spec.updateStrategy) ?? {};
  const ru = asObj(us.rollingUpdate);
  switch (str(us.type)) {
    case '':
      errs.push(required(path.child('updateStrategy')));
      break;
    case 'OnDelete':
      if (ru) errs.push(invalid(path.child('updateStrategy', 'rollingUpdate'), ru, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (ru) {
        const rp = path.child('updateStrategy', 'rollingUpdate');
        errs.push(...validateNonnegativeField(num(ru.partition) ?? 0, rp.child('partition')));
        if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
          errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child('maxUnavailable')));
          if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalid(rp.child('maxUnavailable'), intOrStringValue(ru.maxUnavailable), 'cannot be 0'));
          errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, rp.child('maxUnavailable')));
        }
      }
      break;
    default:
      errs.push(invalid(path.child('updateStrategy'), us, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const policy = asObj(spec.persistentVolumeClaimRetentionPolicy);
  if (policy) {
    errs.push(...validateRetentionPolicyType(policy.whenDeleted, path.child('persistentVolumeClaimRetentionPolicy', 'whenDeleted')));
    errs.push(...validateRetentionPolicyType(policy.whenScaled, path.child('persistentVolumeClaimRetentionPolicy', 'whenScaled')));
  }
  errs.push(...validateNonnegativeField(num(spec.replicas) ?? 0, path.child('replicas')));
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds) ?? 0, path.child('minReadySeconds')));
  const ordinals = asObj(spec.ordinals);
  if (ordinals) errs.push(...validateNonnegativeField(num(ordinals.start) ?? 0, path.child('ordinals.start')));
  const sel = spec.selector;
  const selObj = asObj(sel);
  if (sel === undefined || sel === null) errs.push(required(path.child('selector')));
  else {
    errs.push(...validateLabelSelector(sel, path.child('selector')));
    if (Object.keys(asObj(selObj?.matchLabels) ?? {}).length + (asArr(selObj?.matchExpressions) ?? []).length === 0) {
      errs.push(invalid(path.child('selector'), goLabelSelector(sel), 'empty selector is invalid for statefulset'));
    }
  }
  const selector = labelSelectorAsSelector(sel);
  const tp = path.child('template');
  const template = asObj(spec.template) ?? {};
  if (!selector) errs.push(invalid(path.child('selector'), goLabelSelector(sel), ''));
  else {
    const meta = asObj(template.metadata) ?? {};
    const labels = asObj(meta.labels);
    if (!selector.empty && !selector.matches(labels)) {
      errs.push(invalid(tp.child('metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
    }
    errs.push(...validateLabels(meta.labels, tp.child('labels')));
    errs.push(...validateAnnotations(meta.annotations, tp.child('annotations')));
  }
  const podSpec = asObj(template.spec) ?? {};
  if (podSpec.restartPolicy !== 'Always') errs.push(notSupported(tp.child('spec', 'restartPolicy'), str(podSpec.restartPolicy), ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(tp.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

function validateStatefulSetUpdateRules(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateStatefulSetSpec(obj.spec, specPath));
  const n = clone(specOf(obj));
  const o = specOf(old);
  for (const k of ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy']) {
    if (o[k] === undefined) delete n[k];
    else n[k] = clone(o[k]);
  }
  if (!semanticEqual(n, o)) {
    errs.push(
      forbidden(
        specPath,
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

function validateStatefulSet(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, true, nameIsDNSLabel), ...validateStatefulSetSpec(obj.spec, specPath)];
}

/** The StatefulSet strategy. */
export const statefulSetStrategy = buildStrategy({
  namespaced: true,
  hasStatus: true,
  tracksGeneration: true,
  defaults: defaultStatefulSet,
  prepareForCreate(_ctx, obj) {
    obj.status = { availableReplicas: 0, replicas: 0 };
  },
  validate: (_ctx, obj) => validateStatefulSet(obj),
  validateUpdate: (_ctx, obj, old) => [...validateStatefulSet(obj), ...validateStatefulSetUpdateRules(obj, old)],
  validateStatusUpdate(_ctx, obj, old) {
    const errs = validateWorkloadStatus(obj.status, ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']);
    const s = asObj(obj.status) ?? {};
    const n = (k: string): number => num(s[k]) ?? 0;
    const p = FieldPath.of('status');
    if (s.observedGeneration !== undefined) errs.push(...validateNonnegativeField(n('observedGeneration'), p.child('observedGeneration')));
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']) {
      if (n(k) > n('replicas')) errs.push(invalid(p.child(k), n(k), 'cannot be greater than status.replicas'));
    }
    if (n('availableReplicas') > n('readyReplicas')) errs.push(invalid(p.child('availableReplicas'), n('availableReplicas'), 'cannot be greater than status.readyReplicas'));
    errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    errs.push(...collisionCountDecrement(obj, old));
    return errs;
  },
});
