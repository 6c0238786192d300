/**
 * IP addresses and CIDRs as Kubernetes parses and validates them
 * (k8s.io/utils/net's "sloppy" parsers, apimachinery's IsValidIP and
 * IsValidCIDR with their exact message texts), plus the arithmetic the
 * service IP allocator needs. Addresses are held as BigInts.
 */
import { FieldError, FieldPath, invalid } from './field/errors.js';

/** An IP address family. */
export type IPFamily = 4 | 6;

/** A parsed address: its family, its value, and whether it was IPv4-mapped IPv6. */
export interface ParsedIP {
  family: IPFamily;
  /** The address as an unsigned integer (32 bits for IPv4, 128 for IPv6). */
  value: bigint;
  /** `::ffff:a.b.c.d`: Go treats it as IPv4. */
  mapped: boolean;
}

/** A parsed CIDR: the address as written and its network. */
export interface ParsedCIDR {
  ip: ParsedIP;
  prefixLength: number;
  /** The network address (the address with the host bits cleared). */
  network: bigint;
}

function parseIPv4Parts(s: string, strict: boolean): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    if (strict && p.length > 1 && p.startsWith('0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIPv6Words(part: string, allowV4Tail: boolean, strict: boolean): number[] | undefined {
  if (part === '') return [];
  const groups = part.split(':');
  const words: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (allowV4Tail && i === groups.length - 1 && g.includes('.')) {
      const v4 = parseIPv4Parts(g, strict);
      if (v4 === undefined) return undefined;
      words.push(Number((v4 >> 16n) & 0xffffn), Number(v4 & 0xffffn));
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
      words.push(Number.parseInt(g, 16));
    } else {
      return undefined;
    }
  }
  return words;
}

