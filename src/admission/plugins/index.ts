/**
 * Registers every built-in plugin kapi implements with its factory
 * (kube-apiserver's RegisterAllAdmissionPlugins). Webhooks and
 * ValidatingAdmissionPolicy are registered by their own modules through
 * buildAdmission's `extra` factories.
 */
import type { AdmissionOptions } from '../config.js';
import type { AdmissionPlugins } from '../registry.js';
import { newCertificateApproval } from './certificateapproval/index.js';
import { newCertificateSigning } from './certificatesigning/index.js';
import { newCertificateSubjectRestriction } from './certificatesubjectrestriction/index.js';
import { newDefaultIngressClass } from './defaultingressclass/index.js';
import { newDefaultStorageClass } from './defaultstorageclass/index.js';
import { newDefaultTolerationSeconds } from './defaulttolerationseconds/index.js';
import { newLimitRanger } from './limitranger/index.js';
import { newNamespaceLifecycle } from './namespacelifecycle/index.js';
import { newPersistentVolumeClaimResize } from './persistentvolumeclaimresize/index.js';
import { newPodSecurity } from './podsecurity/index.js';
import { newPriority } from './priority/index.js';
import { newResourceQuota } from './resourcequota/index.js';
import { newRuntimeClass } from './runtimeclass/index.js';
import { newServiceAccount } from './serviceaccount/index.js';
import { newAlwaysAdmit, newAlwaysDeny, newAlwaysPullImages, newInactive, newNamespaceExists } from './simple/index.js';
import { newStorageObjectInUseProtection } from './storageobjectinuseprotection/index.js';
import { newTaintNodesByCondition } from './taintnodesbycondition/index.js';

/** Adds kapi's built-in plugin factories to the registry. */
export function registerBuiltinPlugins(plugins: AdmissionPlugins, opts: Pick<AdmissionOptions, 'defaultNotReadyTolerationSeconds' | 'defaultUnreachableTolerationSeconds'>): void {
  plugins.register('AlwaysAdmit', () => newAlwaysAdmit());
  plugins.register('AlwaysDeny', () => newAlwaysDeny());
  plugins.register('AlwaysPullImages', () => newAlwaysPullImages());
  plugins.register('NamespaceExists', (_c, deps) => newNamespaceExists(deps));
  plugins.register('NamespaceLifecycle', (_c, deps) => newNamespaceLifecycle(deps));
  plugins.register('LimitRanger', (_c, deps) => newLimitRanger(deps));
  plugins.register('ServiceAccount', (_c, deps) => newServiceAccount(deps));
  plugins.register('TaintNodesByCondition', () => newTaintNodesByCondition());
  plugins.register('PodSecurity', (c, deps) => newPodSecurity(deps, c));
  plugins.register('Priority', (_c, deps) => newPriority(deps));
  plugins.register('DefaultTolerationSeconds', () => newDefaultTolerationSeconds(opts.defaultNotReadyTolerationSeconds, opts.defaultUnreachableTolerationSeconds));
  plugins.register('DefaultStorageClass', (_c, deps) => newDefaultStorageClass(deps));
  plugins.register('StorageObjectInUseProtection', () => newStorageObjectInUseProtection());
  plugins.register('PersistentVolumeClaimResize', (_c, deps) => newPersistentVolumeClaimResize(deps));
  plugins.register('RuntimeClass', (_c, deps) => newRuntimeClass(deps));
  plugins.register('CertificateApproval', (_c, deps) => newCertificateApproval(deps));
  plugins.register('CertificateSigning', (_c, deps) => newCertificateSigning(deps));
  plugins.register('CertificateSubjectRestriction', () => newCertificateSubjectRestriction());
  plugins.register('DefaultIngressClass', (_c, deps) => newDefaultIngressClass(deps));
  plugins.register('ResourceQuota', (c, deps) => newResourceQuota(deps, c));
  // Off by default in 1.33 (feature gates / beta APIs that are not served): admit everything.
  for (const name of ['ClusterTrustBundleAttest', 'PodTopologyLabels', 'MutatingAdmissionPolicy']) plugins.register(name, () => newInactive(name));
}
