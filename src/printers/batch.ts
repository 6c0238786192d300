/**
 * Printers for batch/v1: Jobs and CronJobs.
 */
import type { KubeObject } from '../runtime/object.js';
import { conditionStatus, field, has, list, num, optNum, str } from './access.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from './duration.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, boolPtr, col, containerCells, formatLabelSelector, wide } from './format.js';
import { ageOf, nameOf } from './common.js';
import type { PrinterTableConvertor } from './types.js';


const SELECTOR_COLUMN = wide('Selector', 'string', 'The label query that selects the pods of the job.');

/**
 * The STATUS cell of a Job: Complete, Failed, Terminating, Suspended,
 * FailureTarget or Running, in that order of precedence.
 */
export function jobStatus(job: KubeObject): string {
  const conditions = list(job, 'status', 'conditions');
  const isTrue = (type: string): boolean => conditionStatus(conditions, type) === 'True';
  if (isTrue('Complete')) return 'Complete';
  if (isTrue('Failed')) return 'Failed';
  if (has(job, 'metadata', 'deletionTimestamp')) return 'Terminating';
  if (isTrue('Suspended')) return 'Suspended';
  if (isTrue('FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** `succeeded/completions`, `succeeded/1 of parallelism` for work queues, `succeeded/1` otherwise. */
function jobCompletions(job: KubeObject): string {
  const succeeded = num(job, 'status', 'succeeded');
  const completions = optNum(job, 'spec', 'completions');
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = optNum(job, 'spec', 'parallelism') ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** How long the job ran (to completion, or so far); '' before it started. */
function jobDuration(job: KubeObject, now: Date): string {
  const start = parseTimestamp(field(job, 'status', 'startTime'));
  if (start === undefined) return '';
  const end = parseTimestamp(field(job, 'status', 'completionTime'));
  return humanDuration((end ?? now.getTime()) - start);
}

/** Jobs: Name, Status, Completions, Duration, Age; wide: Containers, Images, Selector. */
export const jobConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'The state the job is in.'),
    col('Completions', 'string', 'Succeeded pods out of the completions asked for.'),
    col('Duration', 'string', 'How long the job took, or has been running.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(o, now) {
    const [names, images] = containerCells(list(o, 'spec', 'template', 'spec', 'containers'));
    return [
      nameOf(o),
      jobStatus(o),
      jobCompletions(o),
      jobDuration(o, now),
      ageOf(o, now),
      names,
      images,
      formatLabelSelector(field(o, 'spec', 'selector')),
    ];
  },
};

/** CronJobs: Name, Schedule, Timezone, Suspend, Active, Last Schedule, Age; wide: Containers, Images, Selector. */
export const cronJobConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Schedule', 'string', 'The cron schedule the jobs are created on.'),
    col('Timezone', 'string', 'The time zone the schedule is read in.'),
    col('Suspend', 'boolean', 'Whether new jobs are held back.'),
    col('Active', 'integer', 'The number of jobs running.'),
    col('Last Schedule', 'string', 'How long ago a job was last scheduled.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(o, now) {
    const [names, images] = containerCells(list(o, 'spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers'));
    const last = has(o, 'status', 'lastScheduleTime') ? translateTimestampSince(field(o, 'status', 'lastScheduleTime'), now) : '<none>';
    const timeZone = typeof field(o, 'spec', 'timeZone') === 'string' ? str(o, 'spec', 'timeZone') : '<none>';
    return [
      nameOf(o),
      str(o, 'spec', 'schedule'),
      timeZone,
      boolPtr(field(o, 'spec', 'suspend')),
      list(o, 'status', 'active').length,
      last,
      ageOf(o, now),
      names,
      images,
      formatLabelSelector(field(o, 'spec', 'jobTemplate', 'spec', 'selector')),
    ];
  },
};
