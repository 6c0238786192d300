/**
 * What kube-apiserver's RBAC post-start hook and kube-controller-manager's
 * clusterrole-aggregation controller do, in one call for kapi's startup:
 * reconcile the default policy, start the aggregation controller, and wait
 * until the RBAC informer sees the defaults (with admin/edit/view
 * aggregated), so the first requests are authorized against them.
 */
import { aggregationSettled, ClusterRoleAggregator } from '../../authz/rbac/aggregation.js';
import { bootstrapPolicy } from '../../authz/rbac/bootstrappolicy/index.js';
import type { RbacCache, RbacResource } from '../../authz/rbac/cache.js';
import { clusterRoleWriterFromStore, rbacClientFromStores, type StoreLike } from './client.js';
import { reconcileBootstrapPolicy, type ReconcileResult } from './reconcile.js';

/** The running RBAC controllers. */
export interface RbacControllers {
  aggregator: ClusterRoleAggregator;
  reconciled: ReconcileResult[];
  stop(): void;
}

/**
 * Reconciles the default policy and starts aggregation. `cache` must be
 * started (AuthorizationChain.start()); the namespaces kube-system and
 * kube-public must exist.
 */
export async function startRbacControllers(opts: {
  cache: RbacCache;
  storeFor: (resource: RbacResource) => StoreLike;
  log?: (line: string) => void;
  /** How long to wait for the informer to see the defaults (ms). */
  syncTimeoutMs?: number;
}): Promise<RbacControllers> {
  const log = opts.log ?? (() => {});
  const reconciled = await reconcileBootstrapPolicy(rbacClientFromStores(opts.storeFor));
  const aggregator = new ClusterRoleAggregator(opts.cache, clusterRoleWriterFromStore(opts.storeFor('clusterroles')), (err) => log(`kapi: clusterrole aggregation failed: ${String(err)}`));
  aggregator.start();
  const names = bootstrapPolicy().clusterRoles.map((o) => o.metadata?.name ?? '');
  await opts.cache.waitUntil(
    (c) => names.every((n) => c.getClusterRole(n)) && ['admin', 'edit', 'view'].every((n) => (c.getClusterRole(n)?.rules.length ?? 0) > 0) && aggregationSettled(c),
    opts.syncTimeoutMs ?? 10_000,
  );
  return {
    aggregator,
    reconciled,
    stop: () => aggregator.stop(),
  };
}
