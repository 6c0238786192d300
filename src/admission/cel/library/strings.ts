/**
 * The parts of cel-go's strings extension (version 2, as Kubernetes enables
 * it) that the evaluator lacks: `charAt`, `replace`, `reverse`, `format` and
 * `strings.quote`; plus the `sets` extension (`sets.contains`,
 * `sets.equivalent`, `sets.intersects`) and the `base64` encoders. Indexes
 * count Unicode code points, as CEL does.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { celEquals, CelRuntimeError, intArg, listOf } from './common.js';
import { fromCel } from '../values.js';

function charAt(s: string, index: unknown): string {
  const chars = Array.from(s);
  const i = intArg(index);
  if (i < 0 || i > chars.length) throw new CelRuntimeError(`index out of range: ${i}`);
  return chars[i] ?? '';
}

function replace(s: string, from: string, to: string, limit?: unknown): string {
  let n = limit === undefined ? -1 : intArg(limit);
  if (n === 0) return s;
  if (from === '') {
    // Go's strings.Replace with an empty old string inserts between runes.
    const chars = Array.from(s);
    let out = '';
    for (let i = 0; i <= chars.length; i++) {
      if (n !== 0) {
        out += to;
        if (n > 0) n--;
      }
      if (i < chars.length) out += chars[i];
    }
    return out;
  }
  let out = '';
  let rest = s;
  for (;;) {
    const at = rest.indexOf(from);
    if (at < 0 || n === 0) break;
    out += rest.slice(0, at) + to;
    rest = rest.slice(at + from.length);
    if (n > 0) n--;
  }
  return out + rest;
}

/** strconv.Quote for the characters CEL policies meet. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** The text `%s` produces for a CEL value. */
function stringOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (Array.isArray(v)) return `[${v.map(stringOf).join(', ')}]`;
  if (v instanceof Date) return v.toISOString().replace('.000Z', 'Z');
  const json = fromCel(v);
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const keys = Object.keys(json).sort();
    return `{${keys.map((k) => `${k}: ${stringOf((v as Record<string, unknown>)[k] ?? json[k])}`).join(', ')}}`;
  }
  return String(v);
}

/** `<string>.format(<list>)`: %s %d %f %e %x %X %o %b and %% with an optional precision. */
function format(template: string, args: unknown): string {
  const values = listOf(args);
  let next = 0;
  return template.replace(/%(\.\d+)?([sdfeExXob%])/g, (_m, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (next >= values.length) throw new CelRuntimeError(`index ${next} out of range`);
    const v = values[next++];
    const prec = precision ? Number(precision.slice(1)) : undefined;
    switch (verb) {
      case 's':
        return stringOf(v);
      case 'd':
        if (typeof v === 'bigint') return String(v);
        if (typeof v === 'number' && Number.isInteger(v)) return String(v);
        throw new CelRuntimeError(`error during formatting: decimal clause can only be used on integers, was given ${typeof v === 'number' ? 'double' : typeof v}`);
      case 'f':
        return Number(v).toFixed(prec ?? 6);
      case 'e':
      case 'E': {
        const t = Number(v).toExponential(prec ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
        return verb === 'E' ? t.toUpperCase() : t;
      }
      case 'x':
      case 'X': {
        let t: string;
        if (typeof v === 'bigint' || typeof v === 'number') t = BigInt(v).toString(16);
        else if (typeof v === 'string') t = Buffer.from(v, 'utf8').toString('hex');
        else if (v instanceof Uint8Array) t = Buffer.from(v).toString('hex');
        else throw new CelRuntimeError('error during formatting: only integers, byte buffers, and strings can be formatted as hex');
        return verb === 'X' ? t.toUpperCase() : t;
      }
      case 'o':
        return BigInt(v as bigint).toString(8);
      case 'b':
        return typeof v === 'boolean' ? String(v) : BigInt(v as bigint).toString(2);
      default:
        return '';
    }
  });
}

class StringsNamespace {}
class SetsNamespace {}
class Base64Namespace {}

function setContains(a: unknown, b: unknown): boolean {
  const xs = listOf(a);
  return listOf(b).every((y) => xs.some((x) => celEquals(x, y)));
}

/** Registers the strings, sets and base64 functions on an environment. */
export function registerStringsLibrary(env: Environment): void {
  env
    .registerFunction('string.charAt(int): string', charAt)
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => replace(s, a, b))
    .registerFunction('string.replace(string, string, int): string', replace)
    .registerFunction('string.reverse(): string', (s: string) => Array.from(s).reverse().join(''))
    .registerFunction('string.format(list): string', format)
    .registerType('kubernetes.ext.Strings', StringsNamespace)
    .registerConstant('strings', 'kubernetes.ext.Strings', new StringsNamespace())
    .registerFunction('kubernetes.ext.Strings.quote(string): string', (_ns: unknown, s: string) => goQuote(s))
    .registerType('kubernetes.ext.Sets', SetsNamespace)
    .registerConstant('sets', 'kubernetes.ext.Sets', new SetsNamespace())
    .registerFunction('kubernetes.ext.Sets.contains(list, list): bool', (_ns: unknown, a: unknown, b: unknown) => setContains(a, b))
    .registerFunction('kubernetes.ext.Sets.equivalent(list, list): bool', (_ns: unknown, a: unknown, b: unknown) => setContains(a, b) && setContains(b, a))
    .registerFunction('kubernetes.ext.Sets.intersects(list, list): bool', (_ns: unknown, a: unknown, b: unknown) => {
      const xs = listOf(a);
      return listOf(b).some((y) => xs.some((x) => celEquals(x, y)));
    })
    .registerType('kubernetes.ext.Base64', Base64Namespace)
    .registerConstant('base64', 'kubernetes.ext.Base64', new Base64Namespace())
    .registerFunction('kubernetes.ext.Base64.encode(bytes): string', (_ns: unknown, b: Uint8Array) => Buffer.from(b).toString('base64'))
    .registerFunction('kubernetes.ext.Base64.decode(string): bytes', (_ns: unknown, s: string) => {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new CelRuntimeError('illegal base64 data');
      return new Uint8Array(Buffer.from(s, 'base64'));
    });
}
