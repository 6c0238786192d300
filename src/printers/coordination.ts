/**
 * Printers for coordination.k8s.io: Leases and LeaseCandidates.
 */
import { str } from './access.js';
import { ageOf, nameOf } from './common.js';
import { AGE_COLUMN, NAME_COLUMN, col } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** Leases: Name, Holder, Age. */
export const leaseConvertor: PrinterTableConvertor = {
  columns: [NAME_COLUMN, col('Holder', 'string', 'The identity that holds the lease.'), AGE_COLUMN],
  cells: (o, now) => [nameOf(o), str(o, 'spec', 'holderIdentity'), ageOf(o, now)],
};

/** LeaseCandidates: Name, LeaseName, BinaryVersion, EmulationVersion, Age. */
export const leaseCandidateConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('LeaseName', 'string', 'The lease the candidate runs for.'),
    col('BinaryVersion', 'string', 'The binary version of the candidate.'),
    col('EmulationVersion', 'string', 'The emulation version of the candidate.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [
    nameOf(o),
    str(o, 'spec', 'leaseName'),
    str(o, 'spec', 'binaryVersion'),
    str(o, 'spec', 'emulationVersion'),
    ageOf(o, now),
  ],
};
