import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../runtime/object.js';
import { StatusError } from '../../../runtime/errors.js';
import { FakeDeps, attributesFor } from '../../testing.js';
import type { Operation } from '../../interfaces.js';
import { evaluatePod, forbiddenDetail, newPodSecurity, policyToEvaluate } from './index.js';
import type { Level, Version } from './checks.js';

const restrictedOk = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'c', image: 'i', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
};

const checkCases: { name: string; level: Level; version?: Version; spec: Record<string, unknown>; meta?: Record<string, unknown>; want: string }[] = [
  { name: 'restricted pod passes restricted', level: 'restricted', spec: restrictedOk, want: '' },
  {
    name: 'bare pod against restricted',
    level: 'restricted',
    spec: { containers: [{ name: 'c', image: 'i' }] },
    want: 'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  },
  {
    name: 'privileged pod against restricted: baseline reasons first',
    level: 'restricted',
    spec: { containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] },
    want: 'privileged (container "c" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  },
  { name: 'bare pod passes baseline', level: 'baseline', spec: { containers: [{ name: 'c', image: 'i' }] }, want: '' },
  { name: 'anything passes privileged', level: 'privileged', spec: { hostPID: true, containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] }, want: '' },
  { name: 'host namespaces', level: 'baseline', spec: { hostPID: true, hostNetwork: true, containers: [{ name: 'c', image: 'i' }] }, want: 'host namespaces (hostNetwork, hostPID)' },
  {
    name: 'hostPath volumes and host ports',
    level: 'baseline',
    spec: { volumes: [{ name: 'h', hostPath: { path: '/' } }], containers: [{ name: 'a', image: 'i', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 443 }] }, { name: 'b', image: 'i', ports: [{ containerPort: 80, hostPort: 80 }] }] },
    want: 'hostPath volumes (volume "h"), hostPort (containers "a", "b" use hostPorts 443, 80, 8080)',
  },
  {
    name: 'restricted replaces the hostPath check with volume types',
    level: 'restricted',
    spec: { ...restrictedOk, volumes: [{ name: 'h', hostPath: { path: '/' } }, { name: 'n', nfs: { server: 's', path: '/' } }, { name: 'e', emptyDir: {} }] },
    want: 'restricted volume types (volumes "h", "n" use restricted volume types "hostPath", "nfs")',
  },
  {
    name: 'capabilities',
    level: 'baseline',
    spec: { containers: [{ name: 'c', image: 'i', securityContext: { capabilities: { add: ['NET_ADMIN', 'CHOWN', 'SYS_ADMIN'] } } }] },
    want: 'non-default capabilities (container "c" must not include "NET_ADMIN", "SYS_ADMIN" in securityContext.capabilities.add)',
  },
  {
    name: 'restricted capabilities add',
    level: 'restricted',
    spec: { ...restrictedOk, containers: [{ name: 'c', image: 'i', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'CHOWN'] } } }] },
    want: 'unrestricted capabilities (container "c" must not include "CHOWN" in securityContext.capabilities.add)',
  },
  { name: 'seccomp Unconfined', level: 'baseline', spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'c', image: 'i' }] }, want: 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")' },
  { name: 'unsafe sysctls', level: 'baseline', spec: { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }] }, containers: [{ name: 'c', image: 'i' }] }, want: 'forbidden sysctls (kernel.msgmax)' },
  { name: 'sysctls allowed since 1.29 are refused by a v1.28 policy', level: 'baseline', version: 28, spec: { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '1' }] }, containers: [{ name: 'c', image: 'i' }] }, want: 'forbidden sysctls (net.ipv4.tcp_keepalive_time)' },
  { name: 'procMount', level: 'baseline', spec: { containers: [{ name: 'c', image: 'i', securityContext: { procMount: 'Unmasked' } }] }, want: 'procMount (container "c" must not set securityContext.procMount to "Unmasked")' },
  { name: 'seLinux', level: 'baseline', spec: { securityContext: { seLinuxOptions: { type: 'spc_t', user: 'u' } }, containers: [{ name: 'c', image: 'i' }] }, want: 'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)' },
  { name: 'AppArmor', level: 'baseline', spec: { containers: [{ name: 'c', image: 'i', securityContext: { appArmorProfile: { type: 'Unconfined' } } }] }, want: 'forbidden AppArmor profile (container "c" must not set AppArmor profile type to "Unconfined")' },
  { name: 'hostProcess', level: 'baseline', spec: { securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: 'c', image: 'i' }] }, want: 'hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)' },
  { name: 'runAsUser=0', level: 'restricted', spec: { ...restrictedOk, securityContext: { ...restrictedOk.securityContext, runAsUser: 0 } }, want: 'runAsUser=0 (pod must not set runAsUser=0)' },
  { name: 'runAsUser is not checked by a v1.22 policy', level: 'restricted', version: 22, spec: { ...restrictedOk, securityContext: { ...restrictedOk.securityContext, runAsUser: 0 } }, want: '' },
  { name: 'explicit runAsNonRoot=false', level: 'restricted', spec: { ...restrictedOk, securityContext: { ...restrictedOk.securityContext, runAsNonRoot: false } }, want: 'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)' },
];
for (const c of checkCases) {
  test(`PodSecurity checks: ${c.name}`, () => {
    assert.equal(forbiddenDetail(evaluatePod(c.level, c.version ?? 'latest', c.meta ?? {}, c.spec)), c.want);
  });
}

