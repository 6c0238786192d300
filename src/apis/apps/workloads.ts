/**
 * apps/v1 Deployment, ReplicaSet, StatefulSet, DaemonSet and
 * ControllerRevision (pkg/apis/apps/v1/defaults.go,
 * pkg/apis/apps/validation, pkg/registry/apps/*): defaults, status and
 * generation handling, selector/template rules, immutability on update.
 */
import type { KubeObject } from '../../runtime/object.js';
import type { StrategyContext } from '../../registry/rest/strategy.js';
import { FieldError, FieldPath, forbidden, invalid, notSupported, RawValue, required } from '../../validation/field/errors.js';
import { goLabelSelector, goStringMap } from '../../validation/gofmt.js';
import { asArr, asObj, clone, ensureObj, num, objs, semanticEqual, str, type Obj } from '../../validation/json.js';
import { labelSelectorAsSelector, validateLabelSelector } from '../../validation/labelselector.js';
import { nameIsDNSLabel, nameIsDNSSubdomain } from '../../validation/names.js';
import {
  validateAnnotations,
  validateImmutableField,
  validateLabels,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../validation/objectmeta.js';
import { asRecord, buildStrategy, metaOf } from '../common/strategy.js';
import { validateReplicaSetStatus } from '../core/controllers.js';
import { defaultPodTemplateSpec, defaultTemplateMeta } from '../core/podspec_defaults.js';
import { validatePodTemplateSpec } from '../core/podspec_validation.js';
import { defaultPVCTemplate } from '../core/storage.js';
import { intOrPercentValue, intOrStringValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from './intorpercent.js';

function specOf(obj: KubeObject): Obj {
  return asObj(obj.spec) ?? {};
}

function defaultTemplate(spec: Obj): void {
  defaultPodTemplateSpec(ensureObj(spec, 'template'));
}

const specPath = FieldPath.of('spec');

/** The selector checks shared by Deployments and ReplicaSets. */
function validateSelectorAndTemplate(spec: Obj, path: FieldPath, kindWord: string): FieldError[] {
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

function selectorImmutable(obj: KubeObject, old: KubeObject): FieldError[] {
  const sel = specOf(obj).selector;
  return validateImmutableField(sel ?? null, specOf(old).selector ?? null, specPath.child('selector'), sel === undefined || sel === null ? null : goLabelSelector(sel));
}

// ---- Deployment ----------------------------------------------------------------------------

/** SetDefaults_Deployment plus the template defaults. */
export function defaultDeployment(obj: KubeObject): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  const strategy = ensureObj(spec, 'strategy');
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = '25%';
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = '25%';
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === null) spec.progressDeadlineSeconds = 600;
  defaultTemplate(spec);
}

function validateDeploymentStrategy(strategyIn: unknown, path: FieldPath): FieldError[] {
  const strategy = asObj(strategyIn) ?? {};
  const errs: FieldError[] = [];
  const type = str(strategy.type);
  const ru = asObj(strategy.rollingUpdate);
  if (type === 'Recreate') {
    if (ru) errs.push(forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
  } else if (type === 'RollingUpdate') {
    if (!ru) errs.push(required(path.child('rollingUpdate'), 'this should be defaulted and never be nil'));
    else {
      const rp = path.child('rollingUpdate');
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child('maxUnavailable')));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, rp.child('maxSurge')));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalid(rp.child('maxUnavailable'), intOrStringValue(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, rp.child('maxUnavailable')));
    }
  } else {
    const shown = ru ? strategy : new RawValue(`apps.DeploymentStrategy{Type:${JSON.stringify(type)}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}`);
    errs.push(notSupported(path, shown, ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

/** ValidateDeploymentSpec. */
export function validateDeploymentSpec(specIn: unknown, path: FieldPath): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs = validateNonnegativeField(num(spec.replicas) ?? 0, path.child('replicas'));
  errs.push(...validateSelectorAndTemplate(spec, path, 'deployment'));
  errs.push(...validateDeploymentStrategy(spec.strategy, path.child('strategy')));
  const minReady = num(spec.minReadySeconds) ?? 0;
  errs.push(...validateNonnegativeField(minReady, path.child('minReadySeconds')));
  if (spec.revisionHistoryLimit !== undefined && spec.revisionHistoryLimit !== null) {
    errs.push(...validateNonnegativeField(num(spec.revisionHistoryLimit) ?? 0, path.child('revisionHistoryLimit')));
  }
  const pds = num(spec.progressDeadlineSeconds);
  if (pds !== undefined) {
    errs.push(...validateNonnegativeField(pds, path.child('progressDeadlineSeconds')));
    if (pds <= minReady) errs.push(invalid(path.child('progressDeadlineSeconds'), pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

function validateWorkloadStatus(statusIn: unknown, fields: string[]): FieldError[] {
  const status = asObj(statusIn) ?? {};
  const path = FieldPath.of('status');
  const errs: FieldError[] = [];
  const n = (k: string): number => num(status[k]) ?? 0;
  for (const k of fields) errs.push(...validateNonnegativeField(n(k), path.child(k)));
  if (status.collisionCount !== undefined) errs.push(...validateNonnegativeField(n('collisionCount'), path.child('collisionCount')));
  return errs;
}

function collisionCountDecrement(obj: KubeObject, old: KubeObject): FieldError[] {
  const n = num(asObj(obj.status)?.collisionCount);
  const o = num(asObj(old.status)?.collisionCount);
  if (o !== undefined && (n === undefined || n < o)) return [invalid(FieldPath.of('status', 'collisionCount'), n ?? 0, 'cannot be decremented')];
  return [];
}

function validateDeploymentStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateWorkloadStatus(obj.status, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']));
  const s = asObj(obj.status) ?? {};
  const n = (k: string): number => num(s[k]) ?? 0;
  const p = FieldPath.of('status');
  for (const k of ['updatedReplicas', 'readyReplicas', 'availableReplicas']) if (n(k) > n('replicas')) errs.push(invalid(p.child(k), n(k), 'cannot be greater than status.replicas'));
  if (n('availableReplicas') > n('readyReplicas')) errs.push(invalid(p.child('availableReplicas'), n('availableReplicas'), 'cannot be greater than readyReplicas'));
  errs.push(...collisionCountDecrement(obj, old));
  return errs;
}

/** The Deployment strategy. */
export const deploymentStrategy = buildStrategy({
  namespaced: true,
  hasStatus: true,
  tracksGeneration: true,
  generationSource: (obj) => ({ spec: obj.spec, annotations: obj.metadata?.annotations ?? null }),
  defaults: defaultDeployment,
  prepareForCreate(_ctx, obj) {
    obj.status = {};
  },
  validate: (_ctx, obj) => [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateDeploymentSpec(obj.spec, specPath)],
  validateUpdate: (_ctx, obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateDeploymentSpec(obj.spec, specPath),
    ...selectorImmutable(obj, old),
  ],
  prepareForStatusUpdate(_ctx, obj, old) {
    const meta = metaOf(obj);
    if (old.metadata?.labels === undefined) delete meta.labels;
    else meta.labels = clone(old.metadata.labels);
  },
  validateStatusUpdate: (_ctx, obj, old) => validateDeploymentStatusUpdate(obj, old),
});

// ---- ReplicaSet ----------------------------------------------------------------------------

/** ValidateReplicaSetSpec. */
export function validateReplicaSetSpec(specIn: unknown, path: FieldPath): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs = validateNonnegativeField(num(spec.replicas) ?? 0, path.child('replicas'));
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds) ?? 0, path.child('minReadySeconds')));
  errs.push(...validateSelectorAndTemplate(spec, path, 'deployment'));
  return errs;
}

function validateReplicaSet(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateReplicaSetSpec(obj.spec, specPath)];
}

/** The ReplicaSet strategy. */
export const replicaSetStrategy = buildStrategy({
  namespaced: true,
  hasStatus: true,
  tracksGeneration: true,
  defaults(obj) {
    const spec = ensureObj(asRecord(obj), 'spec');
    if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
    defaultTemplate(spec);
  },
  prepareForCreate(_ctx, obj) {
    obj.status = { replicas: 0 };
  },
  validate: (_ctx, obj) => validateReplicaSet(obj),
  validateUpdate: (_ctx, obj, old) => [
    ...validateReplicaSet(obj),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateReplicaSetSpec(obj.spec, specPath),
    ...selectorImmutable(obj, old),
  ],
  validateStatusUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateReplicaSetStatus(obj.status)],
});

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

