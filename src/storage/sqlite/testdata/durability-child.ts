/**
 * Child process of the durability test (sqlite.test.ts): creates keys through
 * the SQLite KV as fast as it can, from several concurrent writers, and prints
 * "<key> <revision>" for every acknowledged create, until it is killed.
 *
 * Usage: node durability-child.js <database file>
 */
import { openSqliteKV } from '../kv.js';

const path = process.argv[2];
if (!path) throw new Error('usage: durability-child.js <database file>');
const kv = openSqliteKV({ path });
let next = 0;

async function writer(): Promise<void> {
  for (;;) {
    const key = `/durable/${String(next++).padStart(8, '0')}`;
    const r = await kv.create(key, Buffer.from(key));
    // Pipes are written synchronously on Linux: a printed line left the process.
    if (r.succeeded) process.stdout.write(`${key} ${r.revision}\n`);
  }
}

for (let i = 0; i < 8; i++) void writer();
