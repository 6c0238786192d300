import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isStorageError } from '../errors.js';
import { decodeObject, encodeObject, withResourceVersion } from './codec.js';
import { parseResourceVersion } from './resource-version.js';

describe('object codec', () => {
  test('encoding strips resourceVersion and selfLink without touching the object', () => {
    const obj = { kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '7', selfLink: '/x', uid: 'u' }, data: { k: 'v' } };
    const bytes = encodeObject(obj);
    assert.equal(bytes.toString(), '{"kind":"ConfigMap","metadata":{"name":"a","uid":"u"},"data":{"k":"v"}}');
    assert.equal(obj.metadata.resourceVersion, '7');
  });

  test('decoding puts resourceVersion where Kubernetes orders it', () => {
    const o = decodeObject('/k', Buffer.from('{"metadata":{"name":"a","uid":"u","creationTimestamp":"t","labels":{}}}'), 12);
    assert.deepEqual(Object.keys(o.metadata!), ['name', 'uid', 'resourceVersion', 'creationTimestamp', 'labels']);
    assert.equal(o.metadata!.resourceVersion, '12');
    const bare = decodeObject('/k', Buffer.from('{"kind":"X"}'), 3);
    assert.deepEqual(bare.metadata, { resourceVersion: '3' });
  });

  test('undecodable bytes are an InvalidObj error naming the key', () => {
    assert.throws(() => decodeObject('/k', Buffer.from('{oops'), 1), (e: unknown) => isStorageError(e, 'InvalidObj') && (e as { key: string }).key === '/k');
    assert.throws(() => decodeObject('/k', Buffer.from('[1]'), 1), (e: unknown) => isStorageError(e, 'InvalidObj'));
  });

  test('withResourceVersion copies the top level and metadata only', () => {
    const obj = { metadata: { name: 'a', resourceVersion: '1' }, spec: { x: 1 } };
    const out = withResourceVersion(obj, 9);
    assert.equal(out.metadata?.resourceVersion, '9');
    assert.equal(obj.metadata.resourceVersion, '1');
    assert.equal(out.spec, obj.spec);
  });
});

describe('parseResourceVersion', () => {
  const ok: [string | undefined, number][] = [[undefined, 0], ['', 0], ['0', 0], ['17', 17]];
  for (const [input, want] of ok) test(`${JSON.stringify(input)} is ${want}`, () => assert.equal(parseResourceVersion(input), want));

  const bad = [
    ['abc', 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax'],
    ['-1', 'invalid resource version: resourceVersion: Invalid value: "-1": strconv.ParseUint: parsing "-1": invalid syntax'],
    ['99999999999999999999', 'invalid resource version: resourceVersion: Invalid value: "99999999999999999999": strconv.ParseUint: parsing "99999999999999999999": value out of range'],
  ];
  for (const [input, message] of bad) {
    test(`${JSON.stringify(input)} is rejected`, () => {
      assert.throws(() => parseResourceVersion(input), (e: unknown) => isStorageError(e, 'InvalidResourceVersion') && (e as Error).message === message);
    });
  }
});
