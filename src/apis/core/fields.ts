/**
 * Small field validators shared by core kinds (names, ports).
 */
import { FieldError, FieldPath, invalid } from '../../validation/field/errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum } from '../../validation/names.js';
import { validateLabelName } from '../../validation/objectmeta.js';

/** A label-style qualified name field. */
export function validateQualifiedName(value: string, path: FieldPath): FieldError[] {
  return validateLabelName(value, path);
}

/** A DNS-1123 label field. */
export function validateDNS1123Label(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((m) => invalid(path, value, m));
}

/** A DNS-1123 subdomain field. */
export function validateDNS1123Subdomain(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => invalid(path, value, m));
}

/** An int-or-string port: a port number, or an IANA port name. */
export function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m));
  return isValidPortNum(0).map((m) => invalid(path, 0, m));
}

