/**
 * Conformance suites every KV backend and every Storage implementation runs
 * (see README.md).
 */
export { runKvConformance, type KvFactory, type KvTestHandle } from './kv-conformance.js';
export {
  runStorageConformance,
  type StorageFactory,
  type StorageTestHandle,
  type StorageTestOptions,
} from './storage-conformance.js';
export { EventReader, KvEventCollector, conformanceTunables, within } from './helpers.js';
