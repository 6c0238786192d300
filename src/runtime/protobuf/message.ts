/**
 * Converts between Kubernetes protobuf messages and their JSON form, driven
 * by the type catalog: field numbers and types from catalog/types.json, the
 * special messages (Time, Quantity, IntOrString, RawExtension...) mapped to
 * their JSON forms, inline fields flattened into the parent object.
 */

import { messageDef } from '../catalog/catalog.js';
import type { FieldDef, MessageDef } from '../catalog/types.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../object.js';
import { formatDuration, formatRFC3339, parseDuration, parseRFC3339 } from './special.js';
import { ProtoReader, ProtoWriter, WireError, WireType } from './wire.js';
import { keepsZero } from './zero.js';

/** Magic prefix of Kubernetes' protobuf envelope. */
export const KUBE_PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Hooks for values that are themselves enveloped objects (RawExtension holding `k8s\0...`). */
export interface NestedCodec {
  decodeEnvelope(bytes: Uint8Array): JsonObject;
  encodeEnvelope(value: JsonObject): Buffer | undefined;
}

let nested: NestedCodec | undefined;

/** Registers the envelope codec used for RawExtensions that hold protobuf objects. */
export function setNestedCodec(c: NestedCodec): void {
  nested = c;
}

const VARINT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool']);
const FIXED64_TYPES = new Set(['fixed64', 'sfixed64', 'double']);
const FIXED32_TYPES = new Set(['fixed32', 'sfixed32', 'float']);
const SCALAR_TYPES = new Set([...VARINT_TYPES, ...FIXED64_TYPES, ...FIXED32_TYPES, 'string', 'bytes']);

function wireTypeOf(type: string): number {
  if (VARINT_TYPES.has(type)) return WireType.Varint;
  if (FIXED64_TYPES.has(type)) return WireType.Fixed64;
  if (FIXED32_TYPES.has(type)) return WireType.Fixed32;
  return WireType.LengthDelimited;
}

function requireMessage(name: string): MessageDef {
  const def = messageDef(name);
  if (!def) throw new WireError(`unknown message type ${name}`);
  return def;
}

function readScalar(r: ProtoReader, type: string): JsonValue {
  switch (type) {
    case 'string':
      return r.string();
    case 'bytes':
      return Buffer.from(r.bytes()).toString('base64');
    case 'bool':
      return r.bool();
    case 'int32':
      return r.int32();
    case 'uint32':
      return r.uint32();
    case 'int64':
      return r.int64();
    case 'uint64':
      return r.uint64();
    case 'sint32':
      return r.sint32();
    case 'sint64':
      return r.sint64();
    case 'fixed32':
      return r.fixed32();
    case 'sfixed32':
      return r.sfixed32();
    case 'fixed64':
      return r.fixed64();
    case 'sfixed64':
      return r.sfixed64();
    case 'float':
      return r.float();
    case 'double':
      return r.double();
    default:
      throw new WireError(`unsupported scalar type ${type}`);
  }
}

function isZeroScalar(v: JsonValue): boolean {
  return v === '' || v === 0 || v === false;
}

