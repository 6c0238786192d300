/**
 * Printer for apiregistration.k8s.io APIServices (served by the aggregator).
 */
import { has, list, str } from './access.js';
import { ageOf, nameOf } from './common.js';
import { AGE_COLUMN, NAME_COLUMN, col } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** APIServices: Name, Service (`Local` or namespace/name), Available (`True`, or `False (Reason)`), Age. */
export const apiServiceConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Service', 'string', 'The service that serves the API, or Local.'),
    col('Available', 'string', 'Whether the API is available, with the reason when it is not.'),
    AGE_COLUMN,
  ],
  cells(o, now) {
    const service = has(o, 'spec', 'service') ? `${str(o, 'spec', 'service', 'namespace')}/${str(o, 'spec', 'service', 'name')}` : 'Local';
    let available = 'Unknown';
    const c = list(o, 'status', 'conditions').find((x) => str(x, 'type') === 'Available');
    if (c !== undefined) {
      const status = str(c, 'status');
      const reason = str(c, 'reason');
      available = status !== 'True' && reason !== '' ? `${status} (${reason})` : status;
    }
    return [nameOf(o), service, available, ageOf(o, now)];
  },
};
