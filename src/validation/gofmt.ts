/**
 * Go `%#v` renderings of the bad values Kubernetes puts into field errors
 * (`map[string]string{"app":"x"}`, `v1.LabelSelector{...}`), so that error
 * messages read exactly as kube-apiserver's do.
 */
import { RawValue } from './field/errors.js';

/** Go's %q of a string (close enough: JSON escaping for ASCII). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** `map[string]string{"a":"b"}` (keys sorted, as fmt prints maps); `map[string]string(nil)` when absent. */
export function goStringMapText(m: Record<string, unknown> | undefined | null): string {
  if (m === undefined || m === null) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`).join(', ')}}`;
}

/** `[]string{"a", "b"}`; `[]string(nil)` when absent. */
export function goStringSliceText(a: unknown[] | undefined | null): string {
  if (a === undefined || a === null) return '[]string(nil)';
  return `[]string{${a.map((v) => goQuote(String(v))).join(', ')}}`;
}

/** A string map as a field error bad value. */
export function goStringMap(m: Record<string, unknown> | undefined | null): RawValue {
  return new RawValue(goStringMapText(m));
}

/** A string list as a field error bad value. */
export function goStringSlice(a: unknown[] | undefined | null): RawValue {
  return new RawValue(goStringSliceText(a));
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** `v1.LabelSelector{MatchLabels:..., MatchExpressions:...}` for a selector object. */
export function goLabelSelectorText(sel: unknown): string {
  const s = asRecord(sel) ?? {};
  const ml = asRecord(s.matchLabels);
  const me = Array.isArray(s.matchExpressions) ? s.matchExpressions : undefined;
  const exprs =
    me === undefined
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${me
          .map((e) => {
            const r = asRecord(e) ?? {};
            const values = Array.isArray(r.values) ? r.values : undefined;
            return `v1.LabelSelectorRequirement{Key:${goQuote(String(r.key ?? ''))}, Operator:${goQuote(String(r.operator ?? ''))}, Values:${goStringSliceText(values)}}`;
          })
          .join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMapText(ml)}, MatchExpressions:${exprs}}`;
}

/** A label selector as a field error bad value. */
export function goLabelSelector(sel: unknown): RawValue {
  return new RawValue(goLabelSelectorText(sel));
}
