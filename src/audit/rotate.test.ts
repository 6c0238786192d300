/** The rotating audit log file: size-based rotation, backup names, retention, compression. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RotatingFile } from './rotate.js';

const line = (i: number) => `${JSON.stringify({ i, pad: 'x'.repeat(40) })}\n`; // 58 bytes

function withDir(fn: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kapi-rotate-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'a write that would exceed the size rotates first; backups are named <name>-<UTC time><ext>; nothing is lost',
  withDir(async (dir) => {
    const path = join(dir, 'audit.log');
    const f = new RotatingFile({ path, maxSizeBytes: 200, maxBackups: 0, maxAgeDays: 0, compress: false });
    for (let i = 0; i < 10; i++) f.write(line(i));
    await f.close();
    const names = readdirSync(dir).sort();
    // 3 lines (174 bytes) fit in 200; 10 lines → 3 full backups + the live file with 1 line.
    assert.equal(names.length, 4);
    assert.ok(names.includes('audit.log'));
    for (const n of names.filter((x) => x !== 'audit.log')) assert.match(n, /^audit-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}\.log$/);
    const all = [...names.filter((x) => x !== 'audit.log'), 'audit.log'].map((n) => readFileSync(join(dir, n), 'utf8')).join('');
    assert.deepEqual(all.trim().split('\n').map((l) => JSON.parse(l).i), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const n of names) assert.ok(readFileSync(join(dir, n)).length <= 200);
  }),
);

test(
  'maxBackups keeps the newest backups; compress gzips them',
  withDir(async (dir) => {
    const path = join(dir, 'audit.log');
    const f = new RotatingFile({ path, maxSizeBytes: 100, maxBackups: 2, maxAgeDays: 0, compress: true });
    for (let i = 0; i < 6; i++) f.write(line(i)); // one line per file
    await f.idle();
    await f.close();
    const backups = readdirSync(dir).filter((n) => n !== 'audit.log').sort();
    assert.equal(backups.length, 2);
    for (const b of backups) assert.match(b, /\.log\.gz$/);
    const kept = backups.map((b) => JSON.parse(gunzipSync(readFileSync(join(dir, b))).toString()).i);
    assert.deepEqual(kept, [3, 4]);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).i, 5);
  }),
);

test(
  'maxAge removes backups older than the limit (by the time in their name); an existing large file rotates on open',
  withDir(async (dir) => {
    const path = join(dir, 'audit.log');
    writeFileSync(join(dir, 'audit-2001-01-01T00-00-00.000.log'), 'ancient\n');
    writeFileSync(path, 'x'.repeat(90));
    const f = new RotatingFile({ path, maxSizeBytes: 100, maxBackups: 0, maxAgeDays: 7, compress: false });
    f.write(line(0));
    await f.idle();
    await f.close();
    assert.equal(existsSync(join(dir, 'audit-2001-01-01T00-00-00.000.log')), false);
    const backups = readdirSync(dir).filter((n) => n !== 'audit.log');
    assert.equal(backups.length, 1);
    assert.equal(readFileSync(join(dir, backups[0]), 'utf8'), 'x'.repeat(90));
  }),
);

test('a single write larger than the limit is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kapi-rotate-'));
  try {
    const f = new RotatingFile({ path: join(dir, 'a.log'), maxSizeBytes: 10, maxBackups: 0, maxAgeDays: 0, compress: false });
    assert.throws(() => f.write('x'.repeat(11)), { message: 'write length 11 exceeds maximum file size 10' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
