/**
 * Printers for policy/v1: PodDisruptionBudgets.
 */
import { field, has, num } from './access.js';
import { ageOf, nameOf } from './common.js';
import { AGE_COLUMN, NAME_COLUMN, col, intOrString } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** PodDisruptionBudgets: Name, Min Available, Max Unavailable, Allowed Disruptions, Age. */
export const podDisruptionBudgetConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Min Available', 'string', 'Pods that must stay available, as a count or a percentage.'),
    col('Max Unavailable', 'string', 'Pods that may be unavailable, as a count or a percentage.'),
    col('Allowed Disruptions', 'integer', 'Pods that may be disrupted right now.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [
    nameOf(o),
    has(o, 'spec', 'minAvailable') ? intOrString(field(o, 'spec', 'minAvailable')) : 'N/A',
    has(o, 'spec', 'maxUnavailable') ? intOrString(field(o, 'spec', 'maxUnavailable')) : 'N/A',
    num(o, 'status', 'disruptionsAllowed'),
    ageOf(o, now),
  ],
};
