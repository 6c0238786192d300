/**
 * admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and
 * ValidatingAdmissionPolicyBinding: defaults (failurePolicy Fail, match
 * resources with matchPolicy Equivalent and empty selectors) and the shape
 * rules of pkg/apis/admissionregistration/validation. CEL expressions are
 * required where upstream requires them but are not compiled here.
 */
import type { KubeObject } from '../../runtime/object.js';
import { duplicate, FieldError, FieldPath, forbidden, invalid, notSupported, RawValue, required } from '../../validation/field/errors.js';
import { goStringSliceText } from '../../validation/gofmt.js';
import { asObj, ensureObj, objs, str, type Obj } from '../../validation/json.js';
import { validateLabelSelector } from '../../validation/labelselector.js';
import { isDNS1035Label, isDNS1123Subdomain, nameIsDNSSubdomain, validatePathSegmentName } from '../../validation/names.js';
import { validateLabelName, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { isSet, stringList, validateConditions } from '../common/validators.js';
import { defaultMatchResources, failurePolicies, validateMatchConditions, validateMatchResources } from './rules.js';

const metaOpts = { kubeFinalizers: false };
const reasons = ['Forbidden', 'Invalid', 'RequestEntityTooLarge'];
const validationActions = ['Audit', 'Deny', 'Warn'];
const maxAuditAnnotations = 20;
const maxAuditAnnotationValueExpressionLength = 5 * 1024;
const celReserved = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

function isCELIdentifier(name: string): boolean {
  return /^[_a-zA-Z][_a-zA-Z0-9]*$/.test(name) && !celReserved.has(name);
}

function parseGroupVersion(gv: string): { group: string; version: string } | string {
  if (gv === '' || gv === '/') return { group: '', version: '' };
  const slashes = gv.split('/').length - 1;
  if (slashes === 0) return { group: '', version: gv };
  if (slashes === 1) return { group: gv.slice(0, gv.indexOf('/')), version: gv.slice(gv.indexOf('/') + 1) };
  return `unexpected GroupVersion string: ${gv}`;
}

function validateParamKind(pk: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = str(pk.apiVersion);
  if (apiVersion === '') errs.push(required(path.child('apiVersion')));
  else {
    const gv = parseGroupVersion(apiVersion);
    if (typeof gv === 'string') errs.push(invalid(path.child('apiVersion'), apiVersion, gv));
    else {
      if (gv.group !== '') {
        const ge = isDNS1123Subdomain(gv.group);
        if (ge.length > 0) errs.push(invalid(path.child('apiVersion'), gv.group, ge.join(',')));
      }
      if (gv.version === '') errs.push(invalid(path.child('apiVersion'), apiVersion, 'version must be specified'));
      else {
        const ve = isDNS1035Label(gv.version);
        if (ve.length > 0) errs.push(invalid(path.child('apiVersion'), gv.version, ve.join(',')));
      }
    }
  }
  const kind = str(pk.kind);
  if (kind === '') errs.push(required(path.child('kind')));
  else {
    const ke = isDNS1035Label(kind.toLowerCase());
    if (ke.length > 0) errs.push(invalid(path.child('kind'), kind, `may have mixed case, but should otherwise match: ${ke.join(',')}`));
  }
  return errs;
}

function validateValidation(v: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(v.expression).trim() === '') errs.push(required(path.child('expression'), 'expression is not specified'));
  const me = str(v.messageExpression);
  if (me.length > 0 && me.trim().length === 0) errs.push(invalid(path.child('messageExpression'), me, 'must be non-empty if specified'));
  const msg = str(v.message);
  if (msg.length > 0 && msg.trim().length === 0) errs.push(invalid(path.child('message'), msg, 'message must be non-empty if specified'));
  else if (/[\n\r]/.test(msg.trim())) errs.push(invalid(path.child('message'), msg, 'message must not contain line breaks'));
  if (isSet(v.reason) && !reasons.includes(str(v.reason))) errs.push(notSupported(path.child('reason'), str(v.reason), reasons));
  return errs;
}

