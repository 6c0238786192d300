import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WatchEvent } from '../interface.js';
import { BoundedWatchStream } from './stream.js';

function stream(limit: number, onStop: () => void = () => undefined) {
  return new BoundedWatchStream<number>({
    limit,
    convert: (n) => (n % 2 === 0 ? { type: 'ADDED', object: { metadata: { name: String(n) } } } : undefined),
    onConvertError: () => ({ type: 'ERROR', object: {} }),
    onStop,
  });
}

const names = (evs: WatchEvent[]) => evs.map((e) => e.object.metadata?.name);

describe('BoundedWatchStream', () => {
  test('converts at read time, skipping filtered items, and ends after finish', async () => {
    const s = stream(10);
    for (const n of [1, 2, 3, 4]) s.push(n);
    s.finish({ type: 'ERROR', object: { kind: 'Status' } });
    const got: WatchEvent[] = [];
    for await (const ev of s) got.push(ev);
    assert.deepEqual(names(got), ['2', '4', undefined]);
    assert.equal(got[2].type, 'ERROR');
  });

  test('a reader waiting for events wakes up on push', async () => {
    const s = stream(10);
    const it = s[Symbol.asyncIterator]();
    const pending = it.next();
    s.push(6);
    assert.equal((await pending).value?.object.metadata?.name, '6');
  });

  test('overflowing the bound terminates the stream and releases the source', async () => {
    let stopped = 0;
    const s = stream(3, () => stopped++);
    assert.equal(s.push(2), true);
    assert.equal(s.push(4), true);
    assert.equal(s.push(6), true);
    assert.equal(s.push(8), false);
    assert.equal(stopped, 1);
    const got: WatchEvent[] = [];
    for await (const ev of s) got.push(ev);
    assert.deepEqual(got, []);
  });

  test('uncounted items do not count toward the bound', () => {
    const s = stream(1);
    for (let i = 0; i < 100; i++) assert.equal(s.push(i * 2, false), true);
    assert.equal(s.push(2), true);
    assert.equal(s.pending, 101);
  });

  test('breaking out of for-await stops the stream', async () => {
    let stopped = 0;
    const s = stream(10, () => stopped++);
    s.push(2);
    s.push(4);
    for await (const _ of s) break;
    assert.equal(stopped, 1);
    assert.equal(s.push(6), false);
  });
});
