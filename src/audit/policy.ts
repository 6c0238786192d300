/**
 * `--audit-policy-file`: loading and validating an audit.k8s.io/v1 Policy,
 * and evaluating it (the first matching rule decides; no match → None).
 * Matching rules restated from k8s.io/apiserver/pkg/audit/policy.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { FieldPath, invalid, notSupported, required, RawValue, type FieldError } from '../validation/field/errors.js';
import { isDNS1123Subdomain } from '../validation/names.js';
import { levels, stages, type AuditAttributes, type Level, type Policy, type PolicyRule, type RequestAuditConfig, type Stage } from './types.js';

function goStrings(list: string[]): RawValue {
  return new RawValue(`[]string{${list.map((s) => JSON.stringify(s)).join(', ')}}`);
}

function validateOmitStages(list: unknown, path: FieldPath): FieldError[] {
  if (!Array.isArray(list)) return [];
  const errs: FieldError[] = [];
  list.forEach((s, i) => {
    if (!stages.includes(s as Stage)) errs.push(invalid(path.index(i), String(s), `allowed stages are ${stages.join(',')}`));
  });
  return errs;
}

function validateRule(rule: PolicyRule, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const level = rule.level as string | undefined;
  if (level === undefined || level === '') errs.push(required(path.child('level'), ''));
  else if (!levels.includes(level as Level)) errs.push(notSupported(path.child('level'), level, [...levels]));
  (rule.nonResourceURLs ?? []).forEach((url, i) => {
    if (url === '*') return;
    const p = path.child('nonResourceURLs').index(i);
    if (!url.startsWith('/')) errs.push(invalid(p, url, "non-resource URL rules must begin with a '/' character"));
    if (url !== '' && url.slice(0, -1).includes('*')) errs.push(invalid(p, url, "non-resource URL wildcards '*' must be the final character of the rule"));
  });
  for (const gr of rule.resources ?? []) {
    const group = gr.group ?? '';
    if (group !== '') {
      const msgs = isDNS1123Subdomain(group);
      if (msgs.length > 0) errs.push(invalid(path.child('resources').child('group'), group, msgs.join(',')));
    }
    if ((gr.resourceNames ?? []).length > 0 && (gr.resources ?? []).length === 0) {
      errs.push(invalid(path.child('resources').child('resourceNames'), goStrings(gr.resourceNames ?? []), 'using resourceNames requires at least one resource'));
    }
  }
  errs.push(...validateOmitStages(rule.omitStages, path.child('omitStages')));
  if ((rule.nonResourceURLs ?? []).length > 0 && ((rule.resources ?? []).length > 0 || (rule.namespaces ?? []).length > 0)) {
    errs.push(invalid(path.child('nonResourceURLs'), goStrings(rule.nonResourceURLs ?? []), 'rules cannot apply to both regular resources and non-resource URLs'));
  }
  return errs;
}

/** Kubernetes' validation of a Policy (field errors). */
export function validatePolicy(policy: Policy): FieldError[] {
  const errs = validateOmitStages(policy.omitStages, FieldPath.of('omitStages'));
  policy.rules.forEach((r, i) => errs.push(...validateRule(r ?? ({} as PolicyRule), FieldPath.of('rules').index(i))));
  return errs;
}

