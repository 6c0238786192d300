import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../runtime/object.js';
import { FakeDeps, attributesFor } from '../../testing.js';
import { newServiceAccount, tokenVolumeSource } from './index.js';

function setup(): FakeDeps {
  const deps = new FakeDeps();
  deps.put('', 'serviceaccounts', { metadata: { name: 'default', namespace: 'ns' } });
  deps.put('', 'serviceaccounts', { metadata: { name: 'builder', namespace: 'ns' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'regcred' }] });
  deps.put('', 'serviceaccounts', { metadata: { name: 'strict', namespace: 'ns', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } }, secrets: [{ name: 'ok' }] });
  return deps;
}

async function admit(spec: Record<string, unknown>, deps = setup(), extraMeta: Record<string, unknown> = {}): Promise<KubeObject> {
  const plugin = newServiceAccount(deps, { defaultAttempts: 1 });
  const pod: KubeObject = { metadata: { name: 'p', namespace: 'ns', ...extraMeta }, spec };
  const attrs = attributesFor({ operation: 'CREATE', kind: 'Pod', resource: 'pods', namespace: 'ns', object: pod });
  await plugin.admit?.(attrs);
  await plugin.validate?.(attrs);
  return pod;
}

test('ServiceAccount: the default account and the kube-api-access projected volume are added', async () => {
  const pod = await admit({ initContainers: [{ name: 'init', image: 'i' }], containers: [{ name: 'c', image: 'i' }, { name: 'd', image: 'i', volumeMounts: [{ name: 'own', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }] });
  const spec = pod.spec as { serviceAccountName: string; volumes: { name: string; projected: unknown }[]; containers: { volumeMounts?: unknown[] }[]; initContainers: { volumeMounts?: unknown[] }[] };
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.volumes.length, 1);
  assert.match(spec.volumes[0].name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(spec.volumes[0].projected, tokenVolumeSource());
  assert.deepEqual(spec.volumes[0].projected, {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  });
  const mount = { name: spec.volumes[0].name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
  assert.deepEqual(spec.containers[0].volumeMounts, [mount]);
  assert.deepEqual(spec.initContainers[0].volumeMounts, [mount]);
  // A container that already mounts something at the token path keeps its own mount only.
  assert.equal(spec.containers[1].volumeMounts?.length, 1);
});

const automountCases = [
  { name: 'pod says false', spec: { automountServiceAccountToken: false, containers: [{ name: 'c', image: 'i' }] }, mounted: false },
  { name: 'account says false', spec: { serviceAccountName: 'builder', containers: [{ name: 'c', image: 'i' }] }, mounted: false },
  { name: 'pod true wins over account false', spec: { serviceAccountName: 'builder', automountServiceAccountToken: true, containers: [{ name: 'c', image: 'i' }] }, mounted: true },
  { name: 'an existing kube-api-access volume is reused', spec: { volumes: [{ name: 'kube-api-access-abcde', projected: { sources: [] } }], containers: [{ name: 'c', image: 'i' }] }, mounted: true },
];
for (const c of automountCases) {
  test(`ServiceAccount automount: ${c.name}`, async () => {
    const pod = await admit(structuredClone(c.spec));
    const spec = pod.spec as { volumes?: { name: string }[]; containers: { volumeMounts?: { name: string }[] }[] };
    assert.equal((spec.containers[0].volumeMounts ?? []).length > 0, c.mounted);
    if (c.mounted) assert.equal(spec.volumes?.filter((v) => v.name.startsWith('kube-api-access-')).length, 1);
  });
}

test('ServiceAccount: imagePullSecrets come from the account when the pod has none', async () => {
  const pod = await admit({ serviceAccountName: 'builder', containers: [{ name: 'c', image: 'i' }] });
  assert.deepEqual((pod.spec as { imagePullSecrets: unknown }).imagePullSecrets, [{ name: 'regcred' }]);
});

test('ServiceAccount: the deprecated serviceAccount field names the account', async () => {
  const pod = await admit({ serviceAccount: 'builder', containers: [{ name: 'c', image: 'i' }] });
  assert.equal((pod.spec as { serviceAccountName: string }).serviceAccountName, 'builder');
});

const refusals = [
  { name: 'missing account', spec: { serviceAccountName: 'ghost', containers: [{ name: 'c', image: 'i' }] }, message: 'pods "p" is forbidden: error looking up service account ns/ghost: serviceaccount "ghost" not found' },
  {
    name: 'enforced mountable secrets',
    spec: { serviceAccountName: 'strict', volumes: [{ name: 'v', secret: { secretName: 'other' } }], containers: [{ name: 'c', image: 'i' }] },
    message: 'pods "p" is forbidden: volume with secret.secretName="other" is not allowed because service account strict does not reference that secret',
  },
  {
    name: 'enforced mountable secrets in env',
    spec: { serviceAccountName: 'strict', containers: [{ name: 'c', image: 'i', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } }] }] },
    message: 'pods "p" is forbidden: container c with envVar X referencing secret.secretName="other" is not allowed because service account strict does not reference that secret',
  },
];
for (const c of refusals) {
  test(`ServiceAccount refuses: ${c.name}`, async () => {
    await assert.rejects(admit(c.spec), { message: c.message });
  });
}

test('ServiceAccount: mirror pods may not reference accounts or secrets', async () => {
  const mirror = { annotations: { 'kubernetes.io/config.mirror': 'x' } };
  await assert.rejects(admit({ serviceAccountName: 'default', containers: [{ name: 'c', image: 'i' }] }, setup(), mirror), { message: 'pods "p" is forbidden: a mirror pod may not reference service accounts' });
  await assert.rejects(admit({ volumes: [{ name: 'v', secret: { secretName: 's' } }], containers: [{ name: 'c', image: 'i' }] }, setup(), mirror), { message: 'pods "p" is forbidden: a mirror pod may not reference secrets' });
  const pod = await admit({ containers: [{ name: 'c', image: 'i' }] }, setup(), mirror);
  assert.equal((pod.spec as { serviceAccountName?: string }).serviceAccountName, undefined);
});

test('ServiceAccount: the default account is retried until a controller creates it', async () => {
  const deps = new FakeDeps();
  const plugin = newServiceAccount(deps, { defaultAttempts: 5, retryIntervalMs: () => 1 });
  let reads = 0;
  const get = deps.get.bind(deps);
  deps.get = async (g, r, ns, n) => {
    if (r === 'serviceaccounts' && ++reads === 3) deps.put('', 'serviceaccounts', { metadata: { name: 'default', namespace: 'ns' } });
    return get(g, r, ns, n);
  };
  const attrs = attributesFor({ operation: 'CREATE', kind: 'Pod', resource: 'pods', namespace: 'ns', object: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } } });
  await plugin.admit?.(attrs);
  // Three lookups until it appears, then the one of the validation step.
  assert.equal(reads, 4);
  assert.equal((attrs.object?.spec as { serviceAccountName: string }).serviceAccountName, 'default');
});
