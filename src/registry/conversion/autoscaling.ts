/**
 * HorizontalPodAutoscaler autoscaling/v1 ↔ autoscaling/v2 (the storage
 * version), as kube-apiserver converts them through its internal version:
 *
 * - v1 `spec.targetCPUUtilizationPercentage` is the first v2 metric of type
 *   Resource, name cpu, with a `target.averageUtilization`; v1
 *   `status.currentCPUUtilizationPercentage` is the last such current metric.
 * - What v1 cannot express travels in annotations: the other metrics
 *   (`autoscaling.alpha.kubernetes.io/metrics`, in the v1 metric shape), all
 *   current metrics (`.../current-metrics`), the conditions
 *   (`.../conditions`) and the behavior (`.../behavior`, the internal type's
 *   JSON with Go field names). Reading v1 back restores them and drops the
 *   annotations; a v1 object without any metric gets the CPU 80% default.
 * - v2 neither reads nor writes those annotations: they are dropped both ways.
 */
import type { KubeObject, ObjectMeta } from '../../runtime/object.js';
import { asList, asObj, clone, compact, field, int, invalid, parseJSON, quantity, str, type Obj } from './fields.js';
import { goMarshal, goStruct, type GoStruct, type GoValue } from './gojson.js';

/** Annotation holding the metrics v1 cannot express (v1 MetricSpec JSON). */
export const MetricSpecsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
/** Annotation holding all current metrics (v1 MetricStatus JSON). */
export const MetricStatusesAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';
/** Annotation holding the status conditions (v1 HorizontalPodAutoscalerCondition JSON). */
export const ConditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';
/** Annotation holding spec.behavior (internal type JSON, Go field names). */
export const BehaviorSpecsAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';

const roundTripAnnotations = [MetricSpecsAnnotation, BehaviorSpecsAnnotation, MetricStatusesAnnotation, ConditionsAnnotation];

/** The CPU utilization autoscaling/v1 implies when no metric is given. */
export const DefaultCPUUtilization = 80;

// ---- shared pieces --------------------------------------------------------------------------

/** metadata with the round-trip annotations removed (the annotations map dropped when it empties). */
function dropRoundTrip(meta: ObjectMeta | undefined): ObjectMeta {
  const out: ObjectMeta = { ...(meta ?? {}) };
  const ann = out.annotations;
  if (!ann || !roundTripAnnotations.some((k) => Object.prototype.hasOwnProperty.call(ann, k))) return out;
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(ann)) if (!roundTripAnnotations.includes(k)) kept[k] = v;
  if (Object.keys(kept).length > 0) out.annotations = kept;
  else delete out.annotations;
  return out;
}

/** metav1.LabelSelector as Go marshals it, or undefined. */
function selectorToGo(v: unknown): GoStruct | undefined {
  const sel = asObj(v);
  if (!sel) return undefined;
  const labels: Record<string, GoValue> = {};
  for (const [k, x] of Object.entries(asObj(field(sel, 'matchLabels')) ?? {})) labels[k] = str(x);
  const exprs = asList(field(sel, 'matchExpressions')).map((e) => {
    const r = asObj(e);
    const values = asList(field(r, 'values')).map(str);
    return goStruct(['key', str(field(r, 'key'))], ['operator', str(field(r, 'operator'))], ['values', values, 'empty']);
  });
  return goStruct(['matchLabels', labels, 'empty'], ['matchExpressions', exprs, 'empty']);
}

/** metav1.LabelSelector in the JSON kapi stores (empty members left out), or undefined. */
function selectorFromAny(v: unknown): Obj | undefined {
  const sel = asObj(v);
  if (!sel) return undefined;
  const out: Obj = {};
  const labels = asObj(field(sel, 'matchLabels'));
  if (labels && Object.keys(labels).length > 0) {
    const m: Record<string, string> = {};
    for (const [k, x] of Object.entries(labels)) m[k] = str(x);
    out.matchLabels = m;
  }
  const exprs = asList(field(sel, 'matchExpressions'));
  if (exprs.length > 0) {
    out.matchExpressions = exprs.map((e) => {
      const r = asObj(e);
      const values = asList(field(r, 'values')).map(str);
      return compact({ key: str(field(r, 'key')), operator: str(field(r, 'operator')), values: values.length > 0 ? values : undefined });
    });
  }
  return out;
}

