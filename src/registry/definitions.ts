/**
 * The built-in resources kapi serves: every group/version/resource of the
 * kube-apiserver 1.33 default set (plus the beta versions `--runtime-config`
 * can turn on), with names, scope, short names, categories, subresources,
 * storage version and etcd key prefixes as kube-apiserver has them.
 * Strategies come from src/apis, table columns from src/printers,
 * conversions from src/registry/conversion.
 */
import { strategyFor, selectableFieldsFor } from '../apis/index.js';
import { tableConvertorFor } from '../printers/index.js';
import type { KubeObject } from '../runtime/object.js';
import { kindDef } from '../runtime/catalog/catalog.js';
import { labelSelectorToString } from '../runtime/labels/selector.js';
import type { ResourceDefinition, ScaleDefinition, SubresourceDefinition, Verb } from './rest/definition.js';

/** The verbs of a stored resource. */
export const storedVerbs: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const subVerbs: Verb[] = ['get', 'patch', 'update'];

/** The Kubernetes release kapi reproduces (deprecations at or before it warn). */
export const kubernetesMinor = 33;

/** A group, version and kind. */
export interface GroupVersionKindRef {
  group: string;
  version: string;
  kind: string;
}

/**
 * The lifecycle of a deprecated version, as Kubernetes' prerelease-lifecycle
 * tags record it; the `Warning` header text is derived from it.
 */
export interface Deprecation {
  /** Minor release it is deprecated in (`31` for 1.31). */
  deprecatedIn: number;
  /** Minor release it stops being served in. */
  removedIn?: number;
  /** What to use instead. */
  replacement?: GroupVersionKindRef;
}

/**
 * Resources whose behaviour is not the generic store's; the lead wires each
 * to its handler.
 * - `binding`: POST `/api/v1/namespaces/{ns}/bindings` (Binding, name = pod) — same as pods/binding.
 * - `componentStatus`: read-only list/get of control-plane health (scheduler, controller-manager, etcd-0).
 * - `tokenReview`, `subjectAccessReview`, `localSubjectAccessReview`, `selfSubjectAccessReview`,
 *   `selfSubjectRulesReview`, `selfSubjectReview`: create-only reviews answered from the
 *   authenticator / authorizer, never stored (201 with the review's status filled in).
 */
export type SpecialHandler =
  | 'binding'
  | 'componentStatus'
  | 'tokenReview'
  | 'subjectAccessReview'
  | 'localSubjectAccessReview'
  | 'selfSubjectAccessReview'
  | 'selfSubjectRulesReview'
  | 'selfSubjectReview';

/** A static description of one resource in one served version. */
export interface ResourceSpec {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Subresource names: status, scale, token, binding, eviction, log, exec, ... */
  subresources?: string[];
  /** Only `create` (review APIs and bindings, not persisted). */
  createOnly?: boolean;
  /** Served by a dedicated handler rather than the generic store (see {@link SpecialHandler}). */
  special?: SpecialHandler;
  /** Storage key prefix under /registry when it is not the plural. */
  storagePrefix?: string;
  /** Version objects are stored in, when not `version` (a converter must exist). */
  storageVersion?: string;
  /** Group objects are stored in, when not `group` (events.k8s.io Events are core v1 Events). */
  storageGroup?: string;
  /** Served without `--runtime-config` (default true); false for beta versions off by default. */
  defaultEnabled?: boolean;
  /** Set when requests to this version get the deprecation `Warning`. */
  deprecation?: Deprecation;
  /** Override of verbs. */
  verbs?: Verb[];
  /** Protobuf package segment when it differs from the group's first label (e.g. rbac). */
  protoPackage?: string;
}

/** Protobuf package of an API group (`k8s.io.api.<pkg>.<version>`). */
function protoPackageOf(group: string): string {
  if (group === '') return 'core';
  const map: Record<string, string> = {
    'rbac.authorization.k8s.io': 'rbac',
    'flowcontrol.apiserver.k8s.io': 'flowcontrol',
    'internal.apiserver.k8s.io': 'apiserverinternal',
  };
  return map[group] ?? group.split('.')[0];
}

