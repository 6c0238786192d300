import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, formatRFC3339, parseDuration, parseRFC3339 } from './special.js';

const durations: [number, string][] = [
  [0, '0s'],
  [1, '1ns'],
  [1500, '1.5µs'],
  [1_500_000, '1.5ms'],
  [1_000_000_000, '1s'],
  [1_500_000_000, '1.5s'],
  [30e9, '30s'],
  [90e9, '1m30s'],
  [3600e9, '1h0m0s'],
  [3723e9 + 5e8, '1h2m3.5s'],
  [-30e9, '-30s'],
  [100 * 3600e9, '100h0m0s'],
];
for (const [ns, text] of durations) {
  test(`formatDuration(${ns}) = ${text}`, () => assert.equal(formatDuration(ns), text));
  test(`parseDuration(${text}) = ${ns}`, () => assert.equal(parseDuration(text), ns));
}

const badDurations = ['', 'abc', '1', '1x', '.s', '--1s'];
for (const t of badDurations) {
  test(`parseDuration rejects ${JSON.stringify(t)}`, () => assert.equal(parseDuration(t), undefined));
}

test('parseDuration accepts units Go accepts', () => {
  assert.equal(parseDuration('1h30m'), 5400e9);
  assert.equal(parseDuration('2us'), 2000);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('+5m'), 300e9);
});

test('formatRFC3339 writes UTC seconds, or six fraction digits', () => {
  const s = Date.UTC(2024, 4, 1, 10, 0, 0) / 1000;
  assert.equal(formatRFC3339(s, 0, 0), '2024-05-01T10:00:00Z');
  assert.equal(formatRFC3339(s, 123456789, 6), '2024-05-01T10:00:00.123456Z');
  assert.equal(formatRFC3339(s, 0, 6), '2024-05-01T10:00:00.000000Z');
  assert.equal(formatRFC3339(0, 0, 0), '1970-01-01T00:00:00Z');
});

test('parseRFC3339 reads offsets and fractions', () => {
  const s = Date.UTC(2024, 4, 1, 10, 0, 0) / 1000;
  assert.deepEqual(parseRFC3339('2024-05-01T10:00:00Z'), { seconds: s, nanos: 0 });
  assert.deepEqual(parseRFC3339('2024-05-01T12:00:00+02:00'), { seconds: s, nanos: 0 });
  assert.deepEqual(parseRFC3339('2024-05-01T10:00:00.5Z'), { seconds: s, nanos: 500000000 });
  assert.equal(parseRFC3339('2024-05-01 10:00:00'), undefined);
  assert.equal(parseRFC3339('yesterday'), undefined);
});