test('PodSecurity labels: levels, versions, errors, warn following a stricter enforce', () => {
  const defaults = { enforce: { level: 'privileged' as const, version: 'latest' as const }, audit: { level: 'privileged' as const, version: 'latest' as const }, warn: { level: 'privileged' as const, version: 'latest' as const } };
  const a = policyToEvaluate({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.25' }, defaults);
  assert.deepEqual(a.policy.enforce, { level: 'baseline', version: 25 });
  assert.deepEqual(a.policy.warn, { level: 'baseline', version: 25 });
  const b = policyToEvaluate({ 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/audit-version': '1.2' }, defaults);
  assert.equal(b.policy.enforce.level, 'restricted');
  assert.deepEqual(
    b.errors.map((e) => e.message()),
    ['metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted', 'metadata.labels[pod-security.kubernetes.io/audit-version]: Invalid value: "1.2": must be "latest" or "v1.x"'],
  );
});

function setup(labels: Record<string, string>): FakeDeps {
  const deps = new FakeDeps();
  deps.put('', 'namespaces', { metadata: { name: 'ns', labels } });
  return deps;
}

function podAttrs(obj: KubeObject, op: Operation = 'CREATE', old: KubeObject | null = null) {
  return attributesFor({ operation: op, kind: 'Pod', resource: 'pods', namespace: 'ns', object: obj, oldObject: old, user: { name: 'alice' } });
}

const privilegedPod = { metadata: { name: 'x', namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] } };

test('PodSecurity enforce refuses with Kubernetes\' message and records the policy', async () => {
  const plugin = newPodSecurity(setup({ 'pod-security.kubernetes.io/enforce': 'restricted' }));
  const attrs = podAttrs(structuredClone(privilegedPod));
  await assert.rejects(Promise.resolve(plugin.validate?.(attrs)), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 403);
    assert.equal(
      err.status.message,
      'pods "x" is forbidden: violates PodSecurity "restricted:latest": privileged (container "c" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    return true;
  });
  assert.deepEqual(attrs.annotations, { 'pod-security.kubernetes.io/enforce-policy': 'restricted:latest' });
  assert.deepEqual(attrs.warnings, []);
});

test('PodSecurity warn and audit', async () => {
  const plugin = newPodSecurity(setup({ 'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/audit': 'baseline', 'pod-security.kubernetes.io/audit-version': 'v1.30' }));
  const attrs = podAttrs(structuredClone(privilegedPod));
  await plugin.validate?.(attrs);
  assert.deepEqual(attrs.warnings, ['would violate PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)']);
  assert.deepEqual(attrs.annotations, {
    'pod-security.kubernetes.io/audit-violations': 'would violate PodSecurity "baseline:v1.30": privileged (container "c" must not set securityContext.privileged=true)',
    'pod-security.kubernetes.io/enforce-policy': 'privileged:latest',
  });
});

test('PodSecurity: workloads only warn, about their pod template', async () => {
  const plugin = newPodSecurity(setup({ 'pod-security.kubernetes.io/enforce': 'restricted' }));
  const deploy = { metadata: { name: 'd', namespace: 'ns' }, spec: { template: { metadata: {}, spec: privilegedPod.spec } } };
  const attrs = attributesFor({ operation: 'CREATE', group: 'apps', kind: 'Deployment', resource: 'deployments', namespace: 'ns', object: deploy });
  await plugin.validate?.(attrs);
  assert.equal(attrs.warnings.length, 1);
  assert.match(attrs.warnings[0], /^would violate PodSecurity "restricted:latest": privileged \(container "c"/);
});

test('PodSecurity: updates that change nothing significant are not re-evaluated', async () => {
  const plugin = newPodSecurity(setup({ 'pod-security.kubernetes.io/enforce': 'restricted' }));
  const old = structuredClone(privilegedPod);
  const relabeled = { ...structuredClone(privilegedPod), metadata: { name: 'x', namespace: 'ns', labels: { a: 'b' } } };
  await plugin.validate?.(podAttrs(relabeled, 'UPDATE', old));
  const reimaged = structuredClone(privilegedPod);
  reimaged.spec.containers[0].image = 'j';
  await assert.rejects(Promise.resolve(plugin.validate?.(podAttrs(reimaged, 'UPDATE', old))), /violates PodSecurity/);
});

test('PodSecurity exemptions and configured defaults', async () => {
  const deps = setup({});
  const config = { apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', defaults: { enforce: 'baseline' }, exemptions: { usernames: ['ci-bot'] } };
  const plugin = newPodSecurity(deps, config);
  await assert.rejects(Promise.resolve(plugin.validate?.(podAttrs(structuredClone(privilegedPod)))), /violates PodSecurity "baseline:latest"/);
  const bot = attributesFor({ operation: 'CREATE', kind: 'Pod', resource: 'pods', namespace: 'ns', object: structuredClone(privilegedPod), user: { name: 'ci-bot' } });
  await plugin.validate?.(bot);
  assert.deepEqual(bot.annotations, { 'pod-security.kubernetes.io/exempt': 'user' });
});

test('PodSecurity namespaces: invalid labels are refused, a stricter enforce level warns about existing pods', async () => {
  const deps = setup({});
  deps.put('', 'pods', privilegedPod);
  deps.put('', 'pods', { ...privilegedPod, metadata: { name: 'a', namespace: 'ns' } });
  deps.put('', 'pods', { ...privilegedPod, metadata: { name: 'h', namespace: 'ns' }, spec: { hostIPC: true, containers: [{ name: 'c', image: 'i' }] } });
  const plugin = newPodSecurity(deps);
  const bad = { metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'nope' } } };
  await assert.rejects(Promise.resolve(plugin.validate?.(attributesFor({ operation: 'CREATE', kind: 'Namespace', resource: 'namespaces', name: 'ns', object: bad }))), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 422);
    assert.equal(err.status.message, 'Namespace "ns" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "nope": must be one of privileged, baseline, restricted');
    return true;
  });
  const old = { metadata: { name: 'ns' } };
  const tightened = { metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } };
  const attrs = attributesFor({ operation: 'UPDATE', kind: 'Namespace', resource: 'namespaces', name: 'ns', namespace: 'ns', object: tightened, oldObject: old });
  await plugin.validate?.(attrs);
  assert.deepEqual(attrs.warnings, ['existing pods in namespace "ns" violate the new PodSecurity enforce level "baseline:latest"', 'a (and 1 other pod): privileged', 'h: host namespaces']);
});
