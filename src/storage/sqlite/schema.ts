/**
 * The SQLite revision log: schema, pragmas and how a connection is opened.
 *
 * One append-only table, `kv_log`, holds every write (kine's shape): the row
 * id is the revision; deletes are tombstone rows; `prev_revision` links a row
 * to the key's previous row, and the unique index on (key, prev_revision)
 * makes it impossible for two writes to succeed on the same base.
 *
 * `kv_current` holds the newest row of every key (tombstones included until
 * compaction removes them). It is maintained in the same transaction as the
 * log and makes current reads and compare-and-swap checks one index lookup.
 *
 * The revision counter is `sqlite_sequence` (AUTOINCREMENT): compaction may
 * delete the newest rows' ancestors but a revision is never reused. A fresh
 * store starts at revision 1, as etcd does, so the first write gets 2.
 */
import Database from 'better-sqlite3';

/** A better-sqlite3 connection. */
export type SqliteDatabase = Database.Database;

const DDL = `
CREATE TABLE IF NOT EXISTS kv_log (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  key             TEXT    NOT NULL,
  created         INTEGER NOT NULL,
  deleted         INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision   INTEGER NOT NULL,
  version         INTEGER NOT NULL,
  value           BLOB    NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS kv_log_key_prev ON kv_log (key, prev_revision);
CREATE INDEX IF NOT EXISTS kv_log_key_id ON kv_log (key, id, deleted);
CREATE TABLE IF NOT EXISTS kv_current (
  key             TEXT    PRIMARY KEY,
  id              INTEGER NOT NULL,
  deleted         INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  version         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv_meta (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** The revision of an empty store (etcd starts at 1 too). */
export const INITIAL_REVISION = 1;

/** The kv_meta row holding the compacted revision. */
export const META_COMPACT_REVISION = 'compact_revision';

/**
 * Opens a connection with the pragmas every kapi connection uses: WAL,
 * synchronous=FULL (a commit returns only after the WAL is fsynced), and a busy
 * timeout so a reader never fails while the writer checkpoints.
 */
export function openConnection(path: string): SqliteDatabase {
  const db = new Database(path);
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  return db;
}

/** Creates the tables and seeds the revision counter and the compacted revision (idempotent). */
export function ensureSchema(db: SqliteDatabase): void {
  db.exec(DDL);
  db.transaction(() => {
    const seq = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'kv_log'`).get();
    if (seq === undefined) {
      db.prepare(`INSERT INTO sqlite_sequence (name, seq) VALUES ('kv_log', ?)`).run(INITIAL_REVISION);
    }
    db.prepare(`INSERT OR IGNORE INTO kv_meta (name, value) VALUES (?, 0)`).run(META_COMPACT_REVISION);
  }).immediate();
}

/** The store's current revision (the last revision handed out). */
export function readRevision(db: SqliteDatabase): number {
  const row = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'kv_log'`).get() as { seq: number } | undefined;
  return row?.seq ?? INITIAL_REVISION;
}

/** The persisted compacted revision (0 when never compacted). */
export function readCompactRevision(db: SqliteDatabase): number {
  const row = db.prepare(`SELECT value FROM kv_meta WHERE name = ?`).get(META_COMPACT_REVISION) as { value: number } | undefined;
  return row?.value ?? 0;
}
