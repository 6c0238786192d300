import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../runtime/object.js';
import { StatusError } from '../../../runtime/errors.js';
import { newServiceAllocator, type AllocationKind, type ServiceAllocatorOptions } from './allocator.js';
import { parseNodePortRange, parseServiceIPRange } from './ranges.js';

/** An in-memory claim store that yields between check and set, like a remote store would. */
function memoryStore(): { held: Set<string>; claim: ServiceAllocatorOptions['claim']; release: ServiceAllocatorOptions['release'] } {
  const held = new Set<string>();
  return {
    held,
    async claim(kind: AllocationKind, value: string) {
      await new Promise((r) => setImmediate(r));
      const key = `${kind}/${value}`;
      if (held.has(key)) return false;
      held.add(key);
      return true;
    },
    async release(kind: AllocationKind, value: string) {
      held.delete(`${kind}/${value}`);
    },
  };
}

function svc(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}

function spec(o: KubeObject): Record<string, unknown> {
  return o.spec as Record<string, unknown>;
}

async function rejects(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StatusError, String(e));
    return e;
  }
  assert.fail('expected an error');
}

test('ranges: usable addresses, static bands and printed forms', () => {
  const big = parseServiceIPRange('10.96.0.0/12');
  assert.deepEqual([big.cidr, big.size, big.staticBand, big.valueAt(0), big.valueAt(big.size - 1)], ['10.96.0.0/12', 2 ** 20 - 2, 256, '10.96.0.1', '10.111.255.254']);
  assert.equal(big.indexOf('10.96.0.0'), undefined, 'network address');
  assert.equal(big.indexOf('10.111.255.255'), undefined, 'broadcast address');
  const small = parseServiceIPRange('10.0.0.0/29');
  assert.deepEqual([small.size, small.staticBand, small.valueAt(5)], [6, 0, '10.0.0.6']);
  const v6 = parseServiceIPRange('fd00:10:96::/112');
  assert.deepEqual([v6.family, v6.valueAt(0), v6.size], [6, 'fd00:10:96::1', 65535]);
  const nodePorts = parseNodePortRange('30000-32767');
  assert.deepEqual([nodePorts.size, nodePorts.staticBand, nodePorts.text], [2768, 86, '30000-32767']);
  assert.equal(parseNodePortRange('30000+99').text, '30000-30099');
  assert.throws(() => parseServiceIPRange('10.0.0.0'));
});

