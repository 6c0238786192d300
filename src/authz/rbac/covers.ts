/**
 * Escalation arithmetic (component-helpers/auth/rbac/validation Covers and
 * pkg/registry/rbac/validation CompactRules, restated): does a set of owner
 * rules cover every permission of some servant rules, and which atomic
 * permissions are missing, in the compact form kube-apiserver prints.
 */
import type { PolicyRule } from './rule.js';

/** Splits a rule into rules with one group, resource, verb and resource name (or one URL and verb). */
export function breakdownRule(r: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of r.apiGroups) {
    for (const resource of r.resources) {
      for (const verb of r.verbs) {
        if (r.resourceNames.length > 0) {
          for (const name of r.resourceNames) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name], nonResourceURLs: [] });
        } else {
          out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [], nonResourceURLs: [] });
        }
      }
    }
  }
  for (const url of r.nonResourceURLs) {
    for (const verb of r.verbs) out.push({ apiGroups: [], resources: [], verbs: [verb], resourceNames: [], nonResourceURLs: [url] });
  }
  return out;
}

function hasAll(set: string[], contains: string[]): boolean {
  const owning = new Set(set);
  return contains.every((c) => owning.has(c));
}

function resourceCoversAll(owner: string[], wanted: string[]): boolean {
  if (owner.includes('*') || hasAll(owner, wanted)) return true;
  for (const path of wanted) {
    if (owner.includes(path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0) return false;
    if (!owner.includes(`*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(owner: string, path: string): boolean {
  return owner === path || (owner.endsWith('*') && path.startsWith(owner.replace(/\*+$/, '')));
}

function nonResourceURLsCoverAll(owner: string[], wanted: string[]): boolean {
  return wanted.every((p) => owner.some((o) => nonResourceURLCovers(o, p)));
}

/** Whether one owner rule covers an atomic servant rule (ruleCovers). */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = owner.verbs.includes('*') || hasAll(owner.verbs, sub.verbs);
  const groups = owner.apiGroups.includes('*') || hasAll(owner.apiGroups, sub.apiGroups);
  const resources = resourceCoversAll(owner.resources, sub.resources);
  const urls = nonResourceURLsCoverAll(owner.nonResourceURLs, sub.nonResourceURLs);
  const names = sub.resourceNames.length === 0 ? owner.resourceNames.length === 0 : owner.resourceNames.length === 0 || hasAll(owner.resourceNames, sub.resourceNames);
  return verbs && groups && resources && names && urls;
}

/** Returns whether `owner` covers all of `servant`, and the atomic rules it does not cover. */
export function covers(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const s of servant) {
    for (const sub of breakdownRule(s)) {
      if (!owner.some((o) => ruleCovers(o, sub))) missing.push(sub);
    }
  }
  return { covered: missing.length === 0, missing };
}

function isSimpleResourceRule(r: PolicyRule): boolean {
  return r.resourceNames.length === 0 && r.nonResourceURLs.length === 0 && r.apiGroups.length === 1 && r.resources.length === 1;
}

/** Merges rules that differ only by verb and name one group and one resource (CompactRules). */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    if (isSimpleResourceRule(r)) {
      const key = `${r.apiGroups[0]}\u0000${r.resources[0]}`;
      const existing = simple.get(key);
      if (existing) existing.verbs.push(...r.verbs);
      else simple.set(key, { ...r, verbs: [...r.verbs], apiGroups: [...r.apiGroups], resources: [...r.resources], resourceNames: [], nonResourceURLs: [] });
    } else {
      compacted.push(r);
    }
  }
  compacted.push(...simple.values());
  return compacted;
}

/** Go's `%q` of a []string: `["a" "b"]`. */
export function goQuotedList(list: readonly string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/** `{APIGroups:["x"], Resources:["y"], Verbs:["get"]}`, empty lists left out (CompactString). */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups.length > 0) parts.push(`APIGroups:${goQuotedList(r.apiGroups)}`);
  if (r.resources.length > 0) parts.push(`Resources:${goQuotedList(r.resources)}`);
  if (r.nonResourceURLs.length > 0) parts.push(`NonResourceURLs:${goQuotedList(r.nonResourceURLs)}`);
  if (r.resourceNames.length > 0) parts.push(`ResourceNames:${goQuotedList(r.resourceNames)}`);
  if (r.verbs.length > 0) parts.push(`Verbs:${goQuotedList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** The sorted, de-duplicated lines describing missing permissions. */
export function describeMissing(missing: readonly PolicyRule[]): string {
  const lines = new Set(compactRules(missing).map(compactString));
  return [...lines].sort().join('\n');
}
