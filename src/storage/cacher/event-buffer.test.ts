import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CacheEvent, EventBuffer } from './event-buffer.js';

const ev = (revision: number) => new CacheEvent(`/k/${revision}`, revision, { metadata: { name: String(revision) } }, null);
const revs = (events: CacheEvent[]) => events.map((e) => e.revision);

function filled(capacity: number, revisions: number[]): EventBuffer {
  const b = new EventBuffer(capacity);
  for (const r of revisions) b.push(ev(r));
  return b;
}

const cases: { name: string; capacity: number; pushed: number[]; since: number; expect: number[]; oldest?: number }[] = [
  { name: 'empty', capacity: 3, pushed: [], since: 0, expect: [] },
  { name: 'everything after a revision below the window', capacity: 4, pushed: [2, 3, 5], since: 1, expect: [2, 3, 5], oldest: 2 },
  { name: 'a revision between buffered ones', capacity: 4, pushed: [2, 3, 5, 9], since: 4, expect: [5, 9] },
  { name: 'the newest revision', capacity: 4, pushed: [2, 3, 5], since: 5, expect: [] },
  { name: 'after wrapping around, the oldest are evicted', capacity: 3, pushed: [1, 2, 3, 4, 5], since: 0, expect: [3, 4, 5], oldest: 3 },
  { name: 'after wrapping around, from the middle', capacity: 3, pushed: [1, 2, 3, 4, 5, 6, 7], since: 5, expect: [6, 7], oldest: 5 },
];

for (const c of cases) {
  test(`EventBuffer.since: ${c.name}`, () => {
    const b = filled(c.capacity, c.pushed);
    assert.deepEqual(revs(b.since(c.since)), c.expect);
    assert.equal(b.length, Math.min(c.capacity, c.pushed.length));
    if (c.oldest !== undefined) assert.equal(b.oldest?.revision, c.oldest);
  });
}

test('EventBuffer.push returns the evicted event; dropThrough and clear empty it', () => {
  const b = new EventBuffer(2);
  assert.equal(b.push(ev(1)), undefined);
  assert.equal(b.push(ev(2)), undefined);
  assert.equal(b.push(ev(3))?.revision, 1);
  assert.equal(b.newest?.revision, 3);
  assert.equal(b.dropThrough(2), 1);
  assert.deepEqual(revs(b.since(0)), [3]);
  b.clear();
  assert.equal(b.length, 0);
  assert.equal(b.oldest, undefined);
});

test('CacheEvent shares one queue item per outcome', () => {
  const e = new CacheEvent('/k/a', 7, { metadata: { name: 'a' } }, { metadata: { name: 'a', labels: { x: 'y' } } });
  assert.equal(e.item('MODIFIED'), e.item('MODIFIED'));
  assert.equal(e.item('DELETED').object, e.prev);
  assert.equal(e.item('ADDED').object, e.object);
  assert.equal(e.item('ADDED').revision, 7);
});
