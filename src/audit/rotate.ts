/**
 * A size-rotated log file with the behaviour kube-apiserver gets from
 * lumberjack (`--audit-log-maxsize/maxbackup/maxage/compress`):
 *
 * - a write that would take the file past `maxSizeBytes` first rotates it:
 *   the file is renamed to `<name>-<UTC 2006-01-02T15-04-05.000><ext>` and a
 *   new one is started; a single write larger than the limit is an error;
 * - after a rotation, old backups are removed beyond `maxBackups` (newest
 *   kept; 0 = keep all) and when older than `maxAgeDays` (0 = no limit), and
 *   the remaining ones are gzip-compressed to `<backup>.gz` when `compress`.
 *   That clean-up runs in the background (`idle()` waits for it).
 */
import { closeSync, createReadStream, createWriteStream, existsSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface RotatingFileOptions {
  path: string;
  /** Rotate before the file would exceed this many bytes (lumberjack: 0 → 100 MB). */
  maxSizeBytes: number;
  /** Old files to keep (0 = all). */
  maxBackups: number;
  /** Days to keep old files, by the time in their names (0 = forever). */
  maxAgeDays: number;
  /** gzip rotated files. */
  compress: boolean;
}

/** lumberjack's default size limit. */
export const defaultMaxSizeBytes = 100 * 1024 * 1024;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `2006-01-02T15-04-05.000` in UTC. */
function backupTimestamp(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

function parseBackupTimestamp(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})$/.exec(s);
  if (!m) return undefined;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]);
}

/** An append-only file that rotates by size. Writes are synchronous (kube-apiserver's blocking mode). */
export class RotatingFile {
  private fd: number | undefined;
  private size = 0;
  private readonly max: number;
  private readonly dir: string;
  private readonly prefix: string;
  private readonly ext: string;
  private mill: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RotatingFileOptions) {
    this.max = opts.maxSizeBytes > 0 ? opts.maxSizeBytes : defaultMaxSizeBytes;
    this.dir = dirname(opts.path);
    this.ext = extname(opts.path);
    this.prefix = `${basename(opts.path, this.ext)}-`;
  }

  /** Appends bytes, rotating first if they would not fit. */
  write(data: Buffer | string): void {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (buf.length > this.max) throw new Error(`write length ${buf.length} exceeds maximum file size ${this.max}`);
    if (this.fd === undefined) this.openExistingOrNew(buf.length);
    else if (this.size + buf.length > this.max) this.rotate();
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd as number, buf, off);
    this.size += buf.length;
  }

  private openExistingOrNew(writeLen: number): void {
    mkdirSync(this.dir, { recursive: true });
    if (existsSync(this.opts.path) && statSync(this.opts.path).size + writeLen >= this.max) {
      this.rotate();
      return;
    }
    this.fd = openSync(this.opts.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** Renames the current file to a timestamped backup and starts a new one. */
  rotate(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (existsSync(this.opts.path)) {
      let t = Date.now();
      let backup = this.backupName(t);
      // Two rotations within one millisecond: do not overwrite the first backup.
      while (existsSync(backup) || existsSync(`${backup}.gz`)) backup = this.backupName(++t);
      renameSync(this.opts.path, backup);
    }
    mkdirSync(this.dir, { recursive: true });
    this.fd = openSync(this.opts.path, 'w', 0o600);
    this.size = 0;
    this.mill = this.mill.then(() => this.millOnce()).catch(() => undefined);
  }

  private backupName(t: number): string {
    return join(this.dir, `${this.prefix}${backupTimestamp(new Date(t))}${this.ext}`);
  }

  /** Rotated files, newest first. */
  backups(): { path: string; time: number; compressed: boolean }[] {
    const out: { path: string; time: number; compressed: boolean }[] = [];
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    for (const name of names) {
      if (!name.startsWith(this.prefix)) continue;
      const compressed = name.endsWith(`${this.ext}.gz`);
      const suffix = compressed ? `${this.ext}.gz` : this.ext;
      if (!name.endsWith(suffix)) continue;
      const time = parseBackupTimestamp(name.slice(this.prefix.length, name.length - suffix.length));
      if (time !== undefined) out.push({ path: join(this.dir, name), time, compressed });
    }
    return out.sort((a, b) => b.time - a.time);
  }

  private async millOnce(): Promise<void> {
    let files = this.backups();
    const remove: string[] = [];
    if (this.opts.maxBackups > 0 && files.length > this.opts.maxBackups) {
      remove.push(...files.slice(this.opts.maxBackups).map((f) => f.path));
      files = files.slice(0, this.opts.maxBackups);
    }
    if (this.opts.maxAgeDays > 0) {
      const cutoff = Date.now() - this.opts.maxAgeDays * 24 * 3600 * 1000;
      remove.push(...files.filter((f) => f.time < cutoff).map((f) => f.path));
      files = files.filter((f) => f.time >= cutoff);
    }
    for (const p of remove) {
      try {
        unlinkSync(p);
      } catch {
        /* already gone */
      }
    }
    if (!this.opts.compress) return;
    for (const f of files.filter((x) => !x.compressed)) {
      await pipeline(createReadStream(f.path), createGzip(), createWriteStream(`${f.path}.gz`, { mode: 0o600 }));
      unlinkSync(f.path);
    }
  }

  /** Resolves when background clean-up (removal, compression) has finished. */
  idle(): Promise<void> {
    return this.mill;
  }

  /** Closes the file (after background clean-up). */
  async close(): Promise<void> {
    await this.mill;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