/** CrossVersionObjectReference as Go marshals it. */
function refToGo(v: unknown): GoStruct {
  const r = asObj(v);
  return goStruct(['kind', str(field(r, 'kind'))], ['name', str(field(r, 'name'))], ['apiVersion', str(field(r, 'apiVersion')), 'empty']);
}

/** CrossVersionObjectReference in stored JSON. */
function refFromAny(v: unknown): Obj {
  const r = asObj(v);
  const apiVersion = str(field(r, 'apiVersion'));
  return compact({ kind: str(field(r, 'kind')), name: str(field(r, 'name')), apiVersion: apiVersion === '' ? undefined : apiVersion });
}

/** A v2 MetricIdentifier. */
function metricIdentifier(name: unknown, selector: unknown): Obj {
  return compact({ name: str(name), selector: selectorFromAny(selector) });
}

/** A quantity, "0" when unset: a Go resource.Quantity value field. */
function qtyOrZero(v: unknown): string {
  return quantity(v) ?? '0';
}

// ---- metrics: v2 → v1 (annotation JSON) -------------------------------------------------------

function metricSpecToV1(m: Obj): GoStruct {
  const type = str(m.type);
  const o = asObj(m.object);
  const p = asObj(m.pods);
  const r = asObj(m.resource);
  const c = asObj(m.containerResource);
  const e = asObj(m.external);
  const tgt = (x: Obj | undefined) => asObj(x?.target);
  const ident = (x: Obj | undefined) => asObj(x?.metric);
  return goStruct(
    ['type', type],
    ['object', o && goStruct(
      ['target', refToGo(o.describedObject)],
      ['metricName', str(ident(o)?.name)],
      ['targetValue', qtyOrZero(tgt(o)?.value)],
      ['selector', selectorToGo(ident(o)?.selector), 'nil'],
      ['averageValue', quantity(tgt(o)?.averageValue), 'nil'],
    ), 'nil'],
    ['pods', p && goStruct(
      ['metricName', str(ident(p)?.name)],
      ['targetAverageValue', qtyOrZero(tgt(p)?.averageValue)],
      ['selector', selectorToGo(ident(p)?.selector), 'nil'],
    ), 'nil'],
    ['resource', r && goStruct(
      ['name', str(r.name)],
      ['targetAverageUtilization', int(tgt(r)?.averageUtilization), 'nil'],
      ['targetAverageValue', quantity(tgt(r)?.averageValue), 'nil'],
    ), 'nil'],
    ['containerResource', c && goStruct(
      ['name', str(c.name)],
      ['targetAverageUtilization', int(tgt(c)?.averageUtilization), 'nil'],
      ['targetAverageValue', quantity(tgt(c)?.averageValue), 'nil'],
      ['container', str(c.container)],
    ), 'nil'],
    ['external', e && goStruct(
      ['metricName', str(ident(e)?.name)],
      ['metricSelector', selectorToGo(ident(e)?.selector), 'nil'],
      ['targetValue', quantity(tgt(e)?.value), 'nil'],
      ['targetAverageValue', quantity(tgt(e)?.averageValue), 'nil'],
    ), 'nil'],
  );
}

function metricStatusToV1(m: Obj): GoStruct {
  const o = asObj(m.object);
  const p = asObj(m.pods);
  const r = asObj(m.resource);
  const c = asObj(m.containerResource);
  const e = asObj(m.external);
  const cur = (x: Obj | undefined) => asObj(x?.current);
  const ident = (x: Obj | undefined) => asObj(x?.metric);
  return goStruct(
    ['type', str(m.type)],
    ['object', o && goStruct(
      ['target', refToGo(o.describedObject)],
      ['metricName', str(ident(o)?.name)],
      ['currentValue', qtyOrZero(cur(o)?.value)],
      ['selector', selectorToGo(ident(o)?.selector), 'nil'],
      ['averageValue', quantity(cur(o)?.averageValue), 'nil'],
    ), 'nil'],
    ['pods', p && goStruct(
      ['metricName', str(ident(p)?.name)],
      ['currentAverageValue', qtyOrZero(cur(p)?.averageValue)],
      ['selector', selectorToGo(ident(p)?.selector), 'nil'],
    ), 'nil'],
    ['resource', r && goStruct(
      ['name', str(r.name)],
      ['currentAverageUtilization', int(cur(r)?.averageUtilization), 'nil'],
      ['currentAverageValue', qtyOrZero(cur(r)?.averageValue)],
    ), 'nil'],
    ['containerResource', c && goStruct(
      ['name', str(c.name)],
      ['currentAverageUtilization', int(cur(c)?.averageUtilization), 'nil'],
      ['currentAverageValue', qtyOrZero(cur(c)?.averageValue)],
      ['container', str(c.container)],
    ), 'nil'],
    ['external', e && goStruct(
      ['metricName', str(ident(e)?.name)],
      ['metricSelector', selectorToGo(ident(e)?.selector), 'nil'],
      ['currentValue', qtyOrZero(cur(e)?.value)],
      ['currentAverageValue', quantity(cur(e)?.averageValue), 'nil'],
    ), 'nil'],
  );
}

