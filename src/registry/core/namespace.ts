/**
 * Namespace lifecycle, which kube-controller-manager and admission do on a
 * real cluster and kapi does itself (there is no controller manager yet):
 * every namespace gets its `default` ServiceAccount and `kube-root-ca.crt`
 * ConfigMap; deleting a namespace marks it Terminating, deletes its content,
 * then removes it.
 */
import type { KubeObject } from '../../runtime/object.js';
import { isReason } from '../../runtime/errors.js';
import type { GenericStore, RequestScope, StoreHooks } from '../generic/store.js';

const system: RequestScope = { namespace: '', dryRun: false, user: { name: 'system:kapi', groups: ['system:masters'] } };

/** Tracks namespace phases and runs the namespace "controller" work. */
export class NamespaceLifecycle {
  constructor(
    private readonly stores: Map<string, GenericStore>,
    private readonly caCertPem: string,
  ) {}

  private get namespaces(): GenericStore {
    const s = this.stores.get('/namespaces');
    if (!s) throw new Error('namespaces store missing');
    return s;
  }

  /** The phase of a namespace, or null when it does not exist. */
  async phase(name: string): Promise<'Active' | 'Terminating' | null> {
    try {
      const ns = await this.namespaces.get(system, name);
      const phase = (ns.status as { phase?: string } | undefined)?.phase;
      return phase === 'Terminating' || ns.metadata?.deletionTimestamp ? 'Terminating' : 'Active';
    } catch (err) {
      if (isReason(err, 'NotFound')) return null;
      throw err;
    }
  }

  /** Creates what every namespace has: the `default` ServiceAccount and the root CA ConfigMap. */
  async populate(namespace: string): Promise<void> {
    const scope = { ...system, namespace };
    const ensure = async (resource: string, obj: KubeObject) => {
      const store = this.stores.get(`/${resource}`);
      if (!store) return;
      try {
        await store.create(scope, obj);
      } catch (err) {
        if (!isReason(err, 'AlreadyExists') && !isReason(err, 'Forbidden')) throw err;
      }
    };
    await ensure('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
    await ensure('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt', namespace, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
      data: { 'ca.crt': this.caCertPem },
    });
  }

  /** Ensures the given namespaces exist, and that every namespace is populated. */
  async bootstrap(names: string[]): Promise<void> {
    for (const name of names) {
      try {
        await this.namespaces.create(system, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      } catch (err) {
        if (!isReason(err, 'AlreadyExists')) throw err;
      }
    }
    const all = await this.namespaces.list(system, { predicate: { empty: true, matches: () => true } });
    for (const ns of all.items) {
      const name = ns.metadata?.name ?? '';
      if (ns.metadata?.deletionTimestamp) void this.finalize(name);
      else await this.populate(name);
    }
  }

  /** Deletes every namespaced object in `name`, then the namespace itself. */
  async finalize(name: string): Promise<void> {
    const scope = { ...system, namespace: name };
    for (const [key, store] of this.stores) {
      if (!store.def.namespaced || key === '/namespaces' || store.def.group === 'events.k8s.io') continue;
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await store.deleteCollection(scope, { predicate: { empty: true, matches: () => true } });
          break;
        } catch {
          /* retried; a later finalize pass catches leftovers */
        }
      }
    }
    try {
      await this.namespaces.remove(system, name);
    } catch (err) {
      if (!isReason(err, 'NotFound')) throw err;
    }
  }
}

/** Store hooks of the namespaces resource. */
export function namespaceHooks(lifecycle: NamespaceLifecycle): StoreHooks {
  return {
    afterCreate: async (obj) => {
      await lifecycle.populate(obj.metadata?.name ?? '');
    },
    beginDelete: (obj) => {
      obj.status = { ...((obj.status as Record<string, unknown>) ?? {}), phase: 'Terminating' };
      return 'pending';
    },
    // After the object is marked, the content is removed in the background.
    onPendingDelete: (obj: KubeObject) => {
      setImmediate(() => void lifecycle.finalize(obj.metadata?.name ?? '').catch(() => undefined));
    },
  };
}
