import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../object.js';
import { StatusError } from '../errors.js';
import { applyJsonPatch, decodeJsonPatch } from './jsonpatch.js';

const doc = (): JsonValue => ({
  metadata: { name: 'web', labels: { app: 'web', 'a/b': 'x', 'm~n': 'y' } },
  spec: { replicas: 1, containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }], tolerations: null },
});

interface Case {
  name: string;
  patch: unknown;
  want?: (d: any) => void;
  code?: number;
}

const cases: Case[] = [
  { name: 'add a member', patch: [{ op: 'add', path: '/spec/paused', value: true }], want: (d) => { d.spec.paused = true; } },
  { name: 'add replaces an existing member', patch: [{ op: 'add', path: '/spec/replicas', value: 3 }], want: (d) => { d.spec.replicas = 3; } },
  { name: 'add inserts into an array', patch: [{ op: 'add', path: '/spec/containers/1', value: { name: 'c' } }], want: (d) => { d.spec.containers.splice(1, 0, { name: 'c' }); } },
  { name: 'add at the end index', patch: [{ op: 'add', path: '/spec/containers/2', value: { name: 'c' } }], want: (d) => { d.spec.containers.push({ name: 'c' }); } },
  { name: '- appends', patch: [{ op: 'add', path: '/spec/containers/-', value: { name: 'c' } }], want: (d) => { d.spec.containers.push({ name: 'c' }); } },
  { name: 'negative index counts from the end', patch: [{ op: 'add', path: '/spec/containers/-1', value: { name: 'c' } }], want: (d) => { d.spec.containers.push({ name: 'c' }); } },
  { name: 'add past the end fails', patch: [{ op: 'add', path: '/spec/containers/3', value: {} }], code: 422 },
  { name: 'add under a missing parent fails', patch: [{ op: 'add', path: '/spec/template/spec', value: {} }], code: 422 },
  { name: 'add without value adds null', patch: [{ op: 'add', path: '/spec/x' }], want: (d) => { d.spec.x = null; } },
  { name: '~1 and ~0 escapes', patch: [{ op: 'replace', path: '/metadata/labels/a~1b', value: 'z' }, { op: 'remove', path: '/metadata/labels/m~0n' }], want: (d) => { d.metadata.labels['a/b'] = 'z'; delete d.metadata.labels['m~n']; } },
  { name: 'remove a member', patch: [{ op: 'remove', path: '/metadata/labels/app' }], want: (d) => { delete d.metadata.labels.app; } },
  { name: 'remove an array element', patch: [{ op: 'remove', path: '/spec/containers/0' }], want: (d) => { d.spec.containers.shift(); } },
  { name: 'remove a missing member fails', patch: [{ op: 'remove', path: '/spec/foo' }], code: 422 },
  { name: 'remove a missing index fails', patch: [{ op: 'remove', path: '/spec/containers/5' }], code: 422 },
  { name: 'replace a member', patch: [{ op: 'replace', path: '/spec/containers/1/image', value: 'b:2' }], want: (d) => { d.spec.containers[1].image = 'b:2'; } },
  { name: 'replace a missing member fails', patch: [{ op: 'replace', path: '/spec/foo', value: 1 }], code: 422 },
  { name: 'replace a null member', patch: [{ op: 'replace', path: '/spec/tolerations', value: [] }], want: (d) => { d.spec.tolerations = []; } },
  { name: 'replace the whole document', patch: [{ op: 'replace', path: '', value: { a: 1 } }], want: (d) => { for (const k of Object.keys(d)) delete d[k]; d.a = 1; } },
  { name: 'move', patch: [{ op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/name' }], want: (d) => { delete d.metadata.labels.app; d.metadata.labels.name = 'web'; } },
  { name: 'move an array element', patch: [{ op: 'move', from: '/spec/containers/0', path: '/spec/containers/-' }], want: (d) => { d.spec.containers.push(d.spec.containers.shift()); } },
  { name: 'move from a missing path fails', patch: [{ op: 'move', from: '/spec/nope', path: '/spec/x' }], code: 422 },
  { name: 'copy', patch: [{ op: 'copy', from: '/spec/containers/0', path: '/spec/containers/-' }], want: (d) => { d.spec.containers.push({ name: 'a', image: 'a:1' }); } },
  { name: 'copy makes an independent value', patch: [{ op: 'copy', from: '/metadata/labels', path: '/spec/labels' }, { op: 'add', path: '/spec/labels/new', value: '1' }], want: (d) => { d.spec.labels = { ...d.metadata.labels, new: '1' }; } },
  { name: 'test passes then replace', patch: [{ op: 'test', path: '/spec/replicas', value: 1 }, { op: 'replace', path: '/spec/replicas', value: 5 }], want: (d) => { d.spec.replicas = 5; } },
  { name: 'test compares objects structurally', patch: [{ op: 'test', path: '/spec/containers/0', value: { image: 'a:1', name: 'a' } }], want: () => {} },
  { name: 'test of a null member against null', patch: [{ op: 'test', path: '/spec/tolerations', value: null }], want: () => {} },
  { name: 'failed test aborts the whole patch', patch: [{ op: 'replace', path: '/spec/replicas', value: 5 }, { op: 'test', path: '/spec/replicas', value: 1 }], code: 422 },
  { name: 'test of a missing member fails', patch: [{ op: 'test', path: '/spec/nope', value: null }], code: 422 },
  { name: 'unknown op', patch: [{ op: 'merge', path: '/spec', value: {} }], code: 422 },
  { name: 'missing op', patch: [{ path: '/spec' }], code: 422 },
  { name: 'missing path', patch: [{ op: 'add', value: 1 }], code: 422 },
  { name: 'non-numeric index', patch: [{ op: 'replace', path: '/spec/containers/x/image', value: 'q' }], code: 422 },
  { name: 'null body is an empty patch', patch: null, want: () => {} },
  { name: 'empty patch', patch: [], want: () => {} },
  { name: 'an object body is a 400', patch: { op: 'add' }, code: 400 },
  { name: 'a string operation is a 400', patch: ['add'], code: 400 },
];

for (const c of cases) {
  test(`JSON patch: ${c.name}`, () => {
    const input = doc();
    const patch = structuredClone(c.patch);
    if (c.code !== undefined) {
      assert.throws(() => applyJsonPatch(input, patch), (err: unknown) => {
        assert.ok(err instanceof StatusError, `expected StatusError, got ${String(err)}`);
        assert.equal(err.code, c.code);
        return true;
      });
    } else {
      const want = doc() as any;
      c.want!(want);
      assert.deepEqual(applyJsonPatch(input, patch), want);
    }
    assert.deepEqual(input, doc(), 'input document modified');
    assert.deepEqual(patch, c.patch, 'patch modified');
  });
}

test('JSON patch: application errors have Kubernetes\' 422 wire shape', () => {
  try {
    applyJsonPatch(doc(), [{ op: 'remove', path: '/spec/foo' }]);
    assert.fail('expected an error');
  } catch (err) {
    assert.ok(err instanceof StatusError);
    assert.deepEqual(err.status, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'the server rejected our request due to an error in our request', reason: 'Invalid', details: {}, code: 422,
    });
  }
});

test('JSON patch: decode errors carry Go decoder messages', () => {
  assert.throws(() => decodeJsonPatch({}), (err: unknown) => err instanceof StatusError && err.message === 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  assert.throws(() => decodeJsonPatch([1]), (err: unknown) => err instanceof StatusError && err.message === 'json: cannot unmarshal number into Go value of type jsonpatch.Operation');
});

test('JSON patch: more than 10000 operations is a 413', () => {
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/spec/replicas', value: 1 }));
  assert.throws(() => applyJsonPatch(doc(), ops), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 413);
    assert.equal(err.reason, 'RequestEntityTooLarge');
    assert.equal(err.message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
    return true;
  });
  assert.deepEqual(applyJsonPatch(doc(), ops.slice(0, 10000)), doc());
});
