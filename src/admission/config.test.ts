import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admissionOptionsFromFlags, buildAdmission, defaultAdmissionOptions, enabledPluginNames, readAdmissionConfiguration, validateAdmissionOptions } from './config.js';
import { FakeDeps, attributesFor } from './testing.js';

test('the default chain is kube-apiserver 1.33\'s default-on set in its order', () => {
  assert.deepEqual(enabledPluginNames(defaultAdmissionOptions()), [
    'NamespaceLifecycle',
    'LimitRanger',
    'ServiceAccount',
    'TaintNodesByCondition',
    'PodSecurity',
    'Priority',
    'DefaultTolerationSeconds',
    'DefaultStorageClass',
    'StorageObjectInUseProtection',
    'PersistentVolumeClaimResize',
    'RuntimeClass',
    'CertificateApproval',
    'CertificateSigning',
    'ClusterTrustBundleAttest',
    'CertificateSubjectRestriction',
    'DefaultIngressClass',
    'PodTopologyLabels',
    'MutatingAdmissionPolicy',
    'MutatingAdmissionWebhook',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionWebhook',
    'ResourceQuota',
  ]);
});

test('enabled plugins take their place in the recommended order, whatever the flag order; disabled ones leave', () => {
  const opts = admissionOptionsFromFlags({ 'enable-admission-plugins': 'AlwaysPullImages, NamespaceExists', 'disable-admission-plugins': 'PodSecurity,ResourceQuota' });
  const names = enabledPluginNames(opts);
  assert.ok(names.indexOf('NamespaceExists') === names.indexOf('NamespaceLifecycle') + 1);
  assert.ok(names.indexOf('AlwaysPullImages') > names.indexOf('TaintNodesByCondition') && names.indexOf('AlwaysPullImages') < names.indexOf('Priority'));
  assert.ok(!names.includes('PodSecurity') && !names.includes('ResourceQuota'));
});

const validationCases = [
  { name: 'unknown enabled plugin', flags: { 'enable-admission-plugins': 'Foo' }, want: ['enable-admission-plugins plugin "Foo" is unknown'] },
  { name: 'unknown disabled plugin', flags: { 'disable-admission-plugins': 'Bar' }, want: ['disable-admission-plugins plugin "Bar" is unknown'] },
  {
    name: 'overlap',
    flags: { 'enable-admission-plugins': 'PodSecurity,AlwaysDeny', 'disable-admission-plugins': 'AlwaysDeny,PodSecurity' },
    want: ['[AlwaysDeny PodSecurity] in enable-admission-plugins and disable-admission-plugins overlapped'],
  },
  { name: 'valid', flags: { 'enable-admission-plugins': 'NodeRestriction' }, want: [] },
];
for (const c of validationCases) {
  test(`flag validation: ${c.name}`, () => {
    assert.deepEqual(validateAdmissionOptions(admissionOptionsFromFlags(c.flags)), c.want);
  });
}

test('buildAdmission refuses unknown plugins with kube-apiserver\'s text', () => {
  assert.throws(() => buildAdmission(admissionOptionsFromFlags({ 'enable-admission-plugins': 'Nope' }), new FakeDeps()), { message: 'enable-admission-plugins plugin "Nope" is unknown' });
});

test('buildAdmission leaves out default-on plugins implemented elsewhere until they are registered', () => {
  const built = buildAdmission(defaultAdmissionOptions(), new FakeDeps());
  assert.ok(!built.plugins.some((p) => p.name === 'MutatingAdmissionWebhook'));
  const withHook = buildAdmission(defaultAdmissionOptions(), new FakeDeps(), { MutatingAdmissionWebhook: () => ({ name: 'MutatingAdmissionWebhook', handles: () => true }) });
  const names = withHook.plugins.map((p) => p.name);
  assert.ok(names.indexOf('MutatingAdmissionWebhook') > names.indexOf('DefaultIngressClass') && names.indexOf('MutatingAdmissionWebhook') < names.indexOf('ResourceQuota'));
});

test('AdmissionConfiguration: embedded configuration and relative paths', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kapi-admission-'));
  writeFileSync(join(dir, 'psa.yaml'), 'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: baseline\nexemptions:\n  namespaces: [kube-system]\n');
  const file = join(dir, 'admission.yaml');
  writeFileSync(file, 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: psa.yaml\n- name: ResourceQuota\n  configuration:\n    limitedResources: []\n');
  const configs = readAdmissionConfiguration(file);
  assert.deepEqual(configs, [{ name: 'PodSecurity', path: join(dir, 'psa.yaml') }, { name: 'ResourceQuota', configuration: { limitedResources: [] } }]);

  // The PodSecurity defaults from the file apply: baseline is enforced in unlabeled namespaces.
  const deps = new FakeDeps();
  deps.put('', 'namespaces', { metadata: { name: 'ns' } });
  deps.put('', 'serviceaccounts', { metadata: { name: 'default', namespace: 'ns' } });
  const chain = buildAdmission({ ...defaultAdmissionOptions(), configFile: file }, deps);
  const pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'i' }] } };
  const attrs = attributesFor({ operation: 'CREATE', kind: 'Pod', resource: 'pods', namespace: 'ns', object: pod });
  await chain.admit(attrs);
  await assert.rejects(chain.validate(attrs), { message: 'pods "p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork)' });
});

test('AdmissionConfiguration errors', () => {
  assert.throws(() => buildAdmission({ ...defaultAdmissionOptions(), configFile: '/nonexistent/admission.yaml' }, new FakeDeps()), /^Error: failed to read plugin config: unable to read admission control configuration from "\/nonexistent\/admission.yaml"/);
  const dir = mkdtempSync(join(tmpdir(), 'kapi-admission-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\n');
  assert.throws(() => readAdmissionConfiguration(file), /no kind "ConfigMap" is registered for version "v1"/);
});
