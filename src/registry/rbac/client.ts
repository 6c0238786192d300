/**
 * Adapters between kapi's generic stores and the RBAC machinery: an
 * RbacSource (list + watch) for the RBAC informer, a pod source for the Node
 * authorizer's graph, an RbacObjectClient for bootstrap reconciliation, and
 * a ClusterRoleWriter for the aggregation controller. Writes run as the
 * apiserver's loopback identity (`system:apiserver` in `system:masters`).
 */
import type { UserInfo } from '../../endpoints/request/context.js';
import type { KubeObject } from '../../runtime/object.js';
import { newNotFound, StatusError } from '../../runtime/errors.js';
import type { ListResult, SelectionPredicate, WatchStream } from '../../storage/interface.js';
import type { RbacResource, RbacSource } from '../../authz/rbac/cache.js';
import type { ListWatchSource } from '../../authz/informer.js';
import type { ClusterRoleWriter } from '../../authz/rbac/aggregation.js';
import { policyRuleToJson } from '../../authz/rbac/rule.js';
import type { ListRequest, RequestScope, WatchRequest } from '../generic/store.js';

/** The part of GenericStore the adapters use. */
export interface StoreLike {
  get(scope: RequestScope, name: string): Promise<KubeObject>;
  list(scope: RequestScope, req: ListRequest): Promise<ListResult>;
  watch(scope: RequestScope, req: WatchRequest): Promise<WatchStream>;
  create(scope: RequestScope, obj: KubeObject): Promise<KubeObject>;
  update(scope: RequestScope, name: string, subresource: string, compute: (current: KubeObject | null) => Promise<KubeObject> | KubeObject): Promise<{ object: KubeObject; created: boolean }>;
  delete(scope: RequestScope, name: string): Promise<unknown>;
}

/** The identity kube-apiserver uses for its own requests. */
export const loopbackUser: UserInfo = { name: 'system:apiserver', uid: '', groups: ['system:masters'], extra: {} };

const everything: SelectionPredicate = { matches: () => true, empty: true };

function scope(namespace: string): RequestScope {
  return { namespace, user: loopbackUser, dryRun: false };
}

/** A list/watch source over one store (all namespaces). */
export function listWatchFromStore(store: StoreLike): ListWatchSource {
  return {
    async list() {
      const r = await store.list(scope(''), { predicate: everything });
      return { items: r.items, resourceVersion: r.resourceVersion };
    },
    watch: (resourceVersion) => store.watch(scope(''), { predicate: everything, resourceVersion, allowWatchBookmarks: true }),
  };
}

/** An RbacSource over the four RBAC stores. */
export function rbacSourceFromStores(storeFor: (resource: RbacResource) => StoreLike): RbacSource {
  return {
    list: (resource) => listWatchFromStore(storeFor(resource)).list(),
    watch: (resource, rv) => listWatchFromStore(storeFor(resource)).watch(rv),
  };
}

/** Create/read/update/delete of RBAC objects, as reconciliation needs them. */
export interface RbacObjectClient {
  /** The object, or null when it does not exist. */
  get(resource: RbacResource, namespace: string, name: string): Promise<KubeObject | null>;
  create(resource: RbacResource, obj: KubeObject): Promise<KubeObject>;
  /** Replaces the object; `obj.metadata.resourceVersion` is the precondition. */
  update(resource: RbacResource, obj: KubeObject): Promise<KubeObject>;
  delete(resource: RbacResource, namespace: string, name: string): Promise<void>;
}

/** An RbacObjectClient over the stores. */
export function rbacClientFromStores(storeFor: (resource: RbacResource) => StoreLike): RbacObjectClient {
  return {
    async get(resource, namespace, name) {
      try {
        return await storeFor(resource).get(scope(namespace), name);
      } catch (err) {
        if (err instanceof StatusError && err.code === 404) return null;
        throw err;
      }
    },
    create: (resource, obj) => storeFor(resource).create(scope(obj.metadata?.namespace ?? ''), obj),
    async update(resource, obj) {
      const r = await storeFor(resource).update(scope(obj.metadata?.namespace ?? ''), obj.metadata?.name ?? '', '', () => obj);
      return r.object;
    },
    async delete(resource, namespace, name) {
      await storeFor(resource).delete(scope(namespace), name);
    },
  };
}

/** Writes aggregated rules into the clusterroles store (re-reading the current object on conflict). */
export function clusterRoleWriterFromStore(store: StoreLike): ClusterRoleWriter {
  return {
    async updateRules(name, rules) {
      await store.update(scope(''), name, '', (current) => {
        if (current === null) throw newNotFound({ group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }, name);
        return { ...current, rules: rules.map(policyRuleToJson) };
      });
    },
  };
}
