/**
 * The closed set of storage errors (k8s.io/apiserver/pkg/storage/errors.go).
 * The registry turns each into an API Status in one place (registry/generic/errors.ts).
 */

export type StorageErrorCode =
  | 'KeyNotFound'
  | 'KeyExists'
  | 'ResourceVersionConflicts'
  | 'InvalidObj'
  | 'Unreachable'
  | 'InvalidResourceVersion'
  | 'Compacted'
  | 'TooLargeResourceVersion'
  | 'InvalidContinue';

/** A storage-layer failure, tagged with the key it concerns. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly key: string,
    message: string,
    /** For Compacted: the oldest available revision; for TooLargeResourceVersion: the current one. */
    readonly revision = 0,
  ) {
    super(message);
    this.name = 'StorageError';
  }

  /**
   * For Compacted on a continued (paged) list: a continue token with rv -1
   * that resumes the list at the latest revision (kube-apiserver puts it in
   * the 410 Status' metadata.continue).
   */
  continueToken?: string;
}

export const keyNotFound = (key: string) => new StorageError('KeyNotFound', key, `key not found: ${key}`);
export const keyExists = (key: string) => new StorageError('KeyExists', key, `key exists: ${key}`);
export const conflict = (key: string, why: string) => new StorageError('ResourceVersionConflicts', key, why);
export const invalidObj = (key: string, why: string) => new StorageError('InvalidObj', key, why);
export const unreachable = (key: string, why: string) => new StorageError('Unreachable', key, why);
export const invalidResourceVersion = (why: string) => new StorageError('InvalidResourceVersion', '', why);
export const compacted = (requested: number, oldest: number) =>
  new StorageError('Compacted', '', `too old resource version: ${requested} (${oldest})`, oldest);
/** A paged list whose continue revision was compacted; `continueToken` resumes at the latest revision. */
export const compactedContinue = (requested: number, oldest: number, continueToken: string) => {
  const err = compacted(requested, oldest);
  err.continueToken = continueToken;
  return err;
};
export const tooLargeResourceVersion = (requested: number, current: number) =>
  new StorageError('TooLargeResourceVersion', '', `Too large resource version: ${requested}, current: ${current}`, current);
export const invalidContinue = (why: string) => new StorageError('InvalidContinue', '', why);

export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}
