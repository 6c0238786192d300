import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { errorRows, runCreate, runUpdate, stored } from '../testing.js';

const ingresses = strategyFor('networking.k8s.io', 'v1', 'Ingress', true);
const classes = strategyFor('networking.k8s.io', 'v1', 'IngressClass', false);
const policies = strategyFor('networking.k8s.io', 'v1', 'NetworkPolicy', true);
const ipAddresses = strategyFor('networking.k8s.io', 'v1', 'IPAddress', false);
const serviceCIDRs = strategyFor('networking.k8s.io', 'v1', 'ServiceCIDR', false);

const backend = { service: { name: 'web', port: { number: 80 } } };

function ingress(spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'ing', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec };
}

function rule(path: Record<string, unknown>, host?: string): Record<string, unknown> {
  return { ...(host ? { host } : {}), http: { paths: [path] } };
}

test('ingress: valid object gets generation 1 and an empty load balancer status', () => {
  const { obj, errs } = runCreate(ingresses, ingress({ rules: [rule({ path: '/', pathType: 'Prefix', backend })] }));
  assert.deepEqual(errs, []);
  assert.equal(obj.metadata?.generation, 1);
  assert.deepEqual(obj.status, { loadBalancer: {} });
});

const ingressCases: { name: string; spec: Record<string, unknown>; annotations?: Record<string, string>; want: string[] }[] = [
  { name: 'pathType required', spec: { rules: [rule({ path: '/', backend })] }, want: ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified'] },
  {
    name: 'unknown pathType',
    spec: { rules: [rule({ path: '/', pathType: 'Regex', backend })] },
    want: ['spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"'],
  },
  { name: 'relative Prefix path', spec: { rules: [rule({ path: 'api', pathType: 'Prefix', backend })] }, want: ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path'] },
  {
    name: 'path sequences',
    spec: { rules: [rule({ path: '/a//b/..', pathType: 'Exact', backend })] },
    want: ['spec.rules[0].http.paths[0].path: Invalid value: "/a//b/..": must not contain \'//\'', 'spec.rules[0].http.paths[0].path: Invalid value: "/a//b/..": cannot end with \'/..\''],
  },
  { name: 'no rules and no default backend', spec: {}, want: ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified'] },
  { name: 'backend needs a port', spec: { defaultBackend: { service: { name: 'web', port: {} } } }, want: ['spec.defaultBackend: Required value: port name or number is required'] },
  {
    name: 'backend with resource and service',
    spec: { defaultBackend: { ...backend, resource: { kind: 'Bucket', name: 'b' } } },
    want: ['spec.defaultBackend: Invalid value: "": cannot set both resource and service backends'],
  },
  {
    name: 'service name must be a DNS-1035 label',
    spec: { defaultBackend: { service: { name: '1web', port: { number: 80 } } } },
    want: [
      "spec.defaultBackend.service.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ],
  },
  { name: 'host must not be an IP', spec: { rules: [rule({ path: '/', pathType: 'Prefix', backend }, '10.0.0.1')] }, want: ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'] },
  {
    name: 'bad wildcard host',
    spec: { rules: [rule({ path: '/', pathType: 'Prefix', backend }, 'foo.*.com')] },
    want: [
      "spec.rules[0].host: Invalid value: \"foo.*.com\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
  },
  {
    name: 'ingress.class annotation must match ingressClassName',
    spec: { ingressClassName: 'nginx', defaultBackend: backend },
    annotations: { 'kubernetes.io/ingress.class': 'traefik' },
    want: ['annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified'],
  },
];

for (const c of ingressCases) {
  test(`ingress: ${c.name}`, () => {
    assert.deepEqual(
      runCreate(ingresses, ingress(c.spec, c.annotations)).errs.map((e) => e.message()),
      c.want,
    );
  });
}

test('ingress: a spec change bumps generation; status is kept from the stored object', () => {
  const created = runCreate(ingresses, ingress({ defaultBackend: backend })).obj;
  const old = stored({ ...created, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } });
  const next = JSON.parse(JSON.stringify(old)) as KubeObject;
  next.spec = { defaultBackend: { service: { name: 'web', port: { number: 8080 } } } };
  next.status = { loadBalancer: {} };
  const { obj, errs } = runUpdate(ingresses, old, next);
  assert.deepEqual(errs, []);
  assert.equal(obj.metadata?.generation, 2);
  assert.deepEqual(obj.status, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } });
});

function ingressClass(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec };
}

test('ingressclass: parameters scope defaults to Cluster; controller is immutable', () => {
  const { obj, errs } = runCreate(classes, ingressClass({ controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'Params', name: 'p' } }));
  assert.deepEqual(errs, []);
  assert.equal((obj.spec as { parameters: { scope: string } }).parameters.scope, 'Cluster');
  const changed = JSON.parse(JSON.stringify(stored(obj))) as KubeObject;
  (changed.spec as { controller: string }).controller = 'example.com/other';
  assert.deepEqual(runUpdate(classes, stored(obj), changed).errs.map((e) => e.message()), ['spec.controller: Invalid value: "example.com/other": field is immutable']);
});

const classCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'controller required', spec: {}, want: ['spec.controller: Required value'] },
  { name: 'controller must be domain-prefixed', spec: { controller: 'nginx' }, want: ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")'] },
  {
    name: 'namespace-scoped parameters need a namespace',
    spec: { controller: 'k8s.io/nginx', parameters: { kind: 'P', name: 'p', scope: 'Namespace' } },
    want: ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"],
  },
  {
    name: 'cluster-scoped parameters must not have a namespace',
    spec: { controller: 'k8s.io/nginx', parameters: { kind: 'P', name: 'p', scope: 'Cluster', namespace: 'x' } },
    want: ["spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"],
  },
];

