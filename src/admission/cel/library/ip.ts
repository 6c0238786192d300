/**
 * Kubernetes' CEL IP and CIDR libraries (library/ip.go, library/cidr.go,
 * restated). Addresses parse strictly (Go's netip): no leading zeros, no
 * zones, and IPv4-mapped IPv6 addresses are refused.
 *
 * `ip(s)`, `isIP(s)`, `ip.isCanonical(s)`, `<ip>.family()`,
 * `isUnspecified()`, `isLoopback()`, `isLinkLocalMulticast()`,
 * `isLinkLocalUnicast()`, `isGlobalUnicast()`, `string(ip)`;
 * `cidr(s)`, `isCIDR(s)`, `<cidr>.containsIP(ip|string)`,
 * `containsCIDR(cidr|string)`, `ip()`, `masked()`, `prefixLength()`, `string(cidr)`.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { familyBits, formatIP, parseIPSloppy, type IPFamily } from '../../../validation/ip.js';
import { CelRuntimeError } from './common.js';

/** An IP address as a CEL value (type `net.IP`). */
export class CelIP {
  constructor(
    readonly family: IPFamily,
    readonly value: bigint,
  ) {}
  toString(): string {
    return formatIP(this.family, this.value);
  }
}

/** A prefix as a CEL value (type `net.CIDR`): the address as written and the length. */
export class CelCIDR {
  constructor(
    readonly ip: CelIP,
    readonly prefixLength: number,
  ) {}
  /** The network address. */
  network(): bigint {
    const host = BigInt(familyBits(this.ip.family) - this.prefixLength);
    return (this.ip.value >> host) << host;
  }
  toString(): string {
    return `${this.ip.toString()}/${this.prefixLength}`;
  }
}

/** Parses an address as netip.ParseAddr does, with Kubernetes' extra refusals; an error message when it fails. */
export function parseStrictIP(s: string): CelIP | string {
  if (s.includes('%')) return `IP address ${JSON.stringify(s)} with zone value is not allowed`;
  const p = parseIPSloppy(s);
  const leadingZero = /(^|\.)0[0-9]/.test(s) && !s.includes(':');
  if (!p || leadingZero || (p.mapped === false && p.family === 4 && s.includes(':'))) {
    return `IP Address ${JSON.stringify(s)} parse error during conversion from string: ParseAddr(${JSON.stringify(s)}): unable to parse IP`;
  }
  if (p.mapped) return `IPv4-mapped IPv6 address ${JSON.stringify(s)} is not allowed`;
  return new CelIP(p.family, p.value);
}

/** Parses a prefix as netip.ParsePrefix does; an error message when it fails. */
export function parseStrictCIDR(s: string): CelCIDR | string {
  const fail = `network address parse error during conversion from string: netip.ParsePrefix(${JSON.stringify(s)}): invalid prefix`;
  const slash = s.indexOf('/');
  if (slash < 0) return `network address parse error during conversion from string: netip.ParsePrefix(${JSON.stringify(s)}): no '/'`;
  const ip = parseStrictIP(s.slice(0, slash));
  if (typeof ip === 'string') return ip.startsWith('IP Address') ? fail : ip;
  const bits = s.slice(slash + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(bits)) return fail;
  const n = Number(bits);
  if (n > familyBits(ip.family)) return fail;
  return new CelCIDR(ip, n);
}

function ipArg(v: unknown): CelIP {
  if (v instanceof CelIP) return v;
  if (typeof v === 'string') {
    const ip = parseStrictIP(v);
    if (typeof ip === 'string') throw new CelRuntimeError(ip);
    return ip;
  }
  throw new CelRuntimeError('no such overload');
}

function cidrArg(v: unknown): CelCIDR {
  if (v instanceof CelCIDR) return v;
  if (typeof v === 'string') {
    const c = parseStrictCIDR(v);
    if (typeof c === 'string') throw new CelRuntimeError(c);
    return c;
  }
  throw new CelRuntimeError('no such overload');
}

function containsIP(c: CelCIDR, v: unknown): boolean {
  const ip = ipArg(v);
  if (ip.family !== c.ip.family) return false;
  const host = BigInt(familyBits(c.ip.family) - c.prefixLength);
  return ip.value >> host === c.ip.value >> host;
}