function subresourceDef(spec: ResourceSpec, name: string): SubresourceDefinition {
  switch (name) {
    case 'scale':
      return { name, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: subVerbs };
    case 'token':
      return { name, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] };
    case 'binding':
      return { name, group: '', version: 'v1', kind: 'Binding', verbs: ['create'] };
    case 'eviction':
      return { name, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] };
    case 'log':
      return { name, group: '', version: 'v1', kind: 'Pod', verbs: ['get'] };
    case 'exec':
      return { name, group: '', version: 'v1', kind: 'PodExecOptions', verbs: ['create', 'get'] };
    case 'attach':
      return { name, group: '', version: 'v1', kind: 'PodAttachOptions', verbs: ['create', 'get'] };
    case 'portforward':
      return { name, group: '', version: 'v1', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] };
    case 'proxy':
      return { name, group: '', version: 'v1', kind: `${spec.kind}ProxyOptions`, verbs: ['create', 'delete', 'get', 'patch', 'update'] };
    case 'finalize':
      return { name, group: spec.group, version: spec.version, kind: spec.kind, verbs: ['update'] };
    default:
      // status, approval, ephemeralcontainers, resize: the parent kind.
      return { name, group: spec.group, version: spec.version, kind: spec.kind, verbs: subVerbs };
  }
}

function num(v: unknown, dflt: number): number {
  return typeof v === 'number' ? v : dflt;
}

/** Scale for workloads whose selector is a metav1.LabelSelector at spec.selector. */
const labelSelectorScale: ScaleDefinition = {
  specReplicas: (o) => num((o.spec as Record<string, unknown> | undefined)?.replicas, 1),
  setSpecReplicas: (o, n) => {
    o.spec = { ...((o.spec as Record<string, unknown>) ?? {}), replicas: n };
  },
  statusReplicas: (o) => num((o.status as Record<string, unknown> | undefined)?.replicas, 0),
  selector: (o) => {
    const sel = (o.spec as Record<string, unknown> | undefined)?.selector;
    return sel && typeof sel === 'object' ? labelSelectorToString(sel as Parameters<typeof labelSelectorToString>[0]) : '';
  },
};

/** Scale for ReplicationControllers, whose selector is a plain map. */
const mapSelectorScale: ScaleDefinition = {
  ...labelSelectorScale,
  selector: (o) => {
    const sel = (o.spec as Record<string, unknown> | undefined)?.selector as Record<string, string> | undefined;
    return sel ? Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',') : '';
  },
};

const all = ['all'];
const apiExtensions = ['api-extensions'];
const withoutDeleteCollection: Verb[] = storedVerbs.filter((v) => v !== 'deletecollection');

/**
 * Every built-in resource, groups in discovery priority order, the preferred
 * version of a group first. Specs with `defaultEnabled: false` are served only
 * when `--runtime-config` enables them (see runtimeconfig.ts).
 */
