/**
 * The ranges Service values come from: the cluster IP range
 * (`--service-cluster-ip-range`) and the node port range
 * (`--service-node-port-range`), with Kubernetes' rules for which values
 * are usable and which part of a range dynamic allocation prefers.
 */
import { familyBits, formatIP, parseCIDRSloppy, parseIPSloppy, type IPFamily } from '../../../validation/ip.js';

/** A contiguous set of values, indexed 0..size-1. */
export interface ValueRange {
  /** Number of usable values. */
  readonly size: number;
  /**
   * Values below this index form the static band: dynamic allocation uses
   * them only once the rest is full (ServiceIPStaticSubrange,
   * ServiceNodePortStaticSubrange).
   */
  readonly staticBand: number;
  /** The value at an index, as stored and claimed. */
  valueAt(index: number): string;
}

/** The cluster IP range of one family. */
export interface IPRange extends ValueRange {
  readonly family: IPFamily;
  /** The range in canonical form (`10.96.0.0/12`), as error messages print it. */
  readonly cidr: string;
  /** Index of an address, or undefined when it is not a usable address of the range. */
  indexOf(ip: string): number | undefined;
}

/** The node port range. */
export interface PortRange extends ValueRange {
  readonly base: number;
  /** `30000-32767`, as error messages print it. */
  readonly text: string;
  /** Index of a port, or undefined when it is outside the range. */
  indexOf(port: number): number | undefined;
}

/** Largest number of addresses kapi indexes in one range (IPv6 ranges are capped). */
const maxRangeSize = 2 ** 48;

/** calculateRangeOffset: min(max(min, size/step), max), 0 for ranges of at most `min` values. */
function rangeOffset(total: number, min: number, step: number, max: number): number {
  if (total <= min) return 0;
  return Math.min(Math.max(min, Math.floor(total / step)), max);
}

/**
 * Parses `--service-cluster-ip-range`. Usable addresses exclude the network
 * address and, for IPv4, the broadcast address.
 */
export function parseServiceIPRange(cidrText: string): IPRange {
  const cidr = parseCIDRSloppy(cidrText.trim());
  if (!cidr) throw new Error(`invalid service cluster IP range ${JSON.stringify(cidrText)}`);
  const family = cidr.ip.family;
  const hostBits = familyBits(family) - cidr.prefixLength;
  const total = 2 ** Math.min(hostBits, 52);
  const size = Math.min(family === 4 ? total - 2 : total - 1, maxRangeSize);
  if (size < 1) throw new Error(`service cluster IP range ${cidrText} has no usable addresses`);
  const network = cidr.network;
  const canonical = `${formatIP(family, network)}/${cidr.prefixLength}`;
  return {
    family,
    cidr: canonical,
    size,
    staticBand: rangeOffset(total, 16, 16, 256),
    valueAt: (index) => formatIP(family, network + 1n + BigInt(index)),
    indexOf(ipText) {
      const ip = parseIPSloppy(ipText);
      if (!ip || ip.family !== family) return undefined;
      const offset = ip.value - network - 1n;
      if (offset < 0n || offset >= BigInt(size)) return undefined;
      return Number(offset);
    },
  };
}

/** Parses `--service-node-port-range`: `min-max`, `min+offset` or a single port (net.ParsePortRange). */
export function parseNodePortRange(text: string): PortRange {
  const t = text.trim();
  let base: number;
  let size: number;
  const dash = /^([0-9]+)-([0-9]+)$/.exec(t);
  const plus = /^([0-9]+)\+([0-9]+)$/.exec(t);
  if (dash) {
    base = Number(dash[1]);
    size = Number(dash[2]) - base + 1;
  } else if (plus) {
    base = Number(plus[1]);
    size = Number(plus[2]) + 1;
  } else if (/^[0-9]+$/.test(t)) {
    base = Number(t);
    size = 1;
  } else {
    throw new Error(`unable to parse port range: ${text}`);
  }
  if (size < 1 || base < 0 || base + size - 1 > 65535) throw new Error(`invalid port range: ${text}`);
  return {
    base,
    size,
    text: `${base}-${base + size - 1}`,
    staticBand: rangeOffset(size, 16, 32, 128),
    valueAt: (index) => String(base + index),
    indexOf: (port) => (Number.isInteger(port) && port >= base && port < base + size ? port - base : undefined),
  };
}
