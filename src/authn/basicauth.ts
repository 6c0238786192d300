/**
 * HTTP basic authentication (`--basic-auth-file`): CSV lines
 * `password,user,uid[,"group1,group2"]`. Kubernetes removed it in 1.19;
 * kapi keeps it opt-in for old setups and warns at startup. Without the flag
 * an `Authorization: Basic` header is no credential at all, as in 1.33.
 */
import { readFileSync } from 'node:fs';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { UserInfo } from '../endpoints/request/context.js';
import { AuthenticationError, headerValue, type Authenticator } from './interfaces.js';
import { parseCsv } from './csv.js';

/** Logged at startup when --basic-auth-file is given. */
export const basicAuthWarning =
  'Warning: --basic-auth-file is enabled. Basic authentication was removed from Kubernetes in v1.19: ' +
  'passwords are sent with every request and cannot be rotated without a restart. Prefer client certificates, ' +
  'bearer tokens (--token-auth-file), ServiceAccount tokens or OIDC.';

interface PasswordEntry {
  password: Buffer;
  user: UserInfo;
}

/** Users by name, and the warnings Kubernetes logged while reading the file. */
export interface PasswordFileContents {
  users: Map<string, PasswordEntry>;
  warnings: string[];
}

/** Parses password file text (at least 3 columns; a duplicate user name warns and the last one wins). */
export function parsePasswordFile(text: string, path: string): PasswordFileContents {
  const users = new Map<string, PasswordEntry>();
  const warnings: string[] = [];
  let recordNum = 0;
  for (const { fields } of parseCsv(text)) {
    if (fields.length < 3) {
      throw new Error(`password file '${path}' must have at least 3 columns (password, user name, user uid), found ${fields.length}`);
    }
    const user: UserInfo = { name: fields[1], uid: fields[2], groups: fields.length >= 4 ? fields[3].split(',') : [], extra: {} };
    recordNum++;
    if (users.has(user.name)) warnings.push(`duplicate username '${user.name}' has been found in password file '${path}', record number '${recordNum}'`);
    users.set(user.name, { password: Buffer.from(fields[0]), user });
  }
  return { users, warnings };
}

/** `Authorization: Basic base64(user:password)`, as Go's Request.BasicAuth reads it; undefined when absent or malformed. */
export function basicCredentials(authorization: string): { username: string; password: string } | undefined {
  const prefix = 'basic ';
  if (authorization.length < prefix.length || authorization.slice(0, prefix.length).toLowerCase() !== prefix) return undefined;
  const b64 = authorization.slice(prefix.length);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(b64, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function sameSecret(a: Buffer, b: Buffer): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** The basic-auth request authenticator over parsed users. */
export function newBasicAuthenticator(users: Map<string, PasswordEntry>): Authenticator {
  return {
    authenticate(req) {
      const creds = basicCredentials(headerValue(req, 'authorization'));
      if (!creds) return null;
      const entry = users.get(creds.username);
      if (!entry || !sameSecret(entry.password, Buffer.from(creds.password))) {
        throw new AuthenticationError('invalid username/password combination');
      }
      const u = entry.user;
      return { user: { name: u.name, uid: u.uid, groups: [...u.groups], extra: {} } };
    },
  };
}

/** Reads `--basic-auth-file`; `warn` receives the deprecation warning and Kubernetes' file warnings. */
export function newBasicAuthFileAuthenticator(path: string, warn: (line: string) => void = () => {}): Authenticator {
  const { users, warnings } = parsePasswordFile(readFileSync(path, 'utf8'), path);
  warn(basicAuthWarning);
  for (const w of warnings) warn(w);
  return newBasicAuthenticator(users);
}
