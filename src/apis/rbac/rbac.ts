/**
 * rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding and
 * ClusterRoleBinding (pkg/apis/rbac/validation, pkg/apis/rbac/v1/defaults.go):
 * names only need to be path segments; rules need verbs and either
 * resources or non-resource URLs; roleRef is required and immutable;
 * subjects are ServiceAccounts, Users or Groups. PUT may create. Privilege
 * escalation checks belong to the authorizer, not to these strategies.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, invalid, notSupported, RawValue, required } from '../../validation/field/errors.js';
import { goStringSlice } from '../../validation/gofmt.js';
import { asArr, asObj, ensureObj, objs, str, type Obj } from '../../validation/json.js';
import { labelSelectorAsSelector, validateLabelSelector } from '../../validation/labelselector.js';
import { goLabelSelector } from '../../validation/gofmt.js';
import { nameIsDNSSubdomain, validatePathSegmentName } from '../../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { stringList } from '../common/validators.js';

/** The RBAC API group. */
export const rbacGroup = 'rbac.authorization.k8s.io';

/** SetDefaults_Subject: User and Group subjects belong to the RBAC group, ServiceAccounts to the core group. */
export function defaultSubject(s: Obj): void {
  if (str(s.apiGroup) !== '') return;
  const kind = str(s.kind);
  if (kind === 'User' || kind === 'Group') s.apiGroup = rbacGroup;
  // An empty apiGroup (ServiceAccounts: the core group) is omitted on the wire, as omitempty does.
  else delete s.apiGroup;
}

function defaultBinding(obj: KubeObject): void {
  const o = asRecord(obj);
  const roleRef = ensureObj(o, 'roleRef');
  if (str(roleRef.apiGroup) === '') roleRef.apiGroup = rbacGroup;
  for (const s of objs(o, 'subjects')) defaultSubject(s);
}

/** Roles serialize `rules` even when empty (Go writes `rules: null`). */
function defaultRole(obj: KubeObject): void {
  if (obj.rules === undefined) obj.rules = null;
}

