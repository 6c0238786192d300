/**
 * The read side of the revision log: ranges at the current revision (served
 * from kv_current), ranges at a past revision (the newest row per key at or
 * below it, from the covering (key, id, deleted) index), and the log tail a
 * watch replays. Every read is one SQLite read transaction, so what it returns
 * is a consistent snapshot at the revision it reports.
 */
import type { KeyValue, KvEvent } from '../kv/interface.js';
import type { SqliteDatabase } from './schema.js';

const EMPTY = Buffer.alloc(0);

/** Upper bound used for "no end" (etcd's "\0" range end). */
const MAX_KEY = '\u{10FFFF}\u{10FFFF}\u{10FFFF}\u{10FFFF}';

/** A range answer before the KV layer checks revisions. */
export interface LogRange {
  kvs: KeyValue[];
  count: number;
  revision: number;
}

type CurrentRowTuple = [key: string, id: number, createRevision: number, version: number, value: Buffer];
type GroupTuple = [key: string, id: number, deleted: number];
type HistoryRow = {
  id: number;
  key: string;
  deleted: number;
  create_revision: number;
  version: number;
  value: Buffer;
  p_id: number | null;
  p_deleted: number | null;
  p_create_revision: number | null;
  p_version: number | null;
  p_value: Buffer | null;
};

/** Normalises an etcd range end: "\0" means "every key from `key` on". */
export function rangeEnd(end: string): string {
  return end === '\0' ? MAX_KEY : end;
}

/** Prepared read statements over one connection. */
export class LogReader {
  private readonly selRevision;
  private readonly selOneCurrent;
  private readonly selOneAt;
  private readonly countCurrent;
  private readonly listCurrent;
  private readonly groupAt;
  private readonly selById;
  private readonly selHistory;
  private readonly selKeyHistory;
  private readonly rangeCurrentTxn;
  private readonly rangeAtTxn;

