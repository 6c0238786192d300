/**
 * Errors as admission plugins return them (k8s.io/apiserver/pkg/admission/errors.go,
 * restated): 403 on the request's resource, named after the request, the
 * object, or its generateName when the name is not generated yet.
 */
import { newForbidden, StatusError } from '../../runtime/errors.js';
import type { Attributes } from '../interfaces.js';

/** The name admission errors carry: request name, object name, generateName, else `Unknown`. */
export function admissionName(attrs: Attributes): string {
  if (attrs.name !== '') return attrs.name;
  const meta = attrs.object?.metadata;
  if (!attrs.object) return 'Unknown';
  if (meta?.name) return meta.name;
  if (meta?.generateName) return meta.generateName;
  return 'Unknown';
}

/** 403 `<resource> "<name>" is forbidden: <why>` for the request. */
export function admissionForbidden(attrs: Attributes, why: string): StatusError {
  return newForbidden({ group: attrs.group, resource: attrs.resource }, admissionName(attrs), why);
}

/** utilerrors.NewAggregate's text: one message as is, several as `[a, b]`. */
export function aggregate(messages: string[]): string {
  const uniq = [...new Set(messages)];
  return uniq.length === 1 ? uniq[0] : `[${uniq.join(', ')}]`;
}

/** Go's `%q` of a string. */
export function quote(s: string): string {
  return JSON.stringify(s);
}
