/**
 * OpenAPI schemas of API types, generated from the type catalog: one named
 * schema per message (keyed by its OpenAPI name, `io.k8s.api.apps.v1.Deployment`),
 * inline (embedded) fields flattened into their parent, Kubernetes'
 * list/map/patch markers as `x-kubernetes-*` extensions, and the special
 * types (Time, Quantity, IntOrString, RawExtension, ...) mapped as
 * Kubernetes' own OpenAPI maps them. The same builder serves Swagger 2.0
 * (`#/definitions/`) and OpenAPI 3.0 (`#/components/schemas/`).
 */
import { getCatalog, messageDef, messageForKind } from '../../runtime/catalog/catalog.js';
import type { FieldDef, MessageDef } from '../../runtime/catalog/types.js';
import type { ResourceDefinition } from '../../registry/rest/definition.js';
import { fieldDescription, typeDescription } from './names.js';

/** Which OpenAPI dialect a schema is written for. */
export type Flavor = 'v2' | 'v3';

/** A JSON object in an OpenAPI document. */
export type JSONObject = Record<string, unknown>;

/** `x-kubernetes-group-version-kind` entry (keys in the order Kubernetes writes them). */
export interface GVK {
  group: string;
  kind: string;
  version: string;
}

const META_V1 = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** Well-known message names. */
export const messages = {
  deleteOptions: `${META_V1}.DeleteOptions`,
  status: `${META_V1}.Status`,
  patch: `${META_V1}.Patch`,
  watchEvent: `${META_V1}.WatchEvent`,
  apiResourceList: `${META_V1}.APIResourceList`,
  apiGroup: `${META_V1}.APIGroup`,
  apiGroupList: `${META_V1}.APIGroupList`,
  apiVersions: `${META_V1}.APIVersions`,
} as const;

/** metav1 types served with apiVersion/kind although they are not catalogued kinds. */
const metaTypesWithTypeMeta = new Set(
  ['Status', 'DeleteOptions', 'ListOptions', 'GetOptions', 'CreateOptions', 'PatchOptions', 'UpdateOptions', 'APIGroup', 'APIGroupList',
    'APIResourceList', 'APIVersions', 'PartialObjectMetadata', 'PartialObjectMetadataList', 'List'].map((k) => `${META_V1}.${k}`),
);

/** Discovery types whose GVK is always core v1. */
const coreV1MetaKinds = ['Status', 'APIGroup', 'APIGroupList', 'APIResourceList', 'APIVersions'];

/** The reference prefix of each flavor. */
export function refPrefix(flavor: Flavor): string {
  return flavor === 'v2' ? '#/definitions/' : '#/components/schemas/';
}

/** A synthetic definition for a served kind the catalog does not know (a custom resource). */
interface SyntheticType {
  openapiName: string;
  gvk: GVK;
  /** For list types: the message of the items. */
  itemsOf?: string;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareGVK(a: GVK, b: GVK): number {
  return cmp(a.group, b.group) || cmp(a.version, b.version) || cmp(a.kind, b.kind);
}

/** `com.example.v1.Widget` for group `example.com`: the name Kubernetes gives custom resource schemas. */
function customOpenAPIName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

/**
 * The types of the served API: resolves messages (catalogued or synthetic),
 * indexes their GVKs, and writes their schemas.
 */
export class SchemaSource {
  private readonly gvks = new Map<string, GVK[]>();
  private readonly synthetic = new Map<string, SyntheticType>();
  private readonly typeMeta = new Set<string>(metaTypesWithTypeMeta);
  private readonly servedGroupVersions = new Set<string>();

