import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { runCreate, runUpdate, stored } from '../testing.js';

const slices = strategyFor('discovery.k8s.io', 'v1', 'EndpointSlice', true);

function slice(addressType: string, endpoints: unknown[], ports?: unknown[]): KubeObject {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abc', namespace: 'default' }, addressType, endpoints, ...(ports ? { ports } : {}) } as KubeObject;
}

test('endpointslice: port name and protocol defaults; generation 1', () => {
  const { obj, errs } = runCreate(slices, slice('IPv4', [{ addresses: ['10.1.2.3'], conditions: { ready: true } }], [{ port: 80 }]));
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
  assert.equal(obj.metadata?.generation, 1);
});

test('endpointslice: absent lists serialize as null, as Go writes them', () => {
  const { obj } = runCreate(slices, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'e', namespace: 'default' }, addressType: 'IPv4' });
  assert.deepEqual([obj.endpoints, obj.ports], [null, null]);
});

const cases: { name: string; obj: KubeObject; want: string[] }[] = [
  { name: 'addressType required', obj: slice('', []), want: ['addressType: Required value'] },
  { name: 'unknown addressType', obj: slice('IP', []), want: ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'] },
  { name: 'endpoint without address', obj: slice('IPv4', [{ addresses: [] }]), want: ['endpoints[0].addresses: Required value: must contain at least 1 address'] },
  { name: 'IPv6 address in an IPv4 slice', obj: slice('IPv4', [{ addresses: ['fd00::1'] }]), want: ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address'] },
  { name: 'loopback address', obj: slice('IPv4', [{ addresses: ['127.0.0.1'] }]), want: ['endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'] },
  { name: 'FQDN with one segment', obj: slice('FQDN', [{ addresses: ['localhost'] }]), want: ['endpoints[0].addresses[0]: Invalid value: "localhost": should be a domain with at least two segments separated by dots'] },
  {
    name: 'duplicate port names',
    obj: slice('IPv4', [], [{ name: 'http', port: 80 }, { name: 'http', port: 8080 }]),
    want: ['ports[1].name: Duplicate value: "http"'],
  },
  {
    name: 'too many zone hints',
    obj: slice('IPv4', [{ addresses: ['10.0.0.1'], hints: { forZones: Array.from({ length: 9 }, (_, i) => ({ name: `z${i}` })) } }]),
    want: ['endpoints[0].hints.forZones: Too many: 9: must have at most 8 items'],
  },
];

for (const c of cases) {
  test(`endpointslice: ${c.name}`, () => assert.deepEqual(runCreate(slices, c.obj).errs.map((e) => e.message()), c.want));
}

test('endpointslice: addressType is immutable; any change outside metadata bumps generation', () => {
  const old = stored(runCreate(slices, slice('IPv4', [{ addresses: ['10.1.2.3'] }])).obj);
  const moved = { ...JSON.parse(JSON.stringify(old)), endpoints: [{ addresses: ['10.1.2.4'] }] } as KubeObject;
  const upd = runUpdate(slices, old, moved);
  assert.deepEqual(upd.errs, []);
  assert.equal(upd.obj.metadata?.generation, 2);
  assert.deepEqual(runUpdate(slices, old, { ...old, addressType: 'IPv6', endpoints: [] }).errs.map((e) => e.message()), ['addressType: Invalid value: "IPv6": field is immutable']);
});
