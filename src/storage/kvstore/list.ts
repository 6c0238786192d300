/**
 * GetList over a KV: resourceVersion / resourceVersionMatch semantics, limit
 * and continue pagination, and predicate filtering (kube-apiserver's etcd3
 * store, restated).
 */
import { KvCompactedError, prefixEnd, type KV, type RangeResult } from '../kv/interface.js';
import type { KubeObject } from '../../runtime/object.js';
import { compactedContinue, invalidContinue, tooLargeResourceVersion } from '../errors.js';
import type { ListOptions, ListResult } from '../interface.js';
import { decodeObject } from './codec.js';
import { decodeContinue, encodeContinue } from './continue.js';
import { fromKvError } from './kv-errors.js';
import { parseResourceVersion } from './resource-version.js';

/** Largest page the store fetches from the KV when a selector thins out results. */
export const MAX_FETCH_LIMIT = 10000;

/** Lists `key` (one object) or the objects under the prefix `key` (recursive). */
export async function getList(kv: KV, key: string, opts: ListOptions = {}): Promise<ListResult> {
  const recursive = opts.recursive === true;
  const prefix = recursive && !key.endsWith('/') ? key + '/' : key;
  const pred = opts.predicate;
  const filtering = pred !== undefined && !pred.empty;
  const limit = opts.limit !== undefined && opts.limit > 0 ? Math.floor(opts.limit) : 0;
  const paging = recursive && limit > 0;
  const minimum = parseResourceVersion(opts.resourceVersion);

  let withRev = 0;
  let start = prefix;
  let continuing = false;
  if (recursive && opts.continue) {
    const token = decodeContinue(opts.continue, prefix);
    if (opts.resourceVersion && opts.resourceVersion !== '0') {
      throw invalidContinue('specifying resource version is not allowed when using continue');
    }
    start = token.key;
    continuing = true;
    if (token.revision > 0) withRev = token.revision;
  } else if (minimum > 0) {
    switch (opts.resourceVersionMatch ?? '') {
      case 'NotOlderThan':
        break;
      case 'Exact':
        withRev = minimum;
        break;
      case '':
        // Legacy: a resourceVersion with a limit reads exactly at it.
        if (paging) withRev = minimum;
        break;
      default:
        throw new Error(`unknown ResourceVersionMatch value: ${String(opts.resourceVersionMatch)}`);
    }
  }

  const end = recursive ? prefixEnd(prefix) : undefined;
  const items: KubeObject[] = [];
  let fetchLimit = limit;
  let lastKey = '';
  let hasMore = false;
  let last: RangeResult | undefined;
  for (;;) {
    let r: RangeResult;
    try {
      r = await kv.range(start, end, { revision: withRev, limit: paging ? fetchLimit : 0 });
    } catch (err) {
      if (err instanceof KvCompactedError && continuing) {
        throw compactedContinue(err.requested, err.compacted, encodeContinue(start, prefix, -1));
      }
      throw fromKvError(err, prefix);
    }
    last = r;
    if (minimum > r.revision) throw tooLargeResourceVersion(minimum, r.revision);
    hasMore = r.more;
    let full = false;
    for (const kvp of r.kvs) {
      if (paging && items.length >= limit) {
        hasMore = true;
        full = true;
        break;
      }
      lastKey = kvp.key;
      const obj = decodeObject(kvp.key, kvp.value, kvp.modRevision);
      if (!filtering || matches(pred, obj)) items.push(obj);
    }
    if (!hasMore || !paging || full || items.length >= limit) break;
    // A selector dropped items: fetch more at the same revision, in bigger pages.
    if (fetchLimit < MAX_FETCH_LIMIT) fetchLimit = Math.min(fetchLimit * 2, MAX_FETCH_LIMIT);
    start = lastKey + '\0';
    if (withRev === 0) withRev = r.revision;
  }
  const revision = withRev > 0 ? withRev : last!.revision;
  if (!hasMore) return { items, resourceVersion: String(revision), continue: '' };
  const result: ListResult = {
    items,
    resourceVersion: String(revision),
    continue: encodeContinue(lastKey + '\0', prefix, revision),
  };
  if (!filtering) result.remainingItemCount = Math.max(0, last!.count - limit);
  return result;
}

function matches(pred: { matches(obj: KubeObject): boolean }, obj: KubeObject): boolean {
  try {
    return pred.matches(obj);
  } catch {
    return false;
  }
}