export const builtinResources: ResourceSpec[] = [
  // core/v1
  { group: '', version: 'v1', kind: 'Binding', resource: 'bindings', namespaced: true, createOnly: true, special: 'binding' },
  {
    group: '', version: 'v1', kind: 'ComponentStatus', resource: 'componentstatuses', namespaced: false, shortNames: ['cs'],
    verbs: ['get', 'list'], special: 'componentStatus', deprecation: { deprecatedIn: 19 },
  },
  { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespaced: true, shortNames: ['cm'] },
  {
    group: '', version: 'v1', kind: 'Endpoints', resource: 'endpoints', namespaced: true, shortNames: ['ep'], storagePrefix: 'services/endpoints',
    deprecation: { deprecatedIn: 33, replacement: { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' } },
  },
  { group: '', version: 'v1', kind: 'Event', resource: 'events', namespaced: true, shortNames: ['ev'] },
  { group: '', version: 'v1', kind: 'LimitRange', resource: 'limitranges', namespaced: true, shortNames: ['limits'] },
  { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'], verbs: withoutDeleteCollection },
  { group: '', version: 'v1', kind: 'Node', resource: 'nodes', namespaced: false, shortNames: ['no'], subresources: ['status', 'proxy'], storagePrefix: 'minions' },
  { group: '', version: 'v1', kind: 'PersistentVolumeClaim', resource: 'persistentvolumeclaims', namespaced: true, shortNames: ['pvc'], subresources: ['status'] },
  { group: '', version: 'v1', kind: 'PersistentVolume', resource: 'persistentvolumes', namespaced: false, shortNames: ['pv'], subresources: ['status'] },
  {
    group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true, shortNames: ['po'], categories: all,
    subresources: ['status', 'binding', 'eviction', 'ephemeralcontainers', 'resize', 'log', 'exec', 'attach', 'portforward', 'proxy'],
  },
  { group: '', version: 'v1', kind: 'PodTemplate', resource: 'podtemplates', namespaced: true },
  {
    group: '', version: 'v1', kind: 'ReplicationController', resource: 'replicationcontrollers', namespaced: true, shortNames: ['rc'], categories: all,
    subresources: ['status', 'scale'], storagePrefix: 'controllers',
  },
  { group: '', version: 'v1', kind: 'ResourceQuota', resource: 'resourcequotas', namespaced: true, shortNames: ['quota'], subresources: ['status'] },
  { group: '', version: 'v1', kind: 'Secret', resource: 'secrets', namespaced: true },
  { group: '', version: 'v1', kind: 'ServiceAccount', resource: 'serviceaccounts', namespaced: true, shortNames: ['sa'], subresources: ['token'] },
  { group: '', version: 'v1', kind: 'Service', resource: 'services', namespaced: true, shortNames: ['svc'], categories: all, subresources: ['status', 'proxy'], storagePrefix: 'services/specs' },

  // apiregistration.k8s.io/v1 (objects only; aggregation is its own concern)
  {
    group: 'apiregistration.k8s.io', version: 'v1', kind: 'APIService', resource: 'apiservices', namespaced: false, categories: apiExtensions,
    subresources: ['status'], storagePrefix: 'apiregistration.k8s.io/apiservices',
  },

  // apps/v1
  { group: 'apps', version: 'v1', kind: 'ControllerRevision', resource: 'controllerrevisions', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', resource: 'daemonsets', namespaced: true, shortNames: ['ds'], categories: all, subresources: ['status'] },
  { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true, shortNames: ['deploy'], categories: all, subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', resource: 'replicasets', namespaced: true, shortNames: ['rs'], categories: all, subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', resource: 'statefulsets', namespaced: true, shortNames: ['sts'], categories: all, subresources: ['status', 'scale'] },

  // events.k8s.io/v1: the core v1 Events, in other field names, in the same keys.
  { group: 'events.k8s.io', version: 'v1', kind: 'Event', resource: 'events', namespaced: true, shortNames: ['ev'], storagePrefix: 'events', storageGroup: '', storageVersion: 'v1' },

  // authentication.k8s.io
  { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', resource: 'selfsubjectreviews', namespaced: false, createOnly: true, special: 'selfSubjectReview' },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview', resource: 'tokenreviews', namespaced: false, createOnly: true, special: 'tokenReview' },
  // Not served by kube-apiserver 1.33 (removed in 1.33); kapi keeps it on because kubectl 1.27 `auth whoami` asks only v1beta1.
  {
    group: 'authentication.k8s.io', version: 'v1beta1', kind: 'SelfSubjectReview', resource: 'selfsubjectreviews', namespaced: false, createOnly: true,
    special: 'selfSubjectReview', deprecation: { deprecatedIn: 30, removedIn: 33 },
  },

  // authorization.k8s.io/v1
  { group: 'authorization.k8s.io', version: 'v1', kind: 'LocalSubjectAccessReview', resource: 'localsubjectaccessreviews', namespaced: true, createOnly: true, special: 'localSubjectAccessReview' },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', resource: 'selfsubjectaccessreviews', namespaced: false, createOnly: true, special: 'selfSubjectAccessReview' },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', resource: 'selfsubjectrulesreviews', namespaced: false, createOnly: true, special: 'selfSubjectRulesReview' },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview', resource: 'subjectaccessreviews', namespaced: false, createOnly: true, special: 'subjectAccessReview' },

  // autoscaling: v2 preferred and the storage version; v1 converted.
  {
    group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', resource: 'horizontalpodautoscalers', namespaced: true, shortNames: ['hpa'], categories: all,
    subresources: ['status'], storageVersion: 'v2',
  },
  {
    group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler', resource: 'horizontalpodautoscalers', namespaced: true, shortNames: ['hpa'], categories: all,
    subresources: ['status'], storageVersion: 'v2',
  },

  // batch/v1
  { group: 'batch', version: 'v1', kind: 'CronJob', resource: 'cronjobs', namespaced: true, shortNames: ['cj'], categories: all, subresources: ['status'] },
  { group: 'batch', version: 'v1', kind: 'Job', resource: 'jobs', namespaced: true, categories: all, subresources: ['status'] },

  // certificates.k8s.io
  {
    group: 'certificates.k8s.io', version: 'v1', kind: 'CertificateSigningRequest', resource: 'certificatesigningrequests', namespaced: false, shortNames: ['csr'],
    subresources: ['status', 'approval'],
  },
  { group: 'certificates.k8s.io', version: 'v1beta1', kind: 'ClusterTrustBundle', resource: 'clustertrustbundles', namespaced: false, defaultEnabled: false },

  // networking.k8s.io: IPAddress and ServiceCIDR are GA in 1.33; their v1beta1 stays available for old manifests.
  { group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', resource: 'ingressclasses', namespaced: false },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', resource: 'ingresses', namespaced: true, shortNames: ['ing'], subresources: ['status'], storagePrefix: 'ingress' },
  { group: 'networking.k8s.io', version: 'v1', kind: 'IPAddress', resource: 'ipaddresses', namespaced: false, shortNames: ['ip'] },
  { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', resource: 'networkpolicies', namespaced: true, shortNames: ['netpol'] },
  { group: 'networking.k8s.io', version: 'v1', kind: 'ServiceCIDR', resource: 'servicecidrs', namespaced: false, subresources: ['status'] },
  { group: 'networking.k8s.io', version: 'v1beta1', kind: 'IPAddress', resource: 'ipaddresses', namespaced: false, shortNames: ['ip'], storageVersion: 'v1', defaultEnabled: false },
  { group: 'networking.k8s.io', version: 'v1beta1', kind: 'ServiceCIDR', resource: 'servicecidrs', namespaced: false, subresources: ['status'], storageVersion: 'v1', defaultEnabled: false },

  // policy/v1
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', resource: 'poddisruptionbudgets', namespaced: true, shortNames: ['pdb'], subresources: ['status'] },

  // rbac.authorization.k8s.io/v1
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', resource: 'clusterroles', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', resource: 'rolebindings', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', resource: 'roles', namespaced: true },

  // storage.k8s.io
  { group: 'storage.k8s.io', version: 'v1', kind: 'CSIDriver', resource: 'csidrivers', namespaced: false },
  { group: 'storage.k8s.io', version: 'v1', kind: 'CSINode', resource: 'csinodes', namespaced: false },
  { group: 'storage.k8s.io', version: 'v1', kind: 'CSIStorageCapacity', resource: 'csistoragecapacities', namespaced: true },
  { group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass', resource: 'storageclasses', namespaced: false, shortNames: ['sc'] },
  { group: 'storage.k8s.io', version: 'v1', kind: 'VolumeAttachment', resource: 'volumeattachments', namespaced: false, subresources: ['status'] },
  { group: 'storage.k8s.io', version: 'v1beta1', kind: 'VolumeAttributesClass', resource: 'volumeattributesclasses', namespaced: false, shortNames: ['vac'], defaultEnabled: false },

  // admissionregistration.k8s.io: VAP v1 stored; v1beta1 converted, off by default.
  { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'MutatingWebhookConfiguration', resource: 'mutatingwebhookconfigurations', namespaced: false, categories: apiExtensions },
  {
    group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingAdmissionPolicy', resource: 'validatingadmissionpolicies', namespaced: false,
    categories: apiExtensions, subresources: ['status'],
  },
  {
    group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingAdmissionPolicyBinding', resource: 'validatingadmissionpolicybindings', namespaced: false,
    categories: apiExtensions,
  },
  { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingWebhookConfiguration', resource: 'validatingwebhookconfigurations', namespaced: false, categories: apiExtensions },
  {
    group: 'admissionregistration.k8s.io', version: 'v1beta1', kind: 'ValidatingAdmissionPolicy', resource: 'validatingadmissionpolicies', namespaced: false,
    categories: apiExtensions, subresources: ['status'], storageVersion: 'v1', defaultEnabled: false, deprecation: { deprecatedIn: 31, removedIn: 34 },
  },
  {
    group: 'admissionregistration.k8s.io', version: 'v1beta1', kind: 'ValidatingAdmissionPolicyBinding', resource: 'validatingadmissionpolicybindings', namespaced: false,
    categories: apiExtensions, storageVersion: 'v1', defaultEnabled: false, deprecation: { deprecatedIn: 31, removedIn: 34 },
  },

  // apiextensions.k8s.io/v1 (CustomResourceDefinition objects; serving custom resources is its own concern)
  {
    group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', resource: 'customresourcedefinitions', namespaced: false,
    shortNames: ['crd', 'crds'], categories: apiExtensions, subresources: ['status'], storagePrefix: 'apiextensions.k8s.io/customresourcedefinitions',
  },

  // scheduling.k8s.io/v1
  { group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass', resource: 'priorityclasses', namespaced: false, shortNames: ['pc'] },

  // coordination.k8s.io
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', resource: 'leases', namespaced: true },
  { group: 'coordination.k8s.io', version: 'v1beta1', kind: 'LeaseCandidate', resource: 'leasecandidates', namespaced: true, defaultEnabled: false },

  // node.k8s.io/v1
  { group: 'node.k8s.io', version: 'v1', kind: 'RuntimeClass', resource: 'runtimeclasses', namespaced: false },

  // discovery.k8s.io/v1
  { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', resource: 'endpointslices', namespaced: true },

  // flowcontrol.apiserver.k8s.io/v1
  { group: 'flowcontrol.apiserver.k8s.io', version: 'v1', kind: 'FlowSchema', resource: 'flowschemas', namespaced: false, subresources: ['status'] },
  { group: 'flowcontrol.apiserver.k8s.io', version: 'v1', kind: 'PriorityLevelConfiguration', resource: 'prioritylevelconfigurations', namespaced: false, subresources: ['status'] },
];

/** `apiVersion` of a group version (`v1` for the core group). */
function groupVersionString(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/**
 * The Kubernetes deprecation warning of a spec (`<gv> <Kind> is deprecated in
 * v1.X+[, unavailable in v1.Y+][; use <gv> <Kind>]`), or undefined when the
 * version is not deprecated as of 1.33.
 */
export function deprecationWarningOf(spec: Pick<ResourceSpec, 'group' | 'version' | 'kind' | 'deprecation'>): string | undefined {
  const d = spec.deprecation;
  if (!d || d.deprecatedIn > kubernetesMinor) return undefined;
  let text = `${groupVersionString(spec.group, spec.version)} ${spec.kind} is deprecated in v1.${d.deprecatedIn}+`;
  if (d.removedIn !== undefined) text += `, unavailable in v1.${d.removedIn}+`;
  if (d.replacement) text += `; use ${groupVersionString(d.replacement.group, d.replacement.version)} ${d.replacement.kind}`;
  return text;
}

/**
 * The `Warning` header text for a request to `def` (and to its subresources
 * that carry the same kind, such as `status`), or undefined. kube-apiserver
 * adds it to every route of a deprecated kind: get, list, watch and writes.
 */
export function deprecationWarning(def: ResourceDefinition, subresource?: string): string | undefined {
  const text = def.deprecationWarning;
  if (!text || !subresource) return text;
  const sub = def.subresources.find((s) => s.name === subresource);
  return sub && sub.group === def.group && sub.version === def.version && sub.kind === def.kind ? text : undefined;
}

/** Builds the full definition of a resource spec. */
export function defineResource(spec: ResourceSpec): ResourceDefinition {
  const subs = (spec.subresources ?? []).map((s) => subresourceDef(spec, s));
  const pkg = spec.protoPackage ?? protoPackageOf(spec.group);
  const virtual = spec.special === 'componentStatus';
  const def: ResourceDefinition = {
    group: spec.group,
    version: spec.version,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    resource: spec.resource,
    singular: spec.kind.toLowerCase(),
    namespaced: spec.namespaced,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    verbs: spec.verbs ?? (spec.createOnly ? ['create'] : storedVerbs),
    subresources: subs,
    persisted: !spec.createOnly && !virtual,
    message: kindDef(spec.group, spec.version, spec.kind)?.message ?? `k8s.io.api.${pkg}.${spec.version}.${spec.kind}`,
  };
  const warning = deprecationWarningOf(spec);
  if (warning) def.deprecationWarning = warning;
  if (!spec.createOnly) {
    if (!virtual) def.strategy = strategyFor(spec.group, spec.version, spec.kind, spec.namespaced, { hasStatus: spec.subresources?.includes('status') ?? false });
    def.table = tableConvertorFor(spec.group, spec.version, spec.kind);
    const fields = selectableFieldsFor(spec.group, spec.kind, spec.namespaced);
    def.selectableFields = (obj: KubeObject) => fields(obj);
  }
  if (spec.subresources?.includes('scale')) def.scale = spec.kind === 'ReplicationController' ? mapSelectorScale : labelSelectorScale;
  return def;
}

/** The storage key prefix of a resource (`/registry/<prefix>/`); every served version of it shares it. */
export function storagePrefixOf(spec: ResourceSpec): string {
  return `/registry/${spec.storagePrefix ?? spec.resource}/`;
}

/** The specs served without `--runtime-config` (the kube-apiserver 1.33 defaults). */
export function defaultEnabledResources(specs: readonly ResourceSpec[] = builtinResources): ResourceSpec[] {
  return specs.filter((s) => s.defaultEnabled !== false);
}
