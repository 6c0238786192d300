import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectStore } from './object-store.js';

const obj = (name: string) => ({ metadata: { name } });

function keysIn(s: ObjectStore, prefix: string): string[] {
  const [from, to] = s.prefixRange(prefix);
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(s.keyAt(i));
  return out;
}

const cases: { name: string; prefix: string; expect: string[] }[] = [
  { name: 'the whole collection', prefix: '/r/cm/', expect: ['/r/cm/a/x', '/r/cm/a/y', '/r/cm/ab/z', '/r/cm/b/x'] },
  { name: 'one namespace, not its look-alike', prefix: '/r/cm/a/', expect: ['/r/cm/a/x', '/r/cm/a/y'] },
  { name: 'a namespace at the end', prefix: '/r/cm/b/', expect: ['/r/cm/b/x'] },
  { name: 'nothing', prefix: '/r/cm/c/', expect: [] },
];

for (const c of cases) {
  test(`ObjectStore.prefixRange: ${c.name}`, () => {
    const s = new ObjectStore();
    for (const k of ['/r/cm/b/x', '/r/cm/a/y', '/r/cm/ab/z', '/r/cm/a/x', '/r/other/a']) s.set(k, obj(k));
    assert.deepEqual(keysIn(s, c.prefix), c.expect);
  });
}

test('ObjectStore keeps keys sorted through set, delete and replace', () => {
  const s = new ObjectStore();
  assert.equal(s.set('/p/b', obj('b')), undefined);
  s.set('/p/a', obj('a'));
  const prev = s.set('/p/b', obj('b2'));
  assert.deepEqual(prev, obj('b'));
  assert.deepEqual(keysIn(s, '/p/'), ['/p/a', '/p/b']);
  assert.deepEqual(s.valueAt(1), obj('b2'));
  assert.deepEqual(s.delete('/p/a'), obj('a'));
  assert.equal(s.delete('/p/a'), undefined);
  assert.deepEqual(keysIn(s, '/p/'), ['/p/b']);
  s.replace([['/p/z', obj('z')], ['/p/c', obj('c')]]);
  assert.deepEqual(keysIn(s, '/p/'), ['/p/c', '/p/z']);
  assert.equal(s.size, 2);
  assert.equal(s.get('/p/b'), undefined);
});
