/**
 * The admission plugin registry (k8s.io/apiserver/pkg/admission/plugins.go
 * and kube-apiserver's pkg/kubeapiserver/options/plugins.go, restated):
 * every plugin name kube-apiserver 1.33 knows, in its execution order, the
 * default-on set, and name → factory for the plugins kapi implements.
 *
 * Execution order is this list filtered to the enabled plugins, whatever
 * order the flags name them in. Mutating plugins all run before validating
 * ones, so the relative order only matters within a phase.
 */
import type { AdmissionDeps } from './deps.js';
import type { AdmissionPlugin } from './interfaces.js';

/** Every admission plugin of kube-apiserver 1.33, in execution order. */
export const allOrderedPlugins: readonly string[] = [
  'AlwaysAdmit',
  'NamespaceAutoProvision',
  'NamespaceLifecycle',
  'NamespaceExists',
  'LimitPodHardAntiAffinityTopology',
  'LimitRanger',
  'ServiceAccount',
  'NodeRestriction',
  'TaintNodesByCondition',
  'AlwaysPullImages',
  'ImagePolicyWebhook',
  'PodSecurity',
  'PodNodeSelector',
  'Priority',
  'DefaultTolerationSeconds',
  'PodTolerationRestriction',
  'EventRateLimit',
  'ExtendedResourceToleration',
  'DefaultStorageClass',
  'StorageObjectInUseProtection',
  'OwnerReferencesPermissionEnforcement',
  'PersistentVolumeClaimResize',
  'RuntimeClass',
  'CertificateApproval',
  'CertificateSigning',
  'ClusterTrustBundleAttest',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  'DenyServiceExternalIPs',
  'PodTopologyLabels',
  // Webhooks, policies, quota and deny always come last.
  'MutatingAdmissionPolicy',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
  'AlwaysDeny',
];

/** Plugins enabled when the flags say nothing about them. */
export const defaultOnPlugins: ReadonlySet<string> = new Set([
  'NamespaceLifecycle',
  'LimitRanger',
  'ServiceAccount',
  'DefaultStorageClass',
  'PersistentVolumeClaimResize',
  'DefaultTolerationSeconds',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
  'StorageObjectInUseProtection',
  'Priority',
  'TaintNodesByCondition',
  'RuntimeClass',
  'CertificateApproval',
  'CertificateSigning',
  'ClusterTrustBundleAttest',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  'PodSecurity',
  'PodTopologyLabels',
  'MutatingAdmissionPolicy',
  'ValidatingAdmissionPolicy',
]);

/**
 * Builds one plugin. `config` is the plugin's configuration from the
 * AdmissionConfiguration file (the decoded `configuration` object, or the
 * decoded contents of `path`), undefined when there is none.
 */
export type PluginFactory = (config: unknown, deps: AdmissionDeps) => AdmissionPlugin;

/** Name → factory. */
export class AdmissionPlugins {
  private readonly factories = new Map<string, PluginFactory>();

  /** Registers (or replaces) the factory of a plugin. */
  register(name: string, factory: PluginFactory): void {
    this.factories.set(name, factory);
  }

  /** The factory of a plugin, if kapi implements it. */
  factory(name: string): PluginFactory | undefined {
    return this.factories.get(name);
  }

  /** Whether kapi can build the plugin. */
  has(name: string): boolean {
    return this.factories.has(name);
  }

  /** Every name the flags accept (kube-apiserver's registered plugins), sorted. */
  registered(): string[] {
    return [...new Set([...allOrderedPlugins, ...this.factories.keys()])].sort();
  }
}
