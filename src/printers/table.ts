/**
 * Builds the `meta.k8s.io/v1` Table kube-apiserver returns for
 * `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`: column definitions,
 * one row per object with its cells, and in each row the object as asked by
 * `includeObject` (PartialObjectMetadata by default, the full object, or none).
 */
import type { JsonObject, JsonValue, KubeObject, ListMeta } from '../runtime/object.js';
import type { TableConvertor } from '../registry/rest/table.js';
import type { PrinterTableConvertor } from './types.js';

/** The `includeObject` query parameter ('' means the default, Metadata). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Options of buildTable. */
export interface BuildTableOptions {
  /** What each row's `object` holds. Default `Metadata` (a PartialObjectMetadata). */
  includeObject?: IncludeObject;
  /**
   * The list's metadata, for a list or a page of one. Omit it for a single
   * object (get, or one watch event): the table then carries the object's resourceVersion.
   */
  listMeta?: ListMeta;
  /** The time ages are computed at. Default: now. */
  now?: Date;
  /**
   * Leave out the column definitions (`columnDefinitions: null`), as
   * kube-apiserver does for `?noHeaders=true` and for every watch event after the first.
   */
  noHeaders?: boolean;
  /** The Table's group version: `meta.k8s.io/v1` (default) or `meta.k8s.io/v1beta1`. */
  groupVersion?: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';
  /**
   * With `includeObject: 'Object'`, the apiVersion and kind to stamp on objects
   * that do not carry them (list items usually do not); the converted object
   * kube-apiserver embeds always has both.
   */
  objectTypeMeta?: { apiVersion: string; kind: string };
}

/** ObjectMeta fields in the order Go serializes them; unknown fields follow. */
const OBJECT_META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

/**
 * The object's metadata as a PartialObjectMetadata carries it: every ObjectMeta
 * field, with `creationTimestamp: null` when unset (Go always writes it).
 */
export function partialObjectMetadata(obj: KubeObject, groupVersion = 'meta.k8s.io/v1'): JsonObject {
  const meta = (obj.metadata ?? {}) as Record<string, unknown>;
  const out: JsonObject = {};
  for (const key of OBJECT_META_ORDER) {
    if (key === 'creationTimestamp') {
      out[key] = (meta[key] ?? null) as JsonValue;
    } else if (meta[key] !== undefined) {
      out[key] = meta[key] as JsonValue;
    }
  }
  for (const [key, value] of Object.entries(meta)) {
    if (!(key in out) && value !== undefined) out[key] = value as JsonValue;
  }
  return { kind: 'PartialObjectMetadata', apiVersion: groupVersion, metadata: out };
}

/** The Table's metadata: a list's resourceVersion, continue and remainingItemCount, or the single object's resourceVersion. */
function tableMetadata(objects: KubeObject[], listMeta: ListMeta | undefined): JsonObject {
  const out: JsonObject = {};
  if (listMeta !== undefined) {
    if (listMeta.resourceVersion) out['resourceVersion'] = listMeta.resourceVersion;
    if (listMeta.continue) out['continue'] = listMeta.continue;
    if (listMeta.remainingItemCount !== undefined && listMeta.remainingItemCount !== null) {
      out['remainingItemCount'] = listMeta.remainingItemCount;
    }
    return out;
  }
  const rv = objects.length === 1 ? objects[0]!.metadata?.resourceVersion : undefined;
  if (rv) out['resourceVersion'] = rv;
  return out;
}

/** A cell as JSON: numbers, strings and booleans pass; anything else becomes its string or null. */
function jsonCell(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return String(v);
}

function rowObject(obj: KubeObject, opts: BuildTableOptions, groupVersion: string): JsonValue {
  switch (opts.includeObject ?? 'Metadata') {
    case 'None':
      // Go writes the empty RawExtension as null.
      return null;
    case 'Object': {
      const full = obj as JsonObject;
      if ((obj.apiVersion && obj.kind) || opts.objectTypeMeta === undefined) return full;
      const { apiVersion, kind, ...rest } = full;
      return {
        apiVersion: apiVersion ?? opts.objectTypeMeta.apiVersion,
        kind: kind ?? opts.objectTypeMeta.kind,
        ...rest,
      } as JsonObject;
    }
    default:
      return partialObjectMetadata(obj, groupVersion);
  }
}

/**
 * The Table for objects printed by convertor. Every column (priority 0 and the
 * `-o wide` priority 1 ones) is defined and every row has a cell for each:
 * kube-apiserver always prints wide and lets kubectl hide priority-1 columns.
 */
export function buildTable(objects: KubeObject[], convertor: TableConvertor, opts: BuildTableOptions = {}): JsonObject {
  const groupVersion = opts.groupVersion ?? 'meta.k8s.io/v1';
  const now = opts.now ?? new Date();
  const printer = convertor as PrinterTableConvertor;
  const ordered = printer.order && opts.listMeta !== undefined ? printer.order(objects) : objects;

  const rows: JsonValue[] = ordered.map((obj) => {
    const row: JsonObject = { cells: convertor.cells(obj, now).map(jsonCell) };
    const conditions = printer.rowConditions?.(obj);
    if (conditions && conditions.length > 0) row['conditions'] = conditions;
    row['object'] = rowObject(obj, opts, groupVersion);
    return row;
  });

  const columnDefinitions: JsonValue = opts.noHeaders
    ? null
    : convertor.columns.map((c) => ({ name: c.name, type: c.type, format: c.format, description: c.description, priority: c.priority }));

  return {
    kind: 'Table',
    apiVersion: groupVersion,
    metadata: tableMetadata(objects, opts.listMeta),
    columnDefinitions,
    rows,
  };
}
