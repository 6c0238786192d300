/**
 * Builds the type catalog (src/runtime/catalog/types.ts) from parsed .proto
 * files plus the hand-kept facts, and renders it as deterministic JSON.
 */

import type { Catalog, FieldDef, KindDef, MessageDef, ProtoScalar } from '../../src/runtime/catalog/types.js';
import type { ProtoField, ProtoFile, ProtoMessage } from './proto.js';
import {
  API_GROUPS,
  CATALOG_PACKAGE_PREFIX,
  INLINE_FIELDS,
  JSON_NAMES,
  NOT_KINDS,
  OTHER_GROUP_PREFIXES,
  SPECIAL_MESSAGES,
} from './facts.js';

const SCALARS = new Set<string>([
  'string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64',
  'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'double', 'float',
]);

const OBJECT_META = 'k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/**
 * The OpenAPI definition name: the Go import path with its domain reversed,
 * then the type name (`k8s.io/api/core/v1` + `Pod` → `io.k8s.api.core.v1.Pod`;
 * `k8s.io/apiextensions-apiserver/...` keeps its hyphen although the proto
 * package spells it `apiextensions_apiserver`).
 */
export function openapiNameOf(goPackage: string, typeName: string): string {
  const slash = goPackage.indexOf('/');
  const domain = slash < 0 ? goPackage : goPackage.slice(0, slash);
  const rest = slash < 0 ? '' : goPackage.slice(slash + 1);
  const reversed = domain.split('.').reverse().join('.');
  return [reversed, ...rest.split('/').filter(Boolean), typeName].join('.');
}

/** The API group and version of a proto package, or undefined for non-API packages. */
export function groupOfPackage(pkg: string): { group: string; version: string } | undefined {
  const m = /^k8s\.io\.api\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(pkg);
  if (m) {
    const group = API_GROUPS[m[1]];
    if (group === undefined) throw new Error(`package ${pkg}: no API group known for "${m[1]}" (add it to API_GROUPS in tools/gencatalog/facts.ts)`);
    return { group, version: m[2] };
  }
  for (const [prefix, group] of Object.entries(OTHER_GROUP_PREFIXES)) {
    if (pkg.startsWith(prefix)) {
      const version = pkg.slice(prefix.length);
      if (/^v\d+((alpha|beta)\d+)?$/.test(version)) return { group, version };
    }
  }
  return undefined;
}

function sortedRecord<T>(rec: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k];
  return out;
}

/** Resolves a type reference as written in `pkg` (proto scoping: innermost scope first). */
function resolveType(type: string, pkg: string, scope: string, known: Set<string>): string {
  if (SCALARS.has(type)) return type;
  if (type.startsWith('.')) {
    const full = type.slice(1);
    if (!known.has(full)) throw new Error(`unknown type ${type}`);
    return full;
  }
  // Search from the innermost enclosing scope (message, then package parts) outwards.
  const parts = `${pkg}.${scope}`.split('.').filter(Boolean);
  for (let i = parts.length; i >= 0; i--) {
    const candidate = [...parts.slice(0, i), type].join('.');
    if (known.has(candidate)) return candidate;
  }
  throw new Error(`unknown type ${type} in ${pkg}.${scope}`);
}

const LIST_TYPES = new Set(['atomic', 'set', 'map']);
const MAP_TYPES = new Set(['atomic', 'granular']);

function fieldDef(msgFull: string, f: ProtoField, type: string): FieldDef {
  const key = `${msgFull}.${f.name}`;
  const def: FieldDef = { name: JSON_NAMES[key] ?? f.name, number: f.number, type };
  if (f.label === 'repeated') def.repeated = true;
  if (f.mapKey !== undefined) {
    if (!SCALARS.has(f.mapKey)) throw new Error(`${key}: map key type ${f.mapKey} is not a scalar`);
    def.mapKey = f.mapKey as ProtoScalar;
  }
  for (const mk of f.markers) {
    switch (mk.name) {
      case 'optional':
      case 'k8s:optional':
        def.optional = true;
        break;
      case 'patchStrategy':
        def.patchStrategy = mk.value;
        break;
      case 'patchMergeKey':
        def.patchMergeKey = mk.value;
        break;
      case 'listType':
        if (!LIST_TYPES.has(mk.value)) throw new Error(`${key}: bad +listType=${mk.value}`);
        def.listType = mk.value as FieldDef['listType'];
        break;
      case 'listMapKey':
        (def.listMapKeys ??= []).push(mk.value);
        break;
      case 'mapType':
        if (!MAP_TYPES.has(mk.value)) throw new Error(`${key}: bad +mapType=${mk.value}`);
        def.mapType = mk.value as FieldDef['mapType'];
        break;
      case 'structType':
        if (!MAP_TYPES.has(mk.value)) throw new Error(`${key}: bad +structType=${mk.value}`);
        def.structType = mk.value as FieldDef['structType'];
        break;
      default:
        break;
    }
  }
  return def;
}

