import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDeps, attributesFor } from '../../testing.js';
import { newDefaultIngressClass } from './index.js';

const cases = [
  { name: 'no class: the default', meta: {}, spec: {}, want: 'nginx' },
  { name: 'an explicit class stays', meta: {}, spec: { ingressClassName: 'traefik' }, want: 'traefik' },
  { name: 'the legacy annotation suppresses the default', meta: { annotations: { 'kubernetes.io/ingress.class': 'x' } }, spec: {}, want: undefined },
];
for (const c of cases) {
  test(`DefaultIngressClass: ${c.name}`, async () => {
    const deps = new FakeDeps();
    deps.put('networking.k8s.io', 'ingressclasses', { metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } });
    deps.put('networking.k8s.io', 'ingressclasses', { metadata: { name: 'traefik' } });
    const ing = { metadata: { name: 'i', ...c.meta }, spec: { ...c.spec } };
    await newDefaultIngressClass(deps).admit?.(attributesFor({ operation: 'CREATE', group: 'networking.k8s.io', kind: 'Ingress', resource: 'ingresses', namespace: 'ns', object: ing }));
    assert.equal((ing.spec as { ingressClassName?: string }).ingressClassName, c.want);
  });
}