/** Parses raw JSON bytes (RawExtension, FieldsV1, apiextensions JSON); a nested envelope is decoded as an object. */
function rawToJson(bytes: Uint8Array, what: string): JsonValue | undefined {
  if (bytes.length === 0) return undefined;
  if (bytes.length >= 4 && Buffer.from(bytes.subarray(0, 4)).equals(KUBE_PROTOBUF_MAGIC)) {
    if (!nested) throw new WireError(`${what} holds a protobuf object but no envelope codec is registered`);
    return nested.decodeEnvelope(bytes);
  }
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as JsonValue;
  } catch (err) {
    throw new WireError(`${what} does not hold valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Collects a message's fields by number (fields of a special message are read positionally). */
function fieldsByNumber(def: MessageDef): Map<number, FieldDef> {
  let m = byNumberCache.get(def.name);
  if (!m) {
    m = new Map(def.fields.map((f) => [f.number, f]));
    byNumberCache.set(def.name, m);
  }
  return m;
}
const byNumberCache = new Map<string, Map<number, FieldDef>>();

/** Reads the raw field values of a message: number → list of decoded values (scalars) or byte ranges (messages). */
type RawFields = Map<number, unknown[]>;

function readRawFields(def: MessageDef, r: ProtoReader): RawFields {
  const out: RawFields = new Map();
  const byNum = fieldsByNumber(def);
  while (!r.done()) {
    const { field, wireType } = r.tag();
    const f = byNum.get(field);
    if (!f) {
      r.skip(wireType, field);
      continue;
    }
    const list = out.get(field) ?? [];
    out.set(field, list);
    if (f.mapKey !== undefined) {
      if (wireType !== WireType.LengthDelimited) throw wrongWire(def, f, wireType);
      list.push(r.bytes());
      continue;
    }
    const expected = wireTypeOf(f.type);
    if (SCALAR_TYPES.has(f.type)) {
      // bytes stay raw here (special messages read them as JSON); decodeFields base64-encodes them.
      if (wireType === expected) list.push(f.type === 'bytes' ? r.bytes() : readScalar(r, f.type));
      else if (f.repeated && wireType === WireType.LengthDelimited && expected !== WireType.LengthDelimited) {
        const [s, e] = r.lengthDelimited();
        const packed = new ProtoReader(r.buf, s, e);
        while (!packed.done()) list.push(readScalar(packed, f.type));
      } else throw wrongWire(def, f, wireType);
      continue;
    }
    if (wireType !== WireType.LengthDelimited) throw wrongWire(def, f, wireType);
    list.push(r.bytes());
  }
  return out;
}

function wrongWire(def: MessageDef, f: FieldDef, wireType: number): WireError {
  return new WireError(`wrong wire type ${wireType} for field ${def.name.slice(def.name.lastIndexOf('.') + 1)}.${f.name} (number ${f.number})`);
}

function last<T>(list: T[] | undefined): T | undefined {
  return list && list.length > 0 ? list[list.length - 1] : undefined;
}

/**
 * Decodes the JSON form of a special message from its bytes; undefined means
 * "absent in JSON" (a zero Time, an empty RawExtension).
 */
function decodeSpecial(def: MessageDef, bytes: Uint8Array): JsonValue | undefined {
  const raw = readRawFields(def, new ProtoReader(bytes));
  const num = (n: number): number => (last(raw.get(n)) as number | undefined) ?? 0;
  switch (def.special) {
    case 'Time':
    case 'MicroTime':
      if (bytes.length === 0) return undefined;
      return formatRFC3339(num(1), num(2), def.special === 'Time' ? 0 : 6);
    case 'Duration':
      return formatDuration(num(1));
    case 'Quantity':
      return (last(raw.get(1)) as string | undefined) ?? '0';
    case 'IntOrString':
      return num(1) === 1 ? ((last(raw.get(3)) as string | undefined) ?? '') : num(2);
    case 'RawExtension':
    case 'FieldsV1':
    case 'JSON': {
      const b = last(raw.get(1)) as Uint8Array | undefined;
      return b ? rawToJson(b, def.special) : undefined;
    }
    case 'StringList':
      return (raw.get(1) ?? []) as string[];
    case 'JSONSchemaPropsOrArray': {
      const many = (raw.get(2) ?? []) as Uint8Array[];
      if (many.length > 0) return many.map((b) => decodeFields(requireMessage(def.fields[1].type), b));
      const one = last(raw.get(1)) as Uint8Array | undefined;
      return one ? decodeFields(requireMessage(def.fields[0].type), one) : null;
    }
    case 'JSONSchemaPropsOrBool': {
      const schema = last(raw.get(2)) as Uint8Array | undefined;
      if (schema) return decodeFields(requireMessage(def.fields[1].type), schema);
      return Boolean(last(raw.get(1)));
    }
    case 'JSONSchemaPropsOrStringArray': {
      const prop = (raw.get(2) ?? []) as string[];
      if (prop.length > 0) return prop;
      const schema = last(raw.get(1)) as Uint8Array | undefined;
      return schema ? decodeFields(requireMessage(def.fields[0].type), schema) : null;
    }
    default:
      throw new WireError(`unsupported special message ${def.name}`);
  }
}

/** Decodes one value of a field's type from its wire form (scalar already read, or message bytes). */
function decodeValue(type: string, v: unknown): JsonValue | undefined {
  if (type === 'bytes' && v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (SCALAR_TYPES.has(type)) return v as JsonValue;
  const def = requireMessage(type);
  if (def.special) return decodeSpecial(def, v as Uint8Array);
  return decodeFields(def, v as Uint8Array);
}

function zeroOf(type: string): JsonValue | undefined {
  switch (type) {
    case 'string':
    case 'bytes':
      return '';
    case 'bool':
      return false;
    default:
      return SCALAR_TYPES.has(type) ? 0 : decodeValue(type, new Uint8Array(0));
  }
}

/** Decodes a map entry message (1 = key, 2 = value). */
function decodeMapEntry(f: FieldDef, bytes: Uint8Array): [string, JsonValue | undefined] {
  const r = new ProtoReader(bytes);
  let key: JsonValue = zeroOf(f.mapKey as string) ?? '';
  let value: unknown;
  let haveValue = false;
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1) {
      if (wireType !== wireTypeOf(f.mapKey as string)) throw new WireError(`wrong wire type ${wireType} for map key of ${f.name}`);
      key = readScalar(r, f.mapKey as string);
    } else if (field === 2) {
      if (wireType !== wireTypeOf(f.type)) throw new WireError(`wrong wire type ${wireType} for map value of ${f.name}`);
      value = SCALAR_TYPES.has(f.type) ? readScalar(r, f.type) : r.bytes();
      haveValue = true;
    } else r.skip(wireType, field);
  }
  const v = haveValue ? decodeValue(f.type, value) : zeroOf(f.type);
  return [String(key), v];
}

/** Decodes a (non-special) message's bytes into its JSON object, flattening inline fields. */
function decodeFields(def: MessageDef, bytes: Uint8Array): JsonObject {
  const raw = readRawFields(def, new ProtoReader(bytes));
  const out: JsonObject = {};
  for (const f of def.fields) {
    const values = raw.get(f.number);
    if (!values || values.length === 0) continue;
    if (f.inline) {
      // Go merges repeated occurrences of an embedded message; the last one of each inner field wins.
      for (const b of values) Object.assign(out, decodeFields(requireMessage(f.type), b as Uint8Array));
      continue;
    }
    if (f.mapKey !== undefined) {
      const obj: JsonObject = {};
      for (const b of values) {
        const [k, v] = decodeMapEntry(f, b as Uint8Array);
        obj[k] = v === undefined ? null : v;
      }
      out[f.name] = obj;
      continue;
    }
    if (f.repeated) {
      out[f.name] = values.map((v) => {
        const d = decodeValue(f.type, v);
        return d === undefined ? null : d;
      });
      continue;
    }
    let v: JsonValue | undefined;
    if (SCALAR_TYPES.has(f.type)) {
      v = decodeValue(f.type, values[values.length - 1]);
    } else {
      const sub = requireMessage(f.type);
      // A message field given more than once is merged by protobuf; concatenating the bytes does exactly that.
      const bytesOf = values.length === 1 ? (values[0] as Uint8Array) : Buffer.concat(values as Uint8Array[]);
      v = sub.special ? decodeSpecial(sub, bytesOf) : decodeFields(sub, bytesOf);
    }
    if (v === undefined) continue;
    if (SCALAR_TYPES.has(f.type) && isZeroScalar(v) && !keepsZero(def.name, f.name)) continue;
    if (v === 0 && f.type === 'k8s.io.apimachinery.pkg.util.intstr.IntOrString' && !keepsZero(def.name, f.name)) continue;
    out[f.name] = v;
  }
  return out;
}

/** Decodes the protobuf bytes of a message (no envelope) into its JSON form. Throws WireError on malformed input. */
export function decodeMessage(messageName: string, bytes: Uint8Array): JsonValue {
  const def = requireMessage(messageName);
  return def.special ? (decodeSpecial(def, bytes) ?? null) : decodeFields(def, bytes);
}

// ---------------------------------------------------------------------------
// Encoding

/** A JSON value that cannot be written as the field's protobuf type. */
export class EncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncodeError';
  }
}

function typeError(path: string, type: string, v: unknown): EncodeError {
  return new EncodeError(`${path}: cannot encode ${JSON.stringify(v)} as ${type}`);
}

function writeScalar(w: ProtoWriter, type: string, v: unknown, path: string): void {
  switch (type) {
    case 'string':
      if (typeof v !== 'string') throw typeError(path, type, v);
      w.string(v);
      return;
    case 'bytes':
      if (typeof v !== 'string') throw typeError(path, type, v);
      w.bytes(Buffer.from(v, 'base64'));
      return;
    case 'bool':
      if (typeof v !== 'boolean') throw typeError(path, type, v);
      w.bool(v);
      return;
  }
  if (typeof v !== 'number') throw typeError(path, type, v);
  switch (type) {
    case 'int32':
    case 'int64':
    case 'uint32':
    case 'uint64':
      w.int(v);
      return;
    case 'sint32':
    case 'sint64':
      w.sint(v);
      return;
    case 'fixed32':
    case 'sfixed32':
      w.fixed32(v);
      return;
    case 'fixed64':
    case 'sfixed64':
      w.fixed64(v);
      return;
    case 'float':
      w.float(v);
      return;
    case 'double':
      w.double(v);
      return;
    default:
      throw typeError(path, type, v);
  }
}

function jsonBytes(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v), 'utf8');
}

/** Encodes a special message's JSON form into its protobuf bytes. */
function encodeSpecial(def: MessageDef, v: unknown, path: string): Buffer | undefined {
  const w = new ProtoWriter();
  switch (def.special) {
    case 'Time':
    case 'MicroTime': {
      if (v === null || v === undefined || v === '') return Buffer.alloc(0);
      if (typeof v !== 'string') throw typeError(path, def.special, v);
      const t = parseRFC3339(v);
      if (!t) throw typeError(path, def.special, v);
      w.tag(1, WireType.Varint).int(t.seconds).tag(2, WireType.Varint).int(def.special === 'Time' ? 0 : Math.floor(t.nanos / 1000) * 1000);
      return w.finish();
    }
    case 'Duration': {
      const ns = typeof v === 'string' ? parseDuration(v) : undefined;
      if (ns === undefined) throw typeError(path, 'Duration', v);
      w.tag(1, WireType.Varint).int(ns);
      return w.finish();
    }
    case 'Quantity':
      if (typeof v === 'number') v = String(v);
      if (typeof v !== 'string') throw typeError(path, 'Quantity', v);
      w.tag(1, WireType.LengthDelimited).string(v);
      return w.finish();
    case 'IntOrString':
      if (typeof v === 'number') w.tag(1, WireType.Varint).int(0).tag(2, WireType.Varint).int(v).tag(3, WireType.LengthDelimited).string('');
      else if (typeof v === 'string') w.tag(1, WireType.Varint).int(1).tag(2, WireType.Varint).int(0).tag(3, WireType.LengthDelimited).string(v);
      else throw typeError(path, 'IntOrString', v);
      return w.finish();
    case 'RawExtension':
    case 'FieldsV1':
    case 'JSON': {
      if (v === undefined) return undefined;
      w.tag(1, WireType.LengthDelimited).bytes(jsonBytes(v));
      return w.finish();
    }
    case 'StringList':
      if (!Array.isArray(v)) throw typeError(path, 'string array', v);
      for (const s of v) writeScalar(w.tag(1, WireType.LengthDelimited), 'string', s, path);
      return w.finish();
    case 'JSONSchemaPropsOrArray': {
      const schema = def.fields[0].type;
      if (Array.isArray(v)) v.forEach((s, i) => w.tag(2, WireType.LengthDelimited).bytes(encodeFields(requireMessage(schema), s, `${path}[${i}]`)));
      else if (isJsonObject(v)) w.tag(1, WireType.LengthDelimited).bytes(encodeFields(requireMessage(schema), v, path));
      else if (v !== null) throw typeError(path, 'schema or schema array', v);
      return w.finish();
    }
    case 'JSONSchemaPropsOrBool': {
      if (typeof v === 'boolean') w.tag(1, WireType.Varint).bool(v);
      else if (isJsonObject(v)) w.tag(1, WireType.Varint).bool(true).tag(2, WireType.LengthDelimited).bytes(encodeFields(requireMessage(def.fields[1].type), v, path));
      else throw typeError(path, 'schema or boolean', v);
      return w.finish();
    }
    case 'JSONSchemaPropsOrStringArray': {
      if (Array.isArray(v)) for (const s of v) writeScalar(w.tag(2, WireType.LengthDelimited), 'string', s, path);
      else if (isJsonObject(v)) w.tag(1, WireType.LengthDelimited).bytes(encodeFields(requireMessage(def.fields[0].type), v, path));
      else if (v !== null) throw typeError(path, 'schema or string array', v);
      return w.finish();
    }
    default:
      throw new EncodeError(`unsupported special message ${def.name}`);
  }
}

/** Encodes one value of a message type (special or plain); undefined = write nothing. */
function encodeMessageValue(type: string, v: unknown, path: string, rawAsEnvelope: boolean): Buffer | undefined {
  const def = requireMessage(type);
  if (def.special === 'RawExtension' && rawAsEnvelope && isJsonObject(v) && nested) {
    const env = nested.encodeEnvelope(v);
    if (env) return new ProtoWriter().tag(1, WireType.LengthDelimited).bytes(env).finish();
  }
  if (def.special) return encodeSpecial(def, v, path);
  if (!isJsonObject(v)) throw typeError(path, 'object', v);
  return encodeFields(def, v, path, rawAsEnvelope);
}

function writeField(w: ProtoWriter, f: FieldDef, v: unknown, path: string, rawAsEnvelope: boolean): void {
  if (SCALAR_TYPES.has(f.type)) {
    w.tag(f.number, wireTypeOf(f.type));
    writeScalar(w, f.type, v, path);
    return;
  }
  const b = encodeMessageValue(f.type, v, path, rawAsEnvelope);
  if (b !== undefined) w.tag(f.number, WireType.LengthDelimited).bytes(b);
}

/** Encodes a plain message's JSON object (inline fields read from the same object). */
function encodeFields(def: MessageDef, obj: JsonObject, path: string, rawAsEnvelope = false): Buffer {
  const w = new ProtoWriter();
  for (const f of def.fields) {
    if (f.inline) {
      const inner = encodeFields(requireMessage(f.type), obj, path, rawAsEnvelope);
      if (inner.length > 0) w.tag(f.number, WireType.LengthDelimited).bytes(inner);
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(obj, f.name)) continue;
    const v = obj[f.name];
    const p = path === '' ? f.name : `${path}.${f.name}`;
    if (v === null || v === undefined) continue;
    if (f.mapKey !== undefined) {
      if (!isJsonObject(v)) throw typeError(p, 'object', v);
      for (const k of Object.keys(v)) {
        const entry = new ProtoWriter();
        writeScalar(entry.tag(1, wireTypeOf(f.mapKey)), f.mapKey, f.mapKey === 'string' ? k : Number(k), p);
        const val = v[k];
        if (val !== null && val !== undefined) writeField(entry, { ...f, number: 2, mapKey: undefined, repeated: undefined }, val, `${p}[${k}]`, rawAsEnvelope);
        w.tag(f.number, WireType.LengthDelimited).bytes(entry.finish());
      }
      continue;
    }
    if (f.repeated) {
      if (!Array.isArray(v)) throw typeError(p, 'array', v);
      v.forEach((item, i) => {
        if (item === null && !SCALAR_TYPES.has(f.type)) {
          w.tag(f.number, WireType.LengthDelimited).bytes(new Uint8Array(0));
          return;
        }
        writeField(w, f, item, `${p}[${i}]`, rawAsEnvelope);
      });
      continue;
    }
    writeField(w, f, v, p, rawAsEnvelope);
  }
  return w.finish();
}

/**
 * Encodes the JSON form of a message into protobuf bytes (no envelope).
 * `rawExtensionsAsEnvelopes`: write RawExtension values that are typed objects
 * as nested `k8s\0` envelopes (as in protobuf watch events) instead of JSON.
 * Throws EncodeError when a value has the wrong JSON type.
 */
export function encodeMessage(messageName: string, value: unknown, rawExtensionsAsEnvelopes = false): Buffer {
  const def = requireMessage(messageName);
  if (def.special) return encodeSpecial(def, value, '') ?? Buffer.alloc(0);
  if (!isJsonObject(value)) throw typeError('', 'object', value);
  return encodeFields(def, value, '', rawExtensionsAsEnvelopes);
}
