/**
 * What the webhook admission plugins are built from, and the parts both
 * share: the live configuration source and the readiness check.
 */
import type { AdmissionPlugin, Attributes } from '../interfaces.js';
import type { Authorizer } from '../../authz/interfaces.js';
import type { ListWatchSource } from '../../authz/informer.js';
import type { GroupVersionKind, KubeObject } from '../../runtime/object.js';
import { newForbidden } from '../../runtime/errors.js';
import { webhooksFromConfigurations, type WebhookAccessor } from './accessor.js';
import { nameForErrors } from './attributes.js';
import type { ServiceResolver } from './client.js';
import { exactResourceMapper, type EquivalentResourceMapper } from './equivalent.js';
import { DerivedView, ObjectCache } from './objectcache.js';
import type { NamespaceGetter } from './selectors.js';

/** The plugin names, as `--enable-admission-plugins` spells them. */
export const MutatingWebhookPluginName = 'MutatingAdmissionWebhook';
export const ValidatingWebhookPluginName = 'ValidatingAdmissionWebhook';

/** The dependencies of a webhook admission plugin. */
export interface WebhookPluginDeps {
  /**
   * List + watch of the plugin's configuration kind
   * (mutatingwebhookconfigurations or validatingwebhookconfigurations);
   * a function is called on first use (stores may be created later).
   */
  configurations: ListWatchSource | (() => ListWatchSource);
  /** Namespaces by name (namespaceSelector). */
  getNamespace: NamespaceGetter;
  /** Backs the `authorizer` variable of match conditions. */
  authorizer?: Authorizer;
  /** Resolves `clientConfig.service` references; without it they fail as unresolvable. */
  serviceResolver?: ServiceResolver;
  /** Equivalent resources for `matchPolicy: Equivalent` (exact matching only without it). */
  resourceMapper?: EquivalentResourceMapper;
  /** Applies a kind's defaults to an object a mutating webhook patched. */
  defaulter?: (obj: KubeObject, kind: GroupVersionKind) => void;
}

/** An admission plugin with a lifecycle (its informer). */
export interface LifecycleAdmissionPlugin extends AdmissionPlugin {
  /** Starts following the configuration (also done on first use); resolves once synced. */
  start(): Promise<void>;
  /** Stops following the configuration. */
  stop(): void;
}

/** The live list of webhooks of one configuration kind. */
export class WebhookSource {
  readonly cache: ObjectCache;
  private readonly view: DerivedView<{ byConfig: Map<string, WebhookAccessor[]>; all: WebhookAccessor[] }>;

  constructor(configurations: WebhookPluginDeps['configurations'], mutating: boolean) {
    this.cache = new ObjectCache(configurations);
    this.view = new DerivedView(this.cache, (objects, previous) => {
      const byConfig = webhooksFromConfigurations(objects, mutating, previous?.byConfig);
      return { byConfig, all: [...byConfig.values()].flat() };
    });
  }

  /** Every webhook, configurations ordered by name. */
  webhooks(): WebhookAccessor[] {
    return this.view.get().all;
  }

  /** Waits for the configuration to be known; 403 `not yet ready to handle request` when it does not come. */
  async ensureReady(attrs: Attributes): Promise<void> {
    if (await this.cache.waitForSync()) return;
    throw newForbidden({ group: attrs.group, resource: attrs.resource }, nameForErrors(attrs), 'not yet ready to handle request');
  }
}

/** The resource mapper to use. */
export function mapperOf(deps: WebhookPluginDeps): EquivalentResourceMapper {
  return deps.resourceMapper ?? exactResourceMapper;
}
