/**
 * core/v1 ConfigMap and Secret: key rules, the 1 MiB size limit, `immutable`,
 * Secret types and their required keys, and `stringData` merged into `data`.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, invalid, required, tooLong } from '../../validation/field/errors.js';
import { asObj, str } from '../../validation/json.js';
import { byteLength, isConfigMapKey, nameIsDNSSubdomain } from '../../validation/names.js';
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import { semanticEqual } from '../../validation/json.js';

/** Max total size of a ConfigMap's or Secret's data (1 MiB). */
export const MaxSecretSize = 1024 * 1024;

const immutableMsg = 'field is immutable when `immutable` is set';

function decodedLength(b64: unknown): number {
  return Buffer.from(str(b64), 'base64').length;
}

/** ValidateConfigMap. */
export function validateConfigMap(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  const data = asObj(obj.data) ?? {};
  const binary = asObj(obj.binaryData) ?? {};
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    const p = FieldPath.of('data').key(key);
    for (const m of isConfigMapKey(key)) errs.push(invalid(p, key, m));
    if (key in binary) errs.push(invalid(p, key, 'duplicate of key present in binaryData'));
    total += byteLength(str(value));
  }
  for (const [key, value] of Object.entries(binary)) {
    for (const m of isConfigMapKey(key)) errs.push(invalid(FieldPath.of('binaryData').key(key), key, m));
    total += decodedLength(value);
  }
  if (total > MaxSecretSize) errs.push(tooLong(FieldPath.of(''), '', MaxSecretSize));
  return errs;
}

function immutableErrors(obj: KubeObject, old: KubeObject, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden(FieldPath.of('immutable'), immutableMsg));
  for (const f of fields) {
    if (!semanticEqual(obj[f], old[f])) errs.push(forbidden(FieldPath.of(f), immutableMsg));
  }
  return errs;
}

/** The ConfigMap strategy. */
export const configMapStrategy = buildStrategy({
  namespaced: true,
  hasStatus: false,
  tracksGeneration: false,
  validate: (_ctx, obj) => validateConfigMap(obj),
  validateUpdate(_ctx, obj, old) {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    errs.push(...immutableErrors(obj, old, ['data', 'binaryData']));
    errs.push(...validateConfigMap(obj));
    return errs;
  },
});

/** Merges `stringData` into `data` (base64) and drops it, as the v1 → internal conversion does. */
export function mergeStringData(obj: KubeObject): void {
  const sd = asObj(obj.stringData);
  if (sd) {
    const data = asObj(obj.data) ?? {};
    for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(str(v), 'utf8').toString('base64');
    asRecord(obj).data = data;
  }
  delete obj.stringData;
}

/** ValidateSecret. */
export function validateSecret(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  const data = asObj(obj.data) ?? {};
  const dataPath = FieldPath.of('data');
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const m of isConfigMapKey(key)) errs.push(invalid(dataPath.key(key), key, m));
    total += decodedLength(value);
  }
  if (total > MaxSecretSize) errs.push(tooLong(dataPath, '', MaxSecretSize));
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(data, k);
  const annotations = asObj(obj.metadata?.annotations) ?? {};
  switch (str(obj.type)) {
    case 'kubernetes.io/service-account-token':
      if (str(annotations['kubernetes.io/service-account.name']) === '') {
        errs.push(required(FieldPath.of('metadata', 'annotations').key('kubernetes.io/service-account.name')));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = str(obj.type) === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) {
        errs.push(required(dataPath.key(key)));
        break;
      }
      try {
        const parsed: unknown = JSON.parse(Buffer.from(str(data[key]), 'base64').toString('utf8'));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
      } catch (e) {
        errs.push(invalid(dataPath.key(key), '<secret contents redacted>', e instanceof Error ? e.message : String(e)));
      }
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(required(dataPath.key('username')));
        errs.push(required(dataPath.key('password')));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (decodedLength(data['ssh-privatekey']) === 0) errs.push(required(dataPath.key('ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required(dataPath.key('tls.crt')));
      if (!has('tls.key')) errs.push(required(dataPath.key('tls.key')));
      break;
    default:
      break;
  }
  return errs;
}

/** The Secret strategy. */
export const secretStrategy = buildStrategy({
  namespaced: true,
  hasStatus: false,
  tracksGeneration: false,
  defaults(obj) {
    if (!obj.type) obj.type = 'Opaque';
  },
  prepareForCreate: (_ctx, obj) => mergeStringData(obj),
  prepareForUpdate: (_ctx, obj) => mergeStringData(obj),
  validate: (_ctx, obj) => validateSecret(obj),
  validateUpdate(_ctx, obj, old) {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    errs.push(...validateImmutableField(str(obj.type), str(old.type), FieldPath.of('type')));
    errs.push(...immutableErrors(obj, old, ['data']));
    errs.push(...validateSecret(obj));
    return errs;
  },
});
