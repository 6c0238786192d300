/**
 * batch/v1 Job and CronJob (pkg/apis/batch/v1/defaults.go,
 * pkg/apis/batch/validation, pkg/registry/batch): defaults, the generated
 * selector and controller labels, restartPolicy rules, immutability, and
 * CronJob schedule / time zone validation.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, invalid, notSupported, required } from '../../validation/field/errors.js';
import { goLabelSelector, goStringMap } from '../../validation/gofmt.js';
import { asObj, clone, ensureObj, num, objs, semanticEqual, str, type Obj } from '../../validation/json.js';
import { labelSelectorAsSelector, validateLabelSelector } from '../../validation/labelselector.js';
import { DNS1035LabelMaxLength, isDNS1123Label, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateImmutableField, validateNonnegativeField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy, metaOf } from '../common/strategy.js';
import { defaultPodTemplateSpec, defaultTemplateMeta } from '../core/podspec_defaults.js';
import { validatePodTemplateSpec } from '../core/podspec_validation.js';
import { cronParseError } from './cron.js';

/** Job label keys. */
export const JobNameLabel = 'batch.kubernetes.io/job-name';
export const ControllerUidLabel = 'batch.kubernetes.io/controller-uid';
export const LegacyJobNameLabel = 'job-name';
export const LegacyControllerUidLabel = 'controller-uid';

const maxInt32 = 2147483647;
const specPath = FieldPath.of('spec');

function specOf(obj: KubeObject): Obj {
  return asObj(obj.spec) ?? {};
}

function templateLabels(spec: Obj): Obj | undefined {
  return asObj(asObj(asObj(spec.template)?.metadata)?.labels);
}

/** Job labels default to the template's labels when the Job has none. */
function labelsFromTemplate(obj: KubeObject): void {
  const labels = templateLabels(specOf(obj));
  const meta = metaOf(obj);
  if (labels && Object.keys(asObj(meta.labels) ?? {}).length === 0) meta.labels = clone(labels) as Record<string, string>;
}

/** Defaults of a JobSpec's pod template and pod failure policy patterns. */
function defaultJobSpecTemplate(spec: Obj): void {
  defaultPodTemplateSpec(ensureObj(spec, 'template'));
  for (const rule of objs(asObj(spec.podFailurePolicy), 'rules')) {
    for (const pattern of objs(rule, 'onPodConditions')) if (!pattern.status) pattern.status = 'True';
  }
}

/** SetDefaults_Job plus the template defaults. */
export function defaultJob(obj: KubeObject): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  const unset = (k: string): boolean => spec[k] === undefined || spec[k] === null;
  if (unset('completions') && unset('parallelism')) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (unset('parallelism')) spec.parallelism = 1;
  if (unset('backoffLimit')) spec.backoffLimit = unset('backoffLimitPerIndex') ? 6 : maxInt32;
  labelsFromTemplate(obj);
  if (unset('completionMode')) spec.completionMode = 'NonIndexed';
  if (unset('suspend')) spec.suspend = false;
  if (unset('podReplacementPolicy')) spec.podReplacementPolicy = unset('podFailurePolicy') ? 'TerminatingOrFailed' : 'Failed';
  if (unset('manualSelector')) spec.manualSelector = false;
  defaultJobSpecTemplate(spec);
}

/** generateSelector: controller-uid selector and the four template labels. */
function generateSelector(obj: KubeObject): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  const template = ensureObj(spec, 'template');
  const meta = ensureObj(template, 'metadata');
  const labels = ensureObj(meta, 'labels');
  const name = str(obj.metadata?.name);
  const uid = str(obj.metadata?.uid);
  for (const k of [LegacyJobNameLabel, JobNameLabel]) if (labels[k] === undefined) labels[k] = name;
  for (const k of [LegacyControllerUidLabel, ControllerUidLabel]) if (labels[k] === undefined) labels[k] = uid;
  const selector = ensureObj(spec, 'selector');
  const ml = ensureObj(selector, 'matchLabels');
  if (ml[ControllerUidLabel] === undefined) ml[ControllerUidLabel] = uid;
}

function hasLabel(labels: Obj | undefined, key: string, expected: string, path: FieldPath): FieldError[] {
  const p = path.child('labels').key(key);
  if (!labels || labels[key] === undefined) return [required(p, `must be '${expected}'`)];
  if (labels[key] !== expected) return [invalid(p, goStringMap(labels), `must be '${expected}'`)];
  return [];
}

