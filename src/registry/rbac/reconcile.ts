/**
 * Startup reconciliation of the default RBAC policy
 * (pkg/registry/rbac/rest/storage_rbac.go's post-start hook and
 * pkg/registry/rbac/reconciliation, restated):
 *
 * - missing objects are created;
 * - existing ones get the default labels and annotations they lack, the
 *   rules they lack (appended as atomic rules, extra rules are kept), the
 *   aggregation selectors they lack, and the binding subjects they lack;
 * - a binding whose roleRef differs is deleted and created again;
 * - objects annotated `rbac.authorization.kubernetes.io/autoupdate: "false"`
 *   are left alone.
 */
import type { KubeObject } from '../../runtime/object.js';
import { isReason } from '../../runtime/errors.js';
import { bootstrapPolicy, type BootstrapPolicy } from '../../authz/rbac/bootstrappolicy/index.js';
import { autoUpdateAnnotation } from '../../authz/rbac/bootstrappolicy/helpers.js';
import { bindingEntryOf, type RbacResource, type Subject } from '../../authz/rbac/cache.js';
import { covers } from '../../authz/rbac/covers.js';
import { policyRuleToJson, rulesOf } from '../../authz/rbac/rule.js';
import { deepCopy, jsonEqual } from '../generic/meta.js';
import type { RbacObjectClient } from './client.js';

export type ReconcileOperation = 'none' | 'create' | 'update' | 'recreate';

/** What reconciliation did (or, for protected objects, would have done) to one object. */
export interface ReconcileResult {
  resource: RbacResource;
  namespace: string;
  name: string;
  operation: ReconcileOperation;
  /** The object opted out (autoupdate "false"); nothing was written. */
  protected: boolean;
}

/** merge(expected, existing): existing values win. */
function mergeMaps(expected: Record<string, string> | undefined, existing: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!expected && !existing) return undefined;
  return { ...(expected ?? {}), ...(existing ?? {}) };
}

function isProtected(o: KubeObject): boolean {
  return o.metadata?.annotations?.[autoUpdateAnnotation] === 'false';
}

function mergeMeta(result: KubeObject, expected: KubeObject, existing: KubeObject): boolean {
  const meta = (result.metadata ??= {});
  const annotations = mergeMaps(expected.metadata?.annotations, existing.metadata?.annotations);
  const labels = mergeMaps(expected.metadata?.labels, existing.metadata?.labels);
  if (annotations) meta.annotations = annotations;
  if (labels) meta.labels = labels;
  return !jsonEqual(annotations ?? {}, existing.metadata?.annotations ?? {}) || !jsonEqual(labels ?? {}, existing.metadata?.labels ?? {});
}

function selectorsOf(o: KubeObject): unknown[] | undefined {
  const rule = o.aggregationRule;
  if (typeof rule !== 'object' || rule === null) return undefined;
  const sel = (rule as { clusterRoleSelectors?: unknown }).clusterRoleSelectors;
  return Array.isArray(sel) ? sel : [];
}

/** The role to write, and whether anything changed (computeReconciledRole, union mode). */
export function computeReconciledRole(existing: KubeObject, expected: KubeObject): { object: KubeObject; changed: boolean } {
  const out = deepCopy(existing);
  let changed = mergeMeta(out, expected, existing);
  const { missing } = covers(rulesOf(existing), rulesOf(expected));
  if (missing.length > 0) {
    out.rules = [...rulesOf(existing), ...missing].map(policyRuleToJson);
    changed = true;
  }
  const want = selectorsOf(expected);
  const have = selectorsOf(existing);
  if (want === undefined && have !== undefined) {
    delete out.aggregationRule;
    changed = true;
  } else if (want !== undefined) {
    const missingSelectors = want.filter((w) => !(have ?? []).some((h) => jsonEqual(h, w)));
    if (missingSelectors.length > 0) {
      out.aggregationRule = { clusterRoleSelectors: [...(have ?? []), ...missingSelectors] };
      changed = true;
    }
  }
  return { object: out, changed };
}

function sameSubject(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && a.apiGroup === b.apiGroup && a.name === b.name && a.namespace === b.namespace;
}

/** The binding to write and the operation (computeReconciledRoleBinding, union mode). */
export function computeReconciledBinding(existing: KubeObject, expected: KubeObject): { object: KubeObject; operation: ReconcileOperation } {
  const have = bindingEntryOf(existing);
  const want = bindingEntryOf(expected);
  if (!jsonEqual(have.roleRef, want.roleRef)) return { object: deepCopy(expected), operation: 'recreate' };
  const out = deepCopy(existing);
  let changed = mergeMeta(out, expected, existing);
  const expectedSubjects = Array.isArray(expected.subjects) ? expected.subjects : [];
  const missing = want.subjects.map((s, i) => ({ s, raw: expectedSubjects[i] })).filter(({ s }) => !have.subjects.some((h) => sameSubject(h, s)));
  if (missing.length > 0) {
    out.subjects = [...(Array.isArray(existing.subjects) ? existing.subjects : []), ...missing.map((m) => m.raw)];
    changed = true;
  }
  return { object: out, operation: changed ? 'update' : 'none' };
}

const roleKinds = new Set<RbacResource>(['roles', 'clusterroles']);

async function reconcileOne(client: RbacObjectClient, resource: RbacResource, expected: KubeObject, attempts = 0): Promise<ReconcileResult> {
  const namespace = expected.metadata?.namespace ?? '';
  const name = expected.metadata?.name ?? '';
  const result: ReconcileResult = { resource, namespace, name, operation: 'none', protected: false };
  if (attempts > 2) throw new Error('exceeded maximum attempts');
  const existing = await client.get(resource, namespace, name);
  if (!existing) {
    result.operation = 'create';
    try {
      await client.create(resource, deepCopy(expected));
    } catch (err) {
      if (isReason(err, 'AlreadyExists')) return reconcileOne(client, resource, expected, attempts + 1);
      throw err;
    }
    return result;
  }
  result.protected = isProtected(existing);
  let object: KubeObject;
  if (roleKinds.has(resource)) {
    const r = computeReconciledRole(existing, expected);
    object = r.object;
    result.operation = r.changed ? 'update' : 'none';
  } else {
    const r = computeReconciledBinding(existing, expected);
    object = r.object;
    result.operation = r.operation;
  }
  if (result.protected || result.operation === 'none') return result;
  try {
    if (result.operation === 'update') {
      await client.update(resource, object);
    } else {
      await client.delete(resource, namespace, name);
      await client.create(resource, object);
    }
  } catch (err) {
    if (isReason(err, 'NotFound') || isReason(err, 'Conflict') || isReason(err, 'AlreadyExists')) return reconcileOne(client, resource, expected, attempts + 1);
    throw err;
  }
  return result;
}

/**
 * Creates or reconciles every default ClusterRole, ClusterRoleBinding, Role
 * and RoleBinding (the namespaces kube-system and kube-public must exist).
 * Returns what happened to each object; throws on the first failure.
 */
export async function reconcileBootstrapPolicy(client: RbacObjectClient, policy: BootstrapPolicy = bootstrapPolicy()): Promise<ReconcileResult[]> {
  const out: ReconcileResult[] = [];
  for (const o of policy.clusterRoles) out.push(await reconcileOne(client, 'clusterroles', o));
  for (const o of policy.clusterRoleBindings) out.push(await reconcileOne(client, 'clusterrolebindings', o));
  for (const o of policy.roles) out.push(await reconcileOne(client, 'roles', o));
  for (const o of policy.roleBindings) out.push(await reconcileOne(client, 'rolebindings', o));
  return out;
}
