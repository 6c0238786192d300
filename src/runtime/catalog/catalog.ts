/**
 * Access to the generated type catalog (catalog/types.json, written by
 * tools/gencatalog). The file is read once, on first use, from the repository
 * root found relative to this module, so it works both from `src/` and from
 * the compiled `dist/src/runtime/catalog/`.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Catalog, FieldDef, KindDef, MessageDef } from './types.js';

let cached: Catalog | undefined;

/** Finds catalog/types.json by walking up from this module's directory. */
function catalogPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const p = join(dir, 'catalog', 'types.json');
    if (existsSync(p)) return p;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('catalog/types.json not found (run: npx tsc -p . && node dist/tools/gencatalog/main.js)');
}

/** The whole catalog (loaded once). */
export function getCatalog(): Catalog {
  if (!cached) cached = JSON.parse(readFileSync(catalogPath(), 'utf8')) as Catalog;
  return cached;
}

/** The message with this full protobuf name (`k8s.io.api.core.v1.Pod`), or undefined. */
export function messageDef(name: string): MessageDef | undefined {
  const m = getCatalog().messages;
  return Object.prototype.hasOwnProperty.call(m, name) ? m[name] : undefined;
}

/** The top-level kind `group/version/kind` (core group: ''), or undefined. */
export function kindDef(group: string, version: string, kind: string): KindDef | undefined {
  const k = getCatalog().kinds;
  const key = `${group}/${version}/${kind}`;
  return Object.prototype.hasOwnProperty.call(k, key) ? k[key] : undefined;
}

/** The API group/version of a protobuf package (`k8s.io.api.apps.v1` → apps/v1), or undefined. */
export function packageGroupVersion(pkg: string): { group: string; version: string } | undefined {
  const p = getCatalog().packages;
  return Object.prototype.hasOwnProperty.call(p, pkg) ? p[pkg] : undefined;
}

/**
 * metav1 types that Kubernetes registers in every group version (so an
 * `apps/v1` `DeleteOptions` or a `v1` `Status` is understood).
 */
const META_V1 = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const META_KINDS = new Set([
  'Status', 'DeleteOptions', 'ListOptions', 'GetOptions', 'CreateOptions', 'PatchOptions', 'UpdateOptions',
  'WatchEvent', 'APIGroup', 'APIGroupList', 'APIResourceList', 'APIVersions',
  'PartialObjectMetadata', 'PartialObjectMetadataList', 'List',
]);

/**
 * The message that carries `kind` in `group/version`: a catalogued kind, its
 * `<Kind>List`, another message of the group version's package with that
 * name (option types such as PodLogOptions), or one of the metav1 types every
 * group version includes (Status, DeleteOptions, WatchEvent...).
 */
export function messageForKind(group: string, version: string, kind: string): string | undefined {
  const direct = kindDef(group, version, kind);
  if (direct) return direct.message;
  if (kind.endsWith('List')) {
    const base = kindDef(group, version, kind.slice(0, -'List'.length));
    if (base?.listMessage) return base.listMessage;
  }
  for (const [pkg, gv] of Object.entries(getCatalog().packages)) {
    if (gv.group === group && gv.version === version && messageDef(`${pkg}.${kind}`)) return `${pkg}.${kind}`;
  }
  if (META_KINDS.has(kind) && messageDef(`${META_V1}.${kind}`)) return `${META_V1}.${kind}`;
  return undefined;
}

const flatCache = new Map<string, Map<string, FieldDef>>();

/**
 * The fields of a message as they appear in its JSON object: inline
 * (embedded) fields are replaced by their message's own JSON fields,
 * recursively. Keyed by JSON name. Unknown message → empty map.
 */
export function jsonFields(messageName: string): Map<string, FieldDef> {
  const hit = flatCache.get(messageName);
  if (hit) return hit;
  const out = new Map<string, FieldDef>();
  const def = messageDef(messageName);
  if (def) {
    for (const f of def.fields) {
      if (f.inline) {
        for (const [k, v] of jsonFields(f.type)) if (!out.has(k)) out.set(k, v);
      } else {
        out.set(f.name, f);
      }
    }
  }
  flatCache.set(messageName, out);
  return out;
}
