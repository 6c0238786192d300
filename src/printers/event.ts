/**
 * The Event printer. kube-apiserver serves core/v1 and events.k8s.io/v1 Events
 * from one storage and prints both with the same columns; the two versions
 * only name the fields differently (involvedObject/regarding, message/note,
 * source/deprecatedSource, ...).
 */
import type { KubeObject } from '../runtime/object.js';
import { field, has, num, str } from './access.js';
import { parseTimestamp, translateTimestampSince } from './duration.js';
import { col, wide } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** The fields the printer reads, under their core/v1 meaning. */
interface EventView {
  name: string;
  type: string;
  reason: string;
  message: string;
  objectKind: string;
  objectName: string;
  fieldPath: string;
  sourceComponent: string;
  sourceHost: string;
  reportingController: string;
  reportingInstance: string;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  eventTime: unknown;
  count: number;
  series: unknown;
}

function coreView(e: KubeObject): EventView {
  return {
    name: str(e, 'metadata', 'name'),
    type: str(e, 'type'),
    reason: str(e, 'reason'),
    message: str(e, 'message'),
    objectKind: str(e, 'involvedObject', 'kind'),
    objectName: str(e, 'involvedObject', 'name'),
    fieldPath: str(e, 'involvedObject', 'fieldPath'),
    sourceComponent: str(e, 'source', 'component'),
    sourceHost: str(e, 'source', 'host'),
    reportingController: str(e, 'reportingComponent'),
    reportingInstance: str(e, 'reportingInstance'),
    firstTimestamp: field(e, 'firstTimestamp'),
    lastTimestamp: field(e, 'lastTimestamp'),
    eventTime: field(e, 'eventTime'),
    count: num(e, 'count'),
    series: field(e, 'series'),
  };
}

function eventsV1View(e: KubeObject): EventView {
  return {
    name: str(e, 'metadata', 'name'),
    type: str(e, 'type'),
    reason: str(e, 'reason'),
    message: str(e, 'note'),
    objectKind: str(e, 'regarding', 'kind'),
    objectName: str(e, 'regarding', 'name'),
    fieldPath: str(e, 'regarding', 'fieldPath'),
    sourceComponent: str(e, 'deprecatedSource', 'component'),
    sourceHost: str(e, 'deprecatedSource', 'host'),
    reportingController: str(e, 'reportingController'),
    reportingInstance: str(e, 'reportingInstance'),
    firstTimestamp: field(e, 'deprecatedFirstTimestamp'),
    lastTimestamp: field(e, 'deprecatedLastTimestamp'),
    eventTime: field(e, 'eventTime'),
    count: num(e, 'deprecatedCount'),
    series: field(e, 'series'),
  };
}

/** `component, host`, falling back to the reporting controller and instance. */
function formatSource(v: EventView): string {
  const component = v.sourceComponent !== '' ? v.sourceComponent : v.reportingController;
  const instance = v.sourceHost !== '' ? v.sourceHost : v.reportingInstance;
  return instance === '' ? component : `${component}, ${instance}`;
}

function eventCells(v: EventView, now: Date): unknown[] {
  const firstSeen =
    parseTimestamp(v.firstTimestamp) !== undefined
      ? translateTimestampSince(v.firstTimestamp, now)
      : translateTimestampSince(v.eventTime, now);
  let lastSeen = parseTimestamp(v.lastTimestamp) !== undefined ? translateTimestampSince(v.lastTimestamp, now) : firstSeen;
  let count = v.count;
  if (v.series !== undefined && v.series !== null) {
    lastSeen = translateTimestampSince(field(v.series, 'lastObservedTime'), now);
    count = num(v.series, 'count');
  } else if (count === 0) {
    // Events written through events.k8s.io without a series happened once.
    count = 1;
  }
  const target = v.objectName !== '' ? `${v.objectKind.toLowerCase()}/${v.objectName}` : v.objectKind.toLowerCase();
  return [lastSeen, v.type, v.reason, target, v.fieldPath, formatSource(v), v.message.trim(), firstSeen, count, v.name];
}

const columns = [
  col('Last Seen', 'string', 'How long ago the event was last observed.'),
  col('Type', 'string', 'The type of the event: Normal or Warning.'),
  col('Reason', 'string', 'A short machine-readable reason for the event.'),
  col('Object', 'string', 'The object the event is about, as kind/name.'),
  wide('Subobject', 'string', 'The part of the object the event is about, such as a container.'),
  wide('Source', 'string', 'The component, and host, that reported the event.'),
  col('Message', 'string', 'A human-readable description of the event.'),
  wide('First Seen', 'string', 'How long ago the event was first observed.'),
  wide('Count', 'string', 'How many times the event has occurred.'),
  wide('Name', 'string', 'The name of the Event object.', 'name'),
];

/** core/v1 Events. */
export const eventConvertor: PrinterTableConvertor = {
  columns,
  cells: (e, now) => eventCells(coreView(e), now),
};

/** events.k8s.io/v1 (and v1beta1) Events: same columns, events.k8s.io field names. */
export const eventsV1Convertor: PrinterTableConvertor = {
  columns,
  cells: (e, now) => eventCells(has(e, 'involvedObject') && !has(e, 'regarding') ? coreView(e) : eventsV1View(e), now),
};
