/**
 * Printers for apps/v1: Deployments, ReplicaSets, StatefulSets, DaemonSets and
 * ControllerRevisions.
 */
import type { KubeObject } from '../runtime/object.js';
import { field, list, num, optNum, str, stringMap } from './access.js';
import {
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  NAME_COLUMN,
  col,
  containerCells,
  controllerOf,
  formatLabelSelector,
  formatLabels,
  labelSelectorString,
  wide,
} from './format.js';
import { ageOf, nameOf } from './common.js';
import type { PrinterTableConvertor } from './types.js';

const templateContainers = (o: KubeObject): [string, string] => containerCells(list(o, 'spec', 'template', 'spec', 'containers'));
/** spec.replicas, which the defaulters set to 1 when omitted. */
const specReplicas = (o: KubeObject): number => optNum(o, 'spec', 'replicas') ?? 1;

const SELECTOR_COLUMN = wide('Selector', 'string', 'The label query that selects the pods of the workload.');

/** Deployments: Name, Ready, Up-to-date, Available, Age; wide: Containers, Images, Selector. */
export const deploymentConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Ready', 'string', 'Ready pods out of the desired replicas.'),
    col('Up-to-date', 'string', 'Pods that run the latest pod template.'),
    col('Available', 'string', 'Pods that have been ready for at least minReadySeconds.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(o, now) {
    const [names, images] = templateContainers(o);
    const selector = labelSelectorString(field(o, 'spec', 'selector'));
    return [
      nameOf(o),
      `${num(o, 'status', 'readyReplicas')}/${specReplicas(o)}`,
      num(o, 'status', 'updatedReplicas'),
      num(o, 'status', 'availableReplicas'),
      ageOf(o, now),
      names,
      images,
      selector === undefined ? '<invalid>' : selector,
    ];
  },
};

/** ReplicaSets: Name, Desired, Current, Ready, Age; wide: Containers, Images, Selector. */
export const replicaSetConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Desired', 'integer', 'The number of replicas asked for.'),
    col('Current', 'integer', 'The number of replicas that exist.'),
    col('Ready', 'integer', 'The number of replicas that are ready.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(o, now) {
    const [names, images] = templateContainers(o);
    return [
      nameOf(o),
      specReplicas(o),
      num(o, 'status', 'replicas'),
      num(o, 'status', 'readyReplicas'),
      ageOf(o, now),
      names,
      images,
      formatLabelSelector(field(o, 'spec', 'selector')),
    ];
  },
};

/** StatefulSets: Name, Ready, Age; wide: Containers, Images. */
export const statefulSetConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('Ready', 'string', 'Ready pods out of the desired replicas.'), AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN],
  cells(o, now) {
    const [names, images] = templateContainers(o);
    return [nameOf(o), `${num(o, 'status', 'readyReplicas')}/${specReplicas(o)}`, ageOf(o, now), names, images];
  },
};

/** DaemonSets: Name, Desired, Current, Ready, Up-to-date, Available, Node Selector, Age; wide: Containers, Images, Selector. */
export const daemonSetConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Desired', 'integer', 'Nodes that should run the daemon pod.'),
    col('Current', 'integer', 'Nodes that run at least one daemon pod.'),
    col('Ready', 'integer', 'Nodes whose daemon pod is ready.'),
    col('Up-to-date', 'integer', 'Nodes that run the latest daemon pod template.'),
    col('Available', 'integer', 'Nodes whose daemon pod is available.'),
    col('Node Selector', 'string', 'The node labels the daemon pods are restricted to.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(o, now) {
    const [names, images] = templateContainers(o);
    return [
      nameOf(o),
      num(o, 'status', 'desiredNumberScheduled'),
      num(o, 'status', 'currentNumberScheduled'),
      num(o, 'status', 'numberReady'),
      num(o, 'status', 'updatedNumberScheduled'),
      num(o, 'status', 'numberAvailable'),
      formatLabels(stringMap(o, 'spec', 'template', 'spec', 'nodeSelector')),
      ageOf(o, now),
      names,
      images,
      formatLabelSelector(field(o, 'spec', 'selector')),
    ];
  },
};

/** `daemonset.apps/name` for a controller reference (lower-cased Kind.group/name). */
function formatControllerRef(ref: unknown): string {
  const apiVersion = str(ref, 'apiVersion');
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const kind = str(ref, 'kind');
  const n = str(ref, 'name');
  if (kind === '' && group === '') return n;
  const groupKind = group === '' ? kind : `${kind}.${group}`;
  return `${groupKind.toLowerCase()}/${n}`;
}

/** ControllerRevisions: Name, Controller, Revision, Age. */
export const controllerRevisionConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Controller', 'string', 'The controller that owns the revision.'),
    col('Revision', 'string', 'The revision number.'),
    AGE_COLUMN,
  ],
  cells(o, now) {
    const ref = controllerOf(o);
    return [nameOf(o), ref === undefined ? '<none>' : formatControllerRef(ref), num(o, 'revision'), ageOf(o, now)];
  },
};