function validatePolicySpec(obj: KubeObject): FieldError[] {
  const spec = asObj(obj.spec) ?? {};
  const path = FieldPath.of('spec');
  const errs: FieldError[] = [];
  if (!isSet(spec.failurePolicy)) errs.push(required(path.child('failurePolicy')));
  else if (!failurePolicies.includes(str(spec.failurePolicy))) errs.push(notSupported(path.child('failurePolicy'), str(spec.failurePolicy), failurePolicies));
  const paramKind = asObj(spec.paramKind);
  if (paramKind) errs.push(...validateParamKind(paramKind, path.child('paramKind')));
  const mc = asObj(spec.matchConstraints);
  if (!mc) errs.push(required(path.child('matchConstraints')));
  else {
    errs.push(...validateMatchResources(mc, path.child('matchConstraints')));
    if (objs(mc, 'resourceRules').length === 0) errs.push(required(path.child('matchConstraints', 'resourceRules')));
  }
  errs.push(...validateMatchConditions(spec.matchConditions, path.child('matchConditions')));
  objs(spec, 'variables').forEach((v, i) => {
    const vp = path.child('variables').index(i);
    const name = str(v.name);
    if (name.trim() === '') errs.push(required(vp.child('name'), 'name is not specified'));
    else if (!isCELIdentifier(name)) errs.push(invalid(vp.child('name'), name, 'name is not a valid CEL identifier'));
    if (str(v.expression).trim() === '') errs.push(required(vp.child('expression'), 'expression is not specified'));
  });
  const validations = objs(spec, 'validations');
  const audits = objs(spec, 'auditAnnotations');
  if (validations.length === 0 && audits.length === 0) {
    errs.push(required(path.child('validations'), 'validations or auditAnnotations must contain at least one item'));
    errs.push(required(path.child('auditAnnotations'), 'validations or auditAnnotations must contain at least one item'));
    return errs;
  }
  validations.forEach((v, i) => errs.push(...validateValidation(v, path.child('validations').index(i))));
  if (audits.length > maxAuditAnnotations) errs.push(invalid(path.child('auditAnnotations'), new RawValue('[]admissionregistration.AuditAnnotation{...}'), `must not have more than ${maxAuditAnnotations} auditAnnotations`));
  const keys = new Set<string>();
  const policyName = str(obj.metadata?.name);
  audits.forEach((a, i) => {
    const ap = path.child('auditAnnotations').index(i);
    const key = str(a.key);
    if (policyName !== '') errs.push(...validateLabelName(`${policyName}/${key}`, ap.child('key')));
    else errs.push(invalid(ap.child('key'), key, 'requires metadata.name be non-empty'));
    const ve = str(a.valueExpression).trim();
    if (ve.length === 0) errs.push(required(ap.child('valueExpression'), 'valueExpression is not specified'));
    else if (ve.length > maxAuditAnnotationValueExpressionLength) errs.push(required(ap.child('valueExpression'), `must not exceed ${maxAuditAnnotationValueExpressionLength} bytes in length`));
    if (keys.has(key)) errs.push(duplicate(ap.child('key'), key));
    keys.add(key);
  });
  return errs;
}

function validatePolicyStatus(obj: KubeObject): FieldError[] {
  const status = asObj(obj.status) ?? {};
  const path = FieldPath.of('status');
  const errs: FieldError[] = [];
  objs(asObj(status.typeChecking), 'expressionWarnings').forEach((w, i) => {
    const wp = path.child('typeChecking', 'expressionWarnings').index(i);
    if (str(w.warning) === '') errs.push(required(wp.child('warning')));
    if (str(w.fieldRef).trim() === '') errs.push(required(wp.child('fieldRef')));
  });
  errs.push(...validateConditions(status.conditions, path.child('conditions')));
  return errs;
}

