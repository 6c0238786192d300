/**
 * Equivalent resources (runtime.EquivalentResourceMapper, restated): the
 * group/version/resources that serve the same stored objects, so that a
 * webhook or policy with `matchPolicy: Equivalent` that names
 * `autoscaling/v1 horizontalpodautoscalers` also sees requests made to
 * `autoscaling/v2` — converted to the version it asked for.
 */
import type { GroupVersionKind, GroupVersionResource, KubeObject } from '../../runtime/object.js';
import { builtinResources, defaultEnabledResources, storagePrefixOf, type ResourceSpec } from '../../registry/definitions.js';
import { apiVersionOf, builtinConverters, type ConverterRegistry } from '../../registry/conversion/index.js';

/** Maps a resource to its equivalents and kinds, and converts objects between them. */
export interface EquivalentResourceMapper {
  /** Every served resource sharing storage with `gvr` (itself included). */
  equivalentResourcesFor(gvr: GroupVersionResource, subresource: string): GroupVersionResource[];
  /** The kind served at `gvr` (for a subresource, its kind), or undefined. */
  kindFor(gvr: GroupVersionResource, subresource: string): GroupVersionKind | undefined;
  /** Converts an object between two kinds of equivalent resources. */
  convert(obj: KubeObject, from: GroupVersionKind, to: GroupVersionKind): KubeObject;
}

const key = (r: GroupVersionResource): string => `${r.group}/${r.version}/${r.resource}`;

/**
 * A mapper over resource specs (the served built-in resources by default)
 * that converts through the storage version with the registered converters;
 * versions without a converter are assumed to share their schema (only
 * `apiVersion` changes).
 */
export function specResourceMapper(specs: readonly ResourceSpec[] = defaultEnabledResources(builtinResources), converters: ConverterRegistry = builtinConverters): EquivalentResourceMapper {
  const stored = specs.filter((s) => !s.createOnly && s.special === undefined);
  const byGvr = new Map<string, ResourceSpec>();
  const byStorage = new Map<string, ResourceSpec[]>();
  for (const s of stored) {
    byGvr.set(key(s), s);
    const k = `${storagePrefixOf(s)}|${s.kind}`;
    const list = byStorage.get(k) ?? [];
    list.push(s);
    byStorage.set(k, list);
  }
  const storageOf = (s: ResourceSpec): GroupVersionKind => ({ group: s.storageGroup ?? s.group, version: s.storageVersion ?? s.version, kind: s.kind });
  const specForKind = (gvk: GroupVersionKind): ResourceSpec | undefined => stored.find((s) => s.group === gvk.group && s.version === gvk.version && s.kind === gvk.kind);
  const retag = (obj: KubeObject, gvk: GroupVersionKind): KubeObject => ({ ...structuredClone(obj), apiVersion: apiVersionOf(gvk.group, gvk.version), kind: gvk.kind });
  return {
    equivalentResourcesFor(gvr, subresource) {
      const s = byGvr.get(key(gvr));
      if (!s) return [gvr];
      const peers = byStorage.get(`${storagePrefixOf(s)}|${s.kind}`) ?? [s];
      const out = peers.filter((p) => !subresource || (p.subresources ?? []).includes(subresource)).map((p) => ({ group: p.group, version: p.version, resource: p.resource }));
      return out.length > 0 ? out : [gvr];
    },
    kindFor(gvr, subresource) {
      const s = byGvr.get(key(gvr));
      if (!s) return undefined;
      if (subresource === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
      return { group: s.group, version: s.version, kind: s.kind };
    },
    convert(obj, from, to) {
      if (from.group === to.group && from.version === to.version && from.kind === to.kind) return obj;
      const fromSpec = specForKind(from);
      const toSpec = specForKind(to);
      if (!fromSpec || !toSpec) return retag(obj, to);
      const storage = storageOf(fromSpec);
      const up = converters.lookup({ group: from.group, version: from.version, kind: from.kind }, storage);
      const inStorage = up ? up.toStorage(obj) : obj;
      const down = converters.lookup({ group: to.group, version: to.version, kind: to.kind }, storageOf(toSpec));
      return down ? down.fromStorage(inStorage) : retag(inStorage, to);
    },
  };
}

/** A mapper that knows no equivalents (every resource is only itself). */
export const exactResourceMapper: EquivalentResourceMapper = {
  equivalentResourcesFor: (gvr) => [gvr],
  kindFor: () => undefined,
  convert: (obj) => obj,
};
