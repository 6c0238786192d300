/**
 * The errors of webhook admission, with kube-apiserver 1.33's texts
 * (webhook/errors and util/webhook, restated):
 *
 * - a call that fails (transport, timeout, bad response) is an
 *   ErrCallingWebhook: `failed calling webhook "<name>": <reason>`; with
 *   `failurePolicy: Fail` it reaches the client as a 500 InternalError
 *   `Internal error occurred: failed calling webhook …`;
 * - a denial becomes the webhook's own status with the message prefixed by
 *   `admission webhook "<name>" denied the request: ` (ToStatusErr);
 * - a dry run meeting a webhook with side effects is a 400
 *   `admission webhook "<name>" does not support dry run`.
 */
import { newBadRequest, newInternalError, StatusError, type Status, type StatusDetails } from '../../runtime/errors.js';
import type { JsonObject } from '../../runtime/object.js';

/** A failure to talk to a webhook (as opposed to the webhook rejecting the request). */
export class WebhookCallError extends Error {
  constructor(
    readonly webhookName: string,
    readonly reason: string,
  ) {
    super(reason ? `failed calling webhook ${JSON.stringify(webhookName)}: ${reason}` : `failed calling webhook ${JSON.stringify(webhookName)}; no further details available`);
    this.name = 'WebhookCallError';
  }

  /** The 500 a failing-closed webhook answers with. */
  toStatusError(): StatusError {
    return newInternalError(this.message);
  }
}

/** A rejection by a webhook (its Status). */
export class WebhookRejection extends Error {
  constructor(readonly status: StatusError) {
    super(status.message);
    this.name = 'WebhookRejection';
  }
}

/**
 * The Status a denial is returned with: the webhook's `response.status`
 * with its message prefixed; a code of 0 becomes 500 (200 for a Success
 * status), as ErrorToAPIStatus does.
 */
export function toStatusError(webhookName: string, result: JsonObject | undefined): StatusError {
  const r = result ?? {};
  const deniedBy = `admission webhook ${JSON.stringify(webhookName)} denied the request`;
  const message = typeof r.message === 'string' && r.message !== '' ? r.message : '';
  const reason = typeof r.reason === 'string' ? r.reason : '';
  let text: string;
  if (message) text = `${deniedBy}: ${message}`;
  else if (reason) text = `${deniedBy}: ${reason}`;
  else text = `${deniedBy} without explanation`;
  const statusField = r.status === 'Success' ? 'Success' : 'Failure';
  let code = typeof r.code === 'number' ? r.code : 0;
  if (code === 0) code = statusField === 'Success' ? 200 : 500;
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: statusField, message: text } as Status;
  if (reason) status.reason = reason;
  if (r.details !== null && typeof r.details === 'object' && !Array.isArray(r.details)) status.details = r.details as StatusDetails;
  status.code = code;
  return new StatusError(status);
}

/** 400 `admission webhook "<name>" does not support dry run`. */
export function dryRunUnsupported(webhookName: string): StatusError {
  return newBadRequest(`admission webhook ${JSON.stringify(webhookName)} does not support dry run`);
}
