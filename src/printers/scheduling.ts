/**
 * Printers for scheduling.k8s.io (PriorityClasses) and node.k8s.io (RuntimeClasses).
 */
import { field, num, str } from './access.js';
import { ageOf, nameOf } from './common.js';
import { AGE_COLUMN, NAME_COLUMN, col } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** PriorityClasses: Name, Value, Global-Default, Age, PreemptionPolicy. */
export const priorityClassConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Value', 'integer', 'The priority pods of the class get.'),
    col('Global-Default', 'boolean', 'Whether pods without a priority class get this one.'),
    AGE_COLUMN,
    col('PreemptionPolicy', 'string', 'Whether pods of the class may preempt lower-priority pods.'),
  ],
  cells: (o, now) => [nameOf(o), num(o, 'value'), field(o, 'globalDefault') === true, ageOf(o, now), str(o, 'preemptionPolicy')],
};

/** RuntimeClasses: Name, Handler, Age. */
export const runtimeClassConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('Handler', 'string', 'The CRI handler that runs pods of the class.'), AGE_COLUMN],
  cells: (o, now) => [nameOf(o), str(o, 'handler'), ageOf(o, now)],
};
