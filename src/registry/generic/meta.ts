/**
 * System metadata that the generic store fills: uid, timestamps, generated
 * names (k8s.io/apiserver/pkg/registry/rest BeforeCreate/BeforeUpdate, restated).
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { KubeObject, ObjectMeta } from '../../runtime/object.js';

/** RFC 3339 with second precision, as metav1.Time marshals. */
export function nowTimestamp(now = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 with microseconds, as metav1.MicroTime marshals. */
export function nowMicroTimestamp(now = new Date()): string {
  return now.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The alphabet and length of generated name suffixes (k8s utilrand.String). */
const alphanums = 'bcdfghjklmnpqrstvwxz2456789';
const maxGeneratedNameLength = 63 - 5;

/** `prefix` + 5 random characters, with the prefix cut so the result fits 63 characters. */
export function generateName(prefix: string): string {
  let s = prefix.length > maxGeneratedNameLength ? prefix.slice(0, maxGeneratedNameLength) : prefix;
  for (let i = 0; i < 5; i++) s += alphanums[randomInt(alphanums.length)];
  return s;
}

/** Ensures obj.metadata exists and returns it. */
export function metaOf(obj: KubeObject): ObjectMeta {
  if (obj.metadata === undefined || obj.metadata === null || typeof obj.metadata !== 'object') obj.metadata = {};
  return obj.metadata;
}

/** Fills the fields a create sets (uid, creationTimestamp) and clears what a client may not set. */
export function fillObjectMetaSystemFields(meta: ObjectMeta, now = new Date()): void {
  meta.creationTimestamp = nowTimestamp(now);
  meta.uid = randomUUID();
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
}

/** Deep structural equality of two JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => jsonEqual(ao[k], bo[k]));
}

/** A deep copy of a JSON value. */
export function deepCopy<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