  constructor(definitions: readonly ResourceDefinition[]) {
    for (const d of definitions) this.servedGroupVersions.add(`${d.group}/${d.version}`);
    for (const d of definitions) {
      const message = this.resourceMessage(d);
      this.addGVK(message, { group: d.group, kind: d.kind, version: d.version });
      const list = this.listMessage(d);
      if (list) this.addGVK(list, { group: d.group, kind: d.listKind, version: d.version });
      for (const s of d.subresources) {
        const m = messageForKind(s.group, s.version, s.kind);
        if (m) this.addGVK(m, { group: s.group, kind: s.kind, version: s.version });
      }
    }
    for (const gv of this.servedGroupVersions) {
      const [group, version] = splitGV(gv);
      this.addGVK(messages.deleteOptions, { group, kind: 'DeleteOptions', version });
      this.addGVK(messages.watchEvent, { group, kind: 'WatchEvent', version }, false);
    }
    for (const k of coreV1MetaKinds) this.addGVK(`${META_V1}.${k}`, { group: '', kind: k, version: 'v1' });
    for (const kd of Object.values(getCatalog().kinds)) {
      if (!this.servedGroupVersions.has(`${kd.group}/${kd.version}`)) continue;
      this.typeMeta.add(kd.message);
      if (kd.listMessage) this.typeMeta.add(kd.listMessage);
      this.addGVK(kd.message, { group: kd.group, kind: kd.kind, version: kd.version });
    }
    for (const list of this.gvks.values()) list.sort(compareGVK);
  }

  private addGVK(message: string, gvk: GVK, withTypeMeta = true): void {
    let list = this.gvks.get(message);
    if (!list) this.gvks.set(message, (list = []));
    if (!list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) list.push(gvk);
    if (withTypeMeta) this.typeMeta.add(message);
  }

  /** The message (catalogued, or a synthetic name for custom resources) of a served resource's kind. */
  resourceMessage(d: ResourceDefinition): string {
    if (messageDef(d.message)) return d.message;
    const byKind = messageForKind(d.group, d.version, d.kind);
    if (byKind) return byKind;
    const name = `synthetic:${d.group}/${d.version}/${d.kind}`;
    if (!this.synthetic.has(name)) this.synthetic.set(name, { openapiName: customOpenAPIName(d.group, d.version, d.kind), gvk: { group: d.group, kind: d.kind, version: d.version } });
    return name;
  }

  /** The message of a served resource's list kind. */
  listMessage(d: ResourceDefinition): string | undefined {
    const fromCatalog = messageForKind(d.group, d.version, d.listKind);
    if (fromCatalog) return fromCatalog;
    const item = this.resourceMessage(d);
    if (!item.startsWith('synthetic:')) return undefined;
    const name = `synthetic:${d.group}/${d.version}/${d.listKind}`;
    if (!this.synthetic.has(name)) {
      this.synthetic.set(name, { openapiName: customOpenAPIName(d.group, d.version, d.listKind), gvk: { group: d.group, kind: d.listKind, version: d.version }, itemsOf: item });
    }
    return name;
  }

  /** The message of a subresource's kind, when known. */
  subresourceMessage(group: string, version: string, kind: string): string | undefined {
    return messageForKind(group, version, kind);
  }

  /** The OpenAPI definition name of a message. */
  openapiName(message: string): string {
    return this.synthetic.get(message)?.openapiName ?? messageDef(message)?.openapiName ?? message;
  }

  /** A `$ref` to a message's schema. */
  ref(message: string, flavor: Flavor): JSONObject {
    return { $ref: refPrefix(flavor) + this.openapiName(message) };
  }

  /** Every named message reachable from `roots` (the roots included), in no particular order. */
  closure(roots: Iterable<string>): Set<string> {
    const seen = new Set<string>();
    const stack = [...roots];
    while (stack.length > 0) {
      const m = stack.pop()!;
      if (seen.has(m)) continue;
      const syn = this.synthetic.get(m);
      if (syn) {
        seen.add(m);
        stack.push(`${META_V1}.ObjectMeta`, `${META_V1}.ListMeta`);
        if (syn.itemsOf) stack.push(syn.itemsOf);
        continue;
      }
      const def = messageDef(m);
      if (!def || def.special === 'StringList') continue;
      seen.add(m);
      for (const f of def.fields) if (isMessageType(f.type)) stack.push(f.type);
    }
    return seen;
  }

