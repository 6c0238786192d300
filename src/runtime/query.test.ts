import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoBool, queryFlag, queryOptionalFlag, queryStrictFlag } from './query.js';
import { StatusError } from './errors.js';

const goBoolCases: Array<[string, boolean | undefined]> = [
  ['1', true], ['t', true], ['T', true], ['TRUE', true], ['true', true], ['True', true],
  ['0', false], ['f', false], ['F', false], ['FALSE', false], ['false', false], ['False', false],
  ['', undefined], ['yes', undefined], ['tRUE', undefined], ['2', undefined], [' true', undefined],
];
for (const [input, want] of goBoolCases) {
  test(`parseGoBool(${JSON.stringify(input)})`, () => {
    assert.equal(parseGoBool(input), want);
  });
}

const flagCases: Array<{ name: string; query: string; want: boolean; optional: boolean | undefined }> = [
  { name: 'absent', query: '', want: false, optional: undefined },
  { name: 'python client True', query: 'watch=True', want: true, optional: true },
  { name: 'lowercase true', query: 'watch=true', want: true, optional: true },
  { name: 'one', query: 'watch=1', want: true, optional: true },
  { name: 'zero', query: 'watch=0', want: false, optional: false },
  { name: 'FALSE any casing', query: 'watch=FaLsE', want: false, optional: false },
  { name: 'bare parameter', query: 'watch', want: true, optional: true },
  { name: 'empty value', query: 'watch=', want: true, optional: true },
  { name: 'anything else', query: 'watch=yes', want: true, optional: true },
  { name: 'f is not false for the codec', query: 'watch=f', want: true, optional: true },
  { name: 'first value wins', query: 'watch=false&watch=true', want: false, optional: false },
];
for (const c of flagCases) {
  test(`queryFlag: ${c.name}`, () => {
    const params = new URLSearchParams(c.query);
    assert.equal(queryFlag(params, 'watch'), c.want);
    assert.equal(queryOptionalFlag(params, 'watch'), c.optional);
  });
}

test('queryStrictFlag accepts Go spellings and rejects others with 400', () => {
  assert.equal(queryStrictFlag(new URLSearchParams(''), 'pretty'), false);
  assert.equal(queryStrictFlag(new URLSearchParams('pretty=T'), 'pretty'), true);
  assert.equal(queryStrictFlag(new URLSearchParams('pretty=False'), 'pretty'), false);
  assert.throws(() => queryStrictFlag(new URLSearchParams('pretty=yes'), 'pretty'), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.match(err.message, /"yes".*"pretty"/);
    return true;
  });
});
