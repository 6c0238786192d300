import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointsServiceResolver } from './service.js';
import type { KubeObject } from '../../runtime/object.js';

const services = new Map<string, KubeObject>([
  ['ns/hook', { metadata: { name: 'hook', namespace: 'ns' }, spec: { type: 'ClusterIP', ports: [{ name: 'https', port: 443, targetPort: 8443 }] } }],
  ['ns/empty', { metadata: { name: 'empty', namespace: 'ns' }, spec: { ports: [{ port: 443 }] } }],
  ['ns/ext', { metadata: { name: 'ext', namespace: 'ns' }, spec: { type: 'ExternalName', externalName: 'hooks.example.com' } }],
  ['ns/noeps', { metadata: { name: 'noeps', namespace: 'ns' }, spec: { ports: [{ port: 443 }] } }],
]);
const endpoints = new Map<string, KubeObject>([
  ['ns/hook', { metadata: { name: 'hook' }, subsets: [{ addresses: [{ ip: '10.1.2.3' }], ports: [{ name: 'metrics', port: 9090 }, { name: 'https', port: 8443 }] }] }],
  ['ns/empty', { metadata: { name: 'empty' }, subsets: [] }],
]);
const resolver = endpointsServiceResolver(async (ns, n) => services.get(`${ns}/${n}`) ?? null, async (ns, n) => endpoints.get(`${ns}/${n}`) ?? null);

const cases: { name: string; svc: string; port: number; want: { host: string; port: number } | string }[] = [
  { name: 'an endpoint address with the service port name', svc: 'hook', port: 443, want: { host: '10.1.2.3', port: 8443 } },
  { name: 'an ExternalName service', svc: 'ext', port: 8443, want: { host: 'hooks.example.com', port: 8443 } },
  { name: 'a missing service', svc: 'gone', port: 443, want: 'service "gone" not found' },
  { name: 'a port the service does not have', svc: 'hook', port: 80, want: 'no service port 80 found for service "hook"' },
  { name: 'no ready addresses', svc: 'empty', port: 443, want: 'no endpoints available for service "empty"' },
  { name: 'no Endpoints object', svc: 'noeps', port: 443, want: 'endpoints "noeps" not found' },
];

for (const c of cases) {
  test(`service resolution: ${c.name}`, async () => {
    if (typeof c.want === 'string') await assert.rejects(resolver.resolveEndpoint('ns', c.svc, c.port), (e: Error) => e.message === c.want);
    else assert.deepEqual(await resolver.resolveEndpoint('ns', c.svc, c.port), c.want);
  });
}
