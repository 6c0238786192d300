/**
 * The MutatingAdmissionWebhook plugin (webhook/mutating, restated).
 *
 * Webhooks run one after another (configurations by name, webhooks in
 * order); each sees the object as the previous ones left it, converted to
 * the version it matched. A JSON patch in the response is applied, the
 * result decoded as the kind (unknown fields dropped) and defaulted.
 *
 * Reinvocation (reinvocationcontext.go, restated): when a webhook changes
 * the object, the webhooks with `reinvocationPolicy: IfNeeded` that ran
 * before it are marked for reinvocation and the chain is asked for a second
 * round (`attrs.reinvocation`); in that round only marked webhooks are
 * called — all IfNeeded webhooks already called when a built-in plugin
 * changed the object in between. Without a reinvocation context (a bare
 * plugin) the second round runs inside the plugin.
 *
 * Audit annotations: `mutation.webhook.admission.k8s.io/round_<r>_index_<i>`
 * for every call, `patch.webhook.admission.k8s.io/round_<r>_index_<i>` (at
 * Request level and above) for every applied patch,
 * `failed-open.mutation.webhook.admission.k8s.io/round_<r>_index_<i>` when a
 * failing call was ignored, and `<webhook>/<key>` for the webhook's own.
 */
import type { Attributes, Operation } from '../interfaces.js';
import type { GroupVersionKind, JsonValue, KubeObject } from '../../runtime/object.js';
import { newInternalError, newTimeout, StatusError } from '../../runtime/errors.js';
import { applyJsonPatch } from '../../runtime/patch/jsonpatch.js';
import { deepEqual } from '../../runtime/patch/json.js';
import { messageForKind } from '../../runtime/catalog/catalog.js';
import { findTypeErrors, pruneUnknownFields } from '../../runtime/catalog/unknownfields.js';
import { auditLevelOf } from '../../audit/context.js';
import { addAnnotation, signalOf, type ExtendedAttributes } from './attributes.js';
import { callWebhook } from './call.js';
import { WebhookCallError, WebhookRejection } from './errors.js';
import { DispatchContext, shouldCallHook, VersionedAttributeAccessor, type VersionedAttributes, type WebhookInvocation } from './generic.js';
import type { AdmissionResponse } from './review.js';
import { isExemptAdmissionConfigurationResource } from './rules.js';
import { mapperOf, MutatingWebhookPluginName, WebhookSource, type LifecycleAdmissionPlugin, type WebhookPluginDeps } from './plugin.js';

const handled: ReadonlySet<Operation> = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

const mutationPrefix = 'mutation.webhook.admission.k8s.io/';
const patchPrefix = 'patch.webhook.admission.k8s.io/';
const failedOpenPrefix = 'failed-open.mutation.webhook.admission.k8s.io/';

function errorText(err: unknown): string {
  if (err instanceof StatusError && typeof err.cause === 'string') return err.cause;
  return err instanceof Error ? err.message : String(err);
}

function patchTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : 'bool';
}

/** Applies a response's patch to the versioned object; true when the object changed. */
function applyResponsePatch(inv: WebhookInvocation, v: VersionedAttributes, response: AdmissionResponse, attrs: Attributes, round: number, index: number, defaulter: WebhookPluginDeps['defaulter']): boolean {
  const name = inv.hook.name;
  if (!response.patch) return false;
  let ops: unknown;
  try {
    ops = JSON.parse(response.patch.toString('utf8'));
  } catch (err) {
    throw new WebhookCallError(name, `received undecodable patch in webhook response: ${errorText(err)}`);
  }
  if (!Array.isArray(ops)) throw new WebhookCallError(name, `received undecodable patch in webhook response: json: cannot unmarshal ${patchTypeName(ops)} into Go value of type jsonpatch.Patch`);
  if (ops.length === 0) return false;
  if (!v.object) throw newInternalError(`admission webhook ${JSON.stringify(name)} attempted to modify the object, which is not supported for this operation`);
  if (response.patchType !== 'JSONPatch') throw new WebhookCallError(name, `unsupported patch type ${JSON.stringify(response.patchType)}`);
  let patched: KubeObject;
  try {
    patched = applyJsonPatch(v.object as JsonValue, ops) as KubeObject;
  } catch (err) {
    throw newInternalError(errorText(err));
  }
  if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) throw newInternalError('patched object is not an object');
  const kind: GroupVersionKind = v.kind;
  const message = messageForKind(kind.group, kind.version, kind.kind);
  if (message) {
    const typeErrors = findTypeErrors(patched, message);
    if (typeErrors.length > 0) throw newInternalError(typeErrors[0]);
    pruneUnknownFields(patched, message);
  }
  patched.apiVersion = kind.group === '' ? kind.version : `${kind.group}/${kind.version}`;
  patched.kind = kind.kind;
  defaulter?.(patched, kind);
  const changed = !deepEqual(v.object as JsonValue, patched as JsonValue);
  const ctx = (attrs as ExtendedAttributes).context;
  const level = ctx ? auditLevelOf(ctx) : undefined;
  if (level === 'Request' || level === 'RequestResponse') {
    addAnnotation(attrs, `${patchPrefix}round_${round}_index_${index}`, JSON.stringify({ configuration: inv.hook.configurationName, webhook: name, patch: ops, patchType: 'JSONPatch' }));
  }
  v.object = patched;
  v.dirty = true;
  return changed;
}

