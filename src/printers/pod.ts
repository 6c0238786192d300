/**
 * The core/v1 Pod printer: READY, STATUS (the reason logic kubectl users read
 * every day), RESTARTS with the time of the last restart, and the wide columns.
 */
import type { JsonObject, KubeObject } from '../runtime/object.js';
import { bool, field, has, list, num, str } from './access.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from './duration.js';
import { AGE_COLUMN, NAME_COLUMN, col, wide } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** Pod.status.reason set by the node lifecycle controller for pods on an unreachable node. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

/** A restartable init container is a sidecar: `restartPolicy: Always`. */
function isRestartableInitContainer(container: unknown): boolean {
  return str(container, 'restartPolicy') === 'Always';
}

function hasTrueCondition(pod: unknown, type: string): boolean {
  return list(pod, 'status', 'conditions').some((c) => str(c, 'type') === type && str(c, 'status') === 'True');
}

/** True when the Initialized condition is present and True (the first one of that type decides). */
function isPodInitialized(pod: unknown): boolean {
  const c = list(pod, 'status', 'conditions').find((x) => str(x, 'type') === 'Initialized');
  return c !== undefined && str(c, 'status') === 'True';
}

/** The podIPs[0] the API reports (falls back to the legacy podIP field). */
function firstPodIP(pod: unknown): string {
  const ips = list(pod, 'status', 'podIPs');
  if (ips.length > 0) return str(ips[0], 'ip');
  return str(pod, 'status', 'podIP');
}

/** Terminated-state detail when no reason is given: `Signal:9` or `ExitCode:1`. */
function terminatedDetail(terminated: unknown): string {
  const signal = num(terminated, 'signal');
  return signal !== 0 ? `Signal:${signal}` : `ExitCode:${num(terminated, 'exitCode')}`;
}

/** What the pod printer derives from the pod's status. */
export interface PodSummary {
  ready: string;
  reason: string;
  restarts: number;
  /** Epoch ms of the most recent container termination that counted as a restart. */
  lastRestart: number | undefined;
}

