/**
 * Decode-time checks of a JSON object against its built-in type, as
 * Kubernetes' JSON decoder (sigs.k8s.io/json, a fork of encoding/json) makes
 * them:
 *
 * - findUnknownFields: the fields a strict decode reports as
 *   `unknown field "<path>"` — path segments joined by `.`, list indexes as
 *   `[i]`, map keys as `.key`. Free-form values (RawExtension, FieldsV1,
 *   apiextensions JSON and the JSONSchemaPropsOr* unions, which decode
 *   themselves without strictness) are not descended into.
 * - findTypeErrors: values of the wrong JSON type, with encoding/json's text
 *   `json: cannot unmarshal <value> into Go struct field <Struct>.<path> of type <type>`,
 *   where <path> lists the struct field names from the root (no indexes or map
 *   keys) and <Struct> is the Go type holding the field. Errors from types with
 *   their own UnmarshalJSON (Quantity, Duration, base64 bytes) use those texts.
 */

import { getCatalog, jsonFields, messageDef } from './catalog.js';
import type { FieldDef, MessageDef } from './types.js';

const MAX_ERRORS = 100;

const SCALARS = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'double', 'float']);

/** metav1 and core types that embed TypeMeta although they are not catalogued kinds. */
const TYPE_META_MESSAGES = new Set([
  'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  'k8s.io.apimachinery.pkg.apis.meta.v1.CreateOptions',
  'k8s.io.apimachinery.pkg.apis.meta.v1.UpdateOptions',
  'k8s.io.apimachinery.pkg.apis.meta.v1.PatchOptions',
  'k8s.io.apimachinery.pkg.apis.meta.v1.GetOptions',
  'k8s.io.apimachinery.pkg.apis.meta.v1.ListOptions',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Status',
  'k8s.io.apimachinery.pkg.apis.meta.v1.List',
  'k8s.io.apimachinery.pkg.apis.meta.v1.APIGroup',
  'k8s.io.apimachinery.pkg.apis.meta.v1.APIGroupList',
  'k8s.io.apimachinery.pkg.apis.meta.v1.APIResourceList',
  'k8s.io.apimachinery.pkg.apis.meta.v1.APIVersions',
  'k8s.io.api.core.v1.List',
]);

let typeMetaMessages: Set<string> | undefined;

