/**
 * The write side of the revision log: applies a group-commit batch in one
 * transaction, and sweeps compacted history. Used by exactly one connection
 * (the writer), on the main thread or in the writer worker.
 *
 * Invariants: revisions are handed out by this writer alone, one per
 * successful write, with no gaps; a failed compare writes nothing and does
 * not affect the other writes of the batch; writes to the same key inside a
 * batch see each other in order.
 */
import type { SqliteDatabase } from './schema.js';
import { META_COMPACT_REVISION } from './schema.js';
import { WRITE_CREATE, WRITE_UPDATE, type RowState, type WriteOp, type WriteOutcome } from './protocol.js';

/** kv_meta row recording how far compaction has swept the log. */
const META_COMPACT_SWEPT = 'compact_swept';

const EMPTY = new Uint8Array(0);

interface CurrentRow {
  id: number;
  deleted: number;
  create_revision: number;
  version: number;
}

/** Prepared statements and logic for writing the log. */
export class LogApplier {
  private readonly selRevision;
  private readonly selCurrent;
  private readonly selValue;
  private readonly insLog;
  private readonly putCurrent;
  private readonly selMeta;
  private readonly setMeta;
  private readonly sweepSuperseded;
  private readonly sweepCurrent;
  private readonly sweepTombstones;
  private readonly applyTxn;
  private readonly beginTxn;
  private readonly sweepTxn;

  constructor(private readonly db: SqliteDatabase) {
    this.selRevision = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'kv_log'`).pluck();
    this.selCurrent = db.prepare<[string], CurrentRow>(
      `SELECT id, deleted, create_revision, version FROM kv_current WHERE key = ?`,
    );
    this.selValue = db.prepare<[number], Buffer>(`SELECT value FROM kv_log WHERE id = ?`).pluck();
    this.insLog = db.prepare(
      `INSERT INTO kv_log (id, key, created, deleted, create_revision, prev_revision, version, value)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.putCurrent = db.prepare(
      `INSERT OR REPLACE INTO kv_current (key, id, deleted, create_revision, version) VALUES (?, ?, ?, ?, ?)`,
    );
    this.selMeta = db.prepare(`SELECT value FROM kv_meta WHERE name = ?`).pluck();
    this.setMeta = db.prepare(`INSERT OR REPLACE INTO kv_meta (name, value) VALUES (?, ?)`);
    // Rows superseded by a later row inside the window: every row's prev_revision names its predecessor.
    this.sweepSuperseded = db.prepare(
      `DELETE FROM kv_log WHERE id IN (SELECT prev_revision FROM kv_log WHERE id > ? AND id <= ? AND prev_revision > 0)`,
    );
    // Keys whose newest row is a tombstone inside the window disappear from kv_current.
    this.sweepCurrent = db.prepare(
      `DELETE FROM kv_current WHERE key IN (SELECT key FROM kv_log WHERE id > ? AND id <= ? AND deleted = 1)
         AND deleted = 1 AND id <= ?`,
    );
    this.sweepTombstones = db.prepare(`DELETE FROM kv_log WHERE id > ? AND id <= ? AND deleted = 1`);
    this.applyTxn = db.transaction((ops: WriteOp[], wantPrev: boolean) => this.applyAll(ops, wantPrev));
    this.beginTxn = db.transaction((revision: number) => this.beginCompaction(revision));
    this.sweepTxn = db.transaction((from: number, to: number) => this.sweepWindow(from, to));
  }

  /** Applies the batch in one IMMEDIATE transaction; returns one outcome per op, in order. */
  apply(ops: WriteOp[], wantPrev: boolean): WriteOutcome[] {
    return this.applyTxn.immediate(ops, wantPrev);
  }

  /**
   * Records `revision` as the compacted revision (persisted before any row is
   * removed, so a crash never leaves reads below it answering from a partial
   * sweep). Returns the revision the sweep must start after.
   */
  compactBegin(revision: number): number {
    return this.beginTxn.immediate(revision);
  }

  /** Removes superseded rows and tombstones with revision in (from, to]; records the progress. */
  compactSweep(from: number, to: number): void {
    this.sweepTxn.immediate(from, to);
  }

  private applyAll(ops: WriteOp[], wantPrev: boolean): WriteOutcome[] {
    let rev = this.selRevision.get() as number;
    const out: WriteOutcome[] = new Array(ops.length);
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      const cur = this.selCurrent.get(op.key);
      const live = cur !== undefined && cur.deleted === 0;
      if (op.kind === WRITE_CREATE) {
        if (live) {
          out[i] = { ok: false, revision: rev, current: this.rowState(cur) };
          continue;
        }
        rev++;
        this.insLog.run(rev, op.key, 1, 0, rev, cur === undefined ? 0 : cur.id, 1, op.value ?? EMPTY);
        this.putCurrent.run(op.key, rev, 0, rev, 1);
        out[i] = { ok: true, revision: rev, createRevision: rev, version: 1 };
        continue;
      }
      if (!live || (op.expected !== 0 && cur.id !== op.expected) || (op.kind === WRITE_UPDATE && op.expected === 0)) {
        out[i] = { ok: false, revision: rev, current: live ? this.rowState(cur) : undefined };
        continue;
      }
      rev++;
      if (op.kind === WRITE_UPDATE) {
        const version = cur.version + 1;
        const prev = wantPrev ? this.rowState(cur) : undefined;
        this.insLog.run(rev, op.key, 0, 0, cur.create_revision, cur.id, version, op.value ?? EMPTY);
        this.putCurrent.run(op.key, rev, 0, cur.create_revision, version);
        out[i] = { ok: true, revision: rev, createRevision: cur.create_revision, version, prev };
      } else {
        const prev = this.rowState(cur);
        this.insLog.run(rev, op.key, 0, 1, cur.create_revision, cur.id, 0, EMPTY);
        this.putCurrent.run(op.key, rev, 1, cur.create_revision, 0);
        out[i] = { ok: true, revision: rev, prev };
      }
    }
    return out;
  }

  private rowState(cur: CurrentRow): RowState {
    return {
      modRevision: cur.id,
      createRevision: cur.create_revision,
      version: cur.version,
      value: this.selValue.get(cur.id) ?? EMPTY,
    };
  }

  private beginCompaction(revision: number): number {
    const compacted = (this.selMeta.get(META_COMPACT_REVISION) as number | undefined) ?? 0;
    const swept = (this.selMeta.get(META_COMPACT_SWEPT) as number | undefined) ?? 0;
    if (revision > compacted) this.setMeta.run(META_COMPACT_REVISION, revision);
    return swept;
  }

  private sweepWindow(from: number, to: number): void {
    this.sweepSuperseded.run(from, to);
    this.sweepCurrent.run(from, to, to);
    this.sweepTombstones.run(from, to);
    this.setMeta.run(META_COMPACT_SWEPT, to);
  }
}
