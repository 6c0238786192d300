/**
 * Printers for autoscaling HorizontalPodAutoscalers. kube-apiserver prints v1
 * and v2 objects from one internal form, in which v1's CPU target is a v2
 * Resource metric; the v1 convertor builds that form before formatting.
 */
import type { KubeObject } from '../runtime/object.js';
import { field, has, list, num, optNum, str } from './access.js';
import { ageOf, nameOf } from './common.js';
import { AGE_COLUMN, NAME_COLUMN, col } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** The CPU utilization target the v2 defaulter gives an HPA without metrics. */
const DEFAULT_CPU_UTILIZATION = 80;

/** A *resource.Quantity as Go prints it: the value, or `<nil>` for a nil pointer. */
function qty(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return '<nil>';
}

const defaultMetrics = (): unknown[] => [
  { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } },
];

/** One `current/target` piece for the metric spec at index i. */
function formatMetric(spec: unknown, status: unknown): string {
  const target = (source: string): unknown => field(spec, source, 'target');
  const current = (source: string): unknown => (has(status, source) ? field(status, source, 'current') : undefined);
  switch (str(spec, 'type')) {
    case 'External':
    case 'Object': {
      const source = str(spec, 'type') === 'External' ? 'external' : 'object';
      const cur = current(source);
      if (has(target(source), 'averageValue')) {
        const c = cur !== undefined && has(cur, 'averageValue') ? qty(field(cur, 'averageValue')) : '<unknown>';
        return `${c}/${qty(field(target(source), 'averageValue'))} (avg)`;
      }
      const c = cur !== undefined ? qty(field(cur, 'value')) : '<unknown>';
      return `${c}/${qty(field(target(source), 'value'))}`;
    }
    case 'Pods': {
      const cur = current('pods');
      const c = cur !== undefined ? qty(field(cur, 'averageValue')) : '<unknown>';
      return `${c}/${qty(field(target('pods'), 'averageValue'))}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const source = str(spec, 'type') === 'Resource' ? 'resource' : 'containerResource';
      const resourceName = str(spec, source, 'name');
      const cur = current(source);
      if (has(target(source), 'averageValue')) {
        const c = cur !== undefined ? qty(field(cur, 'averageValue')) : '<unknown>';
        return `${resourceName}: ${c}/${qty(field(target(source), 'averageValue'))}`;
      }
      const curUtil = cur !== undefined ? optNum(cur, 'averageUtilization') : undefined;
      const c = curUtil !== undefined ? `${curUtil}%` : '<unknown>';
      const targetUtil = optNum(target(source), 'averageUtilization');
      return `${resourceName}: ${c}/${targetUtil !== undefined ? `${targetUtil}%` : '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

/** The TARGETS cell: at most two metrics, then `+ N more...`; `<none>` without metrics. */
export function formatHPAMetrics(specs: unknown[], statuses: unknown[]): string {
  if (specs.length === 0) return '<none>';
  const max = 2;
  const pieces = specs.map((spec, i) => formatMetric(spec, statuses[i]));
  if (pieces.length > max) return `${pieces.slice(0, max).join(', ')} + ${pieces.length - max} more...`;
  return pieces.join(', ');
}

const columns = [
  NAME_COLUMN,
  col('Reference', 'string', 'The workload the autoscaler scales, as Kind/name.'),
  col('Targets', 'string', 'Current and target values of the metrics.'),
  col('MinPods', 'string', 'The lower limit of replicas.'),
  col('MaxPods', 'string', 'The upper limit of replicas.'),
  col('Replicas', 'string', 'The number of replicas the autoscaler last saw.'),
  AGE_COLUMN,
];

function hpaCells(o: KubeObject, now: Date, specs: unknown[], statuses: unknown[]): unknown[] {
  return [
    nameOf(o),
    `${str(o, 'spec', 'scaleTargetRef', 'kind')}/${str(o, 'spec', 'scaleTargetRef', 'name')}`,
    formatHPAMetrics(specs, statuses),
    String(optNum(o, 'spec', 'minReplicas') ?? 1),
    num(o, 'spec', 'maxReplicas'),
    num(o, 'status', 'currentReplicas'),
    ageOf(o, now),
  ];
}

/** autoscaling/v2 HorizontalPodAutoscalers: Name, Reference, Targets, MinPods, MaxPods, Replicas, Age. */
export const hpaV2Convertor: PrinterTableConvertor = {
  columns,
  cells(o, now) {
    const specs = list(o, 'spec', 'metrics');
    return hpaCells(o, now, specs.length > 0 ? specs : defaultMetrics(), list(o, 'status', 'currentMetrics'));
  },
};

/** autoscaling/v1 HorizontalPodAutoscalers: the v2 columns, with the CPU target as a Resource metric. */
export const hpaV1Convertor: PrinterTableConvertor = {
  columns,
  cells(o, now) {
    const target = optNum(o, 'spec', 'targetCPUUtilizationPercentage') ?? DEFAULT_CPU_UTILIZATION;
    const specs = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }];
    const current = optNum(o, 'status', 'currentCPUUtilizationPercentage');
    const statuses = current === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }];
    return hpaCells(o, now, specs, statuses);
  },
};
