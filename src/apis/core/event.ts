/**
 * Events, in both wire forms: core/v1 (`involvedObject`, `message`,
 * `source`...) and events.k8s.io/v1 (`regarding`, `note`,
 * `deprecatedSource`...). core/v1 keeps the lenient legacy validation;
 * events.k8s.io/v1 adds the strict rules (pkg/apis/core/validation/events.go).
 * Error paths use the internal field names, as upstream's do.
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, invalid, required } from '../../validation/field/errors.js';
import { asObj, num, str, type Obj } from '../../validation/json.js';
import { isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain, validatePathSegmentName } from '../../validation/names.js';
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { asRecord, buildStrategy } from '../common/strategy.js';
import type { RestStrategy } from '../../registry/rest/strategy.js';

const ReportingInstanceLengthLimit = 128;
const ActionLengthLimit = 128;
const ReasonLengthLimit = 128;
const NoteLengthLimit = 1024;

/** An event's fields under their internal names, whichever wire form it came in. */
interface EventView {
  namespace: string;
  involvedObject: Obj;
  reason: string;
  message: string;
  source: Obj;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  count: number;
  type: string;
  eventTime: unknown;
  series: Obj | undefined;
  action: string;
  related: unknown;
  reportingController: string;
  reportingInstance: string;
}

