/**
 * The watch cache (see README.md).
 */
export {
  newCacher,
  Cacher,
  defaultKeyFunc,
  type CacherOptions,
  type CacherStats,
  type WatchProgressRequester,
} from './cacher.js';
export { cacherTunables } from './tunables.js';
