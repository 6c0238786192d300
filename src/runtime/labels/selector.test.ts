import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import {
  Selector, labelSelectorToString, newRequirement, parseLabelSelector, selectorFromLabelSelector, selectorFromSet,
  type LabelSelector,
} from './selector.js';

const nameRegexMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const valueRegexMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function badRequest(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StatusError, `expected StatusError, got ${String(err)}`);
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.equal(err.message, message);
    return true;
  });
}

// Valid selectors and their canonical form.
const parseCases: Array<{ input: string; canonical: string }> = [
  { input: '', canonical: '' },
  { input: '   ', canonical: '' },
  { input: 'a=b', canonical: 'a=b' },
  { input: 'a==b', canonical: 'a==b' },
  { input: 'a!=b', canonical: 'a!=b' },
  { input: 'a', canonical: 'a' },
  { input: '!a', canonical: '!a' },
  { input: 'a>3', canonical: 'a>3' },
  { input: 'a<3', canonical: 'a<3' },
  { input: 'a=', canonical: 'a=' },
  { input: 'a in (y,x)', canonical: 'a in (x,y)' },
  { input: 'a notin (x)', canonical: 'a notin (x)' },
  { input: 'a in ()', canonical: 'a in ()' },
  { input: 'x in (foo,,baz),y,z notin ()', canonical: 'x in (,baz,foo),y,z notin ()' },
  { input: '  b  =  c  ,  a  ', canonical: 'a,b=c' },
  { input: 'tier in (frontend, backend),env!=qa', canonical: 'env!=qa,tier in (backend,frontend)' },
  { input: 'key in (in),in notin (notin)', canonical: 'in notin (notin),key in (in)' },
  { input: 'example.com/app=web,app.kubernetes.io/name=nginx', canonical: 'app.kubernetes.io/name=nginx,example.com/app=web' },
  { input: 'a in (x,x,y)', canonical: 'a in (x,y)' },
  { input: 'z,a=1,m', canonical: 'a=1,m,z' },
  { input: 'a\tin\t(b)', canonical: 'a in (b)' },
];
for (const c of parseCases) {
  test(`parse ${JSON.stringify(c.input)} → ${JSON.stringify(c.canonical)}`, () => {
    const sel = parseLabelSelector(c.input);
    assert.equal(sel.toString(), c.canonical);
    // The canonical form parses to itself.
    assert.equal(parseLabelSelector(sel.toString()).toString(), c.canonical);
  });
}

