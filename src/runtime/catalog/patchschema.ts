/**
 * Strategic-merge-patch metadata for built-in types, read from the catalog
 * (implements src/runtime/patch/schema.ts). Inline (embedded) fields are
 * flattened, as they are in the JSON object.
 */

import type { PatchFieldMeta, PatchSchema } from '../patch/schema.js';
import { jsonFields, messageDef } from './catalog.js';
import type { FieldDef } from './types.js';

const schemas = new Map<string, PatchSchema>();

function metaOf(f: FieldDef): PatchFieldMeta {
  const sub = messageDef(f.type);
  const isStringList = sub?.special === 'StringList';
  const meta: PatchFieldMeta = {
    isList: f.repeated === true || (isStringList && f.mapKey === undefined),
    isMap: f.mapKey !== undefined,
    patchStrategy: f.patchStrategy ?? '',
    patchMergeKey: f.patchMergeKey ?? '',
  };
  if (f.listType) meta.listType = f.listType;
  if (f.listMapKeys) meta.listMapKeys = [...f.listMapKeys];
  // Plain object types get a schema for their value (for lists and maps: of one element).
  if (sub && !sub.special) {
    meta.elem = catalogPatchSchema(f.type);
  }
  return meta;
}

/**
 * The patch schema of a message (full protobuf name, e.g.
 * `k8s.io.api.apps.v1.Deployment`). Unknown messages and special (non-object)
 * types give a schema that knows no fields.
 */
export function catalogPatchSchema(messageName: string): PatchSchema {
  const hit = schemas.get(messageName);
  if (hit) return hit;
  const cache = new Map<string, PatchFieldMeta | undefined>();
  const schema: PatchSchema = {
    field(name: string): PatchFieldMeta | undefined {
      if (cache.has(name)) return cache.get(name);
      const def = messageDef(messageName);
      const f = def && !def.special ? jsonFields(messageName).get(name) : undefined;
      const meta = f ? metaOf(f) : undefined;
      cache.set(name, meta);
      return meta;
    },
  };
  schemas.set(messageName, schema);
  return schema;
}
