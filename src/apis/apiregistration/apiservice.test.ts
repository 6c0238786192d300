import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { runCreate } from '../testing.js';
import { apiServiceStrategy } from './apiservice.js';

const apiService = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name }, spec }) as KubeObject;
const remote = { group: 'metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true, service: { namespace: 'kube-system', name: 'metrics' } };

test('apiservice: the service port defaults to 443, status starts empty', () => {
  const { obj, errs } = runCreate(apiServiceStrategy, apiService('v1beta1.metrics.k8s.io', remote));
  assert.deepEqual(errs, []);
  assert.deepEqual((obj.spec as { service: unknown }).service, { namespace: 'kube-system', name: 'metrics', port: 443 });
  assert.deepEqual(obj.status, {});
});

test('apiservice: a local APIService is Available at once', () => {
  const { obj, errs } = runCreate(apiServiceStrategy, apiService('v1.example.com', { group: 'example.com', version: 'v1', groupPriorityMinimum: 100, versionPriority: 10 }));
  assert.deepEqual(errs, []);
  const cond = (obj.status as { conditions: Record<string, string>[] }).conditions[0];
  assert.deepEqual({ type: cond.type, status: cond.status, reason: cond.reason }, { type: 'Available', status: 'True', reason: 'Local' });
});

const cases: { name: string; obj: KubeObject; want: string[] }[] = [
  {
    name: 'name must be version.group',
    obj: apiService('v2.metrics.k8s.io', remote),
    want: ['metadata.name: Invalid value: "v2.metrics.k8s.io": must be `spec.version+"."+spec.group`: "v1beta1.metrics.k8s.io"'],
  },
  {
    name: 'priorities in range',
    obj: apiService('v1beta1.metrics.k8s.io', { ...remote, groupPriorityMinimum: 0, versionPriority: 1001 }),
    want: ['spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000', 'spec.versionPriority: Invalid value: 1001: must be positive and less than 1000'],
  },
  {
    name: 'local services carry no TLS settings',
    obj: apiService('v1.example.com', { group: 'example.com', version: 'v1', groupPriorityMinimum: 1, versionPriority: 1, insecureSkipTLSVerify: true, caBundle: 'AAAA' }),
    want: ['spec.caBundle: Invalid value: "3 bytes": local APIServices may not have a caBundle', 'spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify'],
  },
  {
    name: 'only v1 may have an empty group',
    obj: apiService('v2.', { group: '', version: 'v2', groupPriorityMinimum: 1, versionPriority: 1 }),
    want: ['spec.group: Required value: only v1 may have an empty group and it better be legacy kube'],
  },
];
for (const c of cases) {
  test(`apiservice: ${c.name}`, () => {
    assert.deepEqual(
      runCreate(apiServiceStrategy, c.obj).errs.map((e) => e.message()),
      c.want,
    );
  });
}
