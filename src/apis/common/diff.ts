/**
 * A compact "what changed" text for forbidden-update errors. Kubernetes
 * appends a go-cmp diff of the internal structs there; kapi lists the
 * changed JSON paths in a similar `-`/`+` layout.
 */
import { semanticEqual } from '../../validation/json.js';

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function collect(path: string, a: unknown, b: unknown, out: string[]): void {
  if (semanticEqual(a, b)) return;
  if (isPlain(a) && isPlain(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) collect(path ? `${path}.${k}` : k, a[k], b[k], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => collect(`${path}[${i}]`, x, b[i], out));
    return;
  }
  out.push(`- \t${path}: ${JSON.stringify(a ?? null)},`);
  out.push(`+ \t${path}: ${JSON.stringify(b ?? null)},`);
}

/** A diff of old → new under a type name header, one `-`/`+` pair per changed leaf. */
export function jsonDiff(typeName: string, oldV: unknown, newV: unknown): string {
  const lines: string[] = [];
  collect('', oldV, newV, lines);
  return [`  ${typeName}{`, ...lines, '  }', ''].join('\n');
}
