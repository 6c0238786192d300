import test from 'node:test';
import assert from 'node:assert/strict';
import { MemoryRbacStore, roleObject } from '../testing.js';
import { aggregatedRules, ClusterRoleAggregator } from './aggregation.js';
import { RbacCache, roleEntryOf } from './cache.js';
import { policyRuleFromJson, policyRuleToJson } from './rule.js';

const sel = { 'example.com/aggregate-to-monitor': 'true' };

test('aggregatedRules unions matching roles by name, without duplicates or itself', () => {
  const target = roleEntryOf(roleObject('monitor', [], { aggregate: [sel], labels: sel }));
  const all = [
    target,
    roleEntryOf(roleObject('b-pods', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], { labels: sel })),
    roleEntryOf(roleObject('a-nodes', [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }], { labels: sel })),
    roleEntryOf(roleObject('unrelated', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }])),
  ];
  assert.deepEqual(aggregatedRules(target, all)?.map(policyRuleToJson), [
    { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
  ]);
  assert.equal(aggregatedRules(all[1], all), undefined);
});

test('the aggregator keeps an aggregated ClusterRole current', async () => {
  const store = new MemoryRbacStore();
  await store.seed('clusterroles', roleObject('monitor', [], { aggregate: [sel] }));
  const cache = new RbacCache();
  await cache.start(store);
  const aggregator = new ClusterRoleAggregator(cache, {
    async updateRules(name, rules) {
      const cur = await store.get('clusterroles', '', name);
      assert.ok(cur);
      await store.update('clusterroles', { ...cur, rules: rules.map(policyRuleToJson) });
    },
  });
  aggregator.start();
  try {
    await store.create('clusterroles', roleObject('pods', [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }], { labels: sel }));
    await cache.waitUntil((c) => c.getClusterRole('monitor')?.rules.length === 1);
    await store.create('clusterroles', roleObject('svc', [{ verbs: ['list'], apiGroups: [''], resources: ['services'] }], { labels: sel }));
    await cache.waitUntil((c) => c.getClusterRole('monitor')?.rules.length === 2);
    assert.deepEqual(
      cache.getClusterRole('monitor')?.rules.map((r) => r.resources[0]),
      ['pods', 'services'],
    );
    // Removing a source removes its rules.
    await store.delete('clusterroles', '', 'pods');
    await cache.waitUntil((c) => c.getClusterRole('monitor')?.rules.length === 1);
    assert.deepEqual(cache.getClusterRole('monitor')?.rules[0], policyRuleFromJson({ verbs: ['list'], apiGroups: [''], resources: ['services'] }));
    await aggregator.idle();
  } finally {
    aggregator.stop();
    cache.stop();
  }
});