test('ClusterIP service gets an address from the range, never the kubernetes one', async () => {
  const store = memoryStore();
  const alloc = newServiceAllocator({ serviceClusterIpRange: '10.96.0.0/12', ...store });
  assert.equal(alloc.kubernetesServiceIP, '10.96.0.1');
  const s = svc('web', { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP' }] });
  const a = await alloc.allocate(s);
  const ip = spec(s).clusterIP as string;
  assert.notEqual(ip, '10.96.0.1');
  assert.deepEqual(spec(s).clusterIPs, [ip]);
  assert.deepEqual(spec(s).ipFamilies, ['IPv4']);
  assert.equal(spec(s).ipFamilyPolicy, 'SingleStack');
  assert.deepEqual(a.claimed, [{ kind: 'ip', value: ip }]);
  assert.ok(store.held.has(`ip/${ip}`));
  await alloc.release(s);
  assert.equal(store.held.size, 0);
});

test('uniqueness under concurrent allocation (small range, every address handed out once)', async () => {
  const store = memoryStore();
  const alloc = newServiceAllocator({ serviceClusterIpRange: '10.0.0.0/28', ...store });
  const services = Array.from({ length: 13 }, (_, i) => svc(`s${i}`, { ports: [{ port: 80 }] }));
  await Promise.all(services.map((s) => alloc.allocate(s)));
  const ips = services.map((s) => spec(s).clusterIP as string);
  assert.equal(new Set(ips).size, 13);
  assert.ok(!ips.includes('10.0.0.1'));
  assert.ok(ips.every((ip) => /^10\.0\.0\.([2-9]|1[0-4])$/.test(ip)), ips.join(','));
});

test('concurrent node port allocation never hands out a port twice', async () => {
  const store = memoryStore();
  const alloc = newServiceAllocator({ serviceClusterIpRange: '10.96.0.0/16', nodePortRange: '30000-30019', ...store });
  const services = Array.from({ length: 10 }, (_, i) => svc(`np${i}`, { type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] }));
  await Promise.all(services.map((s) => alloc.allocate(s)));
  const nodePorts = services.flatMap((s) => (spec(s).ports as { nodePort: number }[]).map((p) => p.nodePort));
  assert.equal(new Set(nodePorts).size, 20);
  assert.ok(nodePorts.every((p) => p >= 30000 && p <= 30019));
});

test('exhaustion of a small range is a 500 with the upstream text, and nothing stays claimed', async () => {
  const store = memoryStore();
  const alloc = newServiceAllocator({ serviceClusterIpRange: '10.0.0.0/29', ...store });
  for (let i = 0; i < 5; i++) await alloc.allocate(svc(`s${i}`, { ports: [{ port: 80 }] }));
  const err = await rejects(alloc.allocate(svc('one-too-many', { ports: [{ port: 80 }] })));
  assert.equal(err.status.code, 500);
  assert.equal(err.status.reason, 'InternalError');
  assert.equal(err.status.message, 'Internal error occurred: failed to allocate a serviceIP: range is full');
  assert.equal(store.held.size, 5);
});

test('node port exhaustion rolls back the cluster IP it had claimed', async () => {
  const store = memoryStore();
  const alloc = newServiceAllocator({ serviceClusterIpRange: '10.0.0.0/24', nodePortRange: '30000-30001', ...store });
  await alloc.allocate(svc('a', { type: 'NodePort', ports: [{ port: 80 }, { port: 81 }] }));
  const err = await rejects(alloc.allocate(svc('b', { type: 'NodePort', ports: [{ port: 80 }] })));
  assert.equal(err.status.message, 'Internal error occurred: failed to allocate a nodePort: range is full');
  assert.equal(store.held.size, 3, 'only service a holds values');
});

const requestedCases: { name: string; range?: string; first: Record<string, unknown>; second: Record<string, unknown>; message: string; field: string }[] = [
  {
    name: 'requested IP already allocated',
    first: { clusterIP: '10.0.0.10', ports: [{ port: 80 }] },
    second: { clusterIP: '10.0.0.10', ports: [{ port: 80 }] },
    field: 'spec.clusterIPs',
    message: 'Service "second" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.10"}: failed to allocate IP 10.0.0.10: provided IP is already allocated',
  },
  {
    name: 'requested IP outside the range',
    first: { ports: [{ port: 80 }] },
    second: { clusterIP: '1.1.1.1', ports: [{ port: 80 }] },
    field: 'spec.clusterIPs',
    message:
      'Service "second" is invalid: spec.clusterIPs: Invalid value: []string{"1.1.1.1"}: failed to allocate IP 1.1.1.1: the provided IP (1.1.1.1) is not in the valid range. The range of valid IPs is 10.0.0.0/24',
  },
  {
    name: 'requested broadcast address',
    first: { ports: [{ port: 80 }] },
    second: { clusterIPs: ['10.0.0.255'], ports: [{ port: 80 }] },
    field: 'spec.clusterIPs',
    message:
      'Service "second" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.255"}: failed to allocate IP 10.0.0.255: the provided IP (10.0.0.255) is not in the valid range. The range of valid IPs is 10.0.0.0/24',
  },
  {
    name: 'requested node port already allocated',
    first: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] },
    second: { type: 'NodePort', ports: [{ port: 81 }, { port: 80, nodePort: 30080 }] },
    field: 'spec.ports[1].nodePort',
    message: 'Service "second" is invalid: spec.ports[1].nodePort: Invalid value: 30080: provided port is already allocated',
  },
  {
    name: 'requested node port outside the range',
    first: { ports: [{ port: 80 }] },
    second: { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] },
    field: 'spec.ports[0].nodePort',
    message: 'Service "second" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
  },
  {
    name: 'requested health check node port already allocated',
    first: { type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] },
    second: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000, ports: [{ port: 80 }] },
    field: 'spec.healthCheckNodePort',
    message: 'Service "second" is invalid: spec.healthCheckNodePort: Invalid value: 31000: failed to allocate requested HealthCheck NodePort 31000: provided port is already allocated',
  },
  {
    name: 'RequireDualStack on a single-stack cluster',
    first: { ports: [{ port: 80 }] },
    second: { ipFamilyPolicy: 'RequireDualStack', selector: { a: 'b' }, ports: [{ port: 80 }] },
    field: 'spec.ipFamilyPolicy',
    message: 'Service "second" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
  },
  {
    name: 'an IP family the cluster does not have',
    first: { ports: [{ port: 80 }] },
    second: { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'], ports: [{ port: 80 }] },
    field: 'spec.ipFamilies[1]',
    message: 'Service "second" is invalid: spec.ipFamilies[1]: Invalid value: "IPv6": not configured on this cluster',
  },
];

