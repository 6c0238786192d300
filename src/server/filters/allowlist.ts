/**
 * The source-address allowlist (`--allowed-source-ranges`): a connection
 * whose peer address is outside every range is reset as soon as it is
 * accepted — before TLS, before any request — counted and logged. No ranges
 * means allow all.
 *
 * It is a listener hook, not a request filter: `attachSourceAllowlist(server,
 * allowlist)` on the TLS server (an http2 secure server is a net.Server).
 */
import type { Server, Socket } from 'node:net';
import type { FlagSpec, FlagValues } from '../../options/flags.js';
import { cidrContains, parseCIDR, parseIP, type Cidr } from './cidr.js';

/** kapi's allowlist flag (kube-apiserver has none; the name follows its flag style). */
export const allowlistFlags: FlagSpec[] = [
  {
    name: 'allowed-source-ranges',
    type: 'string',
    default: '',
    help: 'Comma-separated IPv4/IPv6 CIDRs (e.g. 10.0.0.0/8,::1/128) that may connect. Connections from other addresses are reset before TLS. Empty allows all.',
  },
];

/** Parses `--allowed-source-ranges` (empty → no ranges = allow all). Throws `--allowed-source-ranges: invalid CIDR address: x`. */
export function parseAllowedSourceRanges(value: string): Cidr[] {
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  try {
    return parts.map(parseCIDR);
  } catch (err) {
    throw new Error(`--allowed-source-ranges: ${(err as Error).message}`);
  }
}

/** The allowlist's ranges from parsed flag values. */
export function allowedSourceRangesFrom(values: FlagValues): Cidr[] {
  return parseAllowedSourceRanges(values['allowed-source-ranges'] ?? '');
}

/** Refusal counters (exported for /metrics later). */
export interface AllowlistMetrics {
  /** Connections reset because their source was outside the ranges. */
  refusedConnections: number;
}

/** Decides on connections; counts and logs refusals (at most `maxLogLinesPerSecond` lines a second). */
export class SourceAllowlist {
  readonly metrics: AllowlistMetrics = { refusedConnections: 0 };
  private windowStart = 0;
  private linesInWindow = 0;
  private suppressed = 0;

  constructor(
    readonly ranges: readonly Cidr[],
    private readonly log: (line: string) => void,
    private readonly maxLogLinesPerSecond = 10,
  ) {}

  /** True when no ranges are configured (everything allowed). */
  get allowsAll(): boolean {
    return this.ranges.length === 0;
  }

  /** True when a peer address (as a socket reports it) is allowed. */
  allows(address: string | undefined): boolean {
    if (this.allowsAll) return true;
    const ip = address === undefined ? undefined : parseIP(address);
    if (!ip) return false;
    return this.ranges.some((r) => cidrContains(r, ip));
  }

  /**
   * The listener hook: call on every accepted TCP connection, before TLS.
   * Returns false (and resets the socket) for a refused peer.
   */
  onConnection(socket: Socket): boolean {
    if (this.allows(socket.remoteAddress)) return true;
    this.metrics.refusedConnections++;
    this.logRefusal(socket.remoteAddress, socket.remotePort);
    // RST rather than FIN: the client sees the connection reset, no TLS alert, no HTTP answer.
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
    return false;
  }

  private logRefusal(address: string | undefined, port: number | undefined): void {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.linesInWindow = 0;
    }
    if (this.linesInWindow >= this.maxLogLinesPerSecond) {
      this.suppressed++;
      return;
    }
    this.linesInWindow++;
    const more = this.suppressed > 0 ? ` (${this.suppressed} more refusals not logged)` : '';
    this.suppressed = 0;
    const peer = address === undefined ? 'an unknown address' : `${address.includes(':') ? `[${address}]` : address}:${port ?? 0}`;
    this.log(`kapi: refused connection from ${peer}: source address not in --allowed-source-ranges=${this.ranges.map((r) => r.text).join(',')}${more}`);
  }
}

/**
 * Installs the allowlist on a listening server: it runs first on every
 * 'connection' (before the TLS layer reads a byte). No-op for allow-all.
 */
export function attachSourceAllowlist(server: Server, allowlist: SourceAllowlist): void {
  if (allowlist.allowsAll) return;
  server.prependListener('connection', (socket: Socket) => {
    allowlist.onConnection(socket);
  });
}
