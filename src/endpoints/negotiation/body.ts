/**
 * Reading and decoding request bodies: size limit (413), JSON / YAML /
 * protobuf decoding with 400 errors for malformed input.
 */
import { parseAllDocuments } from 'yaml';
import type { HttpRequest } from '../../server/http.js';
import { newBadRequest, newRequestEntityTooLarge } from '../../runtime/errors.js';
import { isJsonObject, type KubeObject } from '../../runtime/object.js';
import { decodeKubeProtobuf } from '../../runtime/protobuf/decode.js';
import type { InputFormat } from './negotiate.js';

/** Reads the whole body, refusing more than `limit` bytes with 413. */
export function readBody(req: HttpRequest, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '');
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(newRequestEntityTooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(newRequestEntityTooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

/**
 * Deepest nesting accepted in a request body. Go's decoder stops at 10,000;
 * kapi's recursive object walks (validation, patches) stop earlier, so bodies
 * nested deeper than this get the same 400 instead of a stack overflow.
 * No Kubernetes object comes near it.
 */
export const maxNestingDepth = 1000;

/** Throws 400 `exceeded max depth` when a JSON text nests deeper than maxNestingDepth (scan, no recursion). */
export function checkNestingDepth(text: string, prefix = "couldn't get version/kind; json parse error"): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxNestingDepth) throw newBadRequest(`${prefix}: exceeded max depth`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** Throws 400 `exceeded max depth` when a parsed value nests deeper than maxNestingDepth (iterative). */
function checkValueDepth(value: unknown, prefix: string): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (d > maxNestingDepth) throw newBadRequest(`${prefix}: exceeded max depth`);
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
  }
}

/** Parses JSON text into a value; a syntax error becomes 400 with Kubernetes' prefix. */
export function parseJson(text: string, prefix = "couldn't get version/kind; json parse error"): unknown {
  checkNestingDepth(text, prefix);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw newBadRequest(`${prefix}: ${(err as Error).message}`);
  }
}

/** Parses one YAML document (JSON is YAML too). */
export function parseYaml(text: string): unknown {
  let docs;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false });
  } catch (err) {
    throw newBadRequest(`error converting YAML to JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const real = list.filter((d) => d.contents !== null || d.errors.length > 0);
  for (const d of real) {
    if (d.errors.length > 0) throw newBadRequest(`error converting YAML to JSON: ${d.errors[0].message.split('\n')[0]}`);
  }
  if (real.length === 0) return null;
  let value: unknown;
  try {
    value = real[0].toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw newBadRequest(`error converting YAML to JSON: ${err instanceof RangeError ? 'exceeded max depth' : (err as Error).message}`);
  }
  checkValueDepth(value, 'error converting YAML to JSON');
  // YAML values with no JSON form (`!!binary` bytes, maps with non-string keys…)
  // become what a YAML-to-JSON conversion makes of them.
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v instanceof Map ? Object.fromEntries(v) : v)) ?? 'null');
}

/** Decodes a request body into an object of the given input format. */
export function decodeObject(body: Buffer, format: InputFormat): KubeObject {
  if (body.length === 0) throw newBadRequest('the body of the request was empty');
  let value: unknown;
  if (format === 'protobuf') {
    value = decodeKubeProtobuf(body);
    checkValueDepth(value, 'unable to decode protobuf body');
  } else {
    const text = body.toString('utf8');
    value = format === 'json' ? parseJson(text) : parseYaml(text);
  }
  if (!isJsonObject(value)) {
    throw newBadRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${describeJsonType(value)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  }
  return value as KubeObject;
}

function describeJsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'number' ? 'number' : typeof v;
}

/** Decodes any JSON/YAML body (options objects, patches) into a value. */
export function decodeValue(body: Buffer, format: 'json' | 'yaml'): unknown {
  const text = body.toString('utf8');
  return format === 'json' ? parseJson(text, 'error decoding body') : parseYaml(text);
}