for (const c of requestedCases) {
  test(`requested values: ${c.name}`, async () => {
    const store = memoryStore();
    const alloc = newServiceAllocator({ serviceClusterIpRange: c.range ?? '10.0.0.0/24', ...store });
    await alloc.allocate(svc('first', c.first));
    const before = new Set(store.held);
    const err = await rejects(alloc.allocate(svc('second', c.second)));
    assert.equal(err.status.code, 422);
    assert.equal(err.status.message, c.message);
    assert.equal(err.status.details?.causes?.[0]?.field, c.field);
    assert.deepEqual(store.held, before, 'a refused allocation gives back what it claimed');
  });
}

test('requested IP and node ports are honoured; the same port number on two protocols shares one node port', async () => {
  const store = memoryStore();
  const alloc = newServiceAllocator({ serviceClusterIpRange: '10.96.0.0/12', ...store });
  const s = svc('dns', {
    type: 'NodePort',
    clusterIP: '10.96.0.10',
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', nodePort: 30053 },
      { name: 'metrics', port: 9153, protocol: 'TCP' },
    ],
  });
  await alloc.allocate(s);
  const p = spec(s).ports as { nodePort: number }[];
  assert.deepEqual([spec(s).clusterIPs, p[0].nodePort, p[1].nodePort], [['10.96.0.10'], 30053, 30053]);
  assert.ok(p[2].nodePort >= 30000 && p[2].nodePort !== 30053);
  assert.deepEqual(alloc.allocatedValues(s).map((v) => v.value).sort(), ['10.96.0.10', '30053', String(p[2].nodePort)].sort());
});

test('kubernetes Service may request the first address; headless and ExternalName services get none', async () => {
  const store = memoryStore();
  const alloc = newServiceAllocator({ serviceClusterIpRange: '10.96.0.0/12', ...store });
  const k = svc('kubernetes', { clusterIP: '10.96.0.1', ports: [{ port: 443 }] });
  await alloc.allocate(k);
  assert.equal(spec(k).clusterIP, '10.96.0.1');
  const headless = svc('h', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] });
  await alloc.allocate(headless);
  assert.deepEqual([spec(headless).clusterIP, spec(headless).clusterIPs], ['None', ['None']]);
  const ext = svc('ext', { type: 'ExternalName', externalName: 'example.com' });
  await alloc.allocate(ext);
  assert.equal(spec(ext).clusterIP, undefined);
  assert.deepEqual([...store.held], ['ip/10.96.0.1']);
});

