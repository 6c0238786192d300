import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prefixEnd } from '../kv/interface.js';
import { KeyLayout } from './keys.js';

const cases: { name: string; prefix?: string; key: string; etcd: string }[] = [
  { name: 'default prefix keeps keys', key: '/registry/pods/ns/a', etcd: '/registry/pods/ns/a' },
  { name: 'a prefix replaces /registry', prefix: '/kapi', key: '/registry/pods/ns/a', etcd: '/kapi/pods/ns/a' },
  { name: 'a trailing slash of the prefix is dropped', prefix: '/kapi/', key: '/registry/pods/ns/a', etcd: '/kapi/pods/ns/a' },
  { name: 'a nested prefix', prefix: '/clusters/one/registry', key: '/registry/pods/', etcd: '/clusters/one/registry/pods/' },
  { name: 'the range end of the whole registry', prefix: '/kapi', key: prefixEnd('/registry/'), etcd: '/kapi0' },
  { name: 'the range end of a resource', prefix: '/kapi', key: prefixEnd('/registry/pods/'), etcd: '/kapi/pods0' },
  { name: 'the root prefix', prefix: '/', key: '/registry/pods/ns/a', etcd: '/pods/ns/a' },
  { name: 'keys outside /registry are stored as given', prefix: '/kapi', key: '/other/x', etcd: '/other/x' },
  { name: 'no end stays no end', prefix: '/kapi', key: '\0', etcd: '\0' },
];

for (const c of cases) {
  test(`key layout: ${c.name}`, () => {
    const layout = new KeyLayout(c.prefix);
    const stored = layout.toEtcd(c.key);
    assert.equal(stored.toString('utf8'), c.etcd);
    if (c.key.startsWith('/registry/')) assert.equal(layout.fromEtcd(stored), c.key, 'round trip');
  });
}
