/** Event building blocks: MicroTime, source IPs, user agent, the legacy line, log lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventString, microTime, sourceIPs, truncateUserAgent, snapshotEvent } from './event.js';
import { formatEvent } from './log.js';
import type { AuditEvent } from './types.js';

test('MicroTime has six fractional digits in UTC', () => {
  assert.equal(microTime(Date.UTC(2025, 0, 2, 3, 4, 5, 6) + 0.789), '2025-01-02T03:04:05.006789Z');
  assert.equal(microTime(Date.UTC(2025, 0, 2, 3, 4, 5)), '2025-01-02T03:04:05.000000Z');
});

const ipCases: { name: string; headers: Record<string, string>; remote?: string; want: string[] }[] = [
  { name: 'peer only', headers: {}, remote: '10.1.1.1', want: ['10.1.1.1'] },
  { name: 'IPv4-mapped peer prints as IPv4', headers: {}, remote: '::ffff:10.1.1.1', want: ['10.1.1.1'] },
  { name: 'forwarded chain then peer', headers: { 'x-forwarded-for': '1.1.1.1, 2.2.2.2' }, remote: '3.3.3.3', want: ['1.1.1.1', '2.2.2.2', '3.3.3.3'] },
  { name: 'peer equal to the last hop is not repeated', headers: { 'x-forwarded-for': '1.1.1.1,3.3.3.3' }, remote: '3.3.3.3', want: ['1.1.1.1', '3.3.3.3'] },
  { name: 'x-real-ip added unless listed', headers: { 'x-forwarded-for': '1.1.1.1', 'x-real-ip': '9.9.9.9' }, remote: '3.3.3.3', want: ['1.1.1.1', '9.9.9.9', '3.3.3.3'] },
  { name: 'invalid entries skipped', headers: { 'x-forwarded-for': 'junk, 1.1.1.1' }, remote: '::1', want: ['1.1.1.1', '::1'] },
];
for (const c of ipCases) test(`sourceIPs: ${c.name}`, () => assert.deepEqual(sourceIPs(c.headers, c.remote), c.want));

test('user agents are cut at 1024 characters', () => {
  assert.equal(truncateUserAgent('a'.repeat(1030)), 'a'.repeat(1024) + '...TRUNCATED');
  assert.equal(truncateUserAgent('kubectl'), 'kubectl');
});

const ev: AuditEvent = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: 'a-1',
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/ns/pods',
  verb: 'list',
  user: { username: 'jane', groups: ['dev', 'system:authenticated'] },
  sourceIPs: ['10.0.0.1'],
  userAgent: 'kubectl',
  objectRef: { resource: 'pods', namespace: 'ns', apiVersion: 'v1', name: '' },
  responseStatus: { metadata: {}, code: 200 },
  requestReceivedTimestamp: '2025-01-02T03:04:05.120000Z',
  stageTimestamp: '2025-01-02T03:04:05.130000Z',
};

test('the legacy one-line format', () => {
  assert.equal(
    eventString(ev),
    '2025-01-02T03:04:05.12Z AUDIT: id="a-1" stage="ResponseComplete" ip="10.0.0.1" method="list" user="jane" groups="\\"dev\\",\\"system:authenticated\\"" as="<self>" asgroups="<lookup>" user-agent="kubectl" namespace="ns" uri="/api/v1/namespaces/ns/pods" response="200"',
  );
});

test('JSON lines: one event per line, empty objectRef fields omitted', () => {
  const line = formatEvent(snapshotEvent(ev), 'json');
  assert.ok(line.endsWith('}\n'));
  assert.equal(line.split('\n').length, 2);
  assert.deepEqual(JSON.parse(line).objectRef, { resource: 'pods', namespace: 'ns', apiVersion: 'v1' });
});