function view(obj: KubeObject, eventsGroup: boolean): EventView {
  const o = asRecord(obj);
  return {
    namespace: str(obj.metadata?.namespace),
    involvedObject: asObj(eventsGroup ? o.regarding : o.involvedObject) ?? {},
    reason: str(o.reason),
    message: str(eventsGroup ? o.note : o.message),
    source: asObj(eventsGroup ? o.deprecatedSource : o.source) ?? {},
    firstTimestamp: eventsGroup ? o.deprecatedFirstTimestamp : o.firstTimestamp,
    lastTimestamp: eventsGroup ? o.deprecatedLastTimestamp : o.lastTimestamp,
    count: num(eventsGroup ? o.deprecatedCount : o.count) ?? 0,
    type: str(o.type),
    eventTime: o.eventTime,
    series: asObj(o.series),
    action: str(o.action),
    related: o.related,
    reportingController: str(eventsGroup ? o.reportingController : o.reportingComponent),
    reportingInstance: str(o.reportingInstance),
  };
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

function legacyValidateEvent(e: EventView, eventsGroup: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const rcField = eventsGroup ? 'reportingController' : 'reportingComponent';
  const involvedNs = str(e.involvedObject.namespace);
  if (!isSet(e.eventTime)) {
    if (involvedNs === '') {
      if (e.namespace !== '' && e.namespace !== 'default') {
        errs.push(invalid(FieldPath.of('involvedObject', 'namespace'), involvedNs, 'does not match event.namespace'));
      }
    } else if (e.namespace !== involvedNs) {
      errs.push(invalid(FieldPath.of('involvedObject', 'namespace'), involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (involvedNs === '' && e.namespace !== 'default' && e.namespace !== 'kube-system') {
      errs.push(invalid(FieldPath.of('involvedObject', 'namespace'), involvedNs, 'does not match event.namespace'));
    }
    if (e.reportingController === '') errs.push(required(FieldPath.of(rcField)));
    for (const m of isQualifiedName(e.reportingController)) errs.push(invalid(FieldPath.of(rcField), e.reportingController, m));
    if (e.reportingInstance === '') errs.push(required(FieldPath.of('reportingInstance')));
    if (e.reportingInstance.length > ReportingInstanceLengthLimit) {
      errs.push(invalid(FieldPath.of('reportingInstance'), '', `can have at most ${ReportingInstanceLengthLimit} characters`));
    }
    if (e.action === '') errs.push(required(FieldPath.of('action')));
    if (e.action.length > ActionLengthLimit) errs.push(invalid(FieldPath.of('action'), '', `can have at most ${ActionLengthLimit} characters`));
    if (e.reason === '') errs.push(required(FieldPath.of('reason')));
    if (e.reason.length > ReasonLengthLimit) errs.push(invalid(FieldPath.of('reason'), '', `can have at most ${ReasonLengthLimit} characters`));
    if (e.message.length > NoteLengthLimit) errs.push(invalid(FieldPath.of('message'), '', `can have at most ${NoteLengthLimit} characters`));
  }
  for (const m of isDNS1123Subdomain(e.namespace)) errs.push(invalid(FieldPath.of('namespace'), e.namespace, m));
  return errs;
}

function strictValidateEvent(obj: KubeObject, e: EventView): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  if (e.series) {
    if ((num(e.series.count) ?? 0) < 2) errs.push(invalid(FieldPath.of('series', 'count'), '', 'should be at least 2'));
    if (!isSet(e.series.lastObservedTime)) errs.push(required(FieldPath.of('series', 'lastObservedTime')));
  }
  if (!isSet(e.eventTime)) errs.push(required(FieldPath.of('eventTime')));
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(invalid(FieldPath.of('type'), '', `has invalid value: ${e.type}`));
  if (isSet(e.firstTimestamp)) errs.push(invalid(FieldPath.of('firstTimestamp'), '', 'needs to be unset'));
  if (isSet(e.lastTimestamp)) errs.push(invalid(FieldPath.of('lastTimestamp'), '', 'needs to be unset'));
  if (e.count !== 0) errs.push(invalid(FieldPath.of('count'), '', 'needs to be unset'));
  if (str(e.source.component) !== '' || str(e.source.host) !== '') errs.push(invalid(FieldPath.of('source'), '', 'needs to be unset'));
  return errs;
}

/** The generic metadata check the store runs after a kind's own validation passed. */
function commonMeta(obj: KubeObject): FieldError[] {
  return validateObjectMeta(obj.metadata, true, validatePathSegmentName, FieldPath.of('metadata'), { kubeFinalizers: false });
}

/** core/v1 Event structural zero values, as Go serializes an Event. */
function defaultCoreEvent(obj: KubeObject): void {
  const o = asRecord(obj);
  if (!asObj(o.involvedObject)) o.involvedObject = {};
  if (!asObj(o.source)) o.source = {};
  for (const k of ['firstTimestamp', 'lastTimestamp', 'eventTime']) if (o[k] === undefined) o[k] = null;
  for (const k of ['reportingComponent', 'reportingInstance']) if (o[k] === undefined || o[k] === null) o[k] = '';
}

/** events.k8s.io/v1 Event structural zero values. */
function defaultEventsEvent(obj: KubeObject): void {
  const o = asRecord(obj);
  if (o.eventTime === undefined) o.eventTime = null;
  if (!asObj(o.regarding)) o.regarding = {};
  if (!asObj(o.deprecatedSource)) o.deprecatedSource = {};
  for (const k of ['deprecatedFirstTimestamp', 'deprecatedLastTimestamp']) if (o[k] === undefined) o[k] = null;
}

/** The Event strategy for core/v1 (`eventsGroup` false) or events.k8s.io/v1 (true). */
export function eventStrategy(eventsGroup: boolean): RestStrategy {
  return buildStrategy({
    allowCreateOnUpdate: true,
    namespaced: true,
    hasStatus: false,
    tracksGeneration: false,
    defaults: eventsGroup ? defaultEventsEvent : defaultCoreEvent,
    validate(_ctx, obj) {
      const e = view(obj, eventsGroup);
      const errs = legacyValidateEvent(e, eventsGroup);
      if (eventsGroup) errs.push(...strictValidateEvent(obj, e));
      return errs.length > 0 ? errs : commonMeta(obj);
    },
    validateUpdate(_ctx, obj, old) {
      const e = view(obj, eventsGroup);
      const errs = legacyValidateEvent(e, eventsGroup);
      if (eventsGroup) {
        const o = view(old, eventsGroup);
        const pairs: [string, unknown, unknown][] = [
          ['involvedObject', e.involvedObject, o.involvedObject],
          ['reason', e.reason, o.reason],
          ['message', e.message, o.message],
          ['source', e.source, o.source],
          ['firstTimestamp', e.firstTimestamp ?? null, o.firstTimestamp ?? null],
          ['lastTimestamp', e.lastTimestamp ?? null, o.lastTimestamp ?? null],
          ['count', e.count, o.count],
          ['type', e.type, o.type],
          ['action', e.action, o.action],
          ['related', e.related ?? null, o.related ?? null],
          ['reportingController', e.reportingController, o.reportingController],
          ['reportingInstance', e.reportingInstance, o.reportingInstance],
        ];
        for (const [f, n, p] of pairs) errs.push(...validateImmutableField(n, p, FieldPath.of(f)));
      }
      errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.of('metadata'), { kubeFinalizers: false }));
      return errs;
    },
  });
}
