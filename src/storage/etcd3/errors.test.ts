import { test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { classifyEtcdError, isRetryable, type EtcdFailureKind } from './errors.js';

const cases: { name: string; code: number; details: string; kind: EtcdFailureKind; write: boolean; read: boolean }[] = [
  { name: 'no leader: refused before proposing', code: status.UNAVAILABLE, details: 'etcdserver: no leader', kind: 'retry', write: true, read: true },
  { name: 'never connected', code: status.UNAVAILABLE, details: 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1', kind: 'retry', write: true, read: true },
  { name: 'too many requests', code: status.RESOURCE_EXHAUSTED, details: 'etcdserver: too many requests', kind: 'retry', write: true, read: true },
  { name: 'server-side timeout: maybe applied', code: status.UNAVAILABLE, details: 'etcdserver: request timed out', kind: 'retry-read', write: false, read: true },
  { name: 'connection dropped mid-call', code: status.UNAVAILABLE, details: 'Connection dropped', kind: 'retry-read', write: false, read: true },
  { name: 'leader changed during a read', code: status.UNAVAILABLE, details: 'etcdserver: leader changed', kind: 'retry-read', write: false, read: true },
  { name: 'deadline', code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded', kind: 'deadline', write: false, read: false },
  { name: 'compacted', code: status.OUT_OF_RANGE, details: 'etcdserver: mvcc: required revision has been compacted', kind: 'compacted', write: false, read: false },
  { name: 'future revision', code: status.OUT_OF_RANGE, details: 'etcdserver: mvcc: required revision is a future revision', kind: 'future', write: false, read: false },
  { name: 'request too large', code: status.INVALID_ARGUMENT, details: 'etcdserver: request is too large', kind: 'fatal', write: false, read: false },
  { name: 'no space', code: status.RESOURCE_EXHAUSTED, details: 'etcdserver: mvcc: database space exceeded', kind: 'fatal', write: false, read: false },
];

for (const c of cases) {
  test(`etcd error: ${c.name}`, () => {
    const err = Object.assign(new Error(`${c.code} ${c.details}`), { code: c.code, details: c.details });
    const f = classifyEtcdError(err);
    assert.equal(f.kind, c.kind);
    assert.equal(f.message, c.details);
    assert.equal(isRetryable(f, true), c.write, 'retry a write');
    assert.equal(isRetryable(f, false), c.read, 'retry a read');
  });
}
