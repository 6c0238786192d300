/**
 * The embedded SQLite KV backend (see README.md).
 */
export { openSqliteKV, SqliteKV, sqliteKvTunables, type SqliteKVOptions } from './kv.js';
export { watchHubTunables } from './watch-hub.js';