function containsCIDR(c: CelCIDR, v: unknown): boolean {
  const other = cidrArg(v);
  if (other.ip.family !== c.ip.family || other.prefixLength < c.prefixLength) return false;
  return containsIP(c, other.ip);
}

const isLoopback = (ip: CelIP): boolean => (ip.family === 4 ? ip.value >> 24n === 127n : ip.value === 1n);
const isUnspecified = (ip: CelIP): boolean => ip.value === 0n;
const isLinkLocalUnicast = (ip: CelIP): boolean => (ip.family === 4 ? ip.value >> 16n === 0xa9fen : ip.value >> 118n === 0x3fan);
const isLinkLocalMulticast = (ip: CelIP): boolean => (ip.family === 4 ? ip.value >> 8n === 0xe00000n : (ip.value >> 112n) & 0xff0fn) === 0xff02n;
const isMulticast = (ip: CelIP): boolean => (ip.family === 4 ? ip.value >> 28n === 0xen : ip.value >> 120n === 0xffn);
function isGlobalUnicast(ip: CelIP): boolean {
  if (ip.family === 4 && ip.value === 0xffffffffn) return false;
  return !isUnspecified(ip) && !isLoopback(ip) && !isMulticast(ip) && !isLinkLocalUnicast(ip);
}

class IPNamespace {}

/** Registers the IP and CIDR types and functions on an environment. */
export function registerIPLibrary(env: Environment): void {
  const IP = 'net.IP';
  const CIDR = 'net.CIDR';
  env
    .registerType(IP, CelIP)
    .registerType(CIDR, CelCIDR)
    .registerType('net.IPNamespace', IPNamespace)
    .registerConstant('ip', 'net.IPNamespace', new IPNamespace())
    .registerFunction(`ip(string): ${IP}`, (s: string) => ipArg(s))
    .registerFunction('isIP(string): bool', (s: string) => typeof parseStrictIP(s) !== 'string')
    .registerFunction('net.IPNamespace.isCanonical(string): bool', (_ns: unknown, s: string) => ipArg(s).toString() === s)
    .registerFunction(`${IP}.family(): int`, (ip: CelIP) => BigInt(ip.family))
    .registerFunction(`${IP}.isUnspecified(): bool`, isUnspecified)
    .registerFunction(`${IP}.isLoopback(): bool`, isLoopback)
    .registerFunction(`${IP}.isLinkLocalMulticast(): bool`, isLinkLocalMulticast)
    .registerFunction(`${IP}.isLinkLocalUnicast(): bool`, isLinkLocalUnicast)
    .registerFunction(`${IP}.isGlobalUnicast(): bool`, isGlobalUnicast)
    .registerFunction(`string(${IP}): string`, (ip: CelIP) => ip.toString())
    .registerOperator(`${IP} == ${IP}`, (a: CelIP, b: CelIP) => a.family === b.family && a.value === b.value)
    .registerFunction(`cidr(string): ${CIDR}`, (s: string) => cidrArg(s))
    .registerFunction('isCIDR(string): bool', (s: string) => typeof parseStrictCIDR(s) !== 'string')
    .registerFunction(`${CIDR}.containsIP(${IP}): bool`, containsIP)
    .registerFunction(`${CIDR}.containsIP(string): bool`, containsIP)
    .registerFunction(`${CIDR}.containsCIDR(${CIDR}): bool`, containsCIDR)
    .registerFunction(`${CIDR}.containsCIDR(string): bool`, containsCIDR)
    .registerFunction(`${CIDR}.ip(): ${IP}`, (c: CelCIDR) => c.ip)
    .registerFunction(`${CIDR}.masked(): ${CIDR}`, (c: CelCIDR) => new CelCIDR(new CelIP(c.ip.family, c.network()), c.prefixLength))
    .registerFunction(`${CIDR}.prefixLength(): int`, (c: CelCIDR) => BigInt(c.prefixLength))
    .registerFunction(`string(${CIDR}): string`, (c: CelCIDR) => c.toString())
    .registerOperator(`${CIDR} == ${CIDR}`, (a: CelCIDR, b: CelCIDR) => a.ip.family === b.ip.family && a.ip.value === b.ip.value && a.prefixLength === b.prefixLength);
}
