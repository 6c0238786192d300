/**
 * apps/v1 DaemonSet (with its template-generation annotation) and
 * ControllerRevision.
 */
import type { KubeObject } from '../../runtime/object.js';
import type { StrategyContext } from '../../registry/rest/strategy.js';
import { FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../validation/field/errors.js';
import { goLabelSelector, goStringMap } from '../../validation/gofmt.js';
import { asArr, asObj, ensureObj, num, semanticEqual, str } from '../../validation/json.js';
import { labelSelectorAsSelector, validateLabelSelector } from '../../validation/labelselector.js';
import { nameIsDNSSubdomain } from '../../validation/names.js';
import { validateImmutableField, validateNonnegativeField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy, metaOf } from '../common/strategy.js';
import { validatePodTemplateSpec } from '../core/podspec_validation.js';
import { intOrPercentValue, intOrStringValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from './intorpercent.js';
import { collisionCountDecrement, defaultTemplate, selectorImmutable, specOf, specPath, validateWorkloadStatus } from './common.js';

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
