/**
 * Turns KV backend errors into the storage error taxonomy.
 */
import { KvCompactedError, KvFutureRevisionError, KvUnavailableError } from '../kv/interface.js';
import { compacted, isStorageError, tooLargeResourceVersion, unreachable } from '../errors.js';

/** Maps a KV error to a StorageError; anything else is returned unchanged. */
export function fromKvError(err: unknown, key: string): unknown {
  if (isStorageError(err)) return err;
  if (err instanceof KvCompactedError) return compacted(err.requested, err.compacted);
  if (err instanceof KvFutureRevisionError) return tooLargeResourceVersion(err.requested, err.current);
  if (err instanceof KvUnavailableError) return unreachable(key, err.message);
  return err;
}