function conditionToV1(c: Obj): GoStruct {
  const t = str(c.lastTransitionTime);
  return goStruct(
    ['type', str(c.type)],
    ['status', str(c.status)],
    ['lastTransitionTime', t === '' ? null : t],
    ['reason', str(c.reason), 'empty'],
    ['message', str(c.message), 'empty'],
  );
}

/** v2 HPAScalingRules as the internal type marshals it (no json tags: Go field names, nils as null). */
function rulesToInternal(v: unknown): GoValue {
  const r = asObj(v);
  if (!r) return null;
  const policies = Array.isArray(r.policies)
    ? r.policies.map((p) => {
      const o = asObj(p);
      return goStruct(['Type', str(o?.type)], ['Value', int(o?.value) ?? 0], ['PeriodSeconds', int(o?.periodSeconds) ?? 0]);
    })
    : null;
  return goStruct(
    ['StabilizationWindowSeconds', int(r.stabilizationWindowSeconds) ?? null],
    ['SelectPolicy', typeof r.selectPolicy === 'string' ? r.selectPolicy : null],
    ['Policies', policies],
    ['Tolerance', quantity(r.tolerance) ?? null],
  );
}

// ---- metrics: v1 (annotation JSON) → v2 -------------------------------------------------------

function metricSpecFromV1(v: unknown): Obj {
  const m = asObj(v);
  const out: Obj = { type: str(field(m, 'type')) };
  const o = asObj(field(m, 'object'));
  if (o) {
    const avg = quantity(field(o, 'averageValue'));
    out.object = {
      describedObject: refFromAny(field(o, 'target')),
      target: compact({ type: avg === undefined ? 'Value' : 'AverageValue', value: qtyOrZero(field(o, 'targetValue')), averageValue: avg }),
      metric: metricIdentifier(field(o, 'metricName'), field(o, 'selector')),
    };
  }
  const p = asObj(field(m, 'pods'));
  if (p) {
    out.pods = {
      metric: metricIdentifier(field(p, 'metricName'), field(p, 'selector')),
      target: { type: 'AverageValue', averageValue: qtyOrZero(field(p, 'targetAverageValue')) },
    };
  }
  const resourceTarget = (x: Obj): Obj => {
    const util = int(field(x, 'targetAverageUtilization'));
    return compact({ type: util === undefined ? 'AverageValue' : 'Utilization', averageValue: quantity(field(x, 'targetAverageValue')), averageUtilization: util });
  };
  const r = asObj(field(m, 'resource'));
  if (r) out.resource = { name: str(field(r, 'name')), target: resourceTarget(r) };
  const c = asObj(field(m, 'containerResource'));
  if (c) out.containerResource = { name: str(field(c, 'name')), target: resourceTarget(c), container: str(field(c, 'container')) };
  const e = asObj(field(m, 'external'));
  if (e) {
    const value = quantity(field(e, 'targetValue'));
    out.external = {
      metric: metricIdentifier(field(e, 'metricName'), field(e, 'metricSelector')),
      target: compact({ type: value === undefined ? 'AverageValue' : 'Value', value, averageValue: quantity(field(e, 'targetAverageValue')) }),
    };
  }
  return out;
}