// Invalid selectors and the exact message kube-apiserver answers with.
const longValue = 'z'.repeat(64);
const errorCases: Array<{ input: string; message: string }> = [
  { input: 'a===b', message: "unable to parse requirement: found '=', expected: identifier" },
  { input: 'app:web', message: `unable to parse requirement: <nil>: Invalid value: "app:web": ${nameRegexMsg}` },
  { input: '*bar', message: `unable to parse requirement: <nil>: Invalid value: "*bar": ${nameRegexMsg}` },
  {
    input: 'a/b/c ?=? def',
    message: `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
  },
  {
    input: 'app.kubernetes_io/name=x',
    message: "unable to parse requirement: <nil>: Invalid value: \"app.kubernetes_io/name\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  },
  { input: 'a/=b', message: `unable to parse requirement: <nil>: Invalid value: "a/": name part must be non-empty; ${nameRegexMsg}` },
  { input: `good-key=${longValue}`, message: `unable to parse requirement: values[0][good-key]: Invalid value: "${longValue}": must be no more than 63 characters` },
  { input: 'a=b c', message: "found 'c', expected: ',' or 'end of string'" },
  { input: 'a=-b', message: `unable to parse requirement: values[0][a]: Invalid value: "-b": ${valueRegexMsg}` },
  { input: 'x in (a', message: "unable to parse requirement: found '', expected: ',' or ')'" },
  { input: 'x in a', message: "unable to parse requirement: found 'a' expected: '('" },
  { input: 'x in (=)', message: "unable to parse requirement: found '=', expected: ',', ')' or identifier" },
  { input: 'x in (a,=)', message: "unable to parse requirement: found '=', expected: ',', or identifier" },
  { input: ',a', message: "found ',', expected: !, identifier, or 'end of string'" },
  { input: '=a', message: "found '=', expected: !, identifier, or 'end of string'" },
  { input: 'a,', message: "found '', expected: identifier after ','" },
  { input: 'a b', message: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt" },
  { input: '!a=b', message: "found '=', expected: ',' or 'end of string'" },
  { input: '!', message: "unable to parse requirement: found '', expected: identifier" },
  { input: 'a>x', message: `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer` },
  { input: 'a>99999999999999999999', message: `unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for 'Gt', 'Lt' operators, the value must be an integer` },
];
for (const c of errorCases) {
  test(`parse error ${JSON.stringify(c.input)}`, () => {
    badRequest(() => parseLabelSelector(c.input), c.message);
  });
}

const matchCases: Array<{ selector: string; labels: Record<string, string>; want: boolean }> = [
  { selector: '', labels: {}, want: true },
  { selector: 'a=b', labels: { a: 'b' }, want: true },
  { selector: 'a=b', labels: { a: 'c' }, want: false },
  { selector: 'a=b', labels: {}, want: false },
  { selector: 'a==b', labels: { a: 'b', x: 'y' }, want: true },
  { selector: 'a!=b', labels: {}, want: true },
  { selector: 'a!=b', labels: { a: 'c' }, want: true },
  { selector: 'a!=b', labels: { a: 'b' }, want: false },
  { selector: 'a in (x,y)', labels: { a: 'y' }, want: true },
  { selector: 'a in (x,y)', labels: {}, want: false },
  { selector: 'a notin (x,y)', labels: {}, want: true },
  { selector: 'a notin (x,y)', labels: { a: 'x' }, want: false },
  { selector: 'a', labels: { a: '' }, want: true },
  { selector: 'a', labels: {}, want: false },
  { selector: '!a', labels: {}, want: true },
  { selector: '!a', labels: { a: '' }, want: false },
  { selector: 'a=', labels: { a: '' }, want: true },
  { selector: 'a=', labels: {}, want: false },
  { selector: 'a>3', labels: { a: '4' }, want: true },
  { selector: 'a>3', labels: { a: '3' }, want: false },
  { selector: 'a>3', labels: { a: 'four' }, want: false },
  { selector: 'a>3', labels: {}, want: false },
  { selector: 'a<3', labels: { a: '-10' }, want: true },
  { selector: 'a=1,b!=2,!c', labels: { a: '1', b: '3' }, want: true },
  { selector: 'a=1,b!=2,!c', labels: { a: '1', b: '3', c: 'x' }, want: false },
  { selector: 'constructor', labels: {}, want: false },
];
for (const c of matchCases) {
  test(`${JSON.stringify(c.selector)} matches ${JSON.stringify(c.labels)}: ${c.want}`, () => {
    assert.equal(parseLabelSelector(c.selector).matches(c.labels), c.want);
  });
}

test('requiresExactMatch', () => {
  const sel = parseLabelSelector('app=web,tier in (fe),env in (a,b),x!=y');
  assert.equal(sel.requiresExactMatch('app'), 'web');
  assert.equal(sel.requiresExactMatch('tier'), 'fe');
  assert.equal(sel.requiresExactMatch('env'), undefined);
  assert.equal(sel.requiresExactMatch('x'), undefined);
  assert.equal(sel.requiresExactMatch('missing'), undefined);
});

test('everything, nothing, selectorFromSet, add', () => {
  assert.equal(Selector.everything().empty(), true);
  assert.equal(Selector.everything().matches({ a: 'b' }), true);
  assert.equal(Selector.nothing().empty(), false);
  assert.equal(Selector.nothing().matches({}), false);
  assert.equal(Selector.nothing().toString(), '');
  const set = selectorFromSet({ b: '2', a: '1' });
  assert.equal(set.toString(), 'a=1,b=2');
  assert.equal(set.matches({ a: '1', b: '2', c: '3' }), true);
  assert.equal(selectorFromSet(undefined).empty(), true);
  assert.equal(set.add(newRequirement('0', 'exists', [])).toString(), '0,a=1,b=2');
});

test('newRequirement validates like labels.NewRequirement', () => {
  badRequest(() => newRequirement('a', 'in', []), "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
  badRequest(() => newRequirement('a', '=', ['x', 'y']), 'values: Invalid value: []string{"x", "y"}: exact-match compatibility requires one single value');
  badRequest(() => newRequirement('a', 'gt', ['1', '2']), "values: Invalid value: []string{\"1\", \"2\"}: for 'Gt', 'Lt' operators, exactly one value is required");
});

const labelSelectorCases: Array<{ name: string; ls: LabelSelector | null | undefined; want: string; matches?: Array<[Record<string, string>, boolean]> }> = [
  { name: 'matchLabels', ls: { matchLabels: { app: 'web' } }, want: 'app=web', matches: [[{ app: 'web' }, true], [{ app: 'db' }, false]] },
  {
    name: 'labels and expressions sorted by key',
    ls: { matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'c', operator: 'In', values: ['y', 'x'] }] },
    want: 'a=1,b=2,c in (x,y)',
  },
  {
    name: 'all four operators',
    ls: {
      matchExpressions: [
        { key: 'd', operator: 'DoesNotExist' },
        { key: 'c', operator: 'Exists' },
        { key: 'b', operator: 'NotIn', values: ['q'] },
        { key: 'a', operator: 'In', values: ['p'] },
      ],
    },
    want: 'a in (p),b notin (q),c,!d',
    matches: [[{ a: 'p', c: '' }, true], [{ a: 'p', c: '', d: '' }, false], [{ a: 'p', b: 'q', c: '' }, false]],
  },
  { name: 'empty selects everything', ls: {}, want: '', matches: [[{ any: 'thing' }, true]] },
  { name: 'empty lists select everything', ls: { matchLabels: {}, matchExpressions: [] }, want: '', matches: [[{}, true]] },
  { name: 'null selects nothing', ls: null, want: '', matches: [[{}, false]] },
];
for (const c of labelSelectorCases) {
  test(`selectorFromLabelSelector: ${c.name}`, () => {
    assert.equal(labelSelectorToString(c.ls), c.want);
    const sel = selectorFromLabelSelector(c.ls);
    for (const [labels, want] of c.matches ?? []) assert.equal(sel.matches(labels), want, JSON.stringify(labels));
  });
}

const labelSelectorErrors: Array<{ name: string; ls: LabelSelector; message: string }> = [
  { name: 'unknown operator', ls: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, message: '"Gt" is not a valid pod selector operator' },
  { name: 'In without values', ls: { matchExpressions: [{ key: 'a', operator: 'In' }] }, message: "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty" },
  { name: 'Exists with values', ls: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, message: 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist' },
  {
    name: 'bad key and no values',
    ls: { matchExpressions: [{ key: '-a', operator: 'NotIn', values: [] }] },
    message: `[key: Invalid value: "-a": ${nameRegexMsg}, values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty]`,
  },
  { name: 'bad matchLabels value', ls: { matchLabels: { app: 'bad value' } }, message: `values[0][app]: Invalid value: "bad value": ${valueRegexMsg}` },
];
for (const c of labelSelectorErrors) {
  test(`selectorFromLabelSelector error: ${c.name}`, () => {
    badRequest(() => selectorFromLabelSelector(c.ls), c.message);
  });
}
