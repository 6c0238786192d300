/**
 * Encodes a Swagger 2.0 document (as JSON values) into gnostic's
 * `openapi.v2.Document` protobuf message — the form served at `/openapi/v2`
 * for `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`, which
 * kubectl 1.27/1.28 read for `explain`, client-side apply and the
 * server-side field validation check.
 *
 * gnostic turns JSON maps into lists of named pairs (NamedSchema,
 * NamedPathItem, ...), JSON unions into oneof messages (ParametersItem,
 * SchemaItem, AdditionalPropertiesItem) and every `x-` vendor extension
 * into `NamedAny{name, Any{yaml}}` whose yaml is the block-style YAML text of
 * the extension value. Field numbers come from gnostic's OpenAPIv2.proto.
 */
import { stringify as toYAML } from 'yaml';
import { ProtoWriter } from './protowriter.js';

type JSONObject = Record<string, unknown>;

function isObject(v: unknown): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

function strList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

const yamlCache = new Map<string, string>();

/** The YAML text gnostic stores in `Any.yaml` for a JSON value. */
export function anyYAML(value: unknown): string {
  const key = JSON.stringify(value);
  let text = yamlCache.get(key);
  if (text === undefined) {
    text = toYAML(value);
    if (yamlCache.size < 10000) yamlCache.set(key, text);
  }
  return text;
}

/** Any { value = 1 (unused); yaml = 2 }. */
function writeAny(w: ProtoWriter, field: number, value: unknown): void {
  w.message(field, (m) => m.string(2, anyYAML(value)));
}

/** repeated NamedAny vendor_extension: every `x-` key of `obj`, in key order. */
function writeVendorExtensions(w: ProtoWriter, field: number, obj: JSONObject): void {
  for (const [k, v] of Object.entries(obj)) {
    if (!k.startsWith('x-')) continue;
    w.message(field, (m) => {
      m.string(1, k);
      writeAny(m, 2, v);
    });
  }
}

/** ExternalDocs { description = 1; url = 2; vendor_extension = 3 }. */
function writeExternalDocs(w: ProtoWriter, field: number, v: unknown): void {
  if (!isObject(v)) return;
  w.message(field, (m) => {
    m.string(1, str(v['description'])).string(2, str(v['url']));
    writeVendorExtensions(m, 3, v);
  });
}

/** Schema (fields 1–31). */
function writeSchema(w: ProtoWriter, s: JSONObject): void {
  w.string(1, str(s['$ref']))
    .string(2, str(s['format']))
    .string(3, str(s['title']))
    .string(4, str(s['description']));
  if ('default' in s) writeAny(w, 5, s['default']);
  w.double(6, num(s['multipleOf']))
    .double(7, num(s['maximum']))
    .bool(8, bool(s['exclusiveMaximum']))
    .double(9, num(s['minimum']))
    .bool(10, bool(s['exclusiveMinimum']))
    .int64(11, num(s['maxLength']))
    .int64(12, num(s['minLength']))
    .string(13, str(s['pattern']))
    .int64(14, num(s['maxItems']))
    .int64(15, num(s['minItems']))
    .bool(16, bool(s['uniqueItems']))
    .int64(17, num(s['maxProperties']))
    .int64(18, num(s['minProperties']))
    .strings(19, strList(s['required']));
  if (Array.isArray(s['enum'])) for (const e of s['enum']) writeAny(w, 20, e);
  const ap = s['additionalProperties'];
  if (typeof ap === 'boolean') {
    // AdditionalPropertiesItem { bool boolean = 2 }: a set oneof member, written even when false.
    w.message(21, (m) => m.boolAlways(2, ap));
  } else if (isObject(ap)) {
    w.message(21, (m) => m.message(1, (x) => writeSchema(x, ap)));
  }
  const type = s['type'];
  if (typeof type === 'string') w.message(22, (m) => m.strings(1, [type]));
  else if (Array.isArray(type)) w.message(22, (m) => m.strings(1, strList(type)));
  const items = s['items'];
  if (isObject(items)) w.message(23, (m) => m.message(1, (x) => writeSchema(x, items)));
  else if (Array.isArray(items)) w.message(23, (m) => { for (const it of items) if (isObject(it)) m.message(1, (x) => writeSchema(x, it)); });
  if (Array.isArray(s['allOf'])) for (const a of s['allOf']) if (isObject(a)) w.message(24, (m) => writeSchema(m, a));
  const props = s['properties'];
  if (isObject(props)) {
    w.message(25, (m) => {
      for (const [name, p] of Object.entries(props)) {
        if (!isObject(p)) continue;
        m.message(1, (np) => {
          np.string(1, name);
          np.message(2, (x) => writeSchema(x, p));
        });
      }
    });
  }
  w.string(26, str(s['discriminator'])).bool(27, bool(s['readOnly']));
  writeExternalDocs(w, 29, s['externalDocs']);
  if ('example' in s) writeAny(w, 30, s['example']);
  writeVendorExtensions(w, 31, s);
}

