import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidLabelValue,
  isValidPortName,
  nameIsDNSSubdomain,
  validatePathSegmentName,
} from './names.js';

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1035Msg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const cases: { name: string; got: () => string[]; want: string[] }[] = [
  { name: 'subdomain valid', got: () => isDNS1123Subdomain('example.com'), want: [] },
  { name: 'subdomain uppercase', got: () => isDNS1123Subdomain('Example'), want: [subdomainMsg] },
  { name: 'subdomain too long', got: () => isDNS1123Subdomain('a'.repeat(254)), want: ['must be no more than 253 characters'] },
  { name: 'label with dots', got: () => isDNS1123Label('a.b'), want: ['must not contain dots'] },
  { name: 'label underscore', got: () => isDNS1123Label('a_b'), want: [labelMsg] },
  { name: 'label too long', got: () => isDNS1123Label('a'.repeat(64)), want: ['must be no more than 63 characters'] },
  { name: 'dns1035 leading digit', got: () => isDNS1035Label('1abc'), want: [dns1035Msg] },
  {
    name: 'qualified name bad prefix',
    got: () => isQualifiedName('Foo.com/bar'),
    want: [`prefix part ${subdomainMsg}`],
  },
  {
    name: 'qualified name empty name part',
    got: () => isQualifiedName('example.com/'),
    want: [
      'name part must be non-empty',
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
  },
  {
    name: 'qualified name two slashes',
    got: () => isQualifiedName('a/b/c'),
    want: [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ],
  },
  {
    name: 'label value trailing dash',
    got: () => isValidLabelValue('abc-'),
    want: [
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
  },
  { name: 'label value empty ok', got: () => isValidLabelValue(''), want: [] },
  {
    name: 'configmap key with slash',
    got: () => isConfigMapKey('a/b'),
    want: ["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"],
  },
  { name: 'configmap key ..x', got: () => isConfigMapKey('..x'), want: ["must not start with '..'"] },
  {
    name: 'port name rules',
    got: () => isValidPortName('-A--'),
    want: ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)', 'must not contain consecutive hyphens', 'must not begin or end with a hyphen'],
  },
  { name: 'relaxed env name with =', got: () => isRelaxedEnvVarName('A=B'), want: ["a valid environment variable name must consist only of printable ASCII characters other than '='"] },
  { name: 'generateName prefix with trailing dash', got: () => nameIsDNSSubdomain('web-', true), want: [] },
  { name: 'path segment name ..', got: () => validatePathSegmentName('..', false), want: ["may not be '..'"] },
  { name: 'path segment name with slash and percent', got: () => validatePathSegmentName('a/%', false), want: ["may not contain '/'", "may not contain '%'"] },
];

for (const c of cases) {
  test(`names: ${c.name}`, () => assert.deepEqual(c.got(), c.want));
}
