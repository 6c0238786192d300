/**
 * The one place where storage errors become API Status errors
 * (k8s.io/apiserver/pkg/storage/errors → apierrors, restated).
 */
import {
  newAlreadyExists,
  newBadRequest,
  newConflict,
  newInternalError,
  newNotFound,
  newResourceExpired,
  newServiceUnavailable,
  newTimeout,
  StatusError,
  type GroupResource,
} from '../../runtime/errors.js';
import { isStorageError } from '../../storage/errors.js';

/** Converts a storage-layer error into the Status the client sees. */
export function interpretStorageError(err: unknown, gr: GroupResource, name: string): StatusError {
  if (err instanceof StatusError) return err;
  if (!isStorageError(err)) return newInternalError(err);
  switch (err.code) {
    case 'KeyNotFound':
      return newNotFound(gr, name);
    case 'KeyExists':
      return newAlreadyExists(gr, name);
    case 'ResourceVersionConflicts':
      return newConflict(gr, name, err.message);
    case 'InvalidObj':
      // A precondition (uid) that does not hold: kube-apiserver answers 409 with the storage error text.
      return newConflict(gr, name, `StorageError: invalid object, Code: 4, Key: ${err.key}, ResourceVersion: 0, AdditionalErrorMsg: ${err.message}`);
    case 'Unreachable':
      return newServiceUnavailable(err.message);
    case 'InvalidResourceVersion':
    case 'InvalidContinue':
      return newBadRequest(err.message);
    case 'Compacted': {
      if (err.continueToken !== undefined) {
        const e = newResourceExpired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
        e.status.metadata = { continue: err.continueToken };
        return e;
      }
      return newResourceExpired(err.message);
    }
    case 'TooLargeResourceVersion': {
      const e = newTimeout(`Too large resource version: ${err.message.replace(/^Too large resource version: /, '')}`);
      e.status.details = { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 };
      return e;
    }
  }
}
