/**
 * Static token file (`--token-auth-file`): CSV lines
 * `token,user,uid[,"group1,group2"]`, read once at startup
 * (k8s.io/apiserver/pkg/authentication/token/tokenfile).
 */
import { readFileSync } from 'node:fs';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { UserInfo } from '../endpoints/request/context.js';
import type { TokenAuthenticator } from './interfaces.js';
import { parseCsv } from './csv.js';

/** Users by token, and the warnings Kubernetes logs while reading the file. */
export interface TokenFileContents {
  tokens: Map<string, UserInfo>;
  warnings: string[];
}

/**
 * Parses token file text. Records need at least 3 columns (else an error
 * naming the file); an empty token is skipped with a warning; a duplicate
 * token warns and the last one wins; the 4th column is split on commas.
 */
export function parseTokenFile(text: string, path: string): TokenFileContents {
  const tokens = new Map<string, UserInfo>();
  const warnings: string[] = [];
  let recordNum = 0;
  for (const { fields } of parseCsv(text)) {
    if (fields.length < 3) {
      throw new Error(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${fields.length}`);
    }
    recordNum++;
    const token = fields[0];
    if (token === '') {
      warnings.push(`empty token has been found in token file '${path}', record number '${recordNum}'`);
      continue;
    }
    if (tokens.has(token)) warnings.push(`duplicate token has been found in token file '${path}', record number '${recordNum}'`);
    tokens.set(token, { name: fields[1], uid: fields[2], groups: fields.length >= 4 ? fields[3].split(',') : [], extra: {} });
  }
  return { tokens, warnings };
}

/** Hash used as the lookup key, so a lookup's time does not depend on how much of a token matched. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** A token authenticator over parsed contents: unknown tokens have no opinion (the bearer layer rejects them). */
export function newStaticTokenAuthenticator(tokens: Map<string, UserInfo>): TokenAuthenticator {
  const byDigest = new Map<string, { key: Buffer; user: UserInfo }>();
  for (const [token, user] of tokens) {
    const key = digest(token);
    byDigest.set(key.toString('hex'), { key, user });
  }
  return {
    async authenticateToken(token) {
      const key = digest(token);
      const hit = byDigest.get(key.toString('hex'));
      if (!hit || !timingSafeEqual(hit.key, key)) return null;
      const u = hit.user;
      return { user: { name: u.name, uid: u.uid, groups: [...u.groups], extra: {} }, audiences: [] };
    },
  };
}

/** Reads `--token-auth-file`; `warn` receives Kubernetes' warnings (empty or duplicate tokens). */
export function newTokenFileAuthenticator(path: string, warn: (line: string) => void = () => {}): TokenAuthenticator {
  const { tokens, warnings } = parseTokenFile(readFileSync(path, 'utf8'), path);
  for (const w of warnings) warn(w);
  return newStaticTokenAuthenticator(tokens);
}
