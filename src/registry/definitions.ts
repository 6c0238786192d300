/**
 * The built-in resources kapi serves: names, scope, short names, categories,
 * subresources and storage key prefixes as kube-apiserver 1.33 has them.
 * Strategies come from src/apis, table columns from src/printers.
 */
import { strategyFor, selectableFieldsFor } from '../apis/index.js';
import { tableConvertorFor } from '../printers/index.js';
import type { KubeObject } from '../runtime/object.js';
import { labelSelectorToString } from '../runtime/labels/selector.js';
import type { ResourceDefinition, ScaleDefinition, SubresourceDefinition, Verb } from './rest/definition.js';

/** The verbs of a stored resource. */
export const storedVerbs: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const subVerbs: Verb[] = ['get', 'patch', 'update'];

/** A static description of one resource. */
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
  /** Only `create` (review APIs, not persisted). */
  createOnly?: boolean;
  /** Storage key prefix under /registry when it is not the plural. */
  storagePrefix?: string;
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
    case 'status':
      return { name, group: spec.group, version: spec.version, kind: spec.kind, verbs: subVerbs };
    case 'scale':
      return { name, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: subVerbs };
    case 'token':
      return { name, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] };
    case 'binding':
      return { name, group: '', version: 'v1', kind: 'Binding', verbs: ['create'] };
    case 'eviction':
      return { name, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] };
    case 'ephemeralcontainers':
    case 'resize':
      return { name, group: spec.group, version: spec.version, kind: spec.kind, verbs: subVerbs };
    case 'log':
      return { name, group: '', version: 'v1', kind: 'Pod', verbs: ['get'] };
    case 'exec':
    case 'attach':
    case 'portforward':
      return { name, group: '', version: 'v1', kind: name === 'portforward' ? 'PodPortForwardOptions' : name === 'exec' ? 'PodExecOptions' : 'PodAttachOptions', verbs: name === 'portforward' ? ['create', 'get'] as Verb[] : ['create', 'get'] as Verb[] };
    case 'proxy':
      return { name, group: '', version: 'v1', kind: name === 'proxy' ? `${spec.kind}ProxyOptions` : spec.kind, verbs: ['create', 'delete', 'get', 'patch', 'update'] };
    case 'finalize':
      return { name, group: spec.group, version: spec.version, kind: spec.kind, verbs: ['update'] };
    case 'approval':
      return { name, group: spec.group, version: spec.version, kind: spec.kind, verbs: subVerbs };
    default:
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

/** The resources of the foundation. */
export const builtinResources: ResourceSpec[] = [
  // core/v1
  { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'] },
  { group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['status', 'binding', 'eviction', 'ephemeralcontainers', 'resize', 'log', 'exec', 'attach', 'portforward', 'proxy'] },
  { group: '', version: 'v1', kind: 'Service', resource: 'services', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: ['status', 'proxy'], storagePrefix: 'services/specs' },
  { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', kind: 'Secret', resource: 'secrets', namespaced: true },
  { group: '', version: 'v1', kind: 'ServiceAccount', resource: 'serviceaccounts', namespaced: true, shortNames: ['sa'], subresources: ['token'] },
  { group: '', version: 'v1', kind: 'Event', resource: 'events', namespaced: true, shortNames: ['ev'] },
  { group: '', version: 'v1', kind: 'Node', resource: 'nodes', namespaced: false, shortNames: ['no'], subresources: ['status', 'proxy'], storagePrefix: 'minions' },
  { group: '', version: 'v1', kind: 'Endpoints', resource: 'endpoints', namespaced: true, shortNames: ['ep'], storagePrefix: 'services/endpoints' },
  { group: '', version: 'v1', kind: 'PersistentVolumeClaim', resource: 'persistentvolumeclaims', namespaced: true, shortNames: ['pvc'], subresources: ['status'] },
  { group: '', version: 'v1', kind: 'PersistentVolume', resource: 'persistentvolumes', namespaced: false, shortNames: ['pv'], subresources: ['status'] },
  { group: '', version: 'v1', kind: 'ReplicationController', resource: 'replicationcontrollers', namespaced: true, shortNames: ['rc'], categories: ['all'], subresources: ['status', 'scale'], storagePrefix: 'controllers' },
  { group: '', version: 'v1', kind: 'LimitRange', resource: 'limitranges', namespaced: true, shortNames: ['limits'] },
  { group: '', version: 'v1', kind: 'ResourceQuota', resource: 'resourcequotas', namespaced: true, shortNames: ['quota'], subresources: ['status'] },
  { group: '', version: 'v1', kind: 'PodTemplate', resource: 'podtemplates', namespaced: true },
  // apps/v1
  { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', resource: 'replicasets', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', resource: 'statefulsets', namespaced: true, shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', resource: 'daemonsets', namespaced: true, shortNames: ['ds'], categories: ['all'], subresources: ['status'] },
  { group: 'apps', version: 'v1', kind: 'ControllerRevision', resource: 'controllerrevisions', namespaced: true },
  // batch/v1
  { group: 'batch', version: 'v1', kind: 'Job', resource: 'jobs', namespaced: true, categories: ['all'], subresources: ['status'] },
  { group: 'batch', version: 'v1', kind: 'CronJob', resource: 'cronjobs', namespaced: true, shortNames: ['cj'], categories: ['all'], subresources: ['status'] },
  // coordination.k8s.io/v1
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', resource: 'leases', namespaced: true },
  // events.k8s.io/v1 (stored with core/v1 events)
  { group: 'events.k8s.io', version: 'v1', kind: 'Event', resource: 'events', namespaced: true, shortNames: ['ev'], storagePrefix: 'events' },
  // review APIs
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', resource: 'selfsubjectaccessreviews', namespaced: false, createOnly: true },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', resource: 'selfsubjectrulesreviews', namespaced: false, createOnly: true },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', resource: 'selfsubjectreviews', namespaced: false, createOnly: true },
  // kubectl 1.27 asks only v1beta1 for `auth whoami`.
  { group: 'authentication.k8s.io', version: 'v1beta1', kind: 'SelfSubjectReview', resource: 'selfsubjectreviews', namespaced: false, createOnly: true },
];

/** Builds the full definition of a resource spec. */
export function defineResource(spec: ResourceSpec): ResourceDefinition {
  const subs = (spec.subresources ?? []).map((s) => subresourceDef(spec, s));
  const pkg = spec.protoPackage ?? protoPackageOf(spec.group);
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
    persisted: !spec.createOnly,
    message: `k8s.io.api.${pkg}.${spec.version}.${spec.kind}`,
  };
  if (!spec.createOnly) {
    def.strategy = strategyFor(spec.group, spec.version, spec.kind, spec.namespaced, { hasStatus: spec.subresources?.includes('status') ?? false });
    def.table = tableConvertorFor(spec.group, spec.version, spec.kind);
    const fields = selectableFieldsFor(spec.group, spec.kind, spec.namespaced);
    def.selectableFields = (obj: KubeObject) => fields(obj);
  }
  if (spec.subresources?.includes('scale')) def.scale = spec.kind === 'ReplicationController' ? mapSelectorScale : labelSelectorScale;
  return def;
}

/** The storage key prefix of a resource (`/registry/<prefix>/`). */
export function storagePrefixOf(spec: ResourceSpec): string {
  return `/registry/${spec.storagePrefix ?? spec.resource}/`;
}
