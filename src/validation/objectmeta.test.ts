import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectMeta } from '../runtime/object.js';
import { FieldPath } from './field/errors.js';
import { labelSelectorAsSelector, validateLabelSelector } from './labelselector.js';
import { nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';

type Row = { field: string; type: string; message: string };
const rows = (errs: { field: string; type: string; message(): string }[]): Row[] => errs.map((e) => ({ field: e.field, type: e.type, message: e.message() }));

const createCases: { name: string; meta: ObjectMeta; namespaced?: boolean; want: Row[] }[] = [
  { name: 'valid', meta: { name: 'web', namespace: 'default' }, want: [] },
  {
    name: 'missing name',
    meta: { namespace: 'default' },
    want: [{ field: 'metadata.name', type: 'FieldValueRequired', message: 'metadata.name: Required value: name or generateName is required' }],
  },
  {
    name: 'namespace forbidden on cluster-scoped kinds',
    meta: { name: 'n1', namespace: 'default' },
    namespaced: false,
    want: [{ field: 'metadata.namespace', type: 'FieldValueForbidden', message: 'metadata.namespace: Forbidden: not allowed on this type' }],
  },
  {
    name: 'label value invalid',
    meta: { name: 'web', namespace: 'default', labels: { app: 'bad value' } },
    want: [
      {
        field: 'metadata.labels',
        type: 'FieldValueInvalid',
        message:
          "metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      },
    ],
  },
  {
    name: 'annotations over 256 KiB',
    meta: { name: 'web', namespace: 'default', annotations: { big: 'x'.repeat(262144) } },
    want: [{ field: 'metadata.annotations', type: 'FieldValueTooLong', message: 'metadata.annotations: Too long: may not be more than 262144 bytes' }],
  },
  {
    name: 'two controller owner references',
    meta: {
      name: 'web',
      namespace: 'default',
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
      ],
    },
    want: [
      {
        field: 'metadata.ownerReferences',
        type: 'FieldValueInvalid',
        message: `metadata.ownerReferences: Invalid value: ${JSON.stringify([
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
        ])}: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b`,
      },
    ],
  },
  {
    name: 'unqualified non-standard finalizer',
    meta: { name: 'web', namespace: 'default', finalizers: ['foo'] },
    want: [
      {
        field: 'metadata.finalizers[0]',
        type: 'FieldValueInvalid',
        message: 'metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
      },
    ],
  },
];

for (const c of createCases) {
  test(`objectmeta create: ${c.name}`, () => {
    assert.deepEqual(rows(validateObjectMeta(c.meta, c.namespaced ?? true, nameIsDNSSubdomain)), c.want);
  });
}

test('objectmeta create: bad generateName reports both generateName and name', () => {
  const errs = validateObjectMeta({ generateName: 'Web-', name: 'Web-abcde', namespace: 'default' }, true, nameIsDNSLabel);
  assert.deepEqual(
    errs.map((e) => e.field),
    ['metadata.generateName', 'metadata.name'],
  );
});

test('objectmeta update: immutable name and namespace, generation not decremented', () => {
  const old: ObjectMeta = { name: 'a', namespace: 'x', uid: 'u', resourceVersion: '5', generation: 3 };
  const errs = validateObjectMetaUpdate({ name: 'b', namespace: 'y', uid: 'u', resourceVersion: '5', generation: 2 }, old);
  assert.deepEqual(
    errs.map((e) => e.message()),
    [
      'metadata.generation: Invalid value: 2: must not be decremented',
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.namespace: Invalid value: "y": field is immutable',
    ],
  );
});

test('objectmeta update: no new finalizers once deletion started', () => {
  const old: ObjectMeta = { name: 'a', namespace: 'x', resourceVersion: '5', deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['kubernetes'] };
  const errs = validateObjectMetaUpdate({ ...old, finalizers: ['kubernetes', 'example.com/x'] }, old);
  assert.deepEqual(
    errs.map((e) => e.message()),
    ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/x"}'],
  );
});

test('label selector: bad operator and missing values', () => {
  const errs = validateLabelSelector(
    { matchExpressions: [{ key: 'a', operator: 'Is' }, { key: 'b', operator: 'In' }] },
    FieldPath.of('spec', 'selector'),
  );
  assert.deepEqual(
    errs.map((e) => e.message()),
    [
      'spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator',
      "spec.selector.matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ],
  );
});

test('label selector: matching semantics', () => {
  const sel = labelSelectorAsSelector({ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] });
  assert.ok(sel);
  assert.equal(sel.matches({ app: 'x' }), true);
  assert.equal(sel.matches({ app: 'x', tier: 'db' }), false);
  assert.equal(sel.matches({ app: 'y' }), false);
  assert.equal(labelSelectorAsSelector({})?.empty, true);
  assert.equal(labelSelectorAsSelector(undefined)?.matches({ app: 'x' }), false);
});