  constructor(private readonly db: SqliteDatabase) {
    this.selRevision = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'kv_log'`).pluck();
    this.selOneCurrent = db
      .prepare(
        `SELECT s.seq, c.id, c.create_revision, c.version, l.value
           FROM sqlite_sequence s
           LEFT JOIN kv_current c ON c.key = ? AND c.deleted = 0
           LEFT JOIN kv_log l ON l.id = c.id
          WHERE s.name = 'kv_log'`,
      )
      .raw();
    this.selOneAt = db
      .prepare(
        `SELECT id, deleted, create_revision, version, value FROM kv_log
          WHERE key = ? AND id <= ? ORDER BY id DESC LIMIT 1`,
      )
      .raw();
    this.countCurrent = db
      .prepare(`SELECT count(*) FROM kv_current WHERE key >= ? AND key < ? AND deleted = 0`)
      .pluck();
    this.listCurrent = db
      .prepare(
        `SELECT c.key, c.id, c.create_revision, c.version, l.value
           FROM kv_current c JOIN kv_log l ON l.id = c.id
          WHERE c.key >= ? AND c.key < ? AND c.deleted = 0
          ORDER BY c.key LIMIT ?`,
      )
      .raw();
    this.groupAt = db
      .prepare(
        `SELECT key, max(id), deleted FROM kv_log
          WHERE key >= ? AND key < ? AND id <= ?
          GROUP BY key ORDER BY key`,
      )
      .raw();
    this.selById = db
      .prepare(`SELECT create_revision, version, value FROM kv_log WHERE id = ?`)
      .raw();
    const history = `SELECT l.id, l.key, l.deleted, l.create_revision, l.version, l.value,
              p.id AS p_id, p.deleted AS p_deleted, p.create_revision AS p_create_revision,
              p.version AS p_version, p.value AS p_value
         FROM kv_log l LEFT JOIN kv_log p ON p.id = l.prev_revision`;
    this.selHistory = db.prepare(
      `${history} WHERE l.id > ? AND l.id <= ? AND l.key >= ? AND l.key < ? ORDER BY l.id LIMIT ?`,
    );
    this.selKeyHistory = db.prepare(
      `${history} WHERE l.key = ? AND l.id > ? AND l.id <= ? ORDER BY l.id LIMIT ?`,
    );
    this.rangeCurrentTxn = db.transaction((key: string, end: string, limit: number, countOnly: boolean) =>
      this.rangeCurrentIn(key, end, limit, countOnly),
    );
    this.rangeAtTxn = db.transaction((key: string, end: string, revision: number, limit: number, countOnly: boolean) =>
      this.rangeAtIn(key, end, revision, limit, countOnly),
    );
  }

  /** The last revision handed out (visible to this connection). */
  revision(): number {
    return this.selRevision.get() as number;
  }

  /** One key at the current revision. */
  getCurrent(key: string): LogRange {
    const row = this.selOneCurrent.get(key) as [number, number | null, number | null, number | null, Buffer | null];
    const [revision, id, createRevision, version, value] = row;
    if (id === null) return { kvs: [], count: 0, revision };
    return {
      kvs: [{ key, value: value ?? EMPTY, createRevision: createRevision ?? 0, modRevision: id, version: version ?? 0 }],
      count: 1,
      revision,
    };
  }

  /** One key as of `revision` (the caller has checked the revision is readable). */
  getAt(key: string, revision: number): LogRange {
    const row = this.selOneAt.get(key, revision) as [number, number, number, number, Buffer] | undefined;
    if (row === undefined || row[1] === 1) return { kvs: [], count: 0, revision };
    return {
      kvs: [{ key, value: row[4], createRevision: row[2], modRevision: row[0], version: row[3] }],
      count: 1,
      revision,
    };
  }

  /** Keys in [key, end) at the current revision; limit 0 = all. */
  rangeCurrent(key: string, end: string, limit: number, countOnly: boolean): LogRange {
    return this.rangeCurrentTxn.deferred(key, rangeEnd(end), limit, countOnly);
  }

  /** Keys in [key, end) as of `revision`; limit 0 = all. */
  rangeAt(key: string, end: string, revision: number, limit: number, countOnly: boolean): LogRange {
    return this.rangeAtTxn.deferred(key, rangeEnd(end), revision, limit, countOnly);
  }

  /**
   * Log rows with revision in (after, upTo] for keys in [key, end) (end
   * undefined = the one key), as watch events with their previous state, in
   * revision order, at most `limit` of them.
   */
  eventsAfter(after: number, upTo: number, key: string, end: string | undefined, limit: number): KvEvent[] {
    const rows = (
      end === undefined
        ? this.selKeyHistory.all(key, after, upTo, limit)
        : this.selHistory.all(after, upTo, key, rangeEnd(end), limit)
    ) as HistoryRow[];
    const events: KvEvent[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const prevKv: KeyValue | undefined =
        r.p_id !== null && r.p_deleted === 0
          ? {
              key: r.key,
              value: r.p_value ?? EMPTY,
              createRevision: r.p_create_revision ?? 0,
              modRevision: r.p_id,
              version: r.p_version ?? 0,
            }
          : undefined;
      events[i] =
        r.deleted === 1
          ? { type: 'delete', kv: { key: r.key, value: EMPTY, createRevision: 0, modRevision: r.id, version: 0 }, prevKv }
          : {
              type: 'put',
              kv: { key: r.key, value: r.value, createRevision: r.create_revision, modRevision: r.id, version: r.version },
              prevKv,
            };
    }
    return events;
  }

  private rangeCurrentIn(key: string, end: string, limit: number, countOnly: boolean): LogRange {
    const revision = this.selRevision.get() as number;
    const count = this.countCurrent.get(key, end) as number;
    if (countOnly || count === 0) return { kvs: [], count, revision };
    const rows = this.listCurrent.all(key, end, limit > 0 ? limit : -1) as CurrentRowTuple[];
    const kvs: KeyValue[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      kvs[i] = { key: r[0], value: r[4], createRevision: r[2], modRevision: r[1], version: r[3] };
    }
    return { kvs, count, revision };
  }

  private rangeAtIn(key: string, end: string, revision: number, limit: number, countOnly: boolean): LogRange {
    const groups = this.groupAt.all(key, end, revision) as GroupTuple[];
    const kvs: KeyValue[] = [];
    let count = 0;
    for (const [k, id, deleted] of groups) {
      if (deleted === 1) continue;
      count++;
      if (countOnly || (limit > 0 && kvs.length >= limit)) continue;
      const row = this.selById.get(id) as [number, number, Buffer];
      kvs.push({ key: k, value: row[2], createRevision: row[0], modRevision: id, version: row[1] });
    }
    return { kvs, count, revision };
  }
}