function validateGeneratedSelector(obj: KubeObject, requirePrefixed: boolean): FieldError[] {
  const spec = specOf(obj);
  if (spec.manualSelector === true || spec.selector === undefined || spec.selector === null) return [];
  const errs: FieldError[] = [];
  const uid = str(obj.metadata?.uid);
  const name = str(obj.metadata?.name);
  if (uid === '') errs.push(required(FieldPath.of('metadata', 'uid')));
  const tp = FieldPath.of('spec', 'template', 'metadata');
  const labels = templateLabels(spec);
  errs.push(...hasLabel(labels, LegacyControllerUidLabel, uid, tp));
  errs.push(...hasLabel(labels, LegacyJobNameLabel, name, tp));
  const expected: Obj = {};
  if (requirePrefixed) {
    errs.push(...hasLabel(labels, ControllerUidLabel, uid, tp));
    errs.push(...hasLabel(labels, JobNameLabel, name, tp));
    expected[ControllerUidLabel] = uid;
    expected[JobNameLabel] = name;
  }
  expected[LegacyControllerUidLabel] = uid;
  expected[LegacyJobNameLabel] = name;
  const selector = labelSelectorAsSelector(spec.selector);
  if (selector && !selector.matches(expected)) {
    errs.push(invalid(FieldPath.of('spec', 'selector'), goLabelSelector(spec.selector), '`selector` not auto-generated'));
  }
  return errs;
}

