/**
 * The dynamic admission plugins as registry factories: MutatingAdmissionWebhook,
 * ValidatingAdmissionPolicy and ValidatingAdmissionWebhook, built over the
 * AdmissionDeps the chain gives every plugin plus a list/watch provider for
 * the configuration kinds (followed live by informers).
 *
 * Wiring (src/main.ts), with `api` the APIServer:
 *
 *   const dynamic = new DynamicAdmission((group, resource) => listWatchFromStore(api.store(group, resource)));
 *   … new APIServer({ …, admissionPlugins: () => dynamic.factories() });
 *   await dynamic.start();   // once the server is built (optional warm-up)
 *   dynamic.stop();          // on shutdown
 *
 * The provider is called lazily (on first use), so it may refer to `api`
 * even though the factories run inside its constructor.
 */
import type { AdmissionDeps } from '../deps.js';
import type { PluginFactory } from '../registry.js';
import type { ListWatchSource } from '../../authz/informer.js';
import type { Authorizer } from '../../authz/interfaces.js';
import type { KubeObject } from '../../runtime/object.js';
import { parseGroupVersion } from '../../runtime/object.js';
import { builtinResources, defaultEnabledResources, type ResourceSpec } from '../../registry/definitions.js';
import { newMutatingWebhookPlugin } from './mutating.js';
import { newValidatingWebhookPlugin } from './validating.js';
import { MutatingWebhookPluginName, ValidatingWebhookPluginName, type LifecycleAdmissionPlugin, type WebhookPluginDeps } from './plugin.js';
import { specResourceMapper } from './equivalent.js';
import { endpointsServiceResolver } from './service.js';
import { closeWebhookConnections } from './client.js';
import { specDefaulter } from './wiring.js';
import { newValidatingAdmissionPolicyPlugin, ValidatingAdmissionPolicyPluginName, type PolicyPluginDeps } from '../policy/plugin.js';
import type { ParamResolver } from '../policy/params.js';
import { specKindsFor } from '../policy/status.js';

/** Lists and watches one resource (all namespaces). */
export type ListWatchProvider = (group: string, resource: string) => ListWatchSource;

const group = 'admissionregistration.k8s.io';

/** The authorizer behind AdmissionDeps. */
function authorizerOf(deps: AdmissionDeps): Authorizer {
  return { authorize: (a) => deps.authorize(a) };
}

/** Webhook plugin deps over AdmissionDeps. */
export function webhookDepsFromAdmissionDeps(deps: AdmissionDeps, listWatch: ListWatchProvider, mutating: boolean, specs: readonly ResourceSpec[]): WebhookPluginDeps {
  return {
    configurations: () => listWatch(group, mutating ? 'mutatingwebhookconfigurations' : 'validatingwebhookconfigurations'),
    getNamespace: (name) => deps.get('', 'namespaces', '', name),
    authorizer: authorizerOf(deps),
    serviceResolver: endpointsServiceResolver(
      (ns, name) => deps.get('', 'services', ns, name),
      (ns, name) => deps.get('', 'endpoints', ns, name),
    ),
    resourceMapper: specResourceMapper(specs),
    defaulter: specDefaulter(specs),
  };
}

/** Params of served built-in kinds over AdmissionDeps. */
export function paramResolverFromAdmissionDeps(deps: AdmissionDeps, specs: readonly ResourceSpec[]): ParamResolver {
  return (apiVersion, kind) => {
    const gv = parseGroupVersion(apiVersion);
    const spec = specs.find((s) => s.group === gv.group && s.version === gv.version && s.kind === kind && !s.createOnly && s.special === undefined);
    if (!spec) return undefined;
    return {
      namespaced: spec.namespaced,
      get: (namespace, name) => deps.get(spec.group, spec.resource, namespace, name),
      list: async (namespace, selector) => (await deps.list(spec.group, spec.resource, namespace)).filter((o: KubeObject) => selector.matches(o.metadata?.labels ?? {})),
    };
  };
}

/** Policy plugin deps over AdmissionDeps. */
export function policyDepsFromAdmissionDeps(deps: AdmissionDeps, listWatch: ListWatchProvider, specs: readonly ResourceSpec[]): PolicyPluginDeps {
  return {
    policies: () => listWatch(group, 'validatingadmissionpolicies'),
    bindings: () => listWatch(group, 'validatingadmissionpolicybindings'),
    getNamespace: (name) => deps.get('', 'namespaces', '', name),
    authorizer: authorizerOf(deps),
    paramResolver: paramResolverFromAdmissionDeps(deps, specs),
    resourceMapper: specResourceMapper(specs),
    statusWriter: async (name, status) => {
      await deps.guaranteedUpdate(group, 'validatingadmissionpolicies', '', name, (current) => ({ ...current, status }));
    },
    typeCheck: { kindsFor: specKindsFor(specs) },
  };
}

/** The dynamic admission plugins of one server, and their lifecycle. */
export class DynamicAdmission {
  private readonly plugins: LifecycleAdmissionPlugin[] = [];

  /**
   * @param listWatch list/watch of a resource's objects (called on first use)
   * @param specs the served resources (equivalents, defaults, param kinds, type checking); the built-in defaults when omitted
   */
  constructor(
    private readonly listWatch: ListWatchProvider,
    private readonly specs: readonly ResourceSpec[] = defaultEnabledResources(builtinResources),
  ) {}

  private keep(p: LifecycleAdmissionPlugin): LifecycleAdmissionPlugin {
    this.plugins.push(p);
    return p;
  }

  /** Registry factories by plugin name. */
  factories(): Record<string, PluginFactory> {
    return {
      [MutatingWebhookPluginName]: (_config, deps) => this.keep(newMutatingWebhookPlugin(webhookDepsFromAdmissionDeps(deps, this.listWatch, true, this.specs))),
      [ValidatingWebhookPluginName]: (_config, deps) => this.keep(newValidatingWebhookPlugin(webhookDepsFromAdmissionDeps(deps, this.listWatch, false, this.specs))),
      [ValidatingAdmissionPolicyPluginName]: (_config, deps) => this.keep(newValidatingAdmissionPolicyPlugin(policyDepsFromAdmissionDeps(deps, this.listWatch, this.specs))),
    };
  }

  /** Starts following the configuration of every plugin built so far (they also start on first use). */
  async start(): Promise<void> {
    await Promise.all(this.plugins.map((p) => p.start()));
  }

  /** Stops every plugin's informers and closes idle connections to webhooks. */
  stop(): void {
    for (const p of this.plugins) p.stop();
    closeWebhookConnections();
  }
}
