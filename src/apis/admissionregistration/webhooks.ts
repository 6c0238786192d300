/**
 * admissionregistration.k8s.io/v1 MutatingWebhookConfiguration and
 * ValidatingWebhookConfiguration (pkg/apis/admissionregistration/v1/defaults.go,
 * pkg/apis/admissionregistration/validation): per-webhook defaults
 * (failurePolicy Fail, matchPolicy Equivalent, empty selectors, timeout 10s,
 * reinvocation Never, rule scope `*`, service port 443) and validation
 * (qualified names, rules, side effects, timeouts, client config, review
 * versions). Updates keep tolerating what the stored object already had.
 */
import type { KubeObject } from '../../runtime/object.js';
import { duplicate, FieldError, FieldPath, invalid, notSupported, required } from '../../validation/field/errors.js';
import { goStringSlice } from '../../validation/gofmt.js';
import { asObj, num, objs, str, type Obj } from '../../validation/json.js';
import { validateLabelSelector } from '../../validation/labelselector.js';
import { isDNS1035Label, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { isFullyQualifiedName, isSet, stringList, validateClientConfig } from '../common/validators.js';
import { defaultRules, failurePolicies, matchPolicies, validateMatchConditions, validateRuleWithOperations } from './rules.js';

/** The AdmissionReview versions this server understands. */
export const AcceptedAdmissionReviewVersions = ['v1', 'v1beta1'];
const sideEffectClasses = ['None', 'NoneOnDryRun', 'Some', 'Unknown'];
const noSideEffectClasses = ['None', 'NoneOnDryRun'];
const reinvocationPolicies = ['IfNeeded', 'Never'];
const metaOpts = { kubeFinalizers: false };

interface Options {
  requireNoSideEffects: boolean;
  requireRecognizedAdmissionReviewVersion: boolean;
  requireUniqueWebhookNames: boolean;
  allowInvalidLabelValueInSelector: boolean;
}

/** SetDefaults_ValidatingWebhook / SetDefaults_MutatingWebhook. */
export function defaultWebhook(hook: Obj, mutating: boolean): void {
  if (!isSet(hook.failurePolicy)) hook.failurePolicy = 'Fail';
  if (!isSet(hook.matchPolicy)) hook.matchPolicy = 'Equivalent';
  if (!isSet(hook.namespaceSelector)) hook.namespaceSelector = {};
  if (!isSet(hook.objectSelector)) hook.objectSelector = {};
  if (!isSet(hook.timeoutSeconds)) hook.timeoutSeconds = 10;
  if (mutating && !isSet(hook.reinvocationPolicy)) hook.reinvocationPolicy = 'Never';
  defaultRules(objs(hook, 'rules'));
  const svc = asObj(asObj(hook.clientConfig)?.service);
  if (svc && !isSet(svc.port)) svc.port = 443;
}

function validateAdmissionReviewVersions(versions: string[], requireRecognized: boolean, path: FieldPath): FieldError[] {
  if (versions.length < 1) return [required(path, `must specify one of ${AcceptedAdmissionReviewVersions.join(', ')}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let recognized = false;
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(invalid(path.index(i), v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const m of isDNS1035Label(v)) errs.push(invalid(path.index(i), v, m));
    if (AcceptedAdmissionReviewVersions.includes(v)) recognized = true;
  });
  if (requireRecognized && !recognized) errs.push(invalid(path, goStringSlice(versions), `must include at least one of ${AcceptedAdmissionReviewVersions.join(', ')}`));
  return errs;
}

function validateWebhook(hook: Obj, mutating: boolean, opts: Options, path: FieldPath): FieldError[] {
  const errs = isFullyQualifiedName(path.child('name'), str(hook.name));
  objs(hook, 'rules').forEach((r, i) => errs.push(...validateRuleWithOperations(r, path.child('rules').index(i))));
  if (isSet(hook.failurePolicy) && !failurePolicies.includes(str(hook.failurePolicy))) errs.push(notSupported(path.child('failurePolicy'), str(hook.failurePolicy), failurePolicies));
  if (isSet(hook.matchPolicy) && !matchPolicies.includes(str(hook.matchPolicy))) errs.push(notSupported(path.child('matchPolicy'), str(hook.matchPolicy), matchPolicies));
  const allowed = opts.requireNoSideEffects ? noSideEffectClasses : sideEffectClasses;
  if (!isSet(hook.sideEffects)) errs.push(required(path.child('sideEffects'), `must specify one of ${allowed.join(', ')}`));
  else if (!allowed.includes(str(hook.sideEffects))) errs.push(notSupported(path.child('sideEffects'), str(hook.sideEffects), allowed));
  const timeout = num(hook.timeoutSeconds);
  if (timeout !== undefined && (timeout > 30 || timeout < 1)) errs.push(invalid(path.child('timeoutSeconds'), timeout, 'the timeout value must be between 1 and 30 seconds'));
  const selOpts = { allowInvalidLabelValueInSelector: opts.allowInvalidLabelValueInSelector };
  if (isSet(hook.namespaceSelector)) errs.push(...validateLabelSelector(hook.namespaceSelector, path.child('namespaceSelector'), selOpts));
  if (isSet(hook.objectSelector)) errs.push(...validateLabelSelector(hook.objectSelector, path.child('objectSelector'), selOpts));
  if (mutating && isSet(hook.reinvocationPolicy) && !reinvocationPolicies.includes(str(hook.reinvocationPolicy))) {
    errs.push(notSupported(path.child('reinvocationPolicy'), str(hook.reinvocationPolicy), reinvocationPolicies));
  }
  errs.push(...validateClientConfig(path.child('clientConfig'), hook.clientConfig));
  errs.push(...validateMatchConditions(hook.matchConditions, path.child('matchConditions')));
  return errs;
}

function validateConfiguration(obj: KubeObject, mutating: boolean, opts: Options): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain, FieldPath.of('metadata'), metaOpts);
  const names = new Set<string>();
  objs(asRecord(obj), 'webhooks').forEach((hook, i) => {
    const p = FieldPath.of('webhooks').index(i);
    errs.push(...validateWebhook(hook, mutating, opts, p));
    errs.push(...validateAdmissionReviewVersions(stringList(hook.admissionReviewVersions), opts.requireRecognizedAdmissionReviewVersion, p.child('admissionReviewVersions')));
    const name = str(hook.name);
    if (opts.requireUniqueWebhookNames && name !== '') {
      if (names.has(name)) errs.push(duplicate(p.child('name'), name));
      names.add(name);
    }
  });
  return errs;
}

const createOptions: Options = { requireNoSideEffects: true, requireRecognizedAdmissionReviewVersion: true, requireUniqueWebhookNames: true, allowInvalidLabelValueInSelector: false };

/** The options an update gets: only what the stored object already satisfied is required. */
function updateOptions(old: KubeObject): Options {
  const hooks = objs(asRecord(old), 'webhooks');
  const names = hooks.map((h) => str(h.name));
  return {
    requireNoSideEffects: hooks.every((h) => noSideEffectClasses.includes(str(h.sideEffects))),
    requireRecognizedAdmissionReviewVersion: hooks.every((h) => {
      const v = stringList(h.admissionReviewVersions);
      return v.length === 0 || v.some((x) => AcceptedAdmissionReviewVersions.includes(x));
    }),
    requireUniqueWebhookNames: new Set(names).size === names.length,
    allowInvalidLabelValueInSelector: hooks.some(
      (h) => validateLabelSelector(h.namespaceSelector, FieldPath.of('x')).length > 0 || validateLabelSelector(h.objectSelector, FieldPath.of('x')).length > 0,
    ),
  };
}

function webhookConfigurationStrategy(mutating: boolean) {
  return buildStrategy({
    namespaced: false,
    hasStatus: false,
    tracksGeneration: true,
    generationSource: (obj) => obj.webhooks,
    defaults(obj) {
      for (const hook of objs(asRecord(obj), 'webhooks')) defaultWebhook(hook, mutating);
    },
    validate: (_ctx, obj) => validateConfiguration(obj, mutating, createOptions),
    validateUpdate: (_ctx, obj, old) => [...validateConfiguration(obj, mutating, updateOptions(old)), ...validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.of('metadata'), metaOpts)],
  });
}

/** The MutatingWebhookConfiguration strategy. */
export const mutatingWebhookConfigurationStrategy = webhookConfigurationStrategy(true);
/** The ValidatingWebhookConfiguration strategy. */
export const validatingWebhookConfigurationStrategy = webhookConfigurationStrategy(false);
