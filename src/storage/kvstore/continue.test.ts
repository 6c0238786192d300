import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isStorageError } from '../errors.js';
import { cleanPath, decodeContinue, encodeContinue } from './continue.js';

const P = '/registry/pods/';
const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('continue tokens', () => {
  test('encode gives unpadded base64url of the Kubernetes token, relative to the prefix', () => {
    const t = encodeContinue('/registry/pods/ns/a\u0000', P, 42);
    assert.doesNotMatch(t, /[=+/]/);
    assert.equal(Buffer.from(t, 'base64url').toString(), '{"v":"meta.k8s.io/v1","rv":42,"start":"ns/a\\u0000"}');
    assert.deepEqual(decodeContinue(t, P), { key: '/registry/pods/ns/a\u0000', revision: 42 });
  });

  test('encode escapes <, > and & as Go does', () => {
    const t = encodeContinue('/registry/pods/a<b>&c', P, 1);
    assert.equal(Buffer.from(t, 'base64url').toString(), '{"v":"meta.k8s.io/v1","rv":1,"start":"a\\u003cb\\u003e\\u0026c"}');
  });

  test('rv -1 (continue at latest) round-trips', () => {
    assert.equal(decodeContinue(encodeContinue(`${P}x`, P, -1), P).revision, -1);
  });

  const bad = [
    { name: 'not base64', token: 'a+b', message: /continue key is not valid: illegal base64 data at input byte 1/ },
    { name: 'not JSON', token: Buffer.from('nope').toString('base64url'), message: /^invalid continue token: continue key is not valid: / },
    { name: 'unknown version', token: enc({ v: 'x/v9', rv: 1, start: 'a' }), message: /server does not recognize this encoded version x\/v9$/ },
    { name: 'zero rv', token: enc({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' }), message: /incorrect encoded start resourceVersion \(version meta\.k8s\.io\/v1\)$/ },
    { name: 'empty start', token: enc({ v: 'meta.k8s.io/v1', rv: 3, start: '' }), message: /encoded start key empty \(version meta\.k8s\.io\/v1\)$/ },
    { name: 'path traversal', token: enc({ v: 'meta.k8s.io/v1', rv: 3, start: '../secrets/a' }), message: /continue key is not valid: \.\.\/secrets\/a$/ },
    { name: 'unclean path', token: enc({ v: 'meta.k8s.io/v1', rv: 3, start: 'a//b' }), message: /continue key is not valid: a\/\/b$/ },
  ];
  for (const c of bad) {
    test(`decode rejects: ${c.name}`, () => {
      assert.throws(
        () => decodeContinue(c.token, P),
        (err: unknown) => isStorageError(err, 'InvalidContinue') && c.message.test((err as Error).message),
      );
    });
  }

  const clean = [
    ['/a/b', '/a/b'],
    ['/a/../b', '/b'],
    ['/../a', '/a'],
    ['a/../../b', '../b'],
    ['/a/./b/', '/a/b'],
    ['', '.'],
    ['/', '/'],
  ];
  for (const [input, want] of clean) test(`cleanPath(${JSON.stringify(input)}) = ${want}`, () => assert.equal(cleanPath(input), want));
});
