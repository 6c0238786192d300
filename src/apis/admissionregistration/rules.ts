/**
 * Pieces shared by admission webhooks and admission policies
 * (pkg/apis/admissionregistration/validation): rules with operations,
 * match resources, match conditions, and the v1 defaults of rules and
 * match resources.
 */
import { duplicate, FieldError, FieldPath, invalid, notSupported, RawValue, required, tooMany } from '../../validation/field/errors.js';
import { goStringSlice, goStringSliceText } from '../../validation/gofmt.js';
import { asObj, objs, str, type Obj } from '../../validation/json.js';
import { validateLabelSelector } from '../../validation/labelselector.js';
import { validatePathSegmentName } from '../../validation/names.js';
import { validateLabelName } from '../../validation/objectmeta.js';
import { hasWildcard, isSet, stringList } from '../common/validators.js';

/** Failure policies, sorted as the NotSupported message lists them. */
export const failurePolicies = ['Fail', 'Ignore'];
/** Match policies. */
export const matchPolicies = ['Equivalent', 'Exact'];
const scopes = ['*', 'Cluster', 'Namespaced'];
const operations = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];

/** SetDefaults_Rule: scope `*`. */
export function defaultRules(rules: Obj[]): void {
  for (const r of rules) if (!isSet(r.scope)) r.scope = '*';
}

/** SetDefaults_MatchResources: matchPolicy Equivalent, empty selectors, rule scopes. */
export function defaultMatchResources(mr: Obj): void {
  if (!isSet(mr.matchPolicy)) mr.matchPolicy = 'Equivalent';
  if (!isSet(mr.namespaceSelector)) mr.namespaceSelector = {};
  if (!isSet(mr.objectSelector)) mr.objectSelector = {};
  defaultRules(objs(mr, 'resourceRules'));
  defaultRules(objs(mr, 'excludeResourceRules'));
}

function validateResources(resources: string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (resources.length === 0) errs.push(required(path));
  const withWildcardSub = new Set<string>();
  const withWildcardRes = new Set<string>();
  let doubleWildcard = false;
  let singleWildcard = false;
  let plain = false;
  resources.forEach((rs, i) => {
    if (rs === '') {
      errs.push(required(path.index(i)));
      return;
    }
    if (rs === '*/*') doubleWildcard = true;
    if (rs === '*') singleWildcard = true;
    const slash = rs.indexOf('/');
    if (slash < 0) {
      plain = rs !== '*';
      return;
    }
    const res = rs.slice(0, slash);
    const sub = rs.slice(slash + 1);
    if (withWildcardSub.has(res)) errs.push(invalid(path.index(i), rs, `if '${res}/*' is present, must not specify ${rs}`));
    if (withWildcardRes.has(sub)) errs.push(invalid(path.index(i), rs, `if '*/${sub}' is present, must not specify ${rs}`));
    if (sub === '*') withWildcardSub.add(res);
    if (res === '*') withWildcardRes.add(sub);
  });
  if (resources.length > 1 && doubleWildcard) errs.push(invalid(path, goStringSlice(resources), "if '*/*' is present, must not specify other resources"));
  if (singleWildcard && plain) errs.push(invalid(path, goStringSlice(resources), "if '*' is present, must not specify other resources without subresources"));
  return errs;
}

/** validateRuleWithOperations (subresources allowed). */
export function validateRuleWithOperations(rule: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ops = stringList(rule.operations);
  if (ops.length === 0) errs.push(required(path.child('operations')));
  if (ops.length > 1 && hasWildcard(ops)) errs.push(invalid(path.child('operations'), new RawValue(goStringSliceText(ops).replace('[]string', '[]admissionregistration.OperationType')), "if '*' is present, must not specify other operations"));
  ops.forEach((op, i) => {
    if (!operations.includes(op)) errs.push(notSupported(path.child('operations').index(i), op, operations));
  });
  const groups = stringList(rule.apiGroups);
  if (groups.length === 0) errs.push(required(path.child('apiGroups')));
  if (groups.length > 1 && hasWildcard(groups)) errs.push(invalid(path.child('apiGroups'), goStringSlice(groups), "if '*' is present, must not specify other API groups"));
  const versions = stringList(rule.apiVersions);
  if (versions.length === 0) errs.push(required(path.child('apiVersions')));
  if (versions.length > 1 && hasWildcard(versions)) errs.push(invalid(path.child('apiVersions'), goStringSlice(versions), "if '*' is present, must not specify other API versions"));
  versions.forEach((v, i) => {
    if (v === '') errs.push(required(path.child('apiVersions').index(i)));
  });
  errs.push(...validateResources(stringList(rule.resources), path.child('resources')));
  if (isSet(rule.scope) && !scopes.includes(str(rule.scope))) errs.push(notSupported(path.child('scope'), str(rule.scope), scopes));
  return errs;
}

/** validateNamedRuleWithOperations: resource names are unique path segments. */
export function validateNamedRuleWithOperations(rule: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  stringList(rule.resourceNames).forEach((n, i) => {
    for (const m of validatePathSegmentName(n, false)) errs.push(invalid(path.child('resourceNames').index(i), n, m));
    if (seen.has(n)) errs.push(duplicate(path.child('resourceNames').index(i), n));
    seen.add(n);
  });
  errs.push(...validateRuleWithOperations(rule, path));
  return errs;
}

/** validateMatchResources. */
export function validateMatchResources(mrIn: unknown, path: FieldPath): FieldError[] {
  const mr = asObj(mrIn);
  if (!mr) return [];
  const errs: FieldError[] = [];
  if (!isSet(mr.matchPolicy)) errs.push(required(path.child('matchPolicy')));
  else if (!matchPolicies.includes(str(mr.matchPolicy))) errs.push(notSupported(path.child('matchPolicy'), str(mr.matchPolicy), matchPolicies));
  for (const k of ['namespaceSelector', 'objectSelector']) {
    if (!isSet(mr[k])) errs.push(required(path.child(k)));
    else errs.push(...validateLabelSelector(mr[k], path.child(k)));
  }
  objs(mr, 'resourceRules').forEach((r, i) => errs.push(...validateNamedRuleWithOperations(r, path.child('resourceRules').index(i))));
  objs(mr, 'excludeResourceRules').forEach((r, i) => errs.push(...validateNamedRuleWithOperations(r, path.child('excludeResourceRules').index(i))));
  return errs;
}

/** validateMatchConditions: at most 64, unique qualified names, expressions present (CEL is not compiled). */
export function validateMatchConditions(listIn: unknown, path: FieldPath): FieldError[] {
  const list = objs({ l: listIn }, 'l');
  const errs: FieldError[] = [];
  if (list.length > 64) errs.push(tooMany(path, list.length, 64));
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = path.index(i);
    if (str(c.expression).trim() === '') errs.push(required(p.child('expression')));
    const name = str(c.name);
    if (name === '') errs.push(required(p.child('name')));
    else errs.push(...validateLabelName(name, p.child('name')));
    if (name !== '') {
      if (names.has(name)) errs.push(duplicate(p.child('name'), name));
      names.add(name);
    }
  });
  return errs;
}
