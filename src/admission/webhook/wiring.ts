/**
 * Dependencies of the webhook (and policy) plugins built from the API's own
 * stores, looked up lazily (the admission chain exists before the stores).
 * Reads run as the apiserver's loopback identity.
 */
import type { Authorizer } from '../../authz/interfaces.js';
import type { KubeObject } from '../../runtime/object.js';
import { StatusError } from '../../runtime/errors.js';
import { listWatchFromStore, loopbackUser, type StoreLike } from '../../registry/rbac/client.js';
import { builtinResources, defaultEnabledResources, type ResourceSpec } from '../../registry/definitions.js';
import { strategyFor } from '../../apis/index.js';
import type { ListWatchSource } from '../../authz/informer.js';
import { specResourceMapper } from './equivalent.js';
import { endpointsServiceResolver, type ObjectGetter } from './service.js';
import type { WebhookPluginDeps } from './plugin.js';
import type { NamespaceGetter } from './selectors.js';

/** Finds the store of a resource (`''`/`namespaces`, `admissionregistration.k8s.io`/`validatingwebhookconfigurations`). */
export type StoreLookup = (group: string, resource: string) => StoreLike;

/** A getter over one store: null for 404. */
export function getterFromStore(store: () => StoreLike): ObjectGetter {
  return async (namespace, name) => {
    try {
      return await store().get({ namespace, user: loopbackUser, dryRun: false }, name);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return null;
      throw err;
    }
  };
}

/** Namespaces by name from the namespaces store. */
export function namespaceGetterFromStores(storeOf: StoreLookup): NamespaceGetter {
  const get = getterFromStore(() => storeOf('', 'namespaces'));
  return (name) => get('', name);
}

/** A list/watch source over a store, resolved on first use. */
export function lazyListWatch(storeOf: StoreLookup, group: string, resource: string): () => ListWatchSource {
  return () => listWatchFromStore(storeOf(group, resource));
}

/** Applies the strategy defaults of a kind (what decoding a patched object does in Kubernetes). */
export function specDefaulter(specs: readonly ResourceSpec[]): NonNullable<WebhookPluginDeps['defaulter']> {
  const cache = new Map<string, ((obj: KubeObject) => void) | null>();
  return (obj, kind) => {
    const key = `${kind.group}/${kind.version}/${kind.kind}`;
    let fn = cache.get(key);
    if (fn === undefined) {
      const spec = specs.find((s) => s.group === kind.group && s.version === kind.version && s.kind === kind.kind && !s.createOnly);
      const strategy = spec ? strategyFor(spec.group, spec.version, spec.kind, spec.namespaced, { hasStatus: spec.subresources?.includes('status') ?? false }) : undefined;
      fn = strategy?.defaults ? (o: KubeObject) => strategy.defaults?.(o) : null;
      cache.set(key, fn);
    }
    fn?.(obj);
  };
}

/**
 * Everything a webhook plugin needs, from the stores: the configuration kind
 * of the plugin (mutating or validating), namespaces, services and
 * endpoints (for `clientConfig.service`), equivalent resources and defaults
 * of the served resources (`specs`, the built-in defaults when omitted).
 */
export function webhookDepsFromStores(storeOf: StoreLookup, mutating: boolean, authorizer?: Authorizer, specs: readonly ResourceSpec[] = defaultEnabledResources(builtinResources)): WebhookPluginDeps {
  return {
    configurations: lazyListWatch(storeOf, 'admissionregistration.k8s.io', mutating ? 'mutatingwebhookconfigurations' : 'validatingwebhookconfigurations'),
    getNamespace: namespaceGetterFromStores(storeOf),
    authorizer,
    serviceResolver: endpointsServiceResolver(getterFromStore(() => storeOf('', 'services')), getterFromStore(() => storeOf('', 'endpoints'))),
    resourceMapper: specResourceMapper(specs),
    defaulter: specDefaulter(specs),
  };
}
