/**
 * The convertor kube-apiserver uses for kinds without a printer (Roles,
 * LimitRanges, CustomResourceDefinitions, ...): the name, and the creation
 * time as an RFC 3339 date that kubectl renders as an age.
 */
import { field } from './access.js';
import { nameOf } from './common.js';
import { parseTimestamp } from './duration.js';
import { col } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** Go's zero time as time.RFC3339 prints it. */
const ZERO_TIME_RFC3339 = '0001-01-01T00:00:00Z';

/** creationTimestamp in UTC, `2006-01-02T15:04:05Z` (seconds, no fraction). */
function createdAt(ts: unknown): string {
  const ms = parseTimestamp(ts);
  if (ms === undefined) return ZERO_TIME_RFC3339;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Name (format name) and Created At (type date). */
export const defaultTableConvertor: PrinterTableConvertor = {
  columns: [
    col('Name', 'string', 'The name of the object, unique among objects of its kind in its namespace.', 'name'),
    col('Created At', 'date', 'When the object was created.'),
  ],
  cells: (o) => [nameOf(o), createdAt(field(o, 'metadata', 'creationTimestamp'))],
};