/** validateJobSpec (the part shared with CronJob job templates). */
function validateJobSpecCommon(spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex']) {
    if (spec[f] !== undefined && spec[f] !== null) errs.push(...validateNonnegativeField(num(spec[f]) ?? 0, path.child(f)));
  }
  const completions = num(spec.completions);
  const parallelism = num(spec.parallelism);
  if (spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes !== null) {
    errs.push(...validateNonnegativeField(num(spec.maxFailedIndexes) ?? 0, path.child('maxFailedIndexes')));
    if (spec.backoffLimitPerIndex === undefined || spec.backoffLimitPerIndex === null) {
      errs.push(required(path.child('backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
    }
  }
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== null) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(path.child('completionMode'), mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (completions === undefined) errs.push(required(path.child('completions'), 'when completion mode is Indexed'));
      if (parallelism !== undefined && parallelism > 100000) {
        errs.push(invalid(path.child('parallelism'), parallelism, 'must be less than or equal to 100000 when completion mode is Indexed'));
      }
    }
  }
  if (mode === undefined || mode === null || mode === 'NonIndexed') {
    if (spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null) {
      errs.push(invalid(path.child('backoffLimitPerIndex'), num(spec.backoffLimitPerIndex) ?? 0, 'requires indexed completion mode'));
    }
    if (spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes !== null) {
      errs.push(invalid(path.child('maxFailedIndexes'), num(spec.maxFailedIndexes) ?? 0, 'requires indexed completion mode'));
    }
  }
  const prp = spec.podReplacementPolicy;
  if (prp !== undefined && prp !== null) {
    if (spec.podFailurePolicy) {
      if (prp !== 'Failed') errs.push(notSupported(path.child('podReplacementPolicy'), prp, ['Failed']));
    } else if (prp !== 'Failed' && prp !== 'TerminatingOrFailed') {
      errs.push(notSupported(path.child('podReplacementPolicy'), prp, ['Failed', 'TerminatingOrFailed']));
    }
  }
  errs.push(...validatePodTemplateSpec(spec.template, path.child('template')));
  const rp = str(asObj(asObj(spec.template)?.spec)?.restartPolicy);
  const rpPath = path.child('template', 'spec', 'restartPolicy');
  if (rp === 'Always' || rp === '') errs.push(required(rpPath, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(rpPath, rp, ['OnFailure', 'Never']));
  else if (spec.podFailurePolicy && rp !== 'Never') errs.push(invalid(rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

/** ValidateJobSpec. */
export function validateJobSpec(specIn: unknown, path: FieldPath): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const errs = validateJobSpecCommon(spec, path);
  if (spec.selector === undefined || spec.selector === null) errs.push(required(path.child('selector')));
  else errs.push(...validateLabelSelector(spec.selector, path.child('selector')));
  const selector = labelSelectorAsSelector(spec.selector);
  const labels = templateLabels(spec);
  if (selector && !selector.matches(labels)) {
    errs.push(invalid(path.child('template', 'metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  return errs;
}

/** ValidateJob. */
export function validateJob(obj: KubeObject, requirePrefixed = true): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateGeneratedSelector(obj, requirePrefixed));
  errs.push(...validateJobSpec(obj.spec, specPath));
  const spec = specOf(obj);
  const completions = num(spec.completions);
  if (spec.completionMode === 'Indexed' && completions !== undefined && completions > 0) {
    const host = `${str(obj.metadata?.name)}-${completions - 1}`;
    if (isDNS1123Label(host).length > 0) {
      errs.push(invalid(FieldPath.of('metadata', 'name'), str(obj.metadata?.name), `will not able to create pod with invalid DNS label: ${host}`));
    }
  }
  return errs;
}

function validateJobSpecUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const oldSpec = specOf(old);
  const errs = validateJobSpec(spec, specPath);
  const isIndexed = spec.completionMode === 'Indexed';
  if (!isIndexed) errs.push(...validateImmutableField(spec.completions ?? null, oldSpec.completions ?? null, specPath.child('completions')));
  else if (!semanticEqual(spec.completions, oldSpec.completions) && spec.completions !== undefined && num(spec.completions) !== num(spec.parallelism)) {
    errs.push(invalid(specPath.child('completions'), num(spec.completions) ?? 0, 'can only be modified in tandem with spec.parallelism'));
  }
  const sel = spec.selector;
  errs.push(...validateImmutableField(sel ?? null, oldSpec.selector ?? null, specPath.child('selector'), sel ? goLabelSelector(sel) : null));
  let oldTemplate = asObj(oldSpec.template) ?? {};
  const template = asObj(spec.template) ?? {};
  const suspended = oldSpec.suspend === true;
  const notStarted = !asObj(old.status)?.startTime;
  if (suspended && notStarted) {
    oldTemplate = clone(oldTemplate);
    const ots = ensureObj(oldTemplate, 'spec');
    const nts = asObj(template.spec) ?? {};
    for (const k of ['nodeSelector', 'tolerations', 'schedulingGates']) {
      if (nts[k] === undefined) delete ots[k];
      else ots[k] = clone(nts[k]);
    }
    const oa = asObj(ots.affinity);
    const na = asObj(nts.affinity);
    if (!na && oa) {
      delete oa.nodeAffinity;
      if (Object.keys(oa).length === 0) delete ots.affinity;
    } else if (na) {
      const merged = clone(oa ?? {});
      if (na.nodeAffinity === undefined) delete merged.nodeAffinity;
      else merged.nodeAffinity = clone(na.nodeAffinity);
      ots.affinity = merged;
    }
    const om = ensureObj(oldTemplate, 'metadata');
    const nm = asObj(template.metadata) ?? {};
    for (const k of ['annotations', 'labels']) {
      if (nm[k] === undefined) delete om[k];
      else om[k] = clone(nm[k]);
    }
  }
  errs.push(...validateImmutableField(template, oldTemplate, specPath.child('template'), template));
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    errs.push(...validateImmutableField(spec[f] ?? null, oldSpec[f] ?? null, specPath.child(f)));
  }
  return errs;
}

function jobNameWarnings(obj: KubeObject): string[] {
  const msgs = isDNS1123Label(str(obj.metadata?.name));
  if (msgs.length === 0) return [];
  return [`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`];
}

/** The Job strategy. */
export const jobStrategy = buildStrategy({
  namespaced: true,
  hasStatus: true,
  tracksGeneration: true,
  defaults: defaultJob,
  prepareForCreate(_ctx, obj) {
    if (specOf(obj).manualSelector !== true) generateSelector(obj);
    obj.status = {};
  },
  validate: (_ctx, obj) => validateJob(obj, true),
  // The Job's labels default from the (now labelled) template when it is read
  // back from storage: after validation, which saw the labels the user sent.
  canonicalize: (obj) => labelsFromTemplate(obj),
  warningsOnCreate: (_ctx, obj) => jobNameWarnings(obj),
  validateUpdate(_ctx, obj, old) {
    const oldLabels = templateLabels(specOf(old)) ?? {};
    const requirePrefixed = oldLabels[JobNameLabel] !== undefined && oldLabels[ControllerUidLabel] !== undefined;
    return [...validateJob(obj, requirePrefixed), ...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateJobSpecUpdate(obj, old)];
  },
  validateStatusUpdate(_ctx, obj, old) {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    const status = asObj(obj.status) ?? {};
    const p = FieldPath.of('status');
    for (const f of ['active', 'succeeded', 'failed', 'ready', 'terminating']) {
      if (status[f] !== undefined && status[f] !== null) errs.push(...validateNonnegativeField(num(status[f]) ?? 0, p.child(f)));
    }
    return errs;
  },
});

// ---- CronJob -------------------------------------------------------------------------------

/** SetDefaults_CronJob plus the job template's pod template defaults. */
export function defaultCronJob(obj: KubeObject): void {
  const spec = ensureObj(asRecord(obj), 'spec');
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = 'Allow';
  if (spec.suspend === undefined || spec.suspend === null) spec.suspend = false;
  if (spec.successfulJobsHistoryLimit === undefined || spec.successfulJobsHistoryLimit === null) spec.successfulJobsHistoryLimit = 3;
  if (spec.failedJobsHistoryLimit === undefined || spec.failedJobsHistoryLimit === null) spec.failedJobsHistoryLimit = 1;
  const jt = ensureObj(spec, 'jobTemplate');
  defaultTemplateMeta(jt);
  defaultJobSpecTemplate(ensureObj(jt, 'spec'));
}

function validateTimeZone(tz: unknown, path: FieldPath): FieldError[] {
  if (tz === undefined || tz === null) return [];
  const s = str(tz);
  if (s === '') return [invalid(path, s, 'timeZone must be nil or non-empty string')];
  for (const part of s.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) return [invalid(path, s, `unknown time zone ${s}`)];
  }
  if (s.toLowerCase() === 'local') return [invalid(path, s, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: s });
  } catch {
    return [invalid(path, s, `unknown time zone ${s}`)];
  }
  return [];
}

function validateCronJobSpec(specIn: unknown, oldSpecIn: unknown, path: FieldPath): FieldError[] {
  const spec = asObj(specIn) ?? {};
  const oldSpec = asObj(oldSpecIn);
  const errs: FieldError[] = [];
  const schedule = str(spec.schedule);
  if (schedule === '') errs.push(required(path.child('schedule')));
  else {
    const e = cronParseError(schedule);
    if (e) errs.push(invalid(path.child('schedule'), schedule, e));
    const allowTZ = oldSpec ? str(oldSpec.schedule).includes('TZ') : false;
    if (allowTZ && schedule.includes('TZ') && spec.timeZone !== undefined && spec.timeZone !== null) {
      errs.push(invalid(path.child('schedule'), schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    } else if (!allowTZ && schedule.includes('TZ')) {
      errs.push(invalid(path.child('schedule'), schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
  }
  if (spec.startingDeadlineSeconds !== undefined && spec.startingDeadlineSeconds !== null) {
    errs.push(...validateNonnegativeField(num(spec.startingDeadlineSeconds) ?? 0, path.child('startingDeadlineSeconds')));
  }
  if (!oldSpec || oldSpec.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone, path.child('timeZone')));
  const cp = str(spec.concurrencyPolicy);
  if (cp === '') errs.push(required(path.child('concurrencyPolicy')));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(notSupported(path.child('concurrencyPolicy'), cp, ['Allow', 'Forbid', 'Replace']));
  const jtPath = path.child('jobTemplate');
  const jobSpec = asObj(asObj(spec.jobTemplate)?.spec) ?? {};
  errs.push(...validateJobSpecCommon(jobSpec, jtPath.child('spec')));
  if (jobSpec.selector !== undefined && jobSpec.selector !== null) {
    errs.push(invalid(jtPath.child('spec', 'selector'), goLabelSelector(jobSpec.selector), '`selector` will be auto-generated'));
  }
  if (jobSpec.manualSelector === true) errs.push(notSupported(jtPath.child('spec', 'manualSelector'), true, ['nil', 'false']));
  for (const f of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
    if (spec[f] !== undefined && spec[f] !== null) errs.push(...validateNonnegativeField(num(spec[f]) ?? 0, path.child(f)));
  }
  return errs;
}

/** The CronJob strategy. */
export const cronJobStrategy = buildStrategy({
  namespaced: true,
  hasStatus: true,
  tracksGeneration: true,
  defaults: defaultCronJob,
  prepareForCreate(_ctx, obj) {
    obj.status = {};
  },
  validate(_ctx, obj) {
    const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
    errs.push(...validateCronJobSpec(obj.spec, undefined, specPath));
    const name = str(obj.metadata?.name);
    if (name.length > DNS1035LabelMaxLength - 11) errs.push(invalid(FieldPath.of('metadata', 'name'), name, 'must be no more than 52 characters'));
    return errs;
  },
  validateUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateCronJobSpec(obj.spec, old.spec, specPath)],
});

/** True when a schedule parses (exported for callers that only need a yes/no). */
export function isValidSchedule(schedule: string): boolean {
  return cronParseError(schedule) === undefined;
}