/** Builds the catalog from parsed files. Throws on unresolvable types and on stale fact-table entries. */
export function buildCatalog(files: ProtoFile[], kubernetesVersion: string): Catalog {
  const catalogFiles = files.filter((f) => f.package.startsWith(CATALOG_PACKAGE_PREFIX));
  const known = new Set<string>();
  for (const f of catalogFiles) for (const m of f.messages) known.add(`${f.package}.${m.name}`);

  const messages: Record<string, MessageDef> = {};
  const packages: Record<string, { group: string; version: string }> = {};
  const byPackage = new Map<string, ProtoMessage[]>();
  const inline = new Set(INLINE_FIELDS);
  const usedInline = new Set<string>();

  for (const file of catalogFiles) {
    const gv = groupOfPackage(file.package);
    if (gv) packages[file.package] = gv;
    byPackage.set(file.package, [...(byPackage.get(file.package) ?? []), ...file.messages]);
    for (const m of file.messages) {
      const full = `${file.package}.${m.name}`;
      if (messages[full]) throw new Error(`duplicate message ${full}`);
      const fields = m.fields
        .map((f) => {
          const def = fieldDef(full, f, resolveType(f.type, file.package, m.name, known));
          const key = `${full}.${f.name}`;
          if (inline.has(key)) {
            if (SCALARS.has(def.type) || def.repeated || def.mapKey) throw new Error(`${key}: inline field must be a singular message`);
            def.inline = true;
            usedInline.add(key);
          }
          return def;
        })
        .sort((a, b) => a.number - b.number);
      if (!file.goPackage) throw new Error(`package ${file.package}: no go_package option`);
      const def: MessageDef = { name: full, openapiName: openapiNameOf(file.goPackage, m.name), fields };
      const special = SPECIAL_MESSAGES[full];
      if (special) def.special = special;
      const st = m.markers.find((mk) => mk.name === 'structType');
      if (st) {
        if (!MAP_TYPES.has(st.value)) throw new Error(`${full}: bad +structType=${st.value}`);
        def.structType = st.value as MessageDef['structType'];
      }
      messages[full] = def;
    }
  }

  for (const key of inline) if (!usedInline.has(key)) throw new Error(`INLINE_FIELDS entry ${key} names no field`);
  for (const name of [...Object.keys(SPECIAL_MESSAGES), ...NOT_KINDS]) if (!messages[name]) throw new Error(`fact table names unknown message ${name}`);
  for (const key of Object.keys(JSON_NAMES)) {
    const i = key.lastIndexOf('.');
    if (!messages[key.slice(0, i)]?.fields.some((f) => f.name === JSON_NAMES[key])) throw new Error(`JSON_NAMES entry ${key} names no field`);
  }

  const kinds: Record<string, KindDef> = {};
  const notKinds = new Set(NOT_KINDS);
  for (const [pkg, gv] of Object.entries(packages)) {
    for (const m of byPackage.get(pkg) ?? []) {
      const full = `${pkg}.${m.name}`;
      const def = messages[full];
      const meta = def.fields.find((f) => f.name === 'metadata');
      if (!meta || meta.type !== OBJECT_META || notKinds.has(full) || m.name.includes('.')) continue;
      const kind: KindDef = { group: gv.group, version: gv.version, kind: m.name, message: full };
      const list = `${full}List`;
      if (messages[list]) kind.listMessage = list;
      kinds[`${gv.group}/${gv.version}/${m.name}`] = kind;
    }
  }

  return {
    kubernetesVersion,
    messages: sortedRecord(messages),
    kinds: sortedRecord(kinds),
    packages: sortedRecord(packages),
  };
}

const FIELD_KEYS: (keyof FieldDef)[] = [
  'name', 'number', 'type', 'repeated', 'mapKey', 'inline', 'optional', 'patchStrategy', 'patchMergeKey',
  'listType', 'listMapKeys', 'mapType', 'structType',
];

function ordered<T extends object>(obj: T, keys: (keyof T)[]): string {
  const parts: string[] = [];
  for (const k of keys) if (obj[k] !== undefined) parts.push(`${JSON.stringify(k)}: ${JSON.stringify(obj[k])}`);
  return `{${parts.join(', ')}}`;
}

/**
 * Renders the catalog as JSON with one message header and one field per line,
 * so that upstream changes make small, readable diffs.
 */
export function renderCatalog(c: Catalog): string {
  const lines: string[] = ['{', `  "kubernetesVersion": ${JSON.stringify(c.kubernetesVersion)},`, '  "packages": {'];
  const pk = Object.keys(c.packages);
  pk.forEach((k, i) => lines.push(`    ${JSON.stringify(k)}: ${ordered(c.packages[k], ['group', 'version'])}${i < pk.length - 1 ? ',' : ''}`));
  lines.push('  },', '  "kinds": {');
  const kk = Object.keys(c.kinds);
  kk.forEach((k, i) =>
    lines.push(`    ${JSON.stringify(k)}: ${ordered(c.kinds[k], ['group', 'version', 'kind', 'message', 'listMessage'])}${i < kk.length - 1 ? ',' : ''}`),
  );
  lines.push('  },', '  "messages": {');
  const mk = Object.keys(c.messages);
  mk.forEach((k, i) => {
    const m = c.messages[k];
    const head = ordered(m, ['name', 'openapiName', 'special', 'structType']).slice(0, -1);
    const sep = i < mk.length - 1 ? ',' : '';
    if (m.fields.length === 0) {
      lines.push(`    ${JSON.stringify(k)}: ${head}, "fields": []}${sep}`);
      return;
    }
    lines.push(`    ${JSON.stringify(k)}: ${head}, "fields": [`);
    m.fields.forEach((f, j) => lines.push(`      ${ordered(f, FIELD_KEYS)}${j < m.fields.length - 1 ? ',' : ''}`));
    lines.push(`    ]}${sep}`);
  });
  lines.push('  }', '}', '');
  return lines.join('\n');
}
