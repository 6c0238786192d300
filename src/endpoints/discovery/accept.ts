/**
 * A small parser for the HTTP `Accept` header: media ranges with their
 * parameters, ordered by preference (quality first, then specificity, then
 * the order the client wrote them), as Go's goautoneg orders them for the
 * discovery and OpenAPI handlers.
 */

/** One media range of an Accept header. */
export interface AcceptClause {
  /** Lower-cased type (`application`, `*`). */
  type: string;
  /** Lower-cased subtype (`json`, `com.github.proto-openapi.spec.v2@v1.0+protobuf`, `*`). */
  subType: string;
  /** Parameters other than `q`, keys lower-cased (`g`, `v`, `as`, `profile`). */
  params: Record<string, string>;
  /** Quality, 0..1 (default 1). */
  q: number;
}

function specificity(c: AcceptClause): number {
  if (c.type === '*') return 0;
  if (c.subType === '*') return 1;
  return 2;
}

/**
 * Parses an Accept header into clauses sorted by preference. An empty or
 * missing header means `*∕*`. Clauses with q=0 are dropped.
 */
export function parseAccept(header: string | string[] | undefined): AcceptClause[] {
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  const text = raw.trim() === '' ? '*/*' : raw;
  const clauses: { c: AcceptClause; i: number }[] = [];
  let i = 0;
  for (const part of text.split(',')) {
    const pieces = part.split(';').map((s) => s.trim());
    const range = pieces[0] ?? '';
    if (range === '') continue;
    const slash = range.indexOf('/');
    const type = (slash < 0 ? range : range.slice(0, slash)).toLowerCase();
    const subType = (slash < 0 ? '*' : range.slice(slash + 1)).toLowerCase();
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of pieces.slice(1)) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      let v = p.slice(eq + 1).trim();
      if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
      if (k === 'q') {
        const n = Number(v);
        q = Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 1;
      } else {
        params[k] = v;
      }
    }
    if (q <= 0) continue;
    clauses.push({ c: { type, subType, params, q }, i: i++ });
  }
  clauses.sort((a, b) => b.c.q - a.c.q || specificity(b.c) - specificity(a.c) || a.i - b.i);
  return clauses.map((x) => x.c);
}

/** True when the clause accepts `type/subType` (wildcards allowed on the clause side). */
export function clauseMatches(c: AcceptClause, type: string, subType: string): boolean {
  return (c.type === '*' || c.type === type) && (c.subType === '*' || c.subType === subType);
}

/** The first request header value, as a string. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
