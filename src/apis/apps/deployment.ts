/**
 * apps/v1 Deployment and ReplicaSet (pkg/apis/apps/v1/defaults.go,
 * pkg/apis/apps/validation, pkg/registry/apps/{deployment,replicaset}).
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, invalid, notSupported, RawValue, required } from '../../validation/field/errors.js';
import { asObj, clone, ensureObj, num, str } from '../../validation/json.js';
import { nameIsDNSSubdomain } from '../../validation/names.js';
import { validateNonnegativeField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy, metaOf } from '../common/strategy.js';
import { validateReplicaSetStatus } from '../core/controllers.js';
import { intOrPercentValue, intOrStringValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from './intorpercent.js';
import { collisionCountDecrement, defaultTemplate, selectorImmutable, specPath, validateSelectorAndTemplate, validateWorkloadStatus } from './common.js';

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