  /** The definitions (name → schema) of every message reachable from `roots`, sorted by name. */
  definitions(roots: Iterable<string>, flavor: Flavor): Record<string, JSONObject> {
    const entries = [...this.closure(roots)].map((m) => [this.openapiName(m), this.schema(m, flavor)] as const);
    entries.sort((a, b) => cmp(a[0], b[0]));
    return Object.fromEntries(entries);
  }

  private readonly schemaCache = new Map<string, JSONObject>();

  /** The named schema of one message (memoized; callers must not modify it). */
  schema(message: string, flavor: Flavor): JSONObject {
    const key = `${flavor}:${message}`;
    let hit = this.schemaCache.get(key);
    if (!hit) this.schemaCache.set(key, (hit = this.buildSchema(message, flavor)));
    return hit;
  }

  private buildSchema(message: string, flavor: Flavor): JSONObject {
    const syn = this.synthetic.get(message);
    if (syn) return this.syntheticSchema(syn, flavor);
    const def = messageDef(message);
    if (!def) return { type: 'object' };
    const description = typeDescription(shortName(def.name), packageLabel(def.name));
    if (def.special) return { description, ...specialSchema(def, flavor) };
    const properties: Record<string, JSONObject> = {};
    const required: string[] = [];
    const owner = shortName(def.name);
    if (this.typeMeta.has(message)) {
      properties['apiVersion'] = { description: fieldDescription('apiVersion', owner), type: 'string' };
      properties['kind'] = { description: fieldDescription('kind', owner), type: 'string' };
    }
    for (const f of flattenFields(def)) {
      properties[f.name] = this.fieldSchema(f, owner, flavor);
      if (!f.optional) required.push(f.name);
    }
    const out: JSONObject = { description, type: 'object' };
    if (Object.keys(properties).length > 0) out['properties'] = sortObject(properties);
    if (required.length > 0) out['required'] = required;
    const gvks = this.gvks.get(message);
    if (gvks) out['x-kubernetes-group-version-kind'] = gvks.map((g) => ({ ...g }));
    if (def.structType) out['x-kubernetes-map-type'] = def.structType;
    return out;
  }

  private syntheticSchema(syn: SyntheticType, flavor: Flavor): JSONObject {
    const owner = syn.gvk.kind;
    const properties: Record<string, JSONObject> = {
      apiVersion: { description: fieldDescription('apiVersion', owner), type: 'string' },
      kind: { description: fieldDescription('kind', owner), type: 'string' },
    };
    const out: JSONObject = { description: typeDescription(owner, `${syn.gvk.group}/${syn.gvk.version}`), type: 'object' };
    if (syn.itemsOf) {
      properties['items'] = { description: fieldDescription('items', owner), items: this.ref(syn.itemsOf, flavor), type: 'array' };
      properties['metadata'] = this.refProperty(`${META_V1}.ListMeta`, fieldDescription('metadata', owner), flavor);
      out['required'] = ['items'];
    } else {
      properties['metadata'] = this.refProperty(`${META_V1}.ObjectMeta`, fieldDescription('metadata', owner), flavor);
      out['x-kubernetes-preserve-unknown-fields'] = true;
    }
    out['properties'] = sortObject(properties);
    out['x-kubernetes-group-version-kind'] = [{ ...syn.gvk }];
    return out;
  }

  private refProperty(message: string, description: string, flavor: Flavor): JSONObject {
    return flavor === 'v2' ? { ...this.ref(message, flavor), description } : { allOf: [this.ref(message, flavor)], description };
  }

  /** The schema of one value of a field's type (an array item or map value for repeated/map fields). */
  private valueSchema(type: string, flavor: Flavor): JSONObject {
    const scalar = scalarSchema(type);
    if (scalar) return scalar;
    const def = messageDef(type);
    if (def?.special === 'StringList') return { items: { type: 'string' }, type: 'array' };
    return this.ref(type, flavor);
  }

