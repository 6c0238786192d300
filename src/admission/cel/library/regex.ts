/**
 * Kubernetes' CEL regex library (library/regex.go, restated):
 * `<string>.find(regex)` → the first match or "", `<string>.findAll(regex)`
 * and `<string>.findAll(regex, limit)` → the matches (all when limit < 0).
 * Patterns use RE2 syntax; leading inline flags (`(?i)`, `(?s)`, `(?m)`)
 * become JavaScript flags.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { chargeCost } from '../cost.js';
import { CelRuntimeError, intArg } from './common.js';

const cache = new Map<string, RegExp>();

/** Compiles an RE2-style pattern (global, unicode) or throws `error parsing regexp`. */
export function compileRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return new RegExp(re.source, re.flags);
  let body = pattern;
  let flags = 'gu';
  const m = /^\(\?([ims]+)\)/.exec(body);
  if (m) {
    body = body.slice(m[0].length);
    for (const f of m[1]) if (!flags.includes(f)) flags += f;
  }
  try {
    re = new RegExp(body, flags);
  } catch (err) {
    throw new CelRuntimeError(`error parsing regexp: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, re);
  return new RegExp(re.source, re.flags);
}

function find(s: string, pattern: string): string {
  chargeCost(Math.ceil(s.length / 10));
  const m = compileRegex(pattern).exec(s);
  return m ? m[0] : '';
}

function findAll(s: string, pattern: string, limit?: unknown): string[] {
  chargeCost(Math.ceil(s.length / 10));
  const max = limit === undefined ? -1 : intArg(limit);
  if (max === 0) return [];
  const out: string[] = [];
  for (const m of s.matchAll(compileRegex(pattern))) {
    out.push(m[0]);
    if (max > 0 && out.length >= max) break;
  }
  return out;
}

/** Registers the regex functions on an environment. */
export function registerRegexLibrary(env: Environment): void {
  env
    .registerFunction('string.find(string): string', find)
    .registerFunction('string.findAll(string): list<string>', (s: string, p: string) => findAll(s, p))
    .registerFunction('string.findAll(string, int): list<string>', findAll);
}
