/**
 * Unaggregated ("legacy") discovery documents: `/api` (APIVersions), `/apis`
 * (APIGroupList), `/apis/<group>` (APIGroup), `/api/v1` and
 * `/apis/<group>/<version>` (APIResourceList). Pure builders; the handler
 * serves them.
 */
import { createHash } from 'node:crypto';
import type { ResourceDefinition } from '../../registry/rest/definition.js';
import { compareStrings, type DiscoveryGroup, groupVersionString, sortedVerbs } from './model.js';

/** metav1.GroupVersionForDiscovery. */
export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

/** metav1.ServerAddressByClientCIDR. */
export interface ServerAddressByClientCIDR {
  clientCIDR: string;
  serverAddress: string;
}

/** metav1.APIVersions (served without an apiVersion key). */
export interface APIVersions {
  kind: 'APIVersions';
  versions: string[];
  serverAddressByClientCIDRs: ServerAddressByClientCIDR[];
}

/** metav1.APIGroup (as an item of APIGroupList it carries no kind/apiVersion). */
export interface APIGroup {
  kind?: 'APIGroup';
  apiVersion?: 'v1';
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

/** metav1.APIGroupList. */
export interface APIGroupList {
  kind: 'APIGroupList';
  apiVersion: 'v1';
  groups: APIGroup[];
}

/** metav1.APIResource. */
export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

/** metav1.APIResourceList (`/api/v1` is served without apiVersion). */
export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion?: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

/**
 * The storage version hash of a kind: standard base64 of the first 8 bytes of
 * the SHA-256 of `<group>/<version>/<kind>`.
 */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

/** `GET /api`. */
export function buildAPIVersions(groups: readonly DiscoveryGroup[], serverAddress: string): APIVersions {
  const core = groups.find((g) => g.name === '');
  return {
    kind: 'APIVersions',
    versions: core ? [...core.versions] : [],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function discoveryVersions(g: DiscoveryGroup): GroupVersionForDiscovery[] {
  return g.versions.map((v) => ({ groupVersion: groupVersionString(g.name, v), version: v }));
}

function groupEntry(g: DiscoveryGroup): APIGroup {
  const versions = discoveryVersions(g);
  return { name: g.name, versions, preferredVersion: { ...versions[0]! } };
}

/** `GET /apis`: every named group in priority order. */
export function buildAPIGroupList(groups: readonly DiscoveryGroup[]): APIGroupList {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.filter((g) => g.name !== '').map(groupEntry) };
}

/** `GET /apis/<group>`. */
export function buildAPIGroup(group: DiscoveryGroup): APIGroup {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group) };
}

/** The APIResource entries of one resource: the resource itself, then its subresources. */
export function apiResourcesOf(d: ResourceDefinition): APIResource[] {
  const top: APIResource = {
    name: d.resource,
    singularName: d.singular,
    namespaced: d.namespaced,
    kind: d.kind,
    verbs: sortedVerbs(d.verbs),
  };
  if (d.shortNames.length > 0) top.shortNames = [...d.shortNames];
  if (d.categories.length > 0) top.categories = [...d.categories];
  if (d.persisted) top.storageVersionHash = storageVersionHash(d.group, d.version, d.kind);
  const out = [top];
  for (const s of d.subresources) {
    const sub: APIResource = { name: `${d.resource}/${s.name}`, singularName: '', namespaced: d.namespaced, kind: s.kind, verbs: sortedVerbs(s.verbs) };
    if (s.group !== d.group || s.version !== d.version) {
      sub.group = s.group;
      sub.version = s.version;
    }
    out.push(sub);
  }
  return out;
}

/** `GET /api/v1` or `/apis/<group>/<version>`: resources and subresources sorted by name. */
export function buildAPIResourceList(group: string, version: string, definitions: readonly ResourceDefinition[]): APIResourceList {
  const resources = definitions.flatMap(apiResourcesOf).sort((a, b) => compareStrings(a.name, b.name));
  const groupVersion = groupVersionString(group, version);
  return group === ''
    ? { kind: 'APIResourceList', groupVersion, resources }
    : { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}