function metricStatusFromV1(v: unknown): Obj {
  const m = asObj(v);
  const out: Obj = { type: str(field(m, 'type')) };
  const o = asObj(field(m, 'object'));
  if (o) {
    out.object = {
      metric: metricIdentifier(field(o, 'metricName'), field(o, 'selector')),
      current: compact({ value: qtyOrZero(field(o, 'currentValue')), averageValue: quantity(field(o, 'averageValue')) }),
      describedObject: refFromAny(field(o, 'target')),
    };
  }
  const p = asObj(field(m, 'pods'));
  if (p) {
    out.pods = {
      metric: metricIdentifier(field(p, 'metricName'), field(p, 'selector')),
      current: { averageValue: qtyOrZero(field(p, 'currentAverageValue')) },
    };
  }
  const resourceCurrent = (x: Obj): Obj => compact({
    averageValue: qtyOrZero(field(x, 'currentAverageValue')),
    averageUtilization: int(field(x, 'currentAverageUtilization')),
  });
  const r = asObj(field(m, 'resource'));
  if (r) out.resource = { name: str(field(r, 'name')), current: resourceCurrent(r) };
  const c = asObj(field(m, 'containerResource'));
  if (c) out.containerResource = { name: str(field(c, 'name')), current: resourceCurrent(c), container: str(field(c, 'container')) };
  const e = asObj(field(m, 'external'));
  if (e) {
    out.external = {
      metric: metricIdentifier(field(e, 'metricName'), field(e, 'metricSelector')),
      current: compact({ value: qtyOrZero(field(e, 'currentValue')), averageValue: quantity(field(e, 'currentAverageValue')) }),
    };
  }
  return out;
}

function conditionFromV1(v: unknown): Obj {
  const c = asObj(v);
  const t = str(field(c, 'lastTransitionTime'));
  const reason = str(field(c, 'reason'));
  const message = str(field(c, 'message'));
  return compact({
    type: str(field(c, 'type')),
    status: str(field(c, 'status')),
    lastTransitionTime: t === '' ? undefined : t,
    reason: reason === '' ? undefined : reason,
    message: message === '' ? undefined : message,
  });
}

function rulesFromInternal(v: unknown): Obj | undefined {
  const r = asObj(v);
  if (!r) return undefined;
  const policies = field(r, 'Policies');
  const selectPolicy = field(r, 'SelectPolicy');
  return compact({
    stabilizationWindowSeconds: int(field(r, 'StabilizationWindowSeconds')),
    selectPolicy: typeof selectPolicy === 'string' ? selectPolicy : undefined,
    policies: Array.isArray(policies) && policies.length > 0
      ? policies.map((p) => {
        const o = asObj(p);
        return { type: str(field(o, 'Type')), value: int(field(o, 'Value')) ?? 0, periodSeconds: int(field(o, 'PeriodSeconds')) ?? 0 };
      })
      : undefined,
    tolerance: quantity(field(r, 'Tolerance')),
  });
}

/** The list an annotation holds, or undefined when it is absent or not a JSON list (Go ignores it then). */
function annotationList(ann: Record<string, string> | undefined, key: string): unknown[] | undefined {
  const text = ann?.[key];
  if (typeof text !== 'string') return undefined;
  const v = parseJSON(text);
  if (v === null) return [];
  if (v === invalid || !Array.isArray(v)) return undefined;
  return v.every((x) => x === null || asObj(x) !== undefined) ? v : undefined;
}

const isCpuUtilizationTarget = (m: Obj): boolean => {
  const r = asObj(m.resource);
  return m.type === 'Resource' && r !== undefined && r.name === 'cpu' && int(asObj(r.target)?.averageUtilization) !== undefined;
};

const cpuUtilizationMetric = (percent: number): Obj => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } },
});

// ---- the conversions --------------------------------------------------------------------------

/** autoscaling/v2 (storage) → autoscaling/v1. */
export function hpaV2ToV1(stored: KubeObject): KubeObject {
  const src = clone(stored);
  const spec = asObj(src.spec) ?? {};
  const status = asObj(src.status) ?? {};
  const metadata = dropRoundTrip(src.metadata);
  const added: Record<string, string> = {};

  const metrics = asList(spec.metrics).map((m) => asObj(m) ?? {});
  const v1spec: Obj = {};
  if (spec.scaleTargetRef !== undefined) v1spec.scaleTargetRef = spec.scaleTargetRef;
  if (spec.minReplicas !== undefined) v1spec.minReplicas = spec.minReplicas;
  if (spec.maxReplicas !== undefined) v1spec.maxReplicas = spec.maxReplicas;
  const cpu = metrics.find(isCpuUtilizationTarget);
  if (cpu) v1spec.targetCPUUtilizationPercentage = asObj(asObj(cpu.resource)?.target)?.averageUtilization;
  const other = metrics.filter((m) => !isCpuUtilizationTarget(m)).map(metricSpecToV1);
  if (other.length > 0) added[MetricSpecsAnnotation] = goMarshal(other);

  const currentMetrics = asList(status.currentMetrics).map((m) => asObj(m) ?? {});
  if (currentMetrics.length > 0) added[MetricStatusesAnnotation] = goMarshal(currentMetrics.map(metricStatusToV1));
  const behavior = asObj(spec.behavior);
  if (behavior) {
    added[BehaviorSpecsAnnotation] = goMarshal(goStruct(['ScaleUp', rulesToInternal(behavior.scaleUp)], ['ScaleDown', rulesToInternal(behavior.scaleDown)]));
  }
  const conditions = asList(status.conditions).map((c) => asObj(c) ?? {});
  if (conditions.length > 0) added[ConditionsAnnotation] = goMarshal(conditions.map(conditionToV1));
  if (Object.keys(added).length > 0) metadata.annotations = { ...(metadata.annotations ?? {}), ...added };

  const v1status: Obj = {};
  if (status.observedGeneration !== undefined) v1status.observedGeneration = status.observedGeneration;
  if (status.lastScaleTime !== undefined && status.lastScaleTime !== null) v1status.lastScaleTime = status.lastScaleTime;
  v1status.currentReplicas = int(status.currentReplicas) ?? 0;
  v1status.desiredReplicas = int(status.desiredReplicas) ?? 0;
  let currentCPU: number | undefined;
  for (const m of currentMetrics) {
    const r = asObj(m.resource);
    const util = int(asObj(r?.current)?.averageUtilization);
    if (m.type === 'Resource' && r && r.name === 'cpu' && util !== undefined) currentCPU = util;
  }
  if (currentCPU !== undefined) v1status.currentCPUUtilizationPercentage = currentCPU;

  return { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata, spec: v1spec, status: v1status };
}

