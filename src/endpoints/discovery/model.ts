/**
 * The served API surface grouped for discovery: groups in priority order,
 * each with its versions in preference order and, per version, the resource
 * definitions sorted the way the installer registers them (by path).
 */
import type { ResourceDefinition } from '../../registry/rest/definition.js';
import { sortGroups, sortVersions } from './priority.js';

/** One served group: versions preferred-first and the definitions of each. */
export interface DiscoveryGroup {
  /** `""` for the core (legacy) group. */
  name: string;
  /** Versions, preferred first. */
  versions: string[];
  /** Definitions per version, sorted by resource name. */
  resources: Map<string, ResourceDefinition[]>;
}

/** Groups definitions into discovery groups. The core group is included (name `""`). */
export function groupDefinitions(definitions: readonly ResourceDefinition[]): DiscoveryGroup[] {
  const byGroup = new Map<string, Map<string, ResourceDefinition[]>>();
  for (const d of definitions) {
    let versions = byGroup.get(d.group);
    if (!versions) byGroup.set(d.group, (versions = new Map()));
    let list = versions.get(d.version);
    if (!list) versions.set(d.version, (list = []));
    list.push(d);
  }
  const order = sortGroups(new Map([...byGroup].map(([g, vs]) => [g, vs.keys()])));
  return order.map((name) => {
    const resources = byGroup.get(name)!;
    for (const list of resources.values()) list.sort((a, b) => compareStrings(a.resource, b.resource));
    return { name, versions: sortVersions(name, resources.keys()), resources };
  });
}

/** Byte-wise string order, as Go's sort.Strings. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `group/version`, or `version` for the core group. */
export function groupVersionString(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Verbs sorted alphabetically, without duplicates. */
export function sortedVerbs(verbs: readonly string[]): string[] {
  return [...new Set(verbs)].sort(compareStrings);
}

/** Finds a served group. */
export function findGroup(groups: readonly DiscoveryGroup[], name: string): DiscoveryGroup | undefined {
  return groups.find((g) => g.name === name);
}

/**
 * A cheap signature of everything discovery and OpenAPI publish about the
 * definitions; when it changes, cached documents are rebuilt.
 */
export function definitionsFingerprint(definitions: readonly ResourceDefinition[]): string {
  const parts: string[] = [];
  for (const d of definitions) {
    const subs = d.subresources.map((s) => `${s.name}:${s.group}/${s.version}/${s.kind}:${s.verbs.join(',')}`).join(';');
    parts.push(
      `${d.group}|${d.version}|${d.resource}|${d.kind}|${d.listKind}|${d.singular}|${d.namespaced ? 1 : 0}|${d.persisted ? 1 : 0}|${d.message}|` +
        `${d.verbs.join(',')}|${d.shortNames.join(',')}|${d.categories.join(',')}|${subs}`,
    );
  }
  return parts.join('\n');
}

/**
 * Memoizes a value derived from the definitions: recomputed only when their
 * fingerprint changes (definitions added, removed or edited).
 */
export function memoByDefinitions<T>(build: (definitions: readonly ResourceDefinition[]) => T): (definitions: readonly ResourceDefinition[]) => T {
  let lastFingerprint: string | undefined;
  let lastValue: T | undefined;
  return (definitions) => {
    const fp = definitionsFingerprint(definitions);
    if (fp !== lastFingerprint) {
      lastValue = build(definitions);
      lastFingerprint = fp;
    }
    return lastValue as T;
  };
}
