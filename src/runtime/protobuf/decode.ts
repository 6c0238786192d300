/**
 * Decoding of `application/vnd.kubernetes.protobuf` request bodies.
 * See envelope.ts for the format.
 */
export { decodeKubeProtobuf, readEnvelope, protobufMessageFor, type KubeEnvelope } from './envelope.js';
export { decodeMessage } from './message.js';
