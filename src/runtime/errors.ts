/**
 * The one catalog of API errors. Every failure a client sees is a `Status`
 * built by one of these factories, with Kubernetes' reason, code and message
 * text (apimachinery/pkg/api/errors). Handlers throw a StatusError; the
 * response writer turns it into the wire Status.
 */

/** metav1.StatusCause. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** metav1.StatusDetails. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** metav1.Status as written on the wire. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string; resourceVersion?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A qualified resource: `pods` (core) or `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** `resource` for the core group, `resource.group` otherwise. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

/** An error that carries the Status the client will receive. */
export class StatusError extends Error {
  readonly status: Status;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string>;

  constructor(status: Status, headers: Record<string, string> = {}) {
    super(status.message ?? status.reason ?? 'error');
    this.name = 'StatusError';
    this.status = status;
    this.headers = headers;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): string {
    return this.status.reason ?? '';
  }
}

/** True when err is a StatusError with the given reason. */
export function isReason(err: unknown, reason: string): boolean {
  return err instanceof StatusError && err.status.reason === reason;
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details && Object.keys(details).length > 0) status.details = details;
  return new StatusError(status);
}

function detailsFor(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = {};
  if (name !== '') d.name = name;
  if (gr.group !== '') d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

/** 404 `<res> "<name>" not found`. */
export function newNotFound(gr: GroupResource, name: string): StatusError {
  return failure(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, detailsFor(gr, name));
}

/** 409 `<res> "<name>" already exists`. */
export function newAlreadyExists(gr: GroupResource, name: string): StatusError {
  return failure(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, detailsFor(gr, name));
}

/** 409 `Operation cannot be fulfilled on <res> "<name>": <why>`. */
export function newConflict(gr: GroupResource, name: string, why: string): StatusError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, detailsFor(gr, name));
}

/** The message Kubernetes gives for a stale resourceVersion. */
export const OptimisticLockErrorMsg = 'the object has been modified; please apply your changes to the latest version and try again';

/** A field error: one entry of an Invalid Status. See validation/field. */
export interface FieldErrorLike {
  type: string;
  field: string;
  detail: string;
  badValue?: unknown;
  /** The message without the field path (used for `causes[].message`). */
  body(): string;
  /** The full message, `<field>: <body>`. */
  message(): string;
}

/**
 * 422 `<Kind>[.<group>] "<name>" is invalid: <errors>` with one cause per
 * field error; repeated messages appear once in the summary, as Kubernetes
 * aggregates them.
 */
export function newInvalid(kind: string, group: string, name: string, errs: FieldErrorLike[]): StatusError {
  const causes: StatusCause[] = errs.map((e) => ({ reason: e.type, message: e.body(), field: e.field }));
  const msgs = [...new Set(errs.map((e) => e.message()))];
  const agg = msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
  const details: StatusDetails = { name };
  if (group !== '') details.group = group;
  details.kind = kind;
  details.causes = causes;
  const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
  return failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${agg}`, details);
}

/** 400 BadRequest with free text. */
export function newBadRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

/** 401 Unauthorized. */
export function newUnauthorized(message = 'Unauthorized'): StatusError {
  return failure(401, 'Unauthorized', message);
}

/** 403 `<res> "<name>" is forbidden: <why>`; for collections `<res> is forbidden: ...`. */
export function newForbidden(gr: GroupResource, name: string, why: string): StatusError {
  const res = qualifiedResource(gr);
  const msg = name === '' ? `${res} is forbidden: ${why}` : `${res} "${name}" is forbidden: ${why}`;
  return failure(403, 'Forbidden', msg, detailsFor(gr, name));
}

/** 404 for a route the server does not serve. */
export function newRouteNotFound(): StatusError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 405 MethodNotAllowed. */
export function newMethodNotSupported(gr: GroupResource, action: string): StatusError {
  return failure(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${qualifiedResource(gr)}"`, { group: gr.group || undefined, kind: gr.resource });
}

/** 405 for a method the server does not allow on the path. */
export function newMethodNotAllowed(): StatusError {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

/** 406 NotAcceptable. */
export function newNotAcceptable(accepted: string[]): StatusError {
  return failure(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

/** 415 UnsupportedMediaType. */
export function newUnsupportedMediaType(contentType: string, accepted: string[]): StatusError {
  void contentType;
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}

/** 413 RequestEntityTooLarge. */
export function newRequestEntityTooLarge(limit: number): StatusError {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

/** 410 Expired: `too old resource version: <asked> (<oldest>)`. */
export function newResourceExpired(message: string): StatusError {
  return failure(410, 'Expired', message);
}

/** 410 Gone. */
export function newGone(message: string): StatusError {
  return failure(410, 'Gone', message);
}

/** 429 TooManyRequests. */
export function newTooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  const err = failure(429, 'TooManyRequests', message, { retryAfterSeconds });
  err.headers['Retry-After'] = String(retryAfterSeconds);
  return err;
}

/** 500 `Internal error occurred: <err>`. */
export function newInternalError(err: unknown): StatusError {
  const text = err instanceof Error ? err.message : String(err);
  return failure(500, 'InternalError', `Internal error occurred: ${text}`, { causes: [{ message: text }] });
}

/** 503 ServiceUnavailable. */
export function newServiceUnavailable(message: string): StatusError {
  return failure(503, 'ServiceUnavailable', message);
}

/** 504 Timeout. */
export function newTimeout(message = 'request did not complete within requested timeout - context deadline exceeded'): StatusError {
  return failure(504, 'Timeout', `Timeout: ${message}`);
}

/** 500 ServerTimeout for an operation that could not complete. */
export function newServerTimeout(gr: GroupResource, verb: string, retryAfterSeconds: number): StatusError {
  const err = failure(500, 'ServerTimeout', `The ${verb} operation against ${qualifiedResource(gr)} could not be completed at this time, please try again.`, { ...detailsFor(gr, ''), retryAfterSeconds });
  return err;
}

/** A success Status (e.g. a delete that returns no object). */
export function successStatus(details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) s.details = details;
  return s;
}

/** Converts anything thrown into a StatusError (unknown errors become 500). */
export function toStatusError(err: unknown): StatusError {
  return err instanceof StatusError ? err : newInternalError(err);
}
