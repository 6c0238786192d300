/**
 * Kubernetes' protobuf envelope (`application/vnd.kubernetes.protobuf`): the
 * four bytes `k8s\0`, then a runtime.Unknown message:
 *   1 typeMeta {1 apiVersion, 2 kind}, 2 raw (the object's protobuf bytes),
 *   3 contentEncoding, 4 contentType.
 */

import { messageForKind } from '../catalog/catalog.js';
import { newBadRequest, StatusError } from '../errors.js';
import { parseGroupVersion, type JsonObject, type KubeObject } from '../object.js';
import { decodeMessage, encodeMessage, EncodeError, KUBE_PROTOBUF_MAGIC, setNestedCodec } from './message.js';
import { ProtoReader, ProtoWriter, WireError, WireType } from './wire.js';

/** How deep RawExtensions may nest envelopes inside envelopes. */
const MAX_NESTING = 16;
let depth = 0;

/** The decoded envelope, before the object itself is decoded. */
export interface KubeEnvelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/** Splits an envelope into its parts. Throws WireError on malformed bytes. */
export function readEnvelope(body: Uint8Array): KubeEnvelope {
  if (body.length < 4 || !Buffer.from(body.subarray(0, 4)).equals(KUBE_PROTOBUF_MAGIC)) {
    throw new WireError(`provided data does not appear to be a protobuf message, expected prefix [${[...KUBE_PROTOBUF_MAGIC].join(' ')}]`);
  }
  const env: KubeEnvelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '', contentType: '' };
  const r = new ProtoReader(body, 4);
  const str = (wireType: number, field: number): string => {
    if (wireType !== WireType.LengthDelimited) throw new WireError(`wrong wire type ${wireType} for field ${field} of runtime.Unknown`);
    return r.string();
  };
  while (!r.done()) {
    const { field, wireType } = r.tag();
    switch (field) {
      case 1: {
        if (wireType !== WireType.LengthDelimited) throw new WireError(`wrong wire type ${wireType} for runtime.Unknown.typeMeta`);
        const [s, e] = r.lengthDelimited();
        const t = new ProtoReader(body, s, e);
        while (!t.done()) {
          const tt = t.tag();
          if ((tt.field === 1 || tt.field === 2) && tt.wireType !== WireType.LengthDelimited) {
            throw new WireError(`wrong wire type ${tt.wireType} for field ${tt.field} of runtime.TypeMeta`);
          }
          if (tt.field === 1) env.apiVersion = t.string();
          else if (tt.field === 2) env.kind = t.string();
          else t.skip(tt.wireType, tt.field);
        }
        break;
      }
      case 2:
        if (wireType !== WireType.LengthDelimited) throw new WireError(`wrong wire type ${wireType} for runtime.Unknown.raw`);
        env.raw = r.bytes();
        break;
      case 3:
        env.contentEncoding = str(wireType, field);
        break;
      case 4:
        env.contentType = str(wireType, field);
        break;
      default:
        r.skip(wireType, field);
    }
  }
  return env;
}

function decodeEnvelopeObject(body: Uint8Array): KubeObject {
  const env = readEnvelope(body);
  if (env.contentEncoding !== '') throw new WireError(`unsupported content encoding ${JSON.stringify(env.contentEncoding)}`);
  if (env.kind === '') throw new WireError("Object 'Kind' is missing in protobuf envelope");
  const { group, version } = parseGroupVersion(env.apiVersion);
  const msg = messageForKind(group, version, env.kind);
  if (!msg) throw new WireError(`no kind "${env.kind}" is registered for version "${env.apiVersion}"`);
  if (depth >= MAX_NESTING) throw new WireError('objects nested too deeply');
  depth++;
  let obj: JsonObject;
  try {
    obj = decodeMessage(msg, env.raw) as JsonObject;
  } finally {
    depth--;
  }
  return { kind: env.kind, apiVersion: env.apiVersion, ...obj };
}

/**
 * Decodes a `application/vnd.kubernetes.protobuf` body into the object's JSON
 * form (kind and apiVersion set from the envelope). Malformed input of any kind
 * throws a 400 BadRequest StatusError.
 */
export function decodeKubeProtobuf(body: Uint8Array): KubeObject {
  try {
    return decodeEnvelopeObject(body);
  } catch (err) {
    if (err instanceof StatusError) throw err;
    const detail = err instanceof WireError ? err.message : err instanceof RangeError ? 'message nested too deeply' : String(err instanceof Error ? err.message : err);
    throw newBadRequest(`unable to decode protobuf body: ${detail}`);
  }
}

/** The message name the catalog uses for an object's apiVersion/kind, or undefined (e.g. custom resources). */
export function protobufMessageFor(apiVersion: string, kind: string): string | undefined {
  const { group, version } = parseGroupVersion(apiVersion);
  return messageForKind(group, version, kind);
}

/** Options for encodeKubeProtobuf. */
export interface EncodeOptions {
  /**
   * Write RawExtension values that are typed objects as nested envelopes (as
   * protobuf watch events carry their object). Default: only for WatchEvent.
   */
  nestedEnvelopes?: boolean;
}

/**
 * Encodes an object (its JSON form, with apiVersion and kind) as a Kubernetes
 * protobuf envelope. Throws EncodeError when the kind has no protobuf message
 * (custom resources) or a value has the wrong JSON type.
 */
export function encodeKubeProtobuf(obj: KubeObject, options: EncodeOptions = {}): Buffer {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const msg = protobufMessageFor(apiVersion, kind);
  if (!msg) throw new EncodeError(`no protobuf message for kind "${kind}" in version "${apiVersion}"`);
  const nested = options.nestedEnvelopes ?? kind === 'WatchEvent';
  const raw = encodeMessage(msg, obj, nested);
  const typeMeta = new ProtoWriter().tag(1, WireType.LengthDelimited).string(apiVersion).tag(2, WireType.LengthDelimited).string(kind).finish();
  const w = new ProtoWriter()
    .raw(KUBE_PROTOBUF_MAGIC)
    .tag(1, WireType.LengthDelimited)
    .bytes(typeMeta)
    .tag(2, WireType.LengthDelimited)
    .bytes(raw)
    .tag(3, WireType.LengthDelimited)
    .string('')
    .tag(4, WireType.LengthDelimited)
    .string('');
  return w.finish();
}

setNestedCodec({
  decodeEnvelope: (bytes) => decodeEnvelopeObject(bytes) as JsonObject,
  encodeEnvelope: (value) => {
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
    const kind = typeof value.kind === 'string' ? value.kind : '';
    return protobufMessageFor(apiVersion, kind) ? encodeKubeProtobuf(value, { nestedEnvelopes: true }) : undefined;
  },
});
