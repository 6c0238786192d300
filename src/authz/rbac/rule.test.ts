import test from 'node:test';
import assert from 'node:assert/strict';
import { pathAttrs, resourceAttrs, testUser } from '../testing.js';
import { policyRuleFromJson, ruleAllows } from './rule.js';
import type { AuthorizationAttributes } from '../interfaces.js';

const u = testUser('alice');

interface Case {
  name: string;
  rule: Record<string, unknown>;
  attrs: AuthorizationAttributes;
  allowed: boolean;
}

const cases: Case[] = [
  { name: 'exact verb, group and resource', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, attrs: resourceAttrs(u, 'get', 'pods', { namespace: 'default', name: 'p' }), allowed: true },
  { name: 'other verb', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, attrs: resourceAttrs(u, 'delete', 'pods'), allowed: false },
  { name: 'other group', rule: { verbs: ['get'], apiGroups: [''], resources: ['deployments'] }, attrs: resourceAttrs(u, 'get', 'deployments', { apiGroup: 'apps' }), allowed: false },
  { name: 'wildcard verb', rule: { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, attrs: resourceAttrs(u, 'deletecollection', 'pods'), allowed: true },
  { name: 'wildcard group', rule: { verbs: ['list'], apiGroups: ['*'], resources: ['deployments'] }, attrs: resourceAttrs(u, 'list', 'deployments', { apiGroup: 'apps' }), allowed: true },
  { name: 'wildcard resource covers subresources', rule: { verbs: ['get'], apiGroups: [''], resources: ['*'] }, attrs: resourceAttrs(u, 'get', 'pods/log'), allowed: true },
  { name: 'resource does not cover its subresource', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, attrs: resourceAttrs(u, 'get', 'pods/log'), allowed: false },
  { name: 'exact subresource', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, attrs: resourceAttrs(u, 'get', 'pods/log'), allowed: true },
  { name: 'subresource rule does not cover the resource', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, attrs: resourceAttrs(u, 'get', 'pods'), allowed: false },
  { name: '*/subresource matches any resource', rule: { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }, attrs: resourceAttrs(u, 'get', 'deployments/scale', { apiGroup: 'apps' }), allowed: true },
  { name: '*/subresource needs a subresource', rule: { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }, attrs: resourceAttrs(u, 'get', 'scale'), allowed: false },
  { name: 'pods/* is literal', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }, attrs: resourceAttrs(u, 'get', 'pods/log'), allowed: false },
  { name: 'resourceNames match the name', rule: { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a', 'b'] }, attrs: resourceAttrs(u, 'get', 'secrets', { name: 'b' }), allowed: true },
  { name: 'resourceNames exclude other names', rule: { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }, attrs: resourceAttrs(u, 'get', 'secrets', { name: 'c' }), allowed: false },
  { name: 'resourceNames never match a list without name', rule: { verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }, attrs: resourceAttrs(u, 'list', 'secrets'), allowed: false },
  { name: 'resource rule does not match a path', rule: { verbs: ['get'], apiGroups: ['*'], resources: ['*'] }, attrs: pathAttrs(u, 'get', '/healthz'), allowed: false },
  { name: 'exact nonResourceURL', rule: { verbs: ['get'], nonResourceURLs: ['/healthz'] }, attrs: pathAttrs(u, 'get', '/healthz'), allowed: true },
  { name: 'nonResourceURL other verb', rule: { verbs: ['get'], nonResourceURLs: ['/healthz'] }, attrs: pathAttrs(u, 'post', '/healthz'), allowed: false },
  { name: 'nonResourceURL prefix with *', rule: { verbs: ['get'], nonResourceURLs: ['/healthz/*'] }, attrs: pathAttrs(u, 'get', '/healthz/etcd'), allowed: true },
  { name: 'prefix * does not match the bare path', rule: { verbs: ['get'], nonResourceURLs: ['/healthz/*'] }, attrs: pathAttrs(u, 'get', '/healthz'), allowed: false },
  { name: 'nonResourceURL *', rule: { verbs: ['*'], nonResourceURLs: ['*'] }, attrs: pathAttrs(u, 'delete', '/anything'), allowed: true },
  { name: 'path rule does not match resources', rule: { verbs: ['*'], nonResourceURLs: ['*'] }, attrs: resourceAttrs(u, 'get', 'pods'), allowed: false },
];

for (const c of cases) {
  test(`RBAC rule: ${c.name}`, () => {
    assert.equal(ruleAllows(c.attrs, policyRuleFromJson(c.rule)), c.allowed);
  });
}
