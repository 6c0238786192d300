import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributesFor } from '../../testing.js';
import { newDefaultTolerationSeconds } from './index.js';

const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };

const cases = [
  { name: 'both added', tolerations: undefined, want: [notReady, unreachable] },
  { name: 'an existing not-ready toleration is kept', tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }], want: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }, unreachable] },
  { name: 'a toleration of everything covers both', tolerations: [{ operator: 'Exists' }], want: [{ operator: 'Exists' }] },
  { name: 'NoSchedule does not count', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }], want: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }, notReady, unreachable] },
];
for (const c of cases) {
  test(`DefaultTolerationSeconds: ${c.name}`, () => {
    const pod = { metadata: { name: 'p' }, spec: c.tolerations ? { tolerations: structuredClone(c.tolerations) } : {} };
    newDefaultTolerationSeconds().admit?.(attributesFor({ operation: 'CREATE', kind: 'Pod', resource: 'pods', namespace: 'ns', object: pod }));
    assert.deepEqual((pod.spec as { tolerations: unknown }).tolerations, c.want);
  });
}

test('DefaultTolerationSeconds: the flag values are used', () => {
  const pod = { metadata: { name: 'p' }, spec: {} };
  newDefaultTolerationSeconds(10, 20).admit?.(attributesFor({ operation: 'CREATE', kind: 'Pod', resource: 'pods', namespace: 'ns', object: pod }));
  assert.deepEqual((pod.spec as { tolerations: { tolerationSeconds: number }[] }).tolerations.map((t) => t.tolerationSeconds), [10, 20]);
});