/** PrimitivesItems (type 1, format 2, items 3, collectionFormat 4, default 5, ...). */
function writePrimitivesItems(w: ProtoWriter, field: number, v: unknown): void {
  if (!isObject(v)) return;
  w.message(field, (m) => {
    m.string(1, str(v['type'])).string(2, str(v['format']));
    writePrimitivesItems(m, 3, v['items']);
    m.string(4, str(v['collectionFormat']));
    if ('default' in v) writeAny(m, 5, v['default']);
    if (Array.isArray(v['enum'])) for (const e of v['enum']) writeAny(m, 16, e);
    writeVendorExtensions(m, 18, v);
  });
}

/**
 * The common tail of the non-body parameter sub-schemas. Query and formData
 * number it from 6 (with allowEmptyValue at 5), header and path from 5.
 */
function writeNonBodyTail(w: ProtoWriter, p: JSONObject, first: number): void {
  let f = first;
  w.string(f++, str(p['type'])).string(f++, str(p['format']));
  writePrimitivesItems(w, f++, p['items']);
  w.string(f++, str(p['collectionFormat']));
  if ('default' in p) writeAny(w, f, p['default']);
  f++;
  w.double(f++, num(p['maximum']))
    .bool(f++, bool(p['exclusiveMaximum']))
    .double(f++, num(p['minimum']))
    .bool(f++, bool(p['exclusiveMinimum']))
    .int64(f++, num(p['maxLength']))
    .int64(f++, num(p['minLength']))
    .string(f++, str(p['pattern']))
    .int64(f++, num(p['maxItems']))
    .int64(f++, num(p['minItems']))
    .bool(f++, bool(p['uniqueItems']));
  if (Array.isArray(p['enum'])) for (const e of p['enum']) writeAny(w, f, e);
  f++;
  w.double(f++, num(p['multipleOf']));
  writeVendorExtensions(w, f, p);
}

/** ParametersItem { Parameter parameter = 1 | JsonReference json_reference = 2 }. */
function writeParametersItem(w: ProtoWriter, field: number, p: JSONObject): void {
  w.message(field, (item) => {
    if (typeof p['$ref'] === 'string') {
      item.message(2, (ref) => ref.string(1, str(p['$ref'])).string(2, str(p['description'])));
      return;
    }
    item.message(1, (param) => {
      const where = str(p['in']);
      if (where === 'body') {
        // BodyParameter { description 1, name 2, in 3, required 4, schema 5, vendor_extension 6 }
        param.message(1, (b) => {
          b.string(1, str(p['description'])).string(2, str(p['name'])).string(3, where).bool(4, bool(p['required']));
          const schema = p['schema'];
          if (isObject(schema)) b.message(5, (x) => writeSchema(x, schema));
          writeVendorExtensions(b, 6, p);
        });
        return;
      }
      // NonBodyParameter { header 1 | formData 2 | query 3 | path 4 }
      param.message(2, (nb) => {
        const sub = where === 'header' ? 1 : where === 'formData' ? 2 : where === 'path' ? 4 : 3;
        nb.message(sub, (s) => {
          s.bool(1, bool(p['required'])).string(2, where).string(3, str(p['description'])).string(4, str(p['name']));
          if (sub === 2 || sub === 3) {
            s.bool(5, bool(p['allowEmptyValue']));
            writeNonBodyTail(s, p, 6);
          } else {
            writeNonBodyTail(s, p, 5);
          }
        });
      });
    });
  });
}

/** Response { description 1, schema 2 (SchemaItem), headers 3, examples 4, vendor_extension 5 }. */
function writeResponse(w: ProtoWriter, r: JSONObject): void {
  w.string(1, str(r['description']));
  const schema = r['schema'];
  if (isObject(schema)) w.message(2, (si) => si.message(1, (x) => writeSchema(x, schema)));
  writeVendorExtensions(w, 5, r);
}

/** Responses { repeated NamedResponseValue response_code = 1; vendor_extension = 2 }. */
function writeResponses(w: ProtoWriter, field: number, rs: unknown): void {
  if (!isObject(rs)) return;
  w.message(field, (m) => {
    for (const [code, r] of Object.entries(rs)) {
      if (code.startsWith('x-') || !isObject(r)) continue;
      m.message(1, (named) => {
        named.string(1, code);
        named.message(2, (rv) => {
          if (typeof r['$ref'] === 'string') rv.message(2, (ref) => ref.string(1, str(r['$ref'])));
          else rv.message(1, (x) => writeResponse(x, r));
        });
      });
    }
    writeVendorExtensions(m, 2, rs);
  });
}

