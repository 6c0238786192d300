/**
 * The etcd v3 backend of the KV contract (see README.md).
 */
export { openEtcdKV, EtcdKV, etcdKvTunables, type EtcdKVOptions } from './kv.js';
export { COMPACT_REV_KEY } from './compaction.js';
export { etcdConnectionTunables, type EtcdTlsOptions } from './connection.js';
export { etcdWatchTunables } from './watch.js';
export { KeyLayout, DEFAULT_ETCD_PREFIX } from './keys.js';
