/**
 * Kubernetes' CEL URL library (library/urls.go, restated): `url(string)`,
 * `isURL(string)` and, on a URL, `getScheme()`, `getHost()`,
 * `getHostname()`, `getPort()`, `getEscapedPath()` and `getQuery()`.
 * Parsing follows Go's url.ParseRequestURI: an absolute URI with a scheme,
 * or an absolute path.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { CelRuntimeError } from './common.js';

/** A parsed URL as a CEL value (type `kubernetes.URL`). */
export class CelURL {
  constructor(
    readonly raw: string,
    readonly scheme: string,
    readonly host: string,
    readonly path: string,
    readonly rawQuery: string,
  ) {}
  toString(): string {
    return this.raw;
  }
}

/** Parses like url.ParseRequestURI; undefined when Go would fail. */
export function parseRequestURI(s: string): CelURL | undefined {
  if (s === '' || /[\x00-\x1f\x7f ]/.test(s)) return undefined;
  let rest = s;
  let rawQuery = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let scheme = '';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1].toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (!rest.startsWith('/')) {
    return undefined;
  }
  let host = '';
  if (scheme !== '' && rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    let authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
    const at = authority.lastIndexOf('@');
    if (at >= 0) authority = authority.slice(at + 1);
    if (authority.startsWith('[')) {
      const close = authority.indexOf(']');
      if (close < 0) return undefined;
      const after = authority.slice(close + 1);
      if (after !== '' && !/^:[0-9]*$/.test(after)) return undefined;
    } else {
      const colon = authority.lastIndexOf(':');
      if (colon >= 0 && !/^[0-9]*$/.test(authority.slice(colon + 1))) return undefined;
    }
    host = authority;
  } else if (scheme !== '' && !rest.startsWith('/') && rest !== '') {
    // An opaque URI (mailto:x): Go keeps it, with an empty host and path.
    return new CelURL(s, scheme, '', '', rawQuery);
  }
  try {
    decodeURI(rest);
  } catch {
    return undefined;
  }
  return new CelURL(s, scheme, host, rest, rawQuery);
}

function hostname(u: CelURL): string {
  const h = u.host;
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

function port(u: CelURL): string {
  const h = u.host;
  const start = h.startsWith('[') ? h.indexOf(']') + 1 : 0;
  const colon = h.indexOf(':', start);
  return colon >= 0 ? h.slice(colon + 1) : '';
}

function query(u: CelURL): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (u.rawQuery === '') return out;
  for (const part of u.rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const dec = (x: string): string => {
      try {
        return decodeURIComponent(x.replace(/\+/g, ' '));
      } catch {
        return x;
      }
    };
    const k = dec(eq >= 0 ? part.slice(0, eq) : part);
    const v = dec(eq >= 0 ? part.slice(eq + 1) : '');
    (out[k] ??= []).push(v);
  }
  return out;
}

/** Registers the URL type and functions on an environment. */
export function registerURLLibrary(env: Environment): void {
  const T = 'kubernetes.URL';
  env
    .registerType(T, CelURL)
    .registerFunction(`url(string): ${T}`, (s: string) => {
      const u = parseRequestURI(s);
      if (!u) throw new CelRuntimeError(`URL parse error during conversion from string: parse ${JSON.stringify(s)}: invalid URI for request`);
      return u;
    })
    .registerFunction('isURL(string): bool', (s: string) => parseRequestURI(s) !== undefined)
    .registerFunction(`${T}.getScheme(): string`, (u: CelURL) => u.scheme)
    .registerFunction(`${T}.getHost(): string`, (u: CelURL) => u.host)
    .registerFunction(`${T}.getHostname(): string`, hostname)
    .registerFunction(`${T}.getPort(): string`, port)
    .registerFunction(`${T}.getEscapedPath(): string`, (u: CelURL) => u.path)
    .registerFunction(`${T}.getQuery(): map<string, list<string>>`, query)
    .registerFunction(`string(${T}): string`, (u: CelURL) => u.raw);
}
