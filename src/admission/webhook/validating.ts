/**
 * The ValidatingAdmissionWebhook plugin (webhook/validating, restated).
 *
 * The webhooks that apply are decided first (in order, stopping at the first
 * error), then all are called at once; the first error to arrive is
 * returned. A failing call with `failurePolicy: Ignore` is skipped and
 * recorded as `failed-open.validating.webhook.admission.k8s.io/round_0_index_<i>`.
 */
import type { Operation } from '../interfaces.js';
import { newTimeout } from '../../runtime/errors.js';
import { addAnnotation, signalOf } from './attributes.js';
import { callWebhook } from './call.js';
import { WebhookCallError, WebhookRejection } from './errors.js';
import { DispatchContext, shouldCallHook, VersionedAttributeAccessor, type WebhookInvocation } from './generic.js';
import { isExemptAdmissionConfigurationResource } from './rules.js';
import { mapperOf, ValidatingWebhookPluginName, WebhookSource, type LifecycleAdmissionPlugin, type WebhookPluginDeps } from './plugin.js';

const handled: ReadonlySet<Operation> = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);
const failedOpenPrefix = 'failed-open.validating.webhook.admission.k8s.io/';

/** Builds the ValidatingAdmissionWebhook plugin. */
export function newValidatingWebhookPlugin(deps: WebhookPluginDeps): LifecycleAdmissionPlugin {
  const source = new WebhookSource(deps.configurations, false);
  const mapper = mapperOf(deps);
  return {
    name: ValidatingWebhookPluginName,
    handles: (op) => handled.has(op),
    async validate(attrs) {
      if (isExemptAdmissionConfigurationResource(attrs.group, attrs.kind)) return;
      await source.ensureReady(attrs);
      const hooks = source.webhooks();
      if (hooks.length === 0) return;
      const ctx = new DispatchContext(attrs, mapper, deps.getNamespace, deps.authorizer);
      const versioned = new VersionedAttributeAccessor(attrs, mapper, false);
      const relevant: WebhookInvocation[] = [];
      for (const hook of hooks) {
        const inv = await shouldCallHook(hook, ctx, versioned);
        if (inv) relevant.push(inv);
      }
      if (relevant.length === 0) return;
      if (signalOf(attrs)?.aborted) throw newTimeout('request did not complete within requested timeout');
      const errors: unknown[] = [];
      await Promise.all(
        relevant.map(async (inv, idx) => {
          try {
            await callWebhook(inv, versioned.get(inv.kind), attrs, false, { serviceResolver: deps.serviceResolver });
          } catch (err) {
            if (err instanceof WebhookCallError) {
              if (inv.hook.failurePolicy === 'Ignore') {
                addAnnotation(attrs, `${failedOpenPrefix}round_0_index_${idx}`, inv.hook.name);
                return;
              }
              errors.push(err.toStatusError());
              return;
            }
            errors.push(err instanceof WebhookRejection ? err.status : err);
          }
        }),
      );
      if (errors.length > 0) throw errors[0];
    },
    start: () => source.cache.start(),
    stop: () => source.cache.stop(),
  };
}
