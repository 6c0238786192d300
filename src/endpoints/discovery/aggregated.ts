/**
 * Aggregated discovery (`apidiscovery.k8s.io`): the whole API surface in one
 * APIGroupDiscoveryList, served at `/api` (the core group only) and `/apis`
 * (every named group) when the client asks for it in Accept. v2 and v2beta1
 * have the same shape; only `apiVersion` differs.
 */
import { createHash } from 'node:crypto';
import type { ResourceDefinition } from '../../registry/rest/definition.js';
import type { DiscoveryGroup } from './model.js';
import { apiResourcesOf } from './legacy.js';

/** The aggregated discovery versions kapi serves. */
export type AggregatedDiscoveryVersion = 'v2' | 'v2beta1';

/** metav1.GroupVersionKind as discovery writes it. */
export interface DiscoveryGVK {
  group: string;
  version: string;
  kind: string;
}

/** apidiscovery APISubresourceDiscovery. */
export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: DiscoveryGVK;
  verbs: string[];
}

/** apidiscovery APIResourceDiscovery. */
export interface APIResourceDiscovery {
  resource: string;
  responseKind: DiscoveryGVK;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

/** apidiscovery APIVersionDiscovery. */
export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: 'Current' | 'Stale';
}

/** apidiscovery APIGroupDiscovery. */
export interface APIGroupDiscovery {
  metadata: { name?: string; creationTimestamp: null };
  versions: APIVersionDiscovery[];
}

/** apidiscovery APIGroupDiscoveryList (without kind/apiVersion, which depend on the negotiated version). */
export interface APIGroupDiscoveryListBody {
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

/** The resources of one group-version in aggregated form (subresources nested under their parent). */
export function buildVersionResources(definitions: readonly ResourceDefinition[]): APIResourceDiscovery[] {
  const out: APIResourceDiscovery[] = [];
  for (const d of definitions) {
    const [top, ...subs] = apiResourcesOf(d);
    const r: APIResourceDiscovery = {
      resource: top!.name,
      responseKind: { group: d.group, version: d.version, kind: d.kind },
      scope: d.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: d.singular,
      verbs: top!.verbs,
    };
    if (top!.shortNames) r.shortNames = top!.shortNames;
    if (top!.categories) r.categories = top!.categories;
    if (subs.length > 0) {
      const byName = new Map(d.subresources.map((s) => [`${d.resource}/${s.name}`, s]));
      r.subresources = subs
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((s) => {
          const def = byName.get(s.name)!;
          return { subresource: def.name, responseKind: { group: def.group, version: def.version, kind: def.kind }, verbs: s.verbs };
        });
    }
    out.push(r);
  }
  return out;
}

function groupDiscovery(g: DiscoveryGroup): APIGroupDiscovery {
  const metadata: APIGroupDiscovery['metadata'] = g.name === '' ? { creationTimestamp: null } : { name: g.name, creationTimestamp: null };
  return {
    metadata,
    versions: g.versions.map((v) => ({ version: v, resources: buildVersionResources(g.resources.get(v) ?? []), freshness: 'Current' })),
  };
}

/** The body served at `/api` (core group only) or `/apis` (named groups). */
export function buildAggregatedDiscovery(groups: readonly DiscoveryGroup[], root: 'api' | 'apis'): APIGroupDiscoveryListBody {
  const selected = groups.filter((g) => (root === 'api' ? g.name === '' : g.name !== ''));
  return { metadata: {}, items: selected.map(groupDiscovery) };
}

/** A serialized aggregated discovery document with its ETag, per served version. */
export interface AggregatedDocument {
  /** Uppercase hex SHA-512 of the version-independent body (as kube-apiserver computes it). */
  etag: string;
  /** The JSON bytes for each aggregated discovery version. */
  json: Record<AggregatedDiscoveryVersion, Buffer>;
}

/** Serializes a body for both versions and computes the shared ETag. */
export function serializeAggregated(body: APIGroupDiscoveryListBody): AggregatedDocument {
  const inner = JSON.stringify(body);
  const etag = createHash('sha512').update(inner).digest('hex').toUpperCase();
  const rest = inner.slice(1);
  const json = {
    v2: Buffer.from(`{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2",${rest}`),
    v2beta1: Buffer.from(`{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2beta1",${rest}`),
  };
  return { etag, json };
}
