import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributesFor } from '../../testing.js';
import { newTaintNodesByCondition } from './index.js';

const cases = [
  { name: 'a new node is tainted not-ready', taints: undefined, want: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] },
  { name: 'other taints are kept', taints: [{ key: 'gpu', effect: 'NoSchedule' }], want: [{ key: 'gpu', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] },
  { name: 'the taint is not added twice', taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }], want: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] },
];
for (const c of cases) {
  test(`TaintNodesByCondition: ${c.name}`, () => {
    const node = { metadata: { name: 'n1' }, spec: c.taints ? { taints: structuredClone(c.taints) } : {} };
    newTaintNodesByCondition().admit?.(attributesFor({ operation: 'CREATE', kind: 'Node', resource: 'nodes', object: node }));
    assert.deepEqual((node.spec as { taints: unknown }).taints, c.want);
  });
}
