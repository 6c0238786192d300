/**
 * IPv4/IPv6 addresses and CIDR blocks as byte arrays, with Go's net.IPNet
 * semantics: IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, what a dual-stack
 * socket reports for an IPv4 peer) are IPv4, in addresses and in blocks.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** A parsed CIDR block. */
export interface Cidr {
  /** The block as written. */
  text: string;
  /** Network address bytes (4 or 16). */
  network: Uint8Array;
  /** Prefix length in bits. */
  bits: number;
}

function parseIPv4(s: string): Uint8Array | undefined {
  if (!isIPv4(s)) return undefined;
  return Uint8Array.from(s.split('.').map(Number));
}

function parseIPv6(s: string): Uint8Array | undefined {
  if (!isIPv6(s)) return undefined;
  let text = s;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // A trailing dotted IPv4 part becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIPv4(dotted[1]);
    if (!v4) return undefined;
    text = text.slice(0, dotted.index) + `${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return undefined;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

function isV4Mapped(b: Uint8Array): boolean {
  if (b.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** An address as bytes: 4 for IPv4 (including IPv4-mapped IPv6), 16 for IPv6; undefined if invalid. */
export function parseIP(s: string): Uint8Array | undefined {
  const v4 = parseIPv4(s);
  if (v4) return v4;
  const v6 = parseIPv6(s);
  if (v6 && isV4Mapped(v6)) return v6.subarray(12);
  return v6;
}

/** Parses `a.b.c.d/n` or `x::y/n`; throws Go's `invalid CIDR address: <s>`. */
export function parseCIDR(s: string): Cidr {
  const slash = s.lastIndexOf('/');
  const fail = () => new Error(`invalid CIDR address: ${s}`);
  if (slash < 0) throw fail();
  const addrText = s.slice(0, slash);
  const bitsText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) throw fail();
  let bits = Number(bitsText);
  const v4 = parseIPv4(addrText);
  let network: Uint8Array;
  if (v4) {
    if (bits > 32) throw fail();
    network = v4;
  } else {
    const v6 = parseIPv6(addrText);
    if (!v6 || bits > 128) throw fail();
    if (isV4Mapped(v6) && bits >= 96) {
      network = v6.subarray(12);
      bits -= 96;
    } else {
      network = v6;
    }
  }
  network = Uint8Array.from(network);
  for (let i = 0; i < network.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    network[i] &= (0xff << (8 - keep)) & 0xff;
  }
  return { text: s, network, bits };
}

/** True when the address (bytes from parseIP) is inside the block; IPv4 never matches IPv6 blocks and vice versa. */
export function cidrContains(c: Cidr, ip: Uint8Array): boolean {
  if (ip.length !== c.network.length) return false;
  for (let i = 0; i < ip.length; i++) {
    const keep = Math.max(0, Math.min(8, c.bits - 8 * i));
    const mask = (0xff << (8 - keep)) & 0xff;
    if ((ip[i] & mask) !== c.network[i]) return false;
  }
  return true;
}
