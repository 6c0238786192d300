import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../object.js';
import { StatusError } from '../errors.js';
import { jsonMergePatch } from './mergepatch.js';

const cases: Array<{ name: string; original: JsonValue; patch: JsonValue; want: JsonValue }> = [
  { name: 'adds and replaces members', original: { a: 'b' }, patch: { a: 'c', d: 1 }, want: { a: 'c', d: 1 } },
  { name: 'null deletes', original: { a: 'b', c: 'd' }, patch: { a: null }, want: { c: 'd' } },
  { name: 'null for an absent key is a no-op', original: { a: 1 }, patch: { z: null }, want: { a: 1 } },
  { name: 'objects merge recursively', original: { a: { b: 1, c: 2 } }, patch: { a: { c: 3, d: 4 } }, want: { a: { b: 1, c: 3, d: 4 } } },
  { name: 'nested null deletes', original: { a: { b: 1, c: 2 } }, patch: { a: { b: null } }, want: { a: { c: 2 } } },
  { name: 'arrays replace wholesale', original: { a: [1, 2, 3] }, patch: { a: [4] }, want: { a: [4] } },
  { name: 'object replaces scalar', original: { a: 'x' }, patch: { a: { b: 1, c: null } }, want: { a: { b: 1 } } },
  { name: 'scalar replaces object', original: { a: { b: 1 } }, patch: { a: 'x' }, want: { a: 'x' } },
  { name: 'array replaces object as sent', original: { a: { b: 1 } }, patch: { a: [{ x: null }] }, want: { a: [{ x: null }] } },
  { name: 'new values lose null members, also in arrays of objects', original: {}, patch: { a: { b: null, c: [{ d: null, e: 1 }, null] } }, want: { a: { c: [{ e: 1 }, null] } } },
  { name: 'labels edit as kubectl sends it', original: { metadata: { labels: { app: 'web', env: 'dev' } } }, patch: { metadata: { labels: { env: null, tier: 'fe' } } }, want: { metadata: { labels: { app: 'web', tier: 'fe' } } } },
  { name: 'empty patch', original: { a: 1 }, patch: {}, want: { a: 1 } },
  { name: 'a top-level array patch yields the array', original: { a: 1 }, patch: [1, null], want: [1, null] },
  { name: 'RFC 7386 example', original: { title: 'Goodbye!', author: { givenName: 'John', familyName: 'Doe' }, tags: ['example', 'sample'], content: 'This will be unchanged' }, patch: { title: 'Hello!', phoneNumber: '+01-123-456-7890', author: { familyName: null }, tags: ['example'] }, want: { title: 'Hello!', author: { givenName: 'John' }, tags: ['example'], content: 'This will be unchanged', phoneNumber: '+01-123-456-7890' } },
];

for (const c of cases) {
  test(`merge patch: ${c.name}`, () => {
    const original = structuredClone(c.original);
    const patch = structuredClone(c.patch);
    assert.deepEqual(jsonMergePatch(original, patch), c.want);
    assert.deepEqual(original, c.original);
    assert.deepEqual(patch, c.patch);
  });
}

for (const patch of [null, 'x', 1, true] as JsonValue[]) {
  test(`merge patch: ${JSON.stringify(patch)} is rejected with 400`, () => {
    assert.throws(() => jsonMergePatch({ a: 1 }, patch), (err: unknown) => {
      assert.ok(err instanceof StatusError);
      assert.equal(err.code, 400);
      assert.equal(err.message, 'Invalid JSON Patch');
      return true;
    });
  });
}
