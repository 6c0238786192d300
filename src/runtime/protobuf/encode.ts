/**
 * Encoding of objects as `application/vnd.kubernetes.protobuf`.
 * See envelope.ts for the format.
 */
export { encodeKubeProtobuf, protobufMessageFor, type EncodeOptions } from './envelope.js';
export { encodeMessage, EncodeError } from './message.js';
