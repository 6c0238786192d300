/**
 * Dependencies of the ValidatingAdmissionPolicy plugin built from the API's
 * own stores (looked up lazily): policies and bindings, namespaces, params
 * of any served built-in kind, the status writer of policies, equivalent
 * resources and the kinds for type checking.
 */
import type { Authorizer } from '../../authz/interfaces.js';
import type { KubeObject } from '../../runtime/object.js';
import { parseGroupVersion } from '../../runtime/object.js';
import { newNotFound } from '../../runtime/errors.js';
import { loopbackUser, type StoreLike } from '../../registry/rbac/client.js';
import { builtinResources, defaultEnabledResources, type ResourceSpec } from '../../registry/definitions.js';
import { specResourceMapper } from '../webhook/equivalent.js';
import { getterFromStore, lazyListWatch, namespaceGetterFromStores, type StoreLookup } from '../webhook/wiring.js';
import type { ParamResolver, ParamSource } from './params.js';
import type { PolicyPluginDeps } from './plugin.js';
import { specKindsFor, type PolicyStatusWriter } from './status.js';

const group = 'admissionregistration.k8s.io';

/** Params from the store of the paramKind's resource (served built-in kinds). */
export function paramResolverFromStores(storeOf: StoreLookup, specs: readonly ResourceSpec[] = defaultEnabledResources(builtinResources)): ParamResolver {
  return (apiVersion, kind) => {
    const gv = parseGroupVersion(apiVersion);
    const spec = specs.find((s) => s.group === gv.group && s.version === gv.version && s.kind === kind && !s.createOnly && s.special === undefined);
    if (!spec) return undefined;
    const store = (): StoreLike => storeOf(spec.group, spec.resource);
    const get = getterFromStore(store);
    const source: ParamSource = {
      namespaced: spec.namespaced,
      get: (namespace, name) => get(namespace, name),
      async list(namespace, selector) {
        const r = await store().list({ namespace, user: loopbackUser, dryRun: false }, { predicate: { matches: (o: KubeObject) => selector.matches(o.metadata?.labels ?? {}), empty: selector.empty() } });
        return r.items;
      },
    };
    return source;
  };
}

/** Writes a policy's status through the status subresource of its store. */
export function statusWriterFromStore(store: () => StoreLike): PolicyStatusWriter {
  return async (name, status) => {
    await store().update({ namespace: '', user: loopbackUser, dryRun: false }, name, 'status', (current) => {
      if (current === null) throw newNotFound({ group, resource: 'validatingadmissionpolicies' }, name);
      return { ...current, status };
    });
  };
}

/** Everything the ValidatingAdmissionPolicy plugin needs, from the stores. */
export function policyDepsFromStores(storeOf: StoreLookup, authorizer?: Authorizer, specs: readonly ResourceSpec[] = defaultEnabledResources(builtinResources)): PolicyPluginDeps {
  return {
    policies: lazyListWatch(storeOf, group, 'validatingadmissionpolicies'),
    bindings: lazyListWatch(storeOf, group, 'validatingadmissionpolicybindings'),
    getNamespace: namespaceGetterFromStores(storeOf),
    authorizer,
    paramResolver: paramResolverFromStores(storeOf, specs),
    resourceMapper: specResourceMapper(specs),
    statusWriter: statusWriterFromStore(() => storeOf(group, 'validatingadmissionpolicies')),
    typeCheck: { kindsFor: specKindsFor(specs) },
  };
}
