import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import {
  FieldSelector, defaultMetaFieldSelectorConversion, escapeFieldValue, parseAndTransformFieldSelector, parseFieldSelector,
  supportedFieldsConversion, unescapeFieldValue,
} from './selector.js';

function badRequest(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StatusError, `expected StatusError, got ${String(err)}`);
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.equal(err.message, message);
    return true;
  });
}

const parseCases: Array<{ input: string; canonical: string; reqs: Array<[string, string, string]> }> = [
  { input: '', canonical: '', reqs: [] },
  { input: ',', canonical: '', reqs: [] },
  { input: 'metadata.name=foo', canonical: 'metadata.name=foo', reqs: [['metadata.name', '=', 'foo']] },
  { input: 'metadata.name==foo', canonical: 'metadata.name=foo', reqs: [['metadata.name', '=', 'foo']] },
  { input: 'status.phase!=Running', canonical: 'status.phase!=Running', reqs: [['status.phase', '!=', 'Running']] },
  { input: 'spec.nodeName=', canonical: 'spec.nodeName=', reqs: [['spec.nodeName', '=', '']] },
  { input: 'b=2,a=1', canonical: 'a=1,b=2', reqs: [['a', '=', '1'], ['b', '=', '2']] },
  { input: 'a!=1,a=1', canonical: 'a!=1,a=1', reqs: [['a', '!=', '1'], ['a', '=', '1']] },
  { input: 'x=a\\,b', canonical: 'x=a\\,b', reqs: [['x', '=', 'a,b']] },
  { input: 'x=a\\=b\\\\c', canonical: 'x=a\\=b\\\\c', reqs: [['x', '=', 'a=b\\c']] },
  { input: 'x==\\=', canonical: 'x=\\=', reqs: [['x', '=', '=']] },
  { input: 'a b=c d', canonical: 'a b=c d', reqs: [['a b', '=', 'c d']] },
];
for (const c of parseCases) {
  test(`parse ${JSON.stringify(c.input)}`, () => {
    const sel = parseFieldSelector(c.input);
    assert.equal(sel.toString(), c.canonical);
    assert.deepEqual(sel.requirements().map((r) => [r.field, r.operator, r.value]), c.reqs);
    assert.equal(sel.empty(), c.reqs.length === 0);
    assert.equal(parseFieldSelector(sel.toString()).toString(), c.canonical);
  });
}

const errorCases: Array<{ input: string; message: string }> = [
  { input: 'foo', message: "invalid selector: 'foo'; can't understand 'foo'" },
  { input: 'a=b,foo', message: "invalid selector: 'a=b,foo'; can't understand 'foo'" },
  { input: 'a==b=c', message: 'invalid field selector: unescaped character in value: 61' },
  { input: 'metadata.name!==hldr', message: 'invalid field selector: unescaped character in value: 61' },
  { input: 'a=b\\x', message: 'invalid field selector: invalid escape sequence: \\x' },
  { input: 'a=b\\', message: 'invalid field selector: invalid escape sequence: \\' },
];
for (const c of errorCases) {
  test(`parse error ${JSON.stringify(c.input)}`, () => {
    badRequest(() => parseFieldSelector(c.input), c.message);
  });
}

const matchCases: Array<{ selector: string; fields: Record<string, string>; want: boolean }> = [
  { selector: '', fields: {}, want: true },
  { selector: 'metadata.name=foo', fields: { 'metadata.name': 'foo' }, want: true },
  { selector: 'metadata.name=foo', fields: { 'metadata.name': 'bar' }, want: false },
  { selector: 'status.phase!=Running', fields: { 'status.phase': 'Pending' }, want: true },
  { selector: 'status.phase!=Running', fields: {}, want: true },
  { selector: 'spec.nodeName=', fields: {}, want: true },
  { selector: 'spec.nodeName=', fields: { 'spec.nodeName': 'n1' }, want: false },
  { selector: 'a=1,b!=2', fields: { a: '1', b: '3' }, want: true },
  { selector: 'a=1,b!=2', fields: { a: '1', b: '2' }, want: false },
  { selector: 'x=a\\,b', fields: { x: 'a,b' }, want: true },
  { selector: 'spec.unschedulable=true', fields: { 'spec.unschedulable': 'true' }, want: true },
];
for (const c of matchCases) {
  test(`${JSON.stringify(c.selector)} matches ${JSON.stringify(c.fields)}: ${c.want}`, () => {
    assert.equal(parseFieldSelector(c.selector).matches(c.fields), c.want);
  });
}

test('requiresExactMatch finds the = term only', () => {
  const sel = parseFieldSelector('metadata.name=foo,metadata.namespace!=kube-system');
  assert.equal(sel.requiresExactMatch('metadata.name'), 'foo');
  assert.equal(sel.requiresExactMatch('metadata.namespace'), undefined);
  assert.equal(sel.requiresExactMatch('spec.nodeName'), undefined);
  assert.equal(parseFieldSelector('metadata.name==').requiresExactMatch('metadata.name'), '');
  assert.equal(FieldSelector.oneTermEqual('metadata.name', 'x').requiresExactMatch('metadata.name'), 'x');
});

test('validate rejects unsupported fields as kube-apiserver does', () => {
  const allowed = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'];
  assert.equal(parseFieldSelector('status.phase=Running,metadata.name=a').validate(allowed).toString(), 'metadata.name=a,status.phase=Running');
  badRequest(() => parseFieldSelector('foo=bar').validate(allowed), 'field label not supported: foo');
  badRequest(() => parseAndTransformFieldSelector('metadata.name=a,spec.foo=b', supportedFieldsConversion(allowed)), 'field label not supported: spec.foo');
});

test('default metav1 conversion allows only metadata.name and metadata.namespace', () => {
  assert.equal(parseFieldSelector('metadata.namespace=ns').transform(defaultMetaFieldSelectorConversion).toString(), 'metadata.namespace=ns');
  badRequest(
    () => parseFieldSelector('spec.foo=bar').transform(defaultMetaFieldSelectorConversion),
    '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"',
  );
});

test('transform renames fields, drops emptied terms, wraps plain errors as 400', () => {
  const sel = parseFieldSelector('old=1,drop=2');
  const out = sel.transform((f, v) => (f === 'drop' ? ['', ''] : [f === 'old' ? 'new' : f, v]));
  assert.equal(out.toString(), 'new=1');
  assert.equal(sel.toString(), 'drop=2,old=1');
  badRequest(() => sel.transform(() => { throw new Error('nope'); }), 'nope');
  assert.equal(parseFieldSelector('a=1').transform(() => ['', '']).empty(), true);
});

test('everything and nothing', () => {
  assert.equal(FieldSelector.everything().matches({}), true);
  assert.equal(FieldSelector.nothing().matches({}), false);
  assert.equal(FieldSelector.nothing().empty(), false);
  assert.equal(FieldSelector.nothing().toString(), '');
});

test('escape round trip', () => {
  for (const s of ['plain', 'a,b', 'a=b', 'a\\b', '\\,=', '']) {
    assert.equal(unescapeFieldValue(escapeFieldValue(s)), s);
  }
  badRequest(() => unescapeFieldValue('a,b'), 'invalid field selector: unescaped character in value: 44');
});