/** The ValidatingAdmissionPolicy strategy. */
export const validatingAdmissionPolicyStrategy = buildStrategy({
  namespaced: false,
  hasStatus: true,
  tracksGeneration: true,
  defaults(obj) {
    const spec = ensureObj(asRecord(obj), 'spec');
    if (!isSet(spec.failurePolicy)) spec.failurePolicy = 'Fail';
    const mc = asObj(spec.matchConstraints);
    if (mc) defaultMatchResources(mc);
    ensureObj(asRecord(obj), 'status');
  },
  prepareForCreate(_ctx, obj) {
    obj.status = {};
  },
  validate: (_ctx, obj) => [...validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain, FieldPath.of('metadata'), metaOpts), ...validatePolicySpec(obj)],
  validateUpdate: (_ctx, obj, old) => [
    ...validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain, FieldPath.of('metadata'), metaOpts),
    ...validatePolicySpec(obj),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.of('metadata'), metaOpts),
  ],
  validateStatusUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.of('metadata'), metaOpts), ...validatePolicyStatus(obj)],
});

function validateParamRef(prIn: unknown, path: FieldPath): FieldError[] {
  const pr = asObj(prIn);
  if (!pr) return [];
  const errs: FieldError[] = [];
  const name = str(pr.name);
  if (name !== '') {
    for (const m of validatePathSegmentName(name, false)) errs.push(invalid(path.child('name'), name, m));
    if (isSet(pr.selector)) errs.push(forbidden(path.child('name'), 'name and selector are mutually exclusive'));
  }
  if (isSet(pr.selector)) {
    errs.push(...validateLabelSelector(pr.selector, path.child('selector')));
    if (name !== '') errs.push(forbidden(path.child('selector'), 'name and selector are mutually exclusive'));
  }
  if (name === '' && !isSet(pr.selector)) errs.push(required(path, 'one of name or selector must be specified'));
  const action = str(pr.parameterNotFoundAction);
  if (action === '') errs.push(required(path.child('parameterNotFoundAction')));
  else if (action !== 'Deny' && action !== 'Allow') errs.push(notSupported(path.child('parameterNotFoundAction'), action, ['Deny', 'Allow']));
  return errs;
}

function validateActions(actions: string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  actions.forEach((a, i) => {
    if (!validationActions.includes(a)) errs.push(notSupported(path.index(i), a, validationActions));
    if (seen.has(a)) errs.push(duplicate(path.index(i), a));
    seen.add(a);
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    errs.push(
      invalid(
        path,
        new RawValue(goStringSliceText(actions).replace('[]string', '[]admissionregistration.ValidationAction')),
        'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
      ),
    );
  }
  if (seen.size === 0) errs.push(required(path, 'at least one validation action is required'));
  return errs;
}

function validateBindingSpec(obj: KubeObject): FieldError[] {
  const spec = asObj(obj.spec) ?? {};
  const path = FieldPath.of('spec');
  const errs: FieldError[] = [];
  const policyName = str(spec.policyName);
  if (policyName === '') errs.push(required(path.child('policyName')));
  else for (const m of nameIsDNSSubdomain(policyName, false)) errs.push(invalid(path.child('policyName'), policyName, m));
  errs.push(...validateParamRef(spec.paramRef, path.child('paramRef')));
  errs.push(...validateMatchResources(spec.matchResources, path.child('matchResources')));
  errs.push(...validateActions(stringList(spec.validationActions), path.child('validationActions')));
  return errs;
}

/** The ValidatingAdmissionPolicyBinding strategy. */
export const validatingAdmissionPolicyBindingStrategy = buildStrategy({
  namespaced: false,
  hasStatus: false,
  tracksGeneration: true,
  defaults(obj) {
    const mr = asObj(asObj(obj.spec)?.matchResources);
    if (mr) defaultMatchResources(mr);
  },
  validate: (_ctx, obj) => [...validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain, FieldPath.of('metadata'), metaOpts), ...validateBindingSpec(obj)],
  validateUpdate: (_ctx, obj, old) => [
    ...validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain, FieldPath.of('metadata'), metaOpts),
    ...validateBindingSpec(obj),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.of('metadata'), metaOpts),
  ],
});
