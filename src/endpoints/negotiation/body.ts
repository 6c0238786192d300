/**
 * Reading and decoding request bodies: size limit (413), JSON / YAML /
 * protobuf decoding with 400 errors for malformed input.
 */
import { parseAllDocuments } from 'yaml';
import type { HttpRequest } from '../../server/http.js';
import { newBadRequest, newRequestEntityTooLarge, StatusError } from '../../runtime/errors.js';
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

/** Parses JSON text into a value; a syntax error becomes 400 with Kubernetes' prefix. */
export function parseJson(text: string, prefix = "couldn't get version/kind; json parse error"): unknown {
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
  return real[0].toJS({ maxAliasCount: 100 });
}

/** Decodes a request body into an object of the given input format. */
export function decodeObject(body: Buffer, format: InputFormat): KubeObject {
  if (body.length === 0) throw newBadRequest('the body of the request was empty');
  let value: unknown;
  if (format === 'protobuf') {
    value = decodeKubeProtobuf(body);
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

export { StatusError };
