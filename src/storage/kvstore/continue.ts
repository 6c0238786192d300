/**
 * Continue tokens for paged lists, in Kubernetes' format: unpadded base64url
 * of `{"v":"meta.k8s.io/v1","rv":<list revision>,"start":"<next key minus the prefix>"}`.
 * An rv of -1 means "continue at the latest revision" (issued with a 410 when
 * the original revision was compacted).
 */
import { invalidContinue } from '../errors.js';

const TOKEN_VERSION = 'meta.k8s.io/v1';
const NOT_VALID = 'continue key is not valid';

/** A decoded continue token: the absolute key to start at and the revision (-1 = latest). */
export interface ContinueToken {
  key: string;
  revision: number;
}

/** Go's encoding/json escapes these inside strings; match it byte for byte. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Encodes a token for a list under `prefix` that continues at `key` (absolute). */
export function encodeContinue(key: string, prefix: string, revision: number): string {
  if (!key.startsWith(prefix) || key === prefix) {
    throw new Error(`unable to encode next field: the key and key prefix do not match ${prefix} ${key}`);
  }
  const json = goJson({ v: TOKEN_VERSION, rv: revision, start: key.slice(prefix.length) });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** Go's path.Clean for slash-separated paths. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

function invalid(detail: string): Error {
  return invalidContinue(`invalid continue token: ${detail}`);
}

/**
 * Decodes a token for a list under `prefix`. Throws an InvalidContinue storage
 * error carrying kube-apiserver's 400 message.
 */
export function decodeContinue(token: string, prefix: string): ContinueToken {
  const bad = token.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0 || token.length % 4 === 1) {
    throw invalid(`${NOT_VALID}: illegal base64 data at input byte ${bad >= 0 ? bad : token.length - 1}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (err) {
    throw invalid(`${NOT_VALID}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid(`${NOT_VALID}: json: cannot unmarshal into Go value of type storage.continueToken`);
  }
  const t = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (t.v !== undefined && typeof t.v !== 'string') throw invalid(`${NOT_VALID}: json: cannot unmarshal v`);
  if (t.rv !== undefined && (typeof t.rv !== 'number' || !Number.isInteger(t.rv))) {
    throw invalid(`${NOT_VALID}: json: cannot unmarshal rv`);
  }
  if (t.start !== undefined && typeof t.start !== 'string') throw invalid(`${NOT_VALID}: json: cannot unmarshal start`);
  const version = (t.v as string | undefined) ?? '';
  if (version !== TOKEN_VERSION) {
    throw invalid(`${NOT_VALID}: server does not recognize this encoded version ${version}`);
  }
  const rv = (t.rv as number | undefined) ?? 0;
  if (rv === 0) throw invalid(`${NOT_VALID}: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`);
  const start = (t.start as string | undefined) ?? '';
  if (start === '') throw invalid(`${NOT_VALID}: encoded start key empty (version meta.k8s.io/v1)`);
  const rooted = start.startsWith('/') ? start : '/' + start;
  if (cleanPath(rooted) !== rooted) throw invalid(`${NOT_VALID}: ${start}`);
  return { key: prefix + rooted.slice(1), revision: rv };
}