/** autoscaling/v1 → autoscaling/v2 (storage). */
export function hpaV1ToV2(served: KubeObject): KubeObject {
  const src = clone(served);
  const spec = asObj(src.spec) ?? {};
  const status = asObj(src.status) ?? {};
  const ann = src.metadata?.annotations;

  const v2spec: Obj = {};
  if (spec.scaleTargetRef !== undefined) v2spec.scaleTargetRef = spec.scaleTargetRef;
  if (spec.minReplicas !== undefined) v2spec.minReplicas = spec.minReplicas;
  if (spec.maxReplicas !== undefined) v2spec.maxReplicas = spec.maxReplicas;
  const targetCPU = int(spec.targetCPUUtilizationPercentage);
  const cpuMetrics = targetCPU === undefined ? [] : [cpuUtilizationMetric(targetCPU)];
  const other = annotationList(ann, MetricSpecsAnnotation);
  let metrics = other === undefined ? cpuMetrics : [...other.map(metricSpecFromV1), ...cpuMetrics];
  if (metrics.length === 0) metrics = [cpuUtilizationMetric(DefaultCPUUtilization)];
  v2spec.metrics = metrics;
  const behaviorText = ann?.[BehaviorSpecsAnnotation];
  if (typeof behaviorText === 'string') {
    const b = asObj(parseJSON(behaviorText));
    const scaleUp = rulesFromInternal(field(b, 'ScaleUp'));
    const scaleDown = rulesFromInternal(field(b, 'ScaleDown'));
    if (scaleUp || scaleDown) v2spec.behavior = compact({ scaleUp, scaleDown });
  }

  const v2status: Obj = {};
  if (status.observedGeneration !== undefined) v2status.observedGeneration = status.observedGeneration;
  if (status.lastScaleTime !== undefined && status.lastScaleTime !== null) v2status.lastScaleTime = status.lastScaleTime;
  const currentReplicas = int(status.currentReplicas) ?? 0;
  if (currentReplicas !== 0) v2status.currentReplicas = currentReplicas;
  v2status.desiredReplicas = int(status.desiredReplicas) ?? 0;
  const currentCPU = int(status.currentCPUUtilizationPercentage);
  const current = annotationList(ann, MetricStatusesAnnotation);
  const currentMetrics = current !== undefined
    ? current.map(metricStatusFromV1)
    : currentCPU === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: currentCPU } } }];
  if (currentMetrics.length > 0) v2status.currentMetrics = currentMetrics;
  const conditions = annotationList(ann, ConditionsAnnotation);
  if (conditions !== undefined && conditions.length > 0) v2status.conditions = conditions.map(conditionFromV1);

  return { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: dropRoundTrip(src.metadata), spec: v2spec, status: v2status };
}

/**
 * autoscaling/v2 ↔ storage: the same version, through the internal one,
 * which drops the v1 round-trip annotations.
 */
export function hpaV2Normalize(obj: KubeObject): KubeObject {
  const out = clone(obj);
  out.metadata = dropRoundTrip(out.metadata);
  return out;
}