for (const c of classCases) {
  test(`ingressclass: ${c.name}`, () => assert.deepEqual(runCreate(classes, ingressClass(c.spec)).errs.map((e) => e.message()), c.want));
}

function policy(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'default' }, spec };
}

const policyDefaults: { name: string; spec: Record<string, unknown>; policyTypes: string[] }[] = [
  { name: 'ingress only', spec: { podSelector: {}, ingress: [{}] }, policyTypes: ['Ingress'] },
  { name: 'with egress rules', spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] }, policyTypes: ['Ingress', 'Egress'] },
  { name: 'explicit', spec: { podSelector: {}, policyTypes: ['Egress'] }, policyTypes: ['Egress'] },
];

for (const c of policyDefaults) {
  test(`networkpolicy defaults: ${c.name}`, () => {
    const { obj, errs } = runCreate(policies, policy(c.spec));
    assert.deepEqual(errs, []);
    assert.deepEqual((obj.spec as { policyTypes: string[] }).policyTypes, c.policyTypes);
    assert.equal(obj.metadata?.generation, 1);
  });
}

test('networkpolicy: port protocol defaults to TCP', () => {
  const { obj } = runCreate(policies, policy({ podSelector: {}, ingress: [{ ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }] }));
  assert.deepEqual((obj.spec as { ingress: { ports: unknown[] }[] }).ingress[0].ports, [
    { port: 80, protocol: 'TCP' },
    { port: 53, protocol: 'UDP' },
  ]);
});

const policyCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'peer must specify something', spec: { podSelector: {}, ingress: [{ from: [{}] }] }, want: ['spec.ingress[0].from[0]: Required value: must specify a peer'] },
  {
    name: 'ipBlock with another peer',
    spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] },
    want: ['spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer'],
  },
  {
    name: 'except must be inside cidr',
    spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }] },
    want: ['spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`'],
  },
  {
    name: 'bad cidr',
    spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/40' } }] }] },
    want: ['spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0/40": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
  },
  {
    name: 'endPort below port',
    spec: { podSelector: {}, ingress: [{ ports: [{ port: 8080, endPort: 80 }] }] },
    want: ['spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`'],
  },
  {
    name: 'endPort with a named port',
    spec: { podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] },
    want: ['spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric'],
  },
  {
    name: 'unknown protocol',
    spec: { podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: 'ICMP' }] }] },
    want: ['spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"'],
  },
  {
    name: 'unknown policy type',
    spec: { podSelector: {}, policyTypes: ['Sideways'] },
    want: ['spec.policyTypes[0]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"'],
  },
];

for (const c of policyCases) {
  test(`networkpolicy: ${c.name}`, () => assert.deepEqual(runCreate(policies, policy(c.spec)).errs.map((e) => e.message()), c.want));
}

test('ipaddress: the name is an address and parentRef is required and immutable', () => {
  const good: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'IPAddress', metadata: { name: '10.96.0.10' }, spec: { parentRef: { group: '', resource: 'services', namespace: 'kube-system', name: 'kube-dns' } } };
  assert.deepEqual(runCreate(ipAddresses, good).errs, []);
  const bad: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'IPAddress', metadata: { name: 'not-an-ip' }, spec: {} };
  assert.deepEqual(errorRows(runCreate(ipAddresses, bad).errs), [
    { field: 'metadata.name', type: 'FieldValueInvalid', message: 'metadata.name: Invalid value: "not-an-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' },
    { field: 'spec.parentRef', type: 'FieldValueRequired', message: 'spec.parentRef: Required value' },
  ]);
  const moved = JSON.parse(JSON.stringify(stored(good))) as KubeObject;
  (moved.spec as { parentRef: { name: string } }).parentRef.name = 'other';
  assert.deepEqual(runUpdate(ipAddresses, stored(good), moved).errs.map((e) => e.field), ['spec.parentRef']);
});

function cidr(cidrs: string[]): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: 'kubernetes' }, spec: { cidrs } };
}

const cidrCases: { name: string; cidrs: string[]; want: string[] }[] = [
  { name: 'one CIDR', cidrs: ['10.96.0.0/12'], want: [] },
  { name: 'dual stack', cidrs: ['10.96.0.0/12', 'fd00::/108'], want: [] },
  { name: 'none', cidrs: [], want: ['spec.cidrs: Required value: at least one CIDR required'] },
  {
    name: 'same family twice',
    cidrs: ['10.96.0.0/12', '192.168.0.0/24'],
    want: ['spec.cidrs: Invalid value: []string{"10.96.0.0/12", "192.168.0.0/24"}: may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64'],
  },
  { name: 'host bits set', cidrs: ['10.96.0.1/12'], want: ['spec.cidrs[0]: Invalid value: "10.96.0.1/12": must not have bits set beyond the prefix length'] },
];

for (const c of cidrCases) {
  test(`servicecidr: ${c.name}`, () => assert.deepEqual(runCreate(serviceCIDRs, cidr(c.cidrs)).errs.map((e) => e.message()), c.want));
}

test('servicecidr: cidrs are immutable except adding the second family', () => {
  const old = stored(runCreate(serviceCIDRs, cidr(['10.96.0.0/12'])).obj);
  assert.deepEqual(runUpdate(serviceCIDRs, old, { ...old, spec: { cidrs: ['10.96.0.0/12', 'fd00::/108'] } }).errs, []);
  assert.deepEqual(runUpdate(serviceCIDRs, old, { ...old, spec: { cidrs: ['10.100.0.0/16'] } }).errs.map((e) => e.message()), ['spec.cidrs[0]: Invalid value: "10.100.0.0/16": field is immutable']);
});
