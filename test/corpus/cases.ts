/**
 * The manifest corpus: YAML files under `test/corpus/cases/`, one document
 * per case. A case names an object to create and either the fields the
 * object read back must have (`expect`, Kubernetes' defaults included) or
 * the Status the server must answer (`error`). See `cases/README.md`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, type Tags } from 'yaml';
import { absent, Pattern, present } from './match.js';

/** A JSON object as the corpus holds it. */
export type Obj = Record<string, unknown>;

/** One expected `details.causes[]` entry. */
export interface ExpectedCause {
  field: string;
  reason: string;
  /** Substring of the cause message, or a pattern. */
  message?: string | Pattern;
}

/** The Status a rejected case must get. */
export interface ExpectedError {
  code: number;
  reason: string;
  /** The whole Status message, or a pattern. */
  message?: string | Pattern;
  /** Causes that must be among `details.causes` (others may be there too, unless `exact`). */
  causes?: ExpectedCause[];
  /** The causes listed are all the causes there are. */
  exact?: boolean;
}

/** A patch applied to the created object; the case's expectation is about its result. */
export interface CasePatch {
  type: 'merge' | 'strategic' | 'json';
  body: unknown;
}

/** One corpus case. */
export interface CorpusCase {
  /** File it comes from (without folder). */
  file: string;
  name: string;
  /** Objects created (and required to succeed) before the case's object. */
  prereqs: Obj[];
  object: Obj;
  /** Also sent through `kubectl.1.33 apply -f`. */
  kubectl: boolean;
  patch?: CasePatch;
  expect?: Obj;
  error?: ExpectedError;
}

/** Where the case files live in the source tree. */
export function casesDir(repoRoot: string): string {
  return join(repoRoot, 'test/corpus/cases');
}

const tags: Tags = [
  { tag: '!re', resolve: (s: string) => new Pattern(s), identify: (v: unknown) => v instanceof Pattern },
  { tag: '!absent', resolve: () => absent as unknown as string, identify: (v: unknown) => v === absent },
  { tag: '!present', resolve: () => present as unknown as string, identify: (v: unknown) => v === present },
];

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(file: string, name: string, msg: string): never {
  throw new Error(`corpus ${file}: case ${JSON.stringify(name)}: ${msg}`);
}

function toCase(file: string, doc: unknown): CorpusCase {
  if (!isObj(doc)) fail(file, '?', 'a case must be a mapping');
  const name = doc.name;
  if (typeof name !== 'string' || !name) fail(file, '?', 'missing name');
  const known = new Set(['name', 'prereqs', 'object', 'kubectl', 'patch', 'expect', 'error']);
  for (const k of Object.keys(doc)) if (!known.has(k)) fail(file, name, `unknown key ${k}`);
  if (!isObj(doc.object)) fail(file, name, 'missing object');
  if ((doc.expect === undefined) === (doc.error === undefined)) fail(file, name, 'needs exactly one of expect and error');
  const c: CorpusCase = { file, name, prereqs: [], object: doc.object, kubectl: doc.kubectl === true };
  if (doc.prereqs !== undefined) {
    if (!Array.isArray(doc.prereqs) || !doc.prereqs.every(isObj)) fail(file, name, 'prereqs must be a list of objects');
    c.prereqs = doc.prereqs;
  }
  if (doc.expect !== undefined) {
    if (!isObj(doc.expect)) fail(file, name, 'expect must be a mapping');
    c.expect = doc.expect;
  }
  if (doc.error !== undefined) {
    const e = doc.error;
    if (!isObj(e) || typeof e.code !== 'number' || typeof e.reason !== 'string') fail(file, name, 'error needs code and reason');
    c.error = e as unknown as ExpectedError;
  }
  if (doc.patch !== undefined) {
    const p = doc.patch;
    if (!isObj(p) || p.body === undefined) fail(file, name, 'patch needs a body');
    const type = p.type ?? 'merge';
    if (type !== 'merge' && type !== 'strategic' && type !== 'json') fail(file, name, `unknown patch type ${String(type)}`);
    c.patch = { type, body: p.body };
    if (c.kubectl) fail(file, name, 'a patched case cannot also go through kubectl');
  }
  return c;
}

/** Reads every case file, sorted by file then position. Throws on a malformed case. */
export function loadCorpus(dir: string): CorpusCase[] {
  const out: CorpusCase[] = [];
  const names = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'), { customTags: tags })) {
      if (doc.errors.length > 0) throw new Error(`corpus ${f}: ${doc.errors[0].message}`);
      const value = doc.toJS();
      if (value === null || value === undefined) continue;
      const c = toCase(f, value);
      if (names.has(c.name)) fail(f, c.name, 'duplicate case name');
      names.add(c.name);
      out.push(c);
    }
  }
  return out;
}
