import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldPath } from './field/errors.js';
import { formatIP, isValidCIDR, isValidIP, parseCIDRSloppy, parseIPSloppy, validateEndpointIP } from './ip.js';

const p = FieldPath.of('f');
const msgs = (errs: { message(): string }[]): string[] => errs.map((e) => e.message());

const parseCases: { in: string; out: string | undefined }[] = [
  { in: '10.0.0.1', out: '10.0.0.1' },
  { in: '010.000.000.001', out: '10.0.0.1' },
  { in: '2001:DB8::0001', out: '2001:db8::1' },
  { in: '::', out: '::' },
  { in: '1:2:3:4:5:6:7::', out: '1:2:3:4:5:6:7:0' },
  { in: '::ffff:1.2.3.4', out: '1.2.3.4' },
  { in: 'fe80::1%eth0', out: undefined },
  { in: '1.2.3', out: undefined },
  { in: '256.1.1.1', out: undefined },
  { in: '1:2:3:4:5:6:7:8:9', out: undefined },
];

for (const c of parseCases) {
  test(`parseIPSloppy ${c.in}`, () => {
    const ip = parseIPSloppy(c.in);
    assert.equal(ip ? formatIP(ip.family, ip.value) : undefined, c.out);
  });
}

const ipCases: { in: string; want: string[] }[] = [
  { in: '10.1.2.3', want: [] },
  { in: 'a.b.c.d', want: ['f: Invalid value: "a.b.c.d": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] },
  { in: '010.1.2.3', want: ['f: Invalid value: "010.1.2.3": must not have leading 0s'] },
  { in: '::ffff:10.1.2.3', want: ['f: Invalid value: "::ffff:10.1.2.3": must not be an IPv4-mapped IPv6 address'] },
];

for (const c of ipCases) {
  test(`isValidIP ${c.in}`, () => assert.deepEqual(msgs(isValidIP(p, c.in)), c.want));
}

const cidrCases: { in: string; want: string[] }[] = [
  { in: '10.96.0.0/12', want: [] },
  { in: '10.96.0.1/12', want: ['f: Invalid value: "10.96.0.1/12": must not have bits set beyond the prefix length'] },
  { in: '10.96.0.0/33', want: ['f: Invalid value: "10.96.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'] },
  { in: '10.96.0.0/012', want: ['f: Invalid value: "10.96.0.0/012": must not have leading 0s in IP or prefix length'] },
  { in: 'fd00::/108', want: [] },
];

for (const c of cidrCases) {
  test(`isValidCIDR ${c.in}`, () => assert.deepEqual(msgs(isValidCIDR(p, c.in)), c.want));
}

test('parseCIDRSloppy: network and prefix', () => {
  const c = parseCIDRSloppy('192.168.1.77/24');
  assert.ok(c);
  assert.equal(formatIP(4, c.network), '192.168.1.0');
  assert.equal(c.prefixLength, 24);
});

test('validateEndpointIP refuses special ranges', () => {
  assert.deepEqual(msgs(validateEndpointIP('127.0.0.1', p)), ['f: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']);
  assert.deepEqual(msgs(validateEndpointIP('169.254.169.254', p)), ['f: Invalid value: "169.254.169.254": may not be in the link-local range (169.254.0.0/16, fe80::/10)']);
  assert.deepEqual(msgs(validateEndpointIP('0.0.0.0', p)), ['f: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)']);
  assert.deepEqual(msgs(validateEndpointIP('10.0.0.5', p)), []);
});
