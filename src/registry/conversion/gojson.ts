/**
 * JSON exactly as Go's encoding/json writes it, for the values kube-apiserver
 * marshals into annotations during conversion: struct fields in declaration
 * order (the caller builds a {@link GoStruct}), map keys sorted, compact, and
 * strings escaped the Go way (`<`, `>`, `&`, U+2028 and U+2029 as `\uXXXX`).
 */

/** A Go struct value: its fields, in declaration order, already filtered by `omitempty`. */
export class GoStruct {
  constructor(readonly fields: ReadonlyArray<readonly [string, GoValue]>) {}
}

/** Values the encoder understands; a plain object is a Go map (keys sorted). */
export type GoValue = string | number | boolean | null | GoStruct | GoValue[] | { [key: string]: GoValue };

const hex = (c: number): string => `\\u${c.toString(16).padStart(4, '0')}`;

/** A string literal as Go's encoder writes it (HTML-safe escaping on). */
export function goString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x3c:
      case 0x3e:
      case 0x26:
      case 0x2028:
      case 0x2029:
        out += hex(c);
        break;
      default:
        out += c < 0x20 ? hex(c) : s[i];
    }
  }
  return out + '"';
}

/** Compares map keys the way Go's sort.Strings does (byte order of UTF-8). */
function byteOrder(a: string, b: string): number {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ba, bb);
}

/** Encodes a value as Go's json.Marshal would. */
export function goMarshal(v: GoValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof GoStruct) return `{${v.fields.map(([k, x]) => `${goString(k)}:${goMarshal(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(goMarshal).join(',')}]`;
  const keys = Object.keys(v).sort(byteOrder);
  return `{${keys.map((k) => `${goString(k)}:${goMarshal(v[k] as GoValue)}`).join(',')}}`;
}

/**
 * How a field is tagged: `omitempty` on a value field (`'empty'`: dropped when
 * false, 0, "" or an empty slice/map) or on a pointer field (`'nil'`: dropped
 * only when unset); no tag: always written.
 */
export type OmitRule = 'empty' | 'nil' | undefined;

/** Builds a struct from `[name, value, omit]` triples, dropping omitted fields as Go does. */
export function goStruct(...fields: Array<readonly [string, GoValue | undefined, OmitRule?]>): GoStruct {
  const kept: Array<readonly [string, GoValue]> = [];
  for (const [name, value, omit] of fields) {
    if (omit === 'nil' && (value === undefined || value === null)) continue;
    if (omit === 'empty' && isGoEmpty(value)) continue;
    kept.push([name, value === undefined ? null : value]);
  }
  return new GoStruct(kept);
}

/** Go's notion of "empty" for omitempty: false, 0, "", nil, and empty slices or maps (never structs). */
function isGoEmpty(v: GoValue | undefined): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (v instanceof GoStruct) return false;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}