test('LoadBalancer with allocateLoadBalancerNodePorts=false keeps only requested node ports', async () => {
  const store = memoryStore();
  const alloc = newServiceAllocator({ serviceClusterIpRange: '10.96.0.0/16', ...store });
  const s = svc('lb', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }, { port: 443, nodePort: 31443 }] });
  await alloc.allocate(s);
  const p = spec(s).ports as { nodePort?: number }[];
  assert.deepEqual([p[0].nodePort, p[1].nodePort], [undefined, 31443]);
  const local = svc('local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] });
  await alloc.allocate(local);
  const hc = spec(local).healthCheckNodePort as number;
  assert.ok(hc >= 30000 && hc <= 32767 && hc !== (spec(local).ports as { nodePort: number }[])[0].nodePort);
});

test('update: omitted values are kept; type change to ClusterIP releases node ports on commit', async () => {
  const store = memoryStore();
  const alloc = newServiceAllocator({ serviceClusterIpRange: '10.96.0.0/16', ...store });
  const created = svc('web', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }] });
  await alloc.allocate(created);
  const old = JSON.parse(JSON.stringify(created)) as KubeObject;
  const ip = spec(old).clusterIP as string;
  const nodePort = (spec(old).ports as { nodePort: number }[])[0].nodePort;

  const resubmitted = svc('web', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }] });
  const same = await alloc.allocate(resubmitted, old);
  assert.deepEqual([spec(resubmitted).clusterIP, (spec(resubmitted).ports as { nodePort: number }[])[0].nodePort], [ip, nodePort]);
  assert.deepEqual([same.claimed, same.superseded], [[], []]);

  const toClusterIP = svc('web', { type: 'ClusterIP', clusterIP: ip, ports: [{ port: 80, protocol: 'TCP' }] });
  const change = await alloc.allocate(toClusterIP, old);
  assert.deepEqual(change.superseded, [{ kind: 'port', value: String(nodePort) }]);
  assert.ok(store.held.has(`port/${nodePort}`), 'released only on commit');
  await change.commit();
  assert.deepEqual([...store.held], [`ip/${ip}`]);
});

test('update: ExternalName releases the cluster IP; rollback gives back new claims', async () => {
  const store = memoryStore();
  const alloc = newServiceAllocator({ serviceClusterIpRange: '10.96.0.0/16', ...store });
  const created = svc('web', { ports: [{ port: 80 }] });
  await alloc.allocate(created);
  const old = JSON.parse(JSON.stringify(created)) as KubeObject;
  const toExternal = svc('web', { type: 'ExternalName', externalName: 'example.com' });
  const a = await alloc.allocate(toExternal, old);
  await a.commit();
  assert.equal(store.held.size, 0);
  const back = svc('web', { type: 'NodePort', ports: [{ port: 80 }] });
  const b = await alloc.allocate(back, toExternal);
  assert.equal(b.claimed.length, 2);
  await b.rollback();
  assert.equal(store.held.size, 0);
});

test('dry run checks requested values without keeping anything', async () => {
  const store = memoryStore();
  const alloc = newServiceAllocator({ serviceClusterIpRange: '10.96.0.0/16', ...store });
  const s = svc('web', { clusterIP: '10.96.5.5', type: 'NodePort', ports: [{ port: 80 }] });
  await alloc.allocate(s, undefined, { dryRun: true });
  assert.equal(spec(s).clusterIP, '10.96.5.5');
  assert.ok((spec(s).ports as { nodePort: number }[])[0].nodePort >= 30000);
  assert.equal(store.held.size, 0);
});

test('IPv6 cluster: the IPv4 default family becomes IPv6', async () => {
  const store = memoryStore();
  const alloc = newServiceAllocator({ serviceClusterIpRange: 'fd00:10:96::/112', ...store });
  const s = svc('v6', { ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ port: 80 }] });
  await alloc.allocate(s);
  assert.deepEqual(spec(s).ipFamilies, ['IPv6']);
  assert.match(spec(s).clusterIP as string, /^fd00:10:96::[0-9a-f]+$/);
});
