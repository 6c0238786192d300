/**
 * Storage over a KV backend (see README.md).
 */
export { newKvStorage, KvStorage, kvStorageTunables, type KvStorageOptions } from './store.js';
export { encodeContinue, decodeContinue, type ContinueToken } from './continue.js';
export { parseResourceVersion } from './resource-version.js';
export { INITIAL_EVENTS_END_ANNOTATION } from './watch.js';
