/**
 * Printers for flowcontrol.apiserver.k8s.io: FlowSchemas and
 * PriorityLevelConfigurations.
 */
import type { KubeObject } from '../runtime/object.js';
import { field, has, list, num, str } from './access.js';
import { ageOf, nameOf } from './common.js';
import { AGE_COLUMN, NAME_COLUMN, col } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** FlowSchemas: Name, PriorityLevel, MatchingPrecedence, DistinguisherMethod, Age, MissingPL; listed by precedence. */
export const flowSchemaConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('PriorityLevel', 'string', 'The priority level requests of the schema are assigned to.'),
    col('MatchingPrecedence', 'string', 'The order in which the schema is matched; lower first.'),
    col('DistinguisherMethod', 'string', 'How requests of the schema are divided into flows.'),
    AGE_COLUMN,
    col('MissingPL', 'string', 'Whether the priority level the schema references is missing.'),
  ],
  cells(o, now) {
    const dangling = list(o, 'status', 'conditions').find((c) => str(c, 'type') === 'Dangling');
    return [
      nameOf(o),
      str(o, 'spec', 'priorityLevelConfiguration', 'name'),
      num(o, 'spec', 'matchingPrecedence'),
      has(o, 'spec', 'distinguisherMethod') ? str(o, 'spec', 'distinguisherMethod', 'type') : '<none>',
      ageOf(o, now),
      dangling === undefined ? '?' : str(dangling, 'status'),
    ];
  },
  order(objects: KubeObject[]): KubeObject[] {
    return [...objects].sort((a, b) => {
      const pa = num(a, 'spec', 'matchingPrecedence');
      const pb = num(b, 'spec', 'matchingPrecedence');
      if (pa !== pb) return pa - pb;
      const na = nameOf(a);
      const nb = nameOf(b);
      return na < nb ? -1 : na > nb ? 1 : 0;
    });
  },
};

/** PriorityLevelConfigurations: Name, Type, NominalConcurrencyShares, Queues, HandSize, QueueLengthLimit, Age. */
export const priorityLevelConfigurationConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('Type', 'string', 'Exempt or Limited.'),
    col('NominalConcurrencyShares', 'string', 'The share of server concurrency the level is entitled to.'),
    col('Queues', 'string', 'The number of queues of the level.'),
    col('HandSize', 'string', 'The number of queues a flow is shuffle-sharded to.'),
    col('QueueLengthLimit', 'string', 'The most requests a queue holds.'),
    AGE_COLUMN,
  ],
  cells(o, now) {
    let ncs: unknown = '<none>';
    let queues: unknown = '<none>';
    let handSize: unknown = '<none>';
    let queueLengthLimit: unknown = '<none>';
    if (has(o, 'spec', 'limited')) {
      ncs = num(o, 'spec', 'limited', 'nominalConcurrencyShares');
      const queuing = field(o, 'spec', 'limited', 'limitResponse', 'queuing');
      if (queuing !== undefined && queuing !== null) {
        queues = num(queuing, 'queues');
        handSize = num(queuing, 'handSize');
        queueLengthLimit = num(queuing, 'queueLengthLimit');
      }
    }
    return [nameOf(o), str(o, 'spec', 'type'), ncs, queues, handSize, queueLengthLimit, ageOf(o, now)];
  },
};