/** SecurityRequirement { repeated NamedStringArray additional_properties = 1 }. */
function writeSecurity(w: ProtoWriter, field: number, list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const req of list) {
    if (!isObject(req)) continue;
    w.message(field, (m) => {
      for (const [name, scopes] of Object.entries(req)) {
        m.message(1, (n) => {
          n.string(1, name);
          n.message(2, (sa) => sa.strings(1, strList(scopes)));
        });
      }
    });
  }
}

/** Operation (fields 1–13). */
function writeOperation(w: ProtoWriter, op: JSONObject): void {
  w.strings(1, strList(op['tags']))
    .string(2, str(op['summary']))
    .string(3, str(op['description']));
  writeExternalDocs(w, 4, op['externalDocs']);
  w.string(5, str(op['operationId'])).strings(6, strList(op['produces'])).strings(7, strList(op['consumes']));
  if (Array.isArray(op['parameters'])) for (const p of op['parameters']) if (isObject(p)) writeParametersItem(w, 8, p);
  writeResponses(w, 9, op['responses']);
  w.strings(10, strList(op['schemes'])).bool(11, bool(op['deprecated']));
  writeSecurity(w, 12, op['security']);
  writeVendorExtensions(w, 13, op);
}

const operationFields: [string, number][] = [['get', 2], ['put', 3], ['post', 4], ['delete', 5], ['options', 6], ['head', 7], ['patch', 8]];

/** PathItem (fields 1–10). */
function writePathItem(w: ProtoWriter, item: JSONObject): void {
  w.string(1, str(item['$ref']));
  for (const [method, field] of operationFields) {
    const op = item[method];
    if (isObject(op)) w.message(field, (m) => writeOperation(m, op));
  }
  if (Array.isArray(item['parameters'])) for (const p of item['parameters']) if (isObject(p)) writeParametersItem(w, 9, p);
  writeVendorExtensions(w, 10, item);
}

/** SecurityDefinitionsItem oneof; only the kinds Kubernetes uses are distinguished. */
function writeSecurityDefinitions(w: ProtoWriter, field: number, defs: unknown): void {
  if (!isObject(defs)) return;
  w.message(field, (m) => {
    for (const [name, d] of Object.entries(defs)) {
      if (!isObject(d)) continue;
      m.message(1, (n) => {
        n.string(1, name);
        n.message(2, (item) => {
          if (d['type'] === 'basic') {
            item.message(1, (b) => {
              b.string(1, 'basic').string(2, str(d['description']));
              writeVendorExtensions(b, 3, d);
            });
          } else {
            item.message(2, (k) => {
              k.string(1, str(d['type'])).string(2, str(d['name'])).string(3, str(d['in'])).string(4, str(d['description']));
              writeVendorExtensions(k, 5, d);
            });
          }
        });
      });
    }
  });
}

/** Encodes a Swagger 2.0 document into gnostic `openapi.v2.Document` bytes. */
export function encodeSwaggerDocument(doc: Record<string, unknown>): Buffer {
  const w = new ProtoWriter();
  w.string(1, str(doc['swagger']));
  const info = doc['info'];
  if (isObject(info)) {
    w.message(2, (m) => {
      m.string(1, str(info['title'])).string(2, str(info['version'])).string(3, str(info['description'])).string(4, str(info['termsOfService']));
      writeVendorExtensions(m, 7, info);
    });
  }
  w.string(3, str(doc['host'])).string(4, str(doc['basePath']))
    .strings(5, strList(doc['schemes'])).strings(6, strList(doc['consumes'])).strings(7, strList(doc['produces']));
  const paths = doc['paths'];
  if (isObject(paths)) {
    w.message(8, (m) => {
      writeVendorExtensions(m, 1, paths);
      for (const [path, item] of Object.entries(paths)) {
        if (path.startsWith('x-') || !isObject(item)) continue;
        m.message(2, (np) => {
          np.string(1, path);
          np.message(2, (x) => writePathItem(x, item));
        });
      }
    });
  }
  const defs = doc['definitions'];
  if (isObject(defs)) {
    w.message(9, (m) => {
      for (const [name, s] of Object.entries(defs)) {
        if (!isObject(s)) continue;
        m.message(1, (ns) => {
          ns.string(1, name);
          ns.message(2, (x) => writeSchema(x, s));
        });
      }
    });
  }
  writeSecurity(w, 12, doc['security']);
  writeSecurityDefinitions(w, 13, doc['securityDefinitions']);
  if (Array.isArray(doc['tags'])) {
    for (const t of doc['tags']) {
      if (!isObject(t)) continue;
      w.message(14, (m) => {
        m.string(1, str(t['name'])).string(2, str(t['description']));
        writeExternalDocs(m, 3, t['externalDocs']);
        writeVendorExtensions(m, 4, t);
      });
    }
  }
  writeExternalDocs(w, 15, doc['externalDocs']);
  writeVendorExtensions(w, 16, doc);
  return w.finish();
}
