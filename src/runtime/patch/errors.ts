/**
 * The StatusErrors kube-apiserver's patch handler (endpoints/handlers/patch.go)
 * answers with when a patch cannot be applied. Three of them have no factory
 * in runtime/errors.ts because their wire shape is unusual:
 *
 * - JSON patch application failures and strategic-merge "lists of lists" are
 *   built with `NewGenericServerResponse(422, ...)`: reason Invalid, a fixed
 *   message, an empty `details` object and NO trace of the library's text.
 * - Strategic-merge errors Kubernetes does not classify (a missing merge key,
 *   an unknown `$patch` value...) reach the client as a plain Go error: 500,
 *   no reason, the error text as message.
 * - More than 10000 JSON patch operations: 413 RequestEntityTooLarge.
 */

import { StatusError, newBadRequest, type Status } from '../errors.js';

/** The most operations a JSON patch may carry. */
export const maxJsonPatchOperations = 10000;

/**
 * 422 Invalid `the server rejected our request due to an error in our
 * request`, with `details: {}`. `detail` (the library's reason) is kept only
 * as the Error's `cause`, for logs: Kubernetes does not send it.
 */
export function newPatchRejected(detail: string): StatusError {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: {},
    code: 422,
  };
  const err = new StatusError(status);
  err.cause = detail;
  return err;
}

/** 500 with no reason and the error text as message: how an unclassified patch error reaches the client. */
export function newPatchServerError(message: string): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
}

/** 413 `Request entity too large: The allowed maximum operations in a JSON patch is 10000, got N`. */
export function newTooManyPatchOperations(count: number): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Request entity too large: The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${count}`,
    reason: 'RequestEntityTooLarge',
    code: 413,
  });
}

/** 400 BadRequest for a malformed patch document. */
export function newPatchBadRequest(message: string): StatusError {
  return newBadRequest(message);
}
