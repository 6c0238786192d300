/**
 * What strategic merge patch needs to know about a type, independent of where
 * the knowledge comes from (the generated catalog for built-in kinds; a CRD's
 * schema later). A PatchSchema describes one object type; `field(name)` walks
 * one level down.
 */

/** Patch metadata of one field. */
export interface PatchFieldMeta {
  /** The field is a list (JSON array). */
  isList: boolean;
  /** The field is a map with arbitrary string keys (JSON object, not a struct). */
  isMap: boolean;
  /** `merge`, `retainKeys`, `merge,retainKeys`, `replace`, or '' (replace: the default for lists). */
  patchStrategy: string;
  /** Merge key for lists of objects merged by key (`name`, `containerPort`...). */
  patchMergeKey: string;
  /** `+listType` (`atomic`, `set`, `map`) when declared. */
  listType?: 'atomic' | 'set' | 'map';
  /** `+listMapKey`s when listType is map. */
  listMapKeys?: string[];
  /** The schema of the field's value (for lists and maps: of one element), when it is an object type. */
  elem?: PatchSchema;
}

export interface PatchSchema {
  /** Metadata for the named field of this object type, or undefined when unknown. */
  field(name: string): PatchFieldMeta | undefined;
}

/** A schema that knows nothing: every list is replaced, every object merged (like JSON merge patch). */
export const emptyPatchSchema: PatchSchema = { field: () => undefined };
