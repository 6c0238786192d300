/**
 * Printers for discovery.k8s.io: EndpointSlices.
 */
import { list, str } from './access.js';
import { ageOf, nameOf } from './common.js';
import { AGE_COLUMN, NAME_COLUMN, col, listWithMore } from './format.js';
import type { PrinterTableConvertor } from './types.js';

/** Port numbers, or names for unnumbered ports, or `*`; three at most. */
function formatPorts(ports: unknown[]): string {
  const names = ports.map((p) => {
    const port = (p as Record<string, unknown> | null)?.['port'];
    if (typeof port === 'number') return String(port);
    const name = (p as Record<string, unknown> | null)?.['name'];
    return typeof name === 'string' ? name : '*';
  });
  return listWithMore(names, 3);
}

/** Every address of every endpoint; three at most. */
function formatEndpoints(endpoints: unknown[]): string {
  return listWithMore(endpoints.flatMap((e) => list(e, 'addresses').map(String)), 3);
}

/** EndpointSlices: Name, AddressType, Ports, Endpoints, Age. */
export const endpointSliceConvertor: PrinterTableConvertor = {
  columns: [
    NAME_COLUMN,
    col('AddressType', 'string', 'The type of the addresses in the slice: IPv4, IPv6 or FQDN.'),
    col('Ports', 'string', 'The ports of the slice.'),
    col('Endpoints', 'string', 'The addresses of the endpoints in the slice.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [nameOf(o), str(o, 'addressType'), formatPorts(list(o, 'ports')), formatEndpoints(list(o, 'endpoints')), ageOf(o, now)],
};
