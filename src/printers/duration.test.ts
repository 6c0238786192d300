import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanDuration, parseTimestamp, translateTimestampSince, translateTimestampUntil } from './duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

const humanCases: Array<{ name: string; ms: number; want: string }> = [
  { name: 'zero', ms: 0, want: '0s' },
  { name: 'one second in the future is clock skew', ms: -1 * S, want: '0s' },
  { name: 'a second and a half in the future truncates to -1s', ms: -1.5 * S, want: '0s' },
  { name: 'two seconds in the future is invalid', ms: -2 * S, want: '<invalid>' },
  { name: 'sub-second', ms: 999, want: '0s' },
  { name: 'seconds', ms: 5 * S, want: '5s' },
  { name: 'up to two minutes stays in seconds', ms: 119 * S, want: '119s' },
  { name: 'two minutes', ms: 2 * M, want: '2m' },
  { name: 'minutes and seconds under ten minutes', ms: 2 * M + 3 * S, want: '2m3s' },
  { name: 'just under ten minutes', ms: 9 * M + 59 * S, want: '9m59s' },
  { name: 'ten minutes drops seconds', ms: 10 * M + 30 * S, want: '10m' },
  { name: 'up to three hours stays in minutes', ms: 179 * M + 59 * S, want: '179m' },
  { name: 'three hours', ms: 3 * H, want: '3h' },
  { name: 'hours and minutes under eight hours', ms: 3 * H + 4 * M + 59 * S, want: '3h4m' },
  { name: 'eight hours drops minutes', ms: 8 * H + 30 * M, want: '8h' },
  { name: 'up to two days stays in hours', ms: 47 * H + 59 * M, want: '47h' },
  { name: 'two days', ms: 2 * D, want: '2d' },
  { name: 'days and hours under eight days', ms: 3 * D + 4 * H, want: '3d4h' },
  { name: 'eight days drops hours', ms: 8 * D + 5 * H, want: '8d' },
  { name: 'up to two years stays in days', ms: 729 * D, want: '729d' },
  { name: 'two years', ms: 730 * D, want: '2y' },
  { name: 'years and days under eight years', ms: 735 * D, want: '2y5d' },
  { name: 'eight years', ms: 8 * 365 * D + 100 * D, want: '8y' },
  { name: 'many years', ms: 20 * 365 * D, want: '20y' },
];

for (const c of humanCases) {
  test(`humanDuration: ${c.name}`, () => {
    assert.equal(humanDuration(c.ms), c.want);
  });
}

const now = new Date('2025-06-01T12:00:00Z');

const sinceCases: Array<{ name: string; ts: unknown; want: string }> = [
  { name: 'missing timestamp', ts: undefined, want: '<unknown>' },
  { name: 'null timestamp', ts: null, want: '<unknown>' },
  { name: 'empty timestamp', ts: '', want: '<unknown>' },
  { name: "Go's zero time", ts: '0001-01-01T00:00:00Z', want: '<unknown>' },
  { name: 'five minutes ago', ts: '2025-06-01T11:55:00Z', want: '5m' },
  { name: 'micro time', ts: '2025-06-01T11:59:30.123456Z', want: '29s' },
  { name: 'in the future', ts: '2025-06-01T12:00:05Z', want: '<invalid>' },
  { name: 'ten days ago', ts: '2025-05-22T12:00:00Z', want: '10d' },
];

for (const c of sinceCases) {
  test(`translateTimestampSince: ${c.name}`, () => {
    assert.equal(translateTimestampSince(c.ts, now), c.want);
  });
}

test('translateTimestampUntil counts forward', () => {
  assert.equal(translateTimestampUntil('2025-06-01T13:00:00Z', now), '60m');
  assert.equal(translateTimestampUntil(undefined, now), '<unknown>');
});

test('parseTimestamp rejects garbage and the zero time', () => {
  assert.equal(parseTimestamp('not a time'), undefined);
  assert.equal(parseTimestamp('0001-01-01T00:00:00Z'), undefined);
  assert.equal(parseTimestamp('2025-06-01T12:00:00Z'), Date.UTC(2025, 5, 1, 12));
});
