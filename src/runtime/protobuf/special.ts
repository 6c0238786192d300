/**
 * The JSON forms of metav1.Time, metav1.MicroTime and metav1.Duration, as Go
 * writes and reads them: RFC 3339 in UTC (seconds, or exactly six fraction
 * digits for MicroTime) and Go's time.Duration string (`1h0m0s`, `1.5s`).
 */

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Formats Unix seconds (+ nanos) as RFC 3339 UTC; `fractionDigits` 0 (Time) or 6 (MicroTime). */
export function formatRFC3339(seconds: number, nanos: number, fractionDigits: 0 | 6): string {
  const d = new Date(seconds * 1000);
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  if (fractionDigits === 0) return `${base}Z`;
  return `${base}.${pad(Math.floor(nanos / 1000), 6)}Z`;
}

/**
 * Parses an RFC 3339 timestamp (any offset, optional fraction) into Unix
 * seconds and nanos. Returns undefined when the text is not RFC 3339.
 */
export function parseRFC3339(text: string): { seconds: number; nanos: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return undefined;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  const nanos = frac ? Number(frac.padEnd(9, '0')) : 0;
  return { seconds: Math.floor(ms / 1000), nanos };
}

const NS = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 } as const;

/** Writes `v / 10^prec` with trailing fraction zeros removed (Go's fmtFrac + fmtInt). */
function fracString(v: bigint, prec: number): string {
  const scale = 10n ** BigInt(prec);
  const whole = v / scale;
  let frac = (v % scale).toString().padStart(prec, '0').replace(/0+$/, '');
  if (frac !== '') frac = `.${frac}`;
  return `${whole}${frac}`;
}

/** Go's time.Duration.String() for a nanosecond count. */
export function formatDuration(nanoseconds: number | bigint): string {
  let n = BigInt(nanoseconds);
  const neg = n < 0n;
  if (neg) n = -n;
  let out: string;
  if (n === 0n) return '0s';
  if (n < 1_000_000_000n) {
    if (n < 1000n) out = `${n}ns`;
    else if (n < 1_000_000n) out = `${fracString(n, 3)}µs`;
    else out = `${fracString(n, 6)}ms`;
  } else {
    const secs = fracString(n % 60_000_000_000n, 9);
    let mins = n / 60_000_000_000n;
    if (mins === 0n) out = `${secs}s`;
    else {
      const hours = mins / 60n;
      mins %= 60n;
      out = hours > 0n ? `${hours}h${mins}m${secs}s` : `${mins}m${secs}s`;
    }
  }
  return neg ? `-${out}` : out;
}

/** Go's time.ParseDuration: `[-+]?(\d*(\.\d*)?(ns|us|µs|μs|ms|s|m|h))+`, or `0`. Returns nanoseconds or undefined. */
export function parseDuration(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  const re = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (s !== '') {
    const m = re.exec(s);
    if (!m || (m[1] === '' && (m[2] === undefined || m[2] === ''))) return undefined;
    const unitName = m[3] === 'µs' || m[3] === 'μs' ? 'us' : (m[3] as keyof typeof NS);
    const unit = NS[unitName];
    total += Number(m[1] || '0') * unit;
    if (m[2]) total += Math.round(Number(`0.${m[2]}`) * unit);
    s = s.slice(m[0].length);
  }
  return sign * total;
}