  private fieldSchema(f: FieldDef, owner: string, flavor: Flavor): JSONObject {
    const description = fieldDescription(f.name, owner);
    const value = this.valueSchema(f.type, flavor);
    let out: JSONObject;
    if (f.repeated) out = { description, items: value, type: 'array' };
    else if (f.mapKey) out = { additionalProperties: value, description, type: 'object' };
    else if ('$ref' in value) out = flavor === 'v2' ? { ...value, description } : { allOf: [value], description };
    else out = { description, ...value };
    if (f.listMapKeys && f.listMapKeys.length > 0) out['x-kubernetes-list-map-keys'] = [...f.listMapKeys];
    if (f.listType) out['x-kubernetes-list-type'] = f.listType;
    const mapType = f.mapType ?? f.structType;
    if (mapType) out['x-kubernetes-map-type'] = mapType;
    if (f.patchMergeKey) out['x-kubernetes-patch-merge-key'] = f.patchMergeKey;
    if (f.patchStrategy) out['x-kubernetes-patch-strategy'] = f.patchStrategy;
    return sortObject(out);
  }
}

function splitGV(gv: string): [string, string] {
  const i = gv.lastIndexOf('/');
  return [gv.slice(0, i), gv.slice(i + 1)];
}

/** True when a field type names a message rather than a scalar. */
export function isMessageType(type: string): boolean {
  return type.includes('.');
}

/** The JSON fields of a message, inline (embedded) fields replaced by their own, recursively. */
export function flattenFields(def: MessageDef): FieldDef[] {
  const out: FieldDef[] = [];
  const seen = new Set<string>();
  const visit = (d: MessageDef): void => {
    for (const f of d.fields) {
      if (f.inline) {
        const inner = messageDef(f.type);
        if (inner) visit(inner);
      } else if (!seen.has(f.name)) {
        seen.add(f.name);
        out.push(f);
      }
    }
  };
  visit(def);
  return out;
}

/** The last segment of a full message name. */
export function shortName(message: string): string {
  return message.slice(message.lastIndexOf('.') + 1);
}

/** `apps/v1` (or `core/v1`, `meta/v1`) for a message's protobuf package. */
function packageLabel(message: string): string | undefined {
  const pkg = message.slice(0, message.lastIndexOf('.'));
  const gv = getCatalog().packages[pkg];
  if (gv) return `${gv.group === '' ? 'core' : gv.group}/${gv.version}`;
  const parts = pkg.split('.');
  return parts.length >= 2 ? `${parts.at(-2)}/${parts.at(-1)}` : undefined;
}

/** OpenAPI type/format of a protobuf scalar, or undefined for messages. */
function scalarSchema(type: string): JSONObject | undefined {
  switch (type) {
    case 'string':
      return { type: 'string' };
    case 'bytes':
      return { format: 'byte', type: 'string' };
    case 'bool':
      return { type: 'boolean' };
    case 'int32':
    case 'sint32':
    case 'sfixed32':
    case 'uint32':
    case 'fixed32':
      return { format: 'int32', type: 'integer' };
    case 'int64':
    case 'sint64':
    case 'sfixed64':
    case 'uint64':
    case 'fixed64':
      return { format: 'int64', type: 'integer' };
    case 'double':
      return { format: 'double', type: 'number' };
    case 'float':
      return { format: 'float', type: 'number' };
    default:
      return undefined;
  }
}

/** The schema of a special type, without its description. */
function specialSchema(def: MessageDef, flavor: Flavor): JSONObject {
  switch (def.special) {
    case 'Time':
    case 'MicroTime':
      return { format: 'date-time', type: 'string' };
    case 'Duration':
      return { type: 'string' };
    case 'Quantity':
      return flavor === 'v2' ? { type: 'string' } : { oneOf: [{ type: 'string' }, { type: 'number' }] };
    case 'IntOrString':
      return flavor === 'v2' ? { format: 'int-or-string', type: 'string' } : { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] };
    case 'RawExtension':
    case 'FieldsV1':
      return { type: 'object' };
    case 'StringList':
      return { items: { type: 'string' }, type: 'array' };
    default:
      // JSON and the JSONSchemaProps unions: any JSON value.
      return {};
  }
}

/** A copy of an object with its keys sorted (the order Go's encoder writes maps in). */
export function sortObject<T extends JSONObject>(obj: T): T {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]])) as T;
}
