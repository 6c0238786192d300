/**
 * Builders for the default RBAC objects: every list in a rule is sorted and
 * de-duplicated (as Kubernetes' rule builder stores them), every object gets
 * the bootstrapping label and the autoupdate annotation.
 */
import type { KubeObject } from '../../../runtime/object.js';
import { policyRuleToJson, rbacGroup, type PolicyRule } from '../rule.js';

export const readVerbs = ['get', 'list', 'watch'];
export const writeVerbs = ['create', 'update', 'patch', 'delete', 'deletecollection'];
export const readWriteVerbs = [...readVerbs, ...writeVerbs];
export const readUpdateVerbs = ['get', 'list', 'watch', 'update', 'patch'];

/** The label on every default object. */
export const bootstrapLabel = { 'kubernetes.io/bootstrapping': 'rbac-defaults' } as const;
/** The annotation that lets startup reconcile the object (`"false"` opts out). */
export const autoUpdateAnnotation = 'rbac.authorization.kubernetes.io/autoupdate';

const core = '';
export const groups = {
  core,
  apps: 'apps',
  authentication: 'authentication.k8s.io',
  authorization: 'authorization.k8s.io',
  autoscaling: 'autoscaling',
  batch: 'batch',
  certificates: 'certificates.k8s.io',
  coordination: 'coordination.k8s.io',
  discovery: 'discovery.k8s.io',
  events: 'events.k8s.io',
  extensions: 'extensions',
  networking: 'networking.k8s.io',
  node: 'node.k8s.io',
  policy: 'policy',
  rbac: rbacGroup,
  storage: 'storage.k8s.io',
  admissionregistration: 'admissionregistration.k8s.io',
  resourceMetrics: 'metrics.k8s.io',
  customMetrics: 'custom.metrics.k8s.io',
  externalMetrics: 'external.metrics.k8s.io',
} as const;

function sorted(list: readonly string[]): string[] {
  return [...new Set(list)].sort();
}

/** A resource rule: verbs on resources of groups, optionally limited to names. */
export function res(verbs: readonly string[], apiGroups: readonly string[], resources: readonly string[], names: readonly string[] = []): PolicyRule {
  return { verbs: sorted(verbs), apiGroups: sorted(apiGroups), resources: sorted(resources), resourceNames: sorted(names), nonResourceURLs: [] };
}

/** A non-resource rule. */
export function urls(verbs: readonly string[], paths: readonly string[]): PolicyRule {
  return { verbs: sorted(verbs), apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: sorted(paths) };
}

/** create/update/patch on events of the core and events.k8s.io groups. */
export function eventsRule(): PolicyRule {
  return res(['create', 'update', 'patch'], [groups.core, groups.events], ['events']);
}

function meta(name: string, namespace: string | undefined, labels: Record<string, string> = {}): KubeObject['metadata'] {
  const m: NonNullable<KubeObject['metadata']> = {
    name,
    labels: { ...labels, ...bootstrapLabel },
    annotations: { [autoUpdateAnnotation]: 'true' },
  };
  if (namespace !== undefined) m.namespace = namespace;
  return m;
}

/** A default ClusterRole. `aggregate` lists the `aggregate-to-*` label values it aggregates. */
export function clusterRole(name: string, rules: PolicyRule[], opts: { labels?: Record<string, string>; aggregationLabels?: string[] } = {}): KubeObject {
  const o: KubeObject = { apiVersion: `${rbacGroup}/v1`, kind: 'ClusterRole', metadata: meta(name, undefined, opts.labels) };
  if (opts.aggregationLabels) {
    o.aggregationRule = { clusterRoleSelectors: opts.aggregationLabels.map((l) => ({ matchLabels: { [l]: 'true' } })) };
    o.rules = null;
  } else {
    o.rules = rules.map(policyRuleToJson);
  }
  return o;
}

/** A default Role in a namespace. */
export function role(namespace: string, name: string, rules: PolicyRule[]): KubeObject {
  return { apiVersion: `${rbacGroup}/v1`, kind: 'Role', metadata: meta(name, namespace), rules: rules.map(policyRuleToJson) };
}

/** A binding subject. */
export type SubjectSpec = { kind: 'User' | 'Group'; name: string } | { kind: 'ServiceAccount'; name: string; namespace: string };

function subjectJson(s: SubjectSpec): Record<string, string> {
  if (s.kind === 'ServiceAccount') return { kind: 'ServiceAccount', name: s.name, namespace: s.namespace };
  return { apiGroup: rbacGroup, kind: s.kind, name: s.name };
}

export const user = (name: string): SubjectSpec => ({ kind: 'User', name });
export const group = (name: string): SubjectSpec => ({ kind: 'Group', name });
export const serviceAccount = (namespace: string, name: string): SubjectSpec => ({ kind: 'ServiceAccount', name, namespace });

/** A default ClusterRoleBinding to the ClusterRole `roleName` (named `name`, default the role's name). */
export function clusterRoleBinding(roleName: string, subjects: SubjectSpec[], name = roleName): KubeObject {
  const o: KubeObject = {
    apiVersion: `${rbacGroup}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: meta(name, undefined),
    roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: roleName },
  };
  if (subjects.length > 0) o.subjects = subjects.map(subjectJson);
  return o;
}

/** A default RoleBinding to the Role `roleName` in `namespace`. */
export function roleBinding(namespace: string, roleName: string, subjects: SubjectSpec[], name = roleName): KubeObject {
  return {
    apiVersion: `${rbacGroup}/v1`,
    kind: 'RoleBinding',
    metadata: meta(name, namespace),
    roleRef: { apiGroup: rbacGroup, kind: 'Role', name: roleName },
    subjects: subjects.map(subjectJson),
  };
}
