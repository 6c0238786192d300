/**
 * events.k8s.io/v1 Events are stored as core/v1 Events (one storage, two
 * views), with the field renames Kubernetes' conversion makes.
 */
import type { KubeObject } from '../../runtime/object.js';
import { clone } from '../conversion/fields.js';
import type { VersionConverter } from '../conversion/registry.js';

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

/** A copy of obj with its top-level fields renamed (nothing shared with obj). */
function rename(obj: KubeObject, pairs: [string, string][]): KubeObject {
  const out: KubeObject = {};
  const map = new Map(pairs);
  for (const [k, v] of Object.entries(clone(obj))) out[map.get(k) ?? k] = v;
  return out;
}

/** core/v1 → events.k8s.io/v1. */
export function coreToEventsV1(obj: KubeObject): KubeObject {
  const out = rename(obj, renames.map(([a, b]) => [b, a]));
  out.apiVersion = 'events.k8s.io/v1';
  out.kind = 'Event';
  return out;
}

/** events.k8s.io/v1 → core/v1. */
export function eventsV1ToCore(obj: KubeObject): KubeObject {
  const out = rename(obj, renames);
  out.apiVersion = 'v1';
  out.kind = 'Event';
  return out;
}

/** The converter: events.k8s.io/v1 Event served, core v1 Event stored. */
export const eventsConverter: VersionConverter = {
  served: { group: 'events.k8s.io', version: 'v1', kind: 'Event' },
  storage: { group: '', version: 'v1', kind: 'Event' },
  toStorage: eventsV1ToCore,
  fromStorage: coreToEventsV1,
};

/** Store hooks of the events.k8s.io/v1 store (same as `conversionHooksFor` gives). */