/** Computes READY, STATUS and the restart count of a pod, as kube-apiserver 1.33 does. */
export function summarizePod(pod: KubeObject): PodSummary {
  let restarts = 0;
  let sidecarRestarts = 0;
  let totalContainers = list(pod, 'spec', 'containers').length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;

  const phase = str(pod, 'status', 'phase');
  let reason = phase;
  if (str(pod, 'status', 'reason') !== '') reason = str(pod, 'status', 'reason');

  for (const c of list(pod, 'status', 'conditions')) {
    if (str(c, 'type') === 'PodScheduled' && str(c, 'reason') === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initSpecs = new Map<string, unknown>();
  const specInit = list(pod, 'spec', 'initContainers');
  for (const c of specInit) {
    initSpecs.set(str(c, 'name'), c);
    if (isRestartableInitContainer(c)) totalContainers++;
  }

  const later = (current: number | undefined, ts: unknown): number | undefined => {
    const t = parseTimestamp(ts);
    if (t === undefined) return current;
    return current === undefined || current < t ? t : current;
  };

  let initializing = false;
  const initStatuses = list(pod, 'status', 'initContainerStatuses');
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const sidecar = isRestartableInitContainer(initSpecs.get(str(cs, 'name')));
    restarts += num(cs, 'restartCount');
    if (has(cs, 'lastState', 'terminated')) lastRestart = later(lastRestart, field(cs, 'lastState', 'terminated', 'finishedAt'));
    if (sidecar) {
      sidecarRestarts += num(cs, 'restartCount');
      if (has(cs, 'lastState', 'terminated')) {
        lastSidecarRestart = later(lastSidecarRestart, field(cs, 'lastState', 'terminated', 'finishedAt'));
      }
    }

    const terminated = field(cs, 'state', 'terminated');
    const waitingReason = str(cs, 'state', 'waiting', 'reason');
    if (has(cs, 'state', 'terminated') && num(terminated, 'exitCode') === 0) continue;
    if (sidecar && bool(cs, 'started')) {
      if (bool(cs, 'ready')) readyContainers++;
      continue;
    }
    if (has(cs, 'state', 'terminated')) {
      const r = str(terminated, 'reason');
      reason = r === '' ? `Init:${terminatedDetail(terminated)}` : `Init:${r}`;
    } else if (has(cs, 'state', 'waiting') && waitingReason !== '' && waitingReason !== 'PodInitializing') {
      reason = `Init:${waitingReason}`;
    } else {
      reason = `Init:${i}/${specInit.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || isPodInitialized(pod)) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = list(pod, 'status', 'containerStatuses');
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += num(cs, 'restartCount');
      if (has(cs, 'lastState', 'terminated')) lastRestart = later(lastRestart, field(cs, 'lastState', 'terminated', 'finishedAt'));
      const waitingReason = str(cs, 'state', 'waiting', 'reason');
      const terminated = field(cs, 'state', 'terminated');
      if (has(cs, 'state', 'waiting') && waitingReason !== '') {
        reason = waitingReason;
      } else if (has(cs, 'state', 'terminated')) {
        const r = str(terminated, 'reason');
        reason = r !== '' ? r : terminatedDetail(terminated);
      } else if (bool(cs, 'ready') && has(cs, 'state', 'running')) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose last container completed while another still runs is still running.
    if (reason === 'Completed' && hasRunning) {
      reason = hasTrueCondition(pod, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  if (has(pod, 'metadata', 'deletionTimestamp')) {
    if (str(pod, 'status', 'reason') === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }

  return { ready: `${readyContainers}/${totalContainers}`, reason, restarts, lastRestart };
}

/** `3/3` style count of readiness gates whose condition is True; `<none>` without gates. */
function readinessGates(pod: unknown): string {
  const gates = list(pod, 'spec', 'readinessGates');
  if (gates.length === 0) return '<none>';
  const conditions = list(pod, 'status', 'conditions');
  let trueCount = 0;
  for (const g of gates) {
    const c = conditions.find((x) => str(x, 'type') === str(g, 'conditionType'));
    if (c !== undefined && str(c, 'status') === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

const orNone = (s: string): string => (s === '' ? '<none>' : s);

/** Pods: Name, Ready, Status, Restarts, Age; wide: IP, Node, Nominated Node, Readiness Gates. */
export const podConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Ready', 'string', 'Ready containers out of all containers of the pod.'),
    col('Status', 'string', 'The phase of the pod, or the reason its containers are not running.'),
    col('Restarts', 'string', 'Container restarts in the pod, and how long ago the latest one happened.'),
    AGE_COLUMN,
    wide('IP', 'string', 'The first IP address assigned to the pod.'),
    wide('Node', 'string', 'The node the pod is bound to.'),
    wide('Nominated Node', 'string', 'The node the scheduler nominated after preempting other pods.'),
    wide('Readiness Gates', 'string', 'Readiness gates whose condition is True, out of all gates.'),
  ],
  cells(pod, now) {
    const s = summarizePod(pod);
    let restarts = String(s.restarts);
    if (s.restarts !== 0 && s.lastRestart !== undefined) {
      restarts = `${s.restarts} (${humanDuration(now.getTime() - s.lastRestart)} ago)`;
    }
    return [
      str(pod, 'metadata', 'name'),
      s.ready,
      s.reason,
      restarts,
      translateTimestampSince(field(pod, 'metadata', 'creationTimestamp'), now),
      orNone(firstPodIP(pod)),
      orNone(str(pod, 'spec', 'nodeName')),
      orNone(str(pod, 'status', 'nominatedNodeName')),
      readinessGates(pod),
    ];
  },
  rowConditions(pod): JsonObject[] | undefined {
    switch (str(pod, 'status', 'phase')) {
      case 'Succeeded':
        return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
      case 'Failed':
        return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
      default:
        return undefined;
    }
  },
};
