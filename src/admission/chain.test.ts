import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newAdmissionChain } from './interfaces.js';
import type { AdmissionPlugin, Attributes, ReinvocationPolicy } from './interfaces.js';
import { attributesFor } from './testing.js';

function podAttrs(): Attributes {
  return attributesFor({ operation: 'CREATE', kind: 'Pod', resource: 'pods', namespace: 'ns', object: { metadata: { name: 'p', labels: {} } } });
}

/** A plugin that records its calls and optionally sets a label. */
function recorder(name: string, calls: string[], opts: { set?: [string, string]; policy?: ReinvocationPolicy; fail?: string } = {}): AdmissionPlugin {
  return {
    name,
    handles: (op) => op === 'CREATE',
    reinvocationPolicy: opts.policy,
    admit(attrs) {
      calls.push(`admit:${name}${attrs.reinvocation?.isReinvoke() ? '(again)' : ''}`);
      if (opts.set) (attrs.object?.metadata?.labels as Record<string, string>)[opts.set[0]] = opts.set[1];
    },
    validate() {
      calls.push(`validate:${name}`);
      if (opts.fail) throw new Error(opts.fail);
    },
  };
}

test('mutating plugins run in order, then validating plugins, and the first error stops the chain', async () => {
  const calls: string[] = [];
  const chain = newAdmissionChain([recorder('A', calls), recorder('B', calls, { fail: 'no' }), recorder('C', calls)]);
  const attrs = podAttrs();
  await chain.admit(attrs);
  await assert.rejects(chain.validate(attrs), /no/);
  assert.deepEqual(calls, ['admit:A', 'admit:B', 'admit:C', 'validate:A', 'validate:B']);
});

test('plugins that do not handle the operation are skipped', async () => {
  const calls: string[] = [];
  const chain = newAdmissionChain([recorder('A', calls)]);
  await chain.admit({ ...podAttrs(), operation: 'DELETE' });
  assert.deepEqual(calls, []);
});

const reinvocationCases: { name: string; plugins: (calls: string[]) => AdmissionPlugin[]; want: string[] }[] = [
  {
    name: 'no IfNeeded plugin: one round',
    plugins: (c) => [recorder('A', c), recorder('B', c, { set: ['b', '1'] })],
    want: ['admit:A', 'admit:B'],
  },
  {
    name: 'IfNeeded plugin followed by a mutation: a second round re-runs it and the in-tree plugins',
    plugins: (c) => [recorder('intree', c), recorder('hook', c, { policy: 'IfNeeded' }), recorder('later', c, { set: ['x', '1'] })],
    want: ['admit:intree', 'admit:hook', 'admit:later', 'admit:intree(again)', 'admit:hook(again)', 'admit:later(again)'],
  },
  {
    name: 'IfNeeded plugin followed by plugins that change nothing: no second round',
    plugins: (c) => [recorder('hook', c, { policy: 'IfNeeded' }), recorder('later', c)],
    want: ['admit:hook', 'admit:later'],
  },
  {
    name: 'a mutation before the IfNeeded plugin does not trigger it',
    plugins: (c) => [recorder('early', c, { set: ['e', '1'] }), recorder('hook', c, { policy: 'IfNeeded' })],
    want: ['admit:early', 'admit:hook'],
  },
  {
    name: 'Never plugins are not re-run',
    plugins: (c) => [recorder('never', c, { policy: 'Never' }), recorder('hook', c, { policy: 'IfNeeded' }), recorder('later', c, { set: ['x', '2'] })],
    want: ['admit:never', 'admit:hook', 'admit:later', 'admit:hook(again)', 'admit:later(again)'],
  },
];

for (const c of reinvocationCases) {
  test(`reinvocation: ${c.name}`, async () => {
    const calls: string[] = [];
    await newAdmissionChain(c.plugins(calls)).admit(podAttrs());
    assert.deepEqual(calls, c.want);
  });
}

test('a plugin can ask for reinvocation itself (webhooks decide per hook)', async () => {
  const calls: string[] = [];
  const selfManaged: AdmissionPlugin = {
    name: 'MutatingAdmissionWebhook',
    handles: () => true,
    admit(attrs) {
      const again = attrs.reinvocation?.isReinvoke() ?? false;
      calls.push(`webhook${again ? '(again)' : ''}`);
      if (!again) attrs.reinvocation?.setShouldReinvoke();
    },
  };
  await newAdmissionChain([recorder('A', calls), selfManaged]).admit(podAttrs());
  assert.deepEqual(calls, ['admit:A', 'webhook', 'admit:A(again)', 'webhook(again)']);
});

test('a plugin that replaces attrs.object mutates the caller\'s object in place', async () => {
  const replacer: AdmissionPlugin = {
    name: 'R',
    handles: () => true,
    admit(attrs) {
      attrs.object = { metadata: { name: 'p', labels: { patched: 'yes' } } };
    },
  };
  const attrs = podAttrs();
  const original = attrs.object;
  await newAdmissionChain([replacer]).admit(attrs);
  assert.equal(attrs.object, original);
  assert.deepEqual(original?.metadata?.labels, { patched: 'yes' });
});