/** Parses a policy (YAML or JSON), validates it and rejects an empty one, with kube-apiserver's messages. */
export function parsePolicy(text: string): Policy {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`failed decoding: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error("failed decoding: Object 'Kind' is missing in policy");
  const o = doc as Record<string, unknown>;
  if (typeof o.kind !== 'string' || o.kind === '') throw new Error(`failed decoding: Object 'Kind' is missing in policy`);
  if (o.apiVersion !== 'audit.k8s.io/v1' || o.kind !== 'Policy') {
    throw new Error(`failed decoding: no kind "${o.kind}" is registered for version "${String(o.apiVersion ?? '')}"`);
  }
  const policy: Policy = {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    rules: Array.isArray(o.rules) ? (o.rules as PolicyRule[]) : [],
    omitStages: Array.isArray(o.omitStages) ? (o.omitStages as Stage[]) : [],
    omitManagedFields: o.omitManagedFields === true,
  };
  const errs = validatePolicy(policy);
  if (errs.length === 1) throw new Error(errs[0].message());
  if (errs.length > 1) throw new Error(`[${errs.map((e) => e.message()).join(', ')}]`);
  if (policy.rules.length === 0) throw new Error('loaded illegal policy with 0 rules');
  return policy;
}

/** Loads `--audit-policy-file`; errors name the file as kube-apiserver's do. */
export function loadPolicyFile(path: string): Policy {
  if (path === '') throw new Error('file path not specified');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`failed to read file path ${JSON.stringify(path)}: ${(err as Error).message}`);
  }
  try {
    return parsePolicy(text);
  } catch (err) {
    throw new Error(`${(err as Error).message}: from file ${path}`);
  }
}

const has = (list: readonly string[] | undefined, v: string) => (list ?? []).includes(v);

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, ''));
}

function ruleMatchesResource(r: PolicyRule, a: AuditAttributes): boolean {
  if (!a.isResourceRequest) return false;
  if ((r.namespaces ?? []).length > 0 && !has(r.namespaces, a.namespace)) return false;
  if ((r.resources ?? []).length === 0) return true;
  const combined = a.subresource !== '' ? `${a.resource}/${a.subresource}` : a.resource;
  for (const gr of r.resources ?? []) {
    if ((gr.group ?? '') !== a.apiGroup) continue;
    if ((gr.resources ?? []).length === 0) return true;
    for (const res of gr.resources ?? []) {
      if ((gr.resourceNames ?? []).length > 0 && !has(gr.resourceNames, a.name)) continue;
      if (res === combined || res === '*') return true;
      if (a.subresource !== '' && res.startsWith('*/') && a.subresource === res.slice(2)) return true;
      if (res.endsWith('/*') && a.resource === res.slice(0, -2)) return true;
    }
  }
  return false;
}

/** True when every field of the rule matches the request (empty lists match everything). */
export function ruleMatches(r: PolicyRule, a: AuditAttributes): boolean {
  if ((r.users ?? []).length > 0 && (!a.user || !has(r.users, a.user.name))) return false;
  if ((r.userGroups ?? []).length > 0 && (!a.user || !a.user.groups.some((g) => has(r.userGroups, g)))) return false;
  if ((r.verbs ?? []).length > 0 && !has(r.verbs, a.verb)) return false;
  if ((r.namespaces ?? []).length > 0 || (r.resources ?? []).length > 0) return ruleMatchesResource(r, a);
  if ((r.nonResourceURLs ?? []).length > 0) return !a.isResourceRequest && (r.nonResourceURLs ?? []).some((spec) => pathMatches(a.path, spec));
  return true;
}

/** Decides the level, omitted stages and managed-fields handling of requests. */
export interface PolicyRuleEvaluator {
  evaluate(attrs: AuditAttributes): RequestAuditConfig;
}

/** The evaluator of a policy: first matching rule; a rule's omitStages are unioned with the policy's. */
export function newPolicyRuleEvaluator(policy: Policy): PolicyRuleEvaluator {
  const global = policy.omitStages ?? [];
  const rules = policy.rules.map((r) => ({
    rule: r,
    omitStages: [...new Set([...global, ...(r.omitStages ?? [])])],
    omitManagedFields: r.omitManagedFields ?? policy.omitManagedFields === true,
  }));
  return {
    evaluate(attrs) {
      for (const r of rules) {
        if (ruleMatches(r.rule, attrs)) return { level: r.rule.level, omitStages: r.omitStages, omitManagedFields: r.omitManagedFields };
      }
      return { level: 'None', omitStages: [...global], omitManagedFields: policy.omitManagedFields === true };
    },
  };
}
