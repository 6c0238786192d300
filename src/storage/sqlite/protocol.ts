/**
 * The plain-data shapes exchanged with the log writer, whether it runs on the
 * main thread or in a worker thread (they must survive structured cloning).
 */

/** Write kinds: create (key must be absent), update (CAS on modRevision), delete (CAS, 0 = unconditional). */
export type WriteKind = 0 | 1 | 2;
export const WRITE_CREATE: WriteKind = 0;
export const WRITE_UPDATE: WriteKind = 1;
export const WRITE_DELETE: WriteKind = 2;

/** One write of a group-commit batch. */
export interface WriteOp {
  kind: WriteKind;
  key: string;
  /** The new value (create/update). */
  value?: Uint8Array;
  /** Expected modRevision (update/delete). */
  expected: number;
}

/** A live row of a key: what etcd calls a KeyValue, minus the key. */
export interface RowState {
  modRevision: number;
  createRevision: number;
  version: number;
  value: Uint8Array;
}

/** The outcome of one write of a batch. */
export interface WriteOutcome {
  ok: boolean;
  /** The store revision right after this write (its own revision on success). */
  revision: number;
  /** On success of a put: the new row's create revision and version. */
  createRevision?: number;
  version?: number;
  /** On success: the key's previous live row (always for deletes, for puts when asked for). */
  prev?: RowState;
  /** On failure: the key's current live row, if any. */
  current?: RowState;
}

/** Messages to the writer worker. */
export type WriterRequest =
  | { type: 'apply'; id: number; ops: WriteOp[]; wantPrev: boolean }
  | { type: 'compactBegin'; id: number; revision: number }
  | { type: 'compactSweep'; id: number; from: number; to: number; revision: number }
  | { type: 'close'; id: number };

/** Messages from the writer worker. */
export type WriterResponse =
  | { type: 'ready' }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string };