function parseIPv6(s: string, strict: boolean): { value: bigint; mapped: boolean } | undefined {
  if (!s.includes(':') || s.includes('%')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  let words: number[];
  if (halves.length === 2) {
    const head = parseIPv6Words(halves[0], false, strict);
    const tail = parseIPv6Words(halves[1], true, strict);
    if (!head || !tail || head.length + tail.length >= 8) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseIPv6Words(s, true, strict);
    if (!all || all.length !== 8) return undefined;
    words = all;
  }
  let v = 0n;
  for (const w of words) v = (v << 16n) | BigInt(w);
  return { value: v, mapped: v >> 32n === 0xffffn };
}

/**
 * netutils.ParseIPSloppy: IPv4 octets may carry leading zeros (read as
 * decimal); IPv4-mapped IPv6 addresses count as IPv4. Undefined when the
 * text is not an address.
 */
export function parseIPSloppy(s: string): ParsedIP | undefined {
  const v4 = parseIPv4Parts(s, false);
  if (v4 !== undefined) return { family: 4, value: v4, mapped: false };
  const v6 = parseIPv6(s, false);
  if (!v6) return undefined;
  if (v6.mapped) return { family: 4, value: v6.value & 0xffffffffn, mapped: true };
  return { family: 6, value: v6.value, mapped: false };
}

/** netip.ParseAddr's stricter grammar: no leading zeros in IPv4 octets. */
function parsesStrictly(s: string): boolean {
  return parseIPv4Parts(s, true) !== undefined || parseIPv6(s, true) !== undefined;
}

/** Go's net.IP String(): dotted quad, or RFC 5952 IPv6. */
export function formatIP(family: IPFamily, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const words: number[] = [];
  for (let i = 7; i >= 0; i--) words.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (bestLen < 2) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/** The bit length of a family's addresses. */
export function familyBits(family: IPFamily): number {
  return family === 4 ? 32 : 128;
}

/** netutils.ParseCIDRSloppy. */
export function parseCIDRSloppy(s: string): ParsedCIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ipText = s.slice(0, slash);
  const bitsText = s.slice(slash + 1);
  if (!/^[0-9]+$/.test(bitsText)) return undefined;
  const ip = parseIPSloppy(ipText);
  if (!ip) return undefined;
  const bits = ip.mapped ? 128 : familyBits(ip.family);
  let prefixLength = Number(bitsText);
  if (prefixLength > bits) return undefined;
  if (ip.mapped) {
    if (prefixLength < 96) return undefined;
    prefixLength -= 96;
  }
  const hostBits = BigInt(familyBits(ip.family) - prefixLength);
  const network = (ip.value >> hostBits) << hostBits;
  return { ip, prefixLength, network };
}

/** `must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`. */
export const invalidIPMessage = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
/** `must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`. */
export const invalidCIDRMessage = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** Options of isValidIP / isValidCIDR. */
export interface IPValidationOptions {
  /** Legacy rules: leading zeros and IPv4-mapped IPv6 accepted. */
  legacy?: boolean;
}

/** validation.IsValidIP: strict by default (no leading zeros, no IPv4-mapped IPv6). */
export function isValidIP(path: FieldPath, value: string, opts: IPValidationOptions = {}): FieldError[] {
  const ip = parseIPSloppy(value);
  if (!ip) return [invalid(path, value, invalidIPMessage)];
  if (opts.legacy) return [];
  const errs: FieldError[] = [];
  if (!parsesStrictly(value)) errs.push(invalid(path, value, 'must not have leading 0s'));
  if (ip.mapped) errs.push(invalid(path, value, 'must not be an IPv4-mapped IPv6 address'));
  return errs;
}

/** validation.IsValidCIDR: strict by default (also no bits set beyond the prefix length). */
export function isValidCIDR(path: FieldPath, value: string, opts: IPValidationOptions = {}): FieldError[] {
  const cidr = parseCIDRSloppy(value);
  if (!cidr) return [invalid(path, value, invalidCIDRMessage)];
  if (opts.legacy) return [];
  const errs: FieldError[] = [];
  const slash = value.indexOf('/');
  const bitsText = value.slice(slash + 1);
  if (!parsesStrictly(value.slice(0, slash)) || (bitsText.length > 1 && bitsText.startsWith('0'))) {
    errs.push(invalid(path, value, 'must not have leading 0s in IP or prefix length'));
  }
  if (cidr.ip.mapped) errs.push(invalid(path, value, 'must not have an IPv4-mapped IPv6 address'));
  if (cidr.ip.value !== cidr.network) errs.push(invalid(path, value, 'must not have bits set beyond the prefix length'));
  return errs;
}

/** validation.IsValidIPv4Address. */
export function isValidIPv4Address(path: FieldPath, value: string): FieldError[] {
  const ip = parseIPSloppy(value);
  return ip && ip.family === 4 ? [] : [invalid(path, value, 'must be a valid IPv4 address')];
}

/** validation.IsValidIPv6Address. */
export function isValidIPv6Address(path: FieldPath, value: string): FieldError[] {
  const ip = parseIPSloppy(value);
  return ip && ip.family === 6 ? [] : [invalid(path, value, 'must be a valid IPv6 address')];
}

function inRange(ip: ParsedIP, cidr: string): boolean {
  const c = parseCIDRSloppy(cidr);
  if (!c || c.ip.family !== ip.family) return false;
  const host = BigInt(familyBits(ip.family) - c.prefixLength);
  return ip.value >> host === c.network >> host;
}

/**
 * ValidateEndpointIP: an address an endpoint or external IP may use (not
 * unspecified, loopback, link-local or link-local multicast).
 */
export function validateEndpointIP(value: string, path: FieldPath): FieldError[] {
  const ip = parseIPSloppy(value);
  if (!ip) return [invalid(path, value, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  if (ip.value === 0n) errs.push(invalid(path, value, `may not be unspecified (${value})`));
  if (inRange(ip, '127.0.0.0/8') || inRange(ip, '::1/128')) errs.push(invalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (inRange(ip, '169.254.0.0/16') || inRange(ip, 'fe80::/10')) errs.push(invalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (inRange(ip, '224.0.0.0/24') || (ip.family === 6 && ((ip.value >> 112n) & 0xff0fn) === 0xff02n)) {
    errs.push(invalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}
