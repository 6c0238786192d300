import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrFormatWrong, ErrSuffix, Quantity } from './quantity.js';

const canonical: [string, string][] = [
  ['0.5', '500m'],
  ['1000m', '1'],
  ['0.1', '100m'],
  ['1.5Gi', '1536Mi'],
  ['1024Mi', '1Gi'],
  ['0.5Gi', '512Mi'],
  ['100M', '100M'],
  ['128974848', '128974848'],
  ['129e6', '129e6'],
  ['1e3', '1e3'],
  ['2.5k', '2500'],
  ['-1', '-1'],
  ['0.5Ki', '512'],
  ['0.0000000001', '1n'],
  ['1.G', '1G'],
  ['.5', '500m'],
  ['0', '0'],
  ['100m', '100m'],
];

for (const [input, want] of canonical) {
  test(`quantity: ${input} canonicalizes to ${want}`, () => assert.equal(Quantity.parse(input).toString(), want));
}

test('quantity: malformed input is rejected with the regexp message', () => {
  assert.throws(() => Quantity.parse('1.5.5'), { message: ErrFormatWrong });
  assert.throws(() => Quantity.parse(''), { message: ErrFormatWrong });
});

test('quantity: unknown suffix is rejected', () => {
  assert.throws(() => Quantity.parse('1K'), { message: ErrSuffix });
  assert.throws(() => Quantity.parse('5e'), { message: ErrSuffix });
});

test('quantity: compare across formats and round up to milli', () => {
  assert.equal(Quantity.parse('1Gi').cmp(Quantity.parse('1G')), 1);
  assert.equal(Quantity.parse('500m').cmp(Quantity.parse('0.5')), 0);
  assert.equal(Quantity.parse('1n').roundUp(3).toString(), '1m');
  assert.equal(Quantity.parse('1500m').milliValue(), 1500n);
});
