/**
 * Converters between the version a resource is served in and the version it
 * is stored in. Each is a pair of pure functions on JSON objects; a generic
 * store applies them through its hooks, so gets, lists, watch events and the
 * results of writes are all converted.
 */
import type { KubeObject } from '../../runtime/object.js';
import { clone } from './fields.js';

/** A group, version and kind. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** Converts one kind between a served version and the storage version. */
export interface VersionConverter {
  served: GroupVersionKind;
  storage: GroupVersionKind;
  /** Served → stored. Must not modify its argument. */
  toStorage(obj: KubeObject): KubeObject;
  /** Stored → served. Must not modify its argument (it may be a cached object). */
  fromStorage(obj: KubeObject): KubeObject;
}

/** `apiVersion` of a group version (`v1` for the core group). */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

const key = (served: GroupVersionKind, storage: GroupVersionKind): string =>
  `${served.group}/${served.version}/${served.kind}->${storage.group}/${storage.version}/${storage.kind}`;

/** A set of converters, looked up by served and storage kind. */
export class ConverterRegistry {
  private readonly converters = new Map<string, VersionConverter>();

  /** Adds a converter; a second one for the same pair replaces the first. */
  register(c: VersionConverter): void {
    this.converters.set(key(c.served, c.storage), c);
  }

  /** The converter from `served` to `storage`, or undefined. */
  lookup(served: GroupVersionKind, storage: GroupVersionKind): VersionConverter | undefined {
    return this.converters.get(key(served, storage));
  }

  /** Every registered converter. */
  all(): VersionConverter[] {
    return [...this.converters.values()];
  }
}

/**
 * A converter for versions whose schemas are the same (a beta kept for old
 * manifests): only `apiVersion` changes.
 */
export function sameSchemaConverter(group: string, kind: string, servedVersion: string, storageVersion: string): VersionConverter {
  const served = { group, version: servedVersion, kind };
  const storage = { group, version: storageVersion, kind };
  const retag = (obj: KubeObject, gvk: GroupVersionKind): KubeObject => {
    const out = clone(obj);
    out.apiVersion = apiVersionOf(gvk.group, gvk.version);
    out.kind = gvk.kind;
    return out;
  };
  return { served, storage, toStorage: (o) => retag(o, storage), fromStorage: (o) => retag(o, served) };
}
