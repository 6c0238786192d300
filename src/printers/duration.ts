/**
 * Human-readable ages, as kube-apiserver prints them in the AGE column and
 * friends (k8s.io/apimachinery/pkg/util/duration).
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Formats a duration in milliseconds the way Kubernetes does, keeping about two
 * or three significant figures: `45s`, `119s`, `2m3s`, `10m`, `179m`, `3h4m`,
 * `20h`, `3d4h`, `300d`, `2y5d`, `9y`. A negative duration of up to a second
 * (clock skew) prints `0s`; a more negative one prints `<invalid>`.
 */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '<invalid>';
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;

  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;

  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;

  const days = Math.trunc(hours / 24);
  if (hours < 8 * 24) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 2 * 365 * 24) return `${days}d`;

  const years = Math.trunc(days / 365);
  if (hours < 8 * 365 * 24) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** `0001-01-01T00:00:00Z` (Go's zero time) in epoch milliseconds. */
const GO_ZERO_TIME = ((): number => {
  // Date.UTC maps years 0..99 to 1900..1999, so set the year explicitly.
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  return d.getTime();
})();

/**
 * Parses a metav1.Time / MicroTime JSON value (RFC 3339) to epoch milliseconds.
 * Returns undefined for a missing, null, empty or unparseable value and for
 * Go's zero time (`0001-01-01T00:00:00Z`), which Kubernetes treats as unset.
 */
export function parseTimestamp(ts: unknown): number | undefined {
  if (typeof ts !== 'string' || ts === '') return undefined;
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) return undefined;
  if (ms === GO_ZERO_TIME) return undefined;
  return ms;
}

/**
 * The age of a timestamp at `now`, formatted by humanDuration; `<unknown>` when
 * the timestamp is missing or zero.
 */
export function translateTimestampSince(ts: unknown, now: Date): string {
  const t = parseTimestamp(ts);
  if (t === undefined) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/**
 * The time left until a timestamp at `now`, formatted by humanDuration;
 * `<unknown>` when the timestamp is missing or zero.
 */
export function translateTimestampUntil(ts: unknown, now: Date): string {
  const t = parseTimestamp(ts);
  if (t === undefined) return '<unknown>';
  return humanDuration(t - now.getTime());
}