/** Per-request reinvocation state of the plugin (webhookReinvokeContext). */
interface ReinvokeState {
  /** IfNeeded webhooks called since the last change. */
  previously: Set<string>;
  /** Webhooks to call in the reinvocation round. */
  next: Set<string>;
  /** The object as the plugin last left it (JSON). */
  lastOutput?: string;
}

function newReinvokeState(): ReinvokeState {
  return { previously: new Set(), next: new Set() };
}

function requireReinvoking(s: ReinvokeState): void {
  for (const uid of s.previously) s.next.add(uid);
  s.previously.clear();
}

/** Builds the MutatingAdmissionWebhook plugin. */
export function newMutatingWebhookPlugin(deps: WebhookPluginDeps): LifecycleAdmissionPlugin {
  const source = new WebhookSource(deps.configurations, true);
  const mapper = mapperOf(deps);

  async function round(n: number, attrs: Attributes, ctx: DispatchContext, versioned: VersionedAttributeAccessor, reinvoke: ReinvokeState, onChange: () => void): Promise<void> {
    const hooks = source.webhooks();
    for (let i = 0; i < hooks.length; i++) {
      const hook = hooks[i];
      const inv = await shouldCallHook(hook, ctx, versioned);
      if (!inv) continue;
      if (n > 0 && !reinvoke.next.has(hook.uid)) continue;
      const v = versioned.get(inv.kind);
      let changed = false;
      let failure: unknown;
      try {
        const response = await callWebhook(inv, v, attrs, true, { serviceResolver: deps.serviceResolver });
        changed = applyResponsePatch(inv, v, response, attrs, n, i, deps.defaulter);
      } catch (err) {
        failure = err;
      }
      addAnnotation(attrs, `${mutationPrefix}round_${n}_index_${i}`, JSON.stringify({ configuration: hook.configurationName, webhook: hook.name, mutated: changed }));
      if (changed) {
        requireReinvoking(reinvoke);
        onChange();
      }
      if (hook.reinvocationPolicy === 'IfNeeded') reinvoke.previously.add(hook.uid);
      if (failure === undefined) continue;
      if (failure instanceof WebhookCallError) {
        if (hook.failurePolicy === 'Ignore') {
          if (signalOf(attrs)?.aborted) throw newTimeout('request did not complete within requested timeout');
          addAnnotation(attrs, `${failedOpenPrefix}round_${n}_index_${i}`, hook.name);
          continue;
        }
        throw failure.toStatusError();
      }
      if (failure instanceof WebhookRejection) throw failure.status;
      throw failure;
    }
  }

  return {
    name: MutatingWebhookPluginName,
    handles: (op) => handled.has(op),
    async admit(attrs) {
      if (isExemptAdmissionConfigurationResource(attrs.group, attrs.kind)) return;
      await source.ensureReady(attrs);
      if (source.webhooks().length === 0) return;
      const ctx = new DispatchContext(attrs, mapper, deps.getNamespace, deps.authorizer);
      const rc = attrs.reinvocation;
      if (!rc) {
        const state = newReinvokeState();
        const versioned = new VersionedAttributeAccessor(attrs, mapper, true);
        await round(0, attrs, ctx, versioned, state, () => undefined);
        if (state.next.size > 0) await round(1, attrs, ctx, versioned, state, () => undefined);
        versioned.writeBack();
        return;
      }
      let state = rc.value(MutatingWebhookPluginName) as ReinvokeState | undefined;
      if (!state) {
        state = newReinvokeState();
        rc.setValue(MutatingWebhookPluginName, state);
      }
      const reinvoking = rc.isReinvoke();
      if (reinvoking && state.lastOutput !== JSON.stringify(attrs.object)) requireReinvoking(state);
      const versioned = new VersionedAttributeAccessor(attrs, mapper, true);
      try {
        await round(reinvoking ? 1 : 0, attrs, ctx, versioned, state, () => rc.setShouldReinvoke());
        versioned.writeBack();
      } finally {
        state.lastOutput = JSON.stringify(attrs.object);
      }
    },
    start: () => source.cache.start(),
    stop: () => source.cache.stop(),
  };
}