/** True when the Go type of this message embeds TypeMeta (so `apiVersion`/`kind` are known fields). */
function acceptsTypeMeta(messageName: string): boolean {
  if (!typeMetaMessages) {
    typeMetaMessages = new Set(TYPE_META_MESSAGES);
    for (const k of Object.values(getCatalog().kinds)) {
      typeMetaMessages.add(k.message);
      if (k.listMessage) typeMetaMessages.add(k.listMessage);
    }
  }
  return typeMetaMessages.has(messageName);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function joinKey(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * The unknown fields of `obj` (the JSON form of message `messageName`), as the
 * paths Kubernetes' strict decoder reports (`spec.template.spec.containers[0].imagee`).
 * Top-level `apiVersion`/`kind` are known. At most 100, without duplicates.
 */
export function findUnknownFields(obj: unknown, messageName: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const report = (p: string): void => {
    if (out.length < MAX_ERRORS && !seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  };
  const walk = (value: unknown, msg: string, path: string, top: boolean): void => {
    const def = messageDef(msg);
    if (!def || def.special || !isObject(value)) return;
    const fields = jsonFields(msg);
    const typeMeta = top || acceptsTypeMeta(msg);
    for (const key of Object.keys(value)) {
      const f = fields.get(key);
      const p = joinKey(path, key);
      if (!f) {
        if (!(typeMeta && (key === 'apiVersion' || key === 'kind'))) report(p);
        continue;
      }
      if (SCALARS.has(f.type)) continue;
      const v = value[key];
      if (f.mapKey !== undefined) {
        if (isObject(v)) for (const k of Object.keys(v)) walk(v[k], f.type, joinKey(p, k), false);
      } else if (f.repeated) {
        if (Array.isArray(v)) v.forEach((item, i) => walk(item, f.type, `${p}[${i}]`, false));
      } else {
        walk(v, f.type, p, false);
      }
    }
  };
  walk(obj, messageName, '', true);
  return out;
}

/**
 * Removes the unknown fields of `obj` in place, as decoding into Kubernetes'
 * typed structs drops them (fieldValidation Warn and Ignore store only known
 * fields). Free-form values (RawExtension, FieldsV1, JSON, maps of strings)
 * are kept as they are.
 */
export function pruneUnknownFields(obj: unknown, messageName: string): void {
  const walk = (value: unknown, msg: string, top: boolean): void => {
    const def = messageDef(msg);
    if (!def || def.special || !isObject(value)) return;
    const fields = jsonFields(msg);
    const typeMeta = top || acceptsTypeMeta(msg);
    for (const key of Object.keys(value)) {
      const f = fields.get(key);
      if (!f) {
        if (!(typeMeta && (key === 'apiVersion' || key === 'kind'))) delete value[key];
        continue;
      }
      if (SCALARS.has(f.type)) continue;
      const v = value[key];
      if (f.mapKey !== undefined) {
        if (isObject(v)) for (const k of Object.keys(v)) walk(v[k], f.type, false);
      } else if (f.repeated) {
        if (Array.isArray(v)) for (const item of v) walk(item, f.type, false);
      } else {
        walk(v, f.type, false);
      }
    }
  };
  walk(obj, messageName, true);
}

// ---------------------------------------------------------------------------
// Type errors

const GO_SCALAR: Record<string, string> = {
  string: 'string', bytes: '[]uint8', bool: 'bool',
  int32: 'int32', sint32: 'int32', sfixed32: 'int32', int64: 'int64', sint64: 'int64', sfixed64: 'int64',
  uint32: 'uint32', fixed32: 'uint32', uint64: 'uint64', fixed64: 'uint64',
  double: 'float64', float: 'float32',
};

/** The Go type name of a message (`v1.PodSpec`, `resource.Quantity`, `intstr.IntOrString`). */
function goMessageType(def: MessageDef): string {
  const parts = def.openapiName.split('.');
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}

function goType(type: string): string {
  const scalar = GO_SCALAR[type];
  if (scalar) return scalar;
  const def = messageDef(type);
  return def ? goMessageType(def) : type;
}

function goFieldType(f: FieldDef): string {
  const t = goType(f.type);
  if (f.mapKey !== undefined) return `map[${GO_SCALAR[f.mapKey] ?? f.mapKey}]${t}`;
  return f.repeated ? `[]${t}` : t;
}

/** encoding/json's description of a JSON value that does not fit. */
function describe(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return 'number';
}

const INT_RANGES: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-9223372036854775808, 9223372036854775807],
  uint64: [0, 18446744073709551615],
};

const QUANTITY_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_SUFFIXES = new Set(['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E']);

/** resource.ParseQuantity's error for text that is not a quantity, or undefined when it parses. */
export function quantityError(text: string): string | undefined {
  const s = text.trim();
  const m = QUANTITY_RE.exec(s);
  if (s === '' || !m) return "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(m[1])) return 'unable to parse numeric part of quantity';
  const suffix = m[2];
  if (!QUANTITY_SUFFIXES.has(suffix) && !/^[eE][-+]?\d+$/.test(suffix)) return "unable to parse quantity's suffix";
  return undefined;
}

/** Go's base64.StdEncoding error for text that is not standard base64, or undefined. */
function base64Error(text: string): string | undefined {
  const s = text.replace(/[\r\n]/g, '');
  const bad = /[^A-Za-z0-9+/=]/.exec(s);
  if (bad) return `illegal base64 data at input byte ${bad.index}`;
  const pad = s.indexOf('=');
  if (pad >= 0 && (!/^=+$/.test(s.slice(pad)) || s.length - pad > 2 || s.length % 4 !== 0)) return `illegal base64 data at input byte ${pad}`;
  if (s.length % 4 !== 0) return `illegal base64 data at input byte ${s.length - (s.length % 4)}`;
  return undefined;
}

/**
 * The decode errors of `obj` against message `messageName`: values of the
 * wrong JSON type, in document order, with Kubernetes' texts (the first one is
 * what the API server reports). At most 100.
 */
export function findTypeErrors(obj: unknown, messageName: string): string[] {
  const out: string[] = [];
  const typeError = (value: string, struct: string, stack: string[], type: string): void => {
    if (out.length < MAX_ERRORS) out.push(`json: cannot unmarshal ${value} into Go struct field ${struct}.${stack.join('.')} of type ${type}`);
  };
  const other = (msg: string): void => {
    if (out.length < MAX_ERRORS) out.push(msg);
  };

  const checkScalar = (v: unknown, type: string, struct: string, stack: string[]): void => {
    const go = GO_SCALAR[type];
    switch (type) {
      case 'string':
        if (typeof v !== 'string') typeError(describe(v), struct, stack, go);
        return;
      case 'bytes':
        if (typeof v !== 'string') typeError(describe(v), struct, stack, go);
        else {
          const e = base64Error(v);
          if (e) other(e);
        }
        return;
      case 'bool':
        if (typeof v !== 'boolean') typeError(describe(v), struct, stack, go);
        return;
      case 'double':
      case 'float':
        if (typeof v !== 'number') typeError(describe(v), struct, stack, go);
        return;
      default: {
        if (typeof v !== 'number') {
          typeError(describe(v), struct, stack, go);
          return;
        }
        const [lo, hi] = INT_RANGES[go] ?? INT_RANGES.int64;
        if (!Number.isInteger(v) || v < lo || v > hi) typeError(`number ${String(v)}`, struct, stack, go);
      }
    }
  };

  const checkValue = (v: unknown, type: string, struct: string, stack: string[]): void => {
    if (v === null || v === undefined) return;
    if (SCALARS.has(type)) {
      checkScalar(v, type, struct, stack);
      return;
    }
    const def = messageDef(type);
    if (!def) return;
    switch (def.special) {
      case undefined:
        if (!isObject(v)) typeError(describe(v), struct, stack, goMessageType(def));
        else checkMessage(v, def, stack);
        return;
      case 'Time':
      case 'MicroTime':
      case 'Duration':
        if (typeof v !== 'string') typeError(describe(v), struct, stack, 'string');
        else if (def.special === 'Duration' && !/^[-+]?(0|((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/.test(v)) other(`time: invalid duration ${JSON.stringify(v)}`);
        else if (def.special !== 'Duration' && !/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v)) {
          other(`parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(v)} as "2006"`);
        }
        return;
      case 'Quantity': {
        const text = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
        const e = quantityError(text);
        if (e) other(e);
        return;
      }
      case 'IntOrString':
        if (typeof v === 'string') return;
        if (typeof v !== 'number') typeError(describe(v), struct, stack, 'int32');
        else if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) typeError(`number ${String(v)}`, struct, stack, 'int32');
        return;
      case 'StringList':
        if (!Array.isArray(v)) typeError(describe(v), struct, stack, goMessageType(def));
        else for (const s of v) if (s !== null && typeof s !== 'string') typeError(describe(s), struct, stack, 'string');
        return;
      case 'JSONSchemaPropsOrBool':
        if (typeof v !== 'boolean' && !isObject(v)) other('boolean or JSON schema expected');
        else if (isObject(v)) checkValue(v, def.fields[1].type, struct, stack);
        return;
      case 'JSONSchemaPropsOrArray':
        if (isObject(v)) checkValue(v, def.fields[0].type, struct, stack);
        else if (Array.isArray(v)) for (const s of v) checkValue(s, def.fields[0].type, struct, stack);
        return;
      case 'JSONSchemaPropsOrStringArray':
        if (isObject(v)) checkValue(v, def.fields[0].type, struct, stack);
        else if (Array.isArray(v)) for (const s of v) if (s !== null && typeof s !== 'string') typeError(describe(s), struct, stack, 'string');
        return;
      default:
        // RawExtension, FieldsV1, JSON: any JSON value.
        return;
    }
  };

  const checkField = (v: unknown, f: FieldDef, struct: string, stack: string[]): void => {
    if (v === null || v === undefined) return;
    if (f.mapKey !== undefined) {
      if (!isObject(v)) typeError(describe(v), struct, stack, goFieldType(f));
      else for (const k of Object.keys(v)) checkValue(v[k], f.type, struct, stack);
      return;
    }
    if (f.repeated) {
      if (!Array.isArray(v)) {
        // A base64 string is how Go reads a []byte; other repeated fields need an array.
        typeError(describe(v), struct, stack, goFieldType(f));
      } else for (const item of v) checkValue(item, f.type, struct, stack);
      return;
    }
    checkValue(v, f.type, struct, stack);
  };

  const checkMessage = (value: Record<string, unknown>, def: MessageDef, stack: string[]): void => {
    const fields = jsonFields(def.name);
    const struct = def.name.slice(def.name.lastIndexOf('.') + 1);
    for (const key of Object.keys(value)) {
      const f = fields.get(key);
      if (f) checkField(value[key], f, struct, [...stack, key]);
    }
  };

  const def = messageDef(messageName);
  if (!def) return out;
  if (def.special) checkValue(obj, messageName, '', []);
  else if (isObject(obj)) checkMessage(obj, def, []);
  return out;
}