function validatePolicyRule(rule: Obj, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const verbs = stringList(rule.verbs);
  if (verbs.length === 0) errs.push(required(path.child('verbs'), 'verbs must contain at least one value'));
  const urls = stringList(rule.nonResourceURLs);
  const groups = stringList(rule.apiGroups);
  const resources = stringList(rule.resources);
  const names = stringList(rule.resourceNames);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalid(path.child('nonResourceURLs'), goStringSlice(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if (groups.length > 0 || resources.length > 0 || names.length > 0) {
      errs.push(invalid(path.child('nonResourceURLs'), goStringSlice(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (groups.length === 0) errs.push(required(path.child('apiGroups'), 'resource rules must supply at least one api group'));
  if (resources.length === 0) errs.push(required(path.child('resources'), 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (asArr(obj.rules) ?? []).forEach((r, i) => errs.push(...validatePolicyRule(asObj(r) ?? {}, namespaced, FieldPath.of('rules').index(i))));
  return errs;
}

function validateAggregationRule(obj: KubeObject, allowInvalidLabelValues: boolean): FieldError[] {
  const rule = asObj(obj.aggregationRule);
  if (!rule) return [];
  const path = FieldPath.of('aggregationRule', 'clusterRoleSelectors');
  const selectors = asArr(rule.clusterRoleSelectors) ?? [];
  const errs: FieldError[] = [];
  if (selectors.length === 0) errs.push(required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
  selectors.forEach((sel, i) => {
    errs.push(...validateLabelSelector(sel, path.index(i), { allowInvalidLabelValueInSelector: allowInvalidLabelValues }));
    if (!labelSelectorAsSelector(sel)) errs.push(invalid(path.index(i), goLabelSelector(sel), 'invalid label selector.'));
  });
  return errs;
}

function goRoleRef(refIn: unknown): RawValue {
  const ref = asObj(refIn) ?? {};
  const q = (k: string): string => JSON.stringify(str(ref[k]));
  return new RawValue(`rbac.RoleRef{APIGroup:${q('apiGroup')}, Kind:${q('kind')}, Name:${q('name')}}`);
}

function validateSubject(s: Obj, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(s.name);
  const apiGroup = str(s.apiGroup);
  if (name === '') errs.push(required(path.child('name')));
  switch (str(s.kind)) {
    case 'ServiceAccount':
      if (name !== '') for (const m of nameIsDNSSubdomain(name, false)) errs.push(invalid(path.child('name'), name, m));
      if (apiGroup !== '') errs.push(notSupported(path.child('apiGroup'), apiGroup, ['']));
      if (!namespaced && str(s.namespace) === '') errs.push(required(path.child('namespace')));
      break;
    case 'User':
    case 'Group':
      if (name === '') errs.push(invalid(path.child('name'), name, `${str(s.kind) === 'User' ? 'user' : 'group'} name cannot be empty`));
      if (apiGroup !== rbacGroup) errs.push(notSupported(path.child('apiGroup'), apiGroup, [rbacGroup]));
      break;
    default:
      errs.push(notSupported(path.child('kind'), str(s.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = asObj(obj.roleRef) ?? {};
  if (str(ref.apiGroup) !== rbacGroup) errs.push(notSupported(FieldPath.of('roleRef', 'apiGroup'), str(ref.apiGroup), [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref.kind))) errs.push(notSupported(FieldPath.of('roleRef', 'kind'), str(ref.kind), kinds));
  const name = str(ref.name);
  if (name === '') errs.push(required(FieldPath.of('roleRef', 'name')));
  else for (const m of validatePathSegmentName(name, false)) errs.push(invalid(FieldPath.of('roleRef', 'name'), name, m));
  objs(asRecord(obj), 'subjects').forEach((s, i) => errs.push(...validateSubject(s, namespaced, FieldPath.of('subjects').index(i))));
  return errs;
}

function roleRefChanged(obj: KubeObject, old: KubeObject): FieldError[] {
  const n = asObj(obj.roleRef) ?? {};
  const o = asObj(old.roleRef) ?? {};
  const same = ['apiGroup', 'kind', 'name'].every((k) => str(n[k]) === str(o[k]));
  return same ? [] : [invalid(FieldPath.of('roleRef'), goRoleRef(n), 'cannot change roleRef')];
}

const meta = (obj: KubeObject, namespaced: boolean): FieldError[] => validateObjectMeta(obj.metadata, namespaced, validatePathSegmentName);

/** The Role strategy. */
export const roleStrategy = buildStrategy({
  namespaced: true,
  hasStatus: false,
  tracksGeneration: false,
  allowCreateOnUpdate: true,
  defaults: defaultRole,
  validate: (_ctx, obj) => [...meta(obj, true), ...validateRules(obj, true)],
  validateUpdate: (_ctx, obj, old) => [...meta(obj, true), ...validateRules(obj, true), ...validateObjectMetaUpdate(obj.metadata, old.metadata)],
});

/** The ClusterRole strategy. */
export const clusterRoleStrategy = buildStrategy({
  namespaced: false,
  hasStatus: false,
  tracksGeneration: false,
  allowCreateOnUpdate: true,
  defaults: defaultRole,
  validate: (_ctx, obj) => [...meta(obj, false), ...validateRules(obj, false), ...validateAggregationRule(obj, false)],
  validateUpdate(_ctx, obj, old) {
    const oldRule = asObj(old.aggregationRule);
    const allowInvalid = (asArr(oldRule?.clusterRoleSelectors) ?? []).some((s, i) => validateLabelSelector(s, FieldPath.of('x').index(i)).length > 0);
    return [...meta(obj, false), ...validateRules(obj, false), ...validateAggregationRule(obj, allowInvalid), ...validateObjectMetaUpdate(obj.metadata, old.metadata)];
  },
});

/** The RoleBinding strategy. */
export const roleBindingStrategy = buildStrategy({
  namespaced: true,
  hasStatus: false,
  tracksGeneration: false,
  allowCreateOnUpdate: true,
  defaults: defaultBinding,
  validate: (_ctx, obj) => [...meta(obj, true), ...validateBinding(obj, true)],
  validateUpdate: (_ctx, obj, old) => [...meta(obj, true), ...validateBinding(obj, true), ...validateObjectMetaUpdate(obj.metadata, old.metadata), ...roleRefChanged(obj, old)],
});

/** The ClusterRoleBinding strategy. */
export const clusterRoleBindingStrategy = buildStrategy({
  namespaced: false,
  hasStatus: false,
  tracksGeneration: false,
  allowCreateOnUpdate: true,
  defaults: defaultBinding,
  validate: (_ctx, obj) => [...meta(obj, false), ...validateBinding(obj, false)],
  validateUpdate: (_ctx, obj, old) => [...meta(obj, false), ...validateBinding(obj, false), ...validateObjectMetaUpdate(obj.metadata, old.metadata), ...roleRefChanged(obj, old)],
});
