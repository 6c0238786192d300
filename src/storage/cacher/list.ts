/**
 * Lists served from the cache's memory (kube-apiserver's Cacher.GetList,
 * restated): the objects under a prefix in key order, filtered by the
 * predicate, optionally cut at `limit` with a continue token at the cache's
 * revision (the next pages are read from the inner store at exactly that
 * revision, so the pages form one consistent list).
 */
import type { ListResult, SelectionPredicate } from '../interface.js';
import { encodeContinue } from '../kvstore/continue.js';
import type { ObjectStore } from './object-store.js';
import { detach, passes } from './watcher.js';

/** What to list. */
export interface CacheListRequest {
  /** The key (one object) or the prefix (recursive). */
  key: string;
  recursive: boolean;
  predicate?: SelectionPredicate;
  /** Page size; 0 = everything. */
  limit: number;
}

/** Lists from `store`, which reflects every change up to `revision`. */
export function listFromStore(store: ObjectStore, req: CacheListRequest, revision: number): ListResult {
  const rv = String(revision);
  const pred = req.predicate;
  const filtering = pred !== undefined && !pred.empty;
  if (!req.recursive) {
    const obj = store.get(req.key);
    return { items: obj !== undefined && passes(pred, obj) ? [detach(obj)] : [], resourceVersion: rv, continue: '' };
  }
  const prefix = req.key.endsWith('/') ? req.key : req.key + '/';
  const [from, to] = store.prefixRange(prefix);
  const limit = req.limit > 0 ? Math.floor(req.limit) : 0;
  const items = [];
  let lastKey = '';
  let hasMore = false;
  if (!filtering) {
    let end = to;
    if (limit > 0 && to - from > limit) {
      end = from + limit;
      hasMore = true;
    }
    for (let i = from; i < end; i++) items.push(detach(store.valueAt(i)));
    if (end > from) lastKey = store.keyAt(end - 1);
  } else {
    for (let i = from; i < to; i++) {
      if (limit > 0 && items.length >= limit) {
        // An item past a full page: the list continues.
        hasMore = true;
        break;
      }
      const obj = store.valueAt(i);
      if (passes(pred, obj)) {
        items.push(detach(obj));
        lastKey = store.keyAt(i);
      }
    }
  }
  if (!hasMore) return { items, resourceVersion: rv, continue: '' };
  const result: ListResult = { items, resourceVersion: rv, continue: encodeContinue(lastKey + '\0', prefix, revision) };
  if (!filtering) result.remainingItemCount = to - from - limit;
  return result;
}