// ---- DaemonSet -----------------------------------------------------------------------------

/** The annotation apps/v1 uses to carry a DaemonSet's template generation. */
export const DeprecatedTemplateGeneration = 'deprecated.daemonset.template.generation';

function templateGeneration(obj: KubeObject): number {
  const v = obj.metadata?.annotations?.[DeprecatedTemplateGeneration];
  const n = typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number.parseInt(v, 10) : 0;
  return Number.isNaN(n) ? 0 : n;
}

function setTemplateGeneration(obj: KubeObject, n: number): void {
  const meta = metaOf(obj);
  meta.annotations = { ...(meta.annotations ?? {}), [DeprecatedTemplateGeneration]: String(n) };
}

/** SetDefaults_DaemonSet plus the template defaults. */
export function defaultDaemonSet(obj: KubeObject): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  const us = ensureObj(spec, 'updateStrategy');
  if (!us.type) us.type = 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = ensureObj(us, 'rollingUpdate');
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = 1;
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = 0;
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  defaultTemplate(spec);
}

/** ValidateDaemonSetSpec. */
export function validateDaemonSetSpec(specIn: unknown, path: FieldPath): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs = validateLabelSelector(spec.selector, path.child('selector'));
  const selector = labelSelectorAsSelector(spec.selector);
  const template = asObj(spec.template) ?? {};
  const tp = path.child('template');
  const labels = asObj(asObj(template.metadata)?.labels);
  if (selector && !selector.matches(labels)) {
    errs.push(invalid(tp.child('metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  const selObj = asObj(spec.selector);
  if (selObj && Object.keys(asObj(selObj.matchLabels) ?? {}).length + (asArr(selObj.matchExpressions) ?? []).length === 0) {
    errs.push(invalid(path.child('selector'), goLabelSelector(selObj), 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplateSpec(template, tp));
  const podSpec = asObj(template.spec) ?? {};
  if (podSpec.restartPolicy !== 'Always') errs.push(notSupported(tp.child('spec', 'restartPolicy'), str(podSpec.restartPolicy), ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(tp.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in DaemonSet is not Supported'));
  }
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds) ?? 0, path.child('minReadySeconds')));
  const us = asObj(spec.updateStrategy) ?? {};
  const usPath = path.child('updateStrategy');
  switch (str(us.type)) {
    case 'OnDelete':
      break;
    case 'RollingUpdate': {
      const ru = asObj(us.rollingUpdate);
      if (!ru) {
        errs.push(required(usPath.child('rollingUpdate')));
        break;
      }
      const rp = usPath.child('rollingUpdate');
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child('maxUnavailable')));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, rp.child('maxSurge')));
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, rp.child('maxUnavailable')));
      errs.push(...isNotMoreThan100Percent(ru.maxSurge, rp.child('maxSurge')));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalid(rp.child('maxSurge'), intOrStringValue(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
      else if (!hasUnavailable && !hasSurge) errs.push(required(rp.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
      break;
    }
    default:
      errs.push(notSupported(usPath, us, ['RollingUpdate', 'OnDelete']));
  }
  if (spec.revisionHistoryLimit !== undefined && spec.revisionHistoryLimit !== null) {
    errs.push(...validateNonnegativeField(num(spec.revisionHistoryLimit) ?? 0, path.child('revisionHistoryLimit')));
  }
  return errs;
}

function validateDaemonSet(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateDaemonSetSpec(obj.spec, specPath)];
}

/** The DaemonSet strategy. */
export const daemonSetStrategy = buildStrategy({
  namespaced: true,
  hasStatus: true,
  tracksGeneration: true,
  defaults: defaultDaemonSet,
  prepareForCreate(_ctx, obj) {
    obj.status = { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
    setTemplateGeneration(obj, Math.max(1, templateGeneration(obj)));
  },
  prepareForUpdate(_ctx: StrategyContext, obj, old) {
    const oldGen = templateGeneration(old);
    const changed = !semanticEqual(specOf(obj).template, specOf(old).template);
    setTemplateGeneration(obj, changed ? oldGen + 1 : oldGen);
  },
  validate: (_ctx, obj) => validateDaemonSet(obj),
  validateUpdate: (_ctx, obj, old) => [
    ...validateDaemonSet(obj),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateDaemonSetSpec(obj.spec, specPath),
    ...selectorImmutable(obj, old),
  ],
  prepareForStatusUpdate(_ctx, obj, old) {
    setTemplateGeneration(obj, templateGeneration(old));
  },
  validateStatusUpdate(_ctx, obj, old) {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    errs.push(
      ...validateWorkloadStatus(obj.status, [
        'currentNumberScheduled',
        'numberMisscheduled',
        'desiredNumberScheduled',
        'numberReady',
        'observedGeneration',
        'updatedNumberScheduled',
        'numberAvailable',
        'numberUnavailable',
      ]),
    );
    errs.push(...collisionCountDecrement(obj, old));
    return errs;
  },
});

// ---- ControllerRevision --------------------------------------------------------------------

function validateControllerRevision(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  if (obj.data === undefined || obj.data === null) errs.push(required(FieldPath.of('data'), 'data is mandatory'));
  errs.push(...validateNonnegativeField(num(obj.revision) ?? 0, FieldPath.of('revision')));
  return errs;
}

/** The ControllerRevision strategy. */
export const controllerRevisionStrategy = buildStrategy({
  namespaced: true,
  hasStatus: false,
  tracksGeneration: false,
  validate: (_ctx, obj) => validateControllerRevision(obj),
  validateUpdate: (_ctx, obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateControllerRevision(obj),
    ...validateImmutableField(obj.data ?? null, old.data ?? null, FieldPath.of('data')),
  ],
});
