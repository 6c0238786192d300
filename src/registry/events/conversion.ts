/**
 * events.k8s.io/v1 Events are stored as core/v1 Events (one storage, two
 * views), with the field renames Kubernetes' conversion makes.
 */
import type { KubeObject } from '../../runtime/object.js';
import type { StoreHooks } from '../generic/store.js';

/** events.k8s.io/v1 field → core/v1 field. */
const renames: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
];

function rename(obj: KubeObject, pairs: [string, string][]): KubeObject {
  const out: KubeObject = {};
  const map = new Map(pairs);
  for (const [k, v] of Object.entries(obj)) out[map.get(k) ?? k] = v;
  return out;
}

/** core/v1 → events.k8s.io/v1. */
export function coreToEventsV1(obj: KubeObject): KubeObject {
  const out = rename(obj, renames.map(([a, b]) => [b, a]));
  out.apiVersion = 'events.k8s.io/v1';
  return out;
}

/** events.k8s.io/v1 → core/v1. */
export function eventsV1ToCore(obj: KubeObject): KubeObject {
  const out = rename(obj, renames);
  out.apiVersion = 'v1';
  out.kind = 'Event';
  return out;
}

export const eventsConversion: StoreHooks = { toServed: coreToEventsV1, toStored: eventsV1ToCore };
