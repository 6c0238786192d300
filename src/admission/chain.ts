/**
 * The admission chain (k8s.io/apiserver/pkg/admission/chain.go and
 * reinvocation.go, restated): every plugin that handles the operation runs in
 * order, the first error stops the request.
 *
 * Mutating phase with reinvocation: the plugins run once; when a plugin with
 * reinvocation policy `IfNeeded` ran and a later plugin changed the object,
 * or when a plugin asked for it through `attrs.reinvocation`, the mutating
 * plugins run exactly once more: `Default` plugins all run again (in-tree
 * plugins are idempotent, webhooks decide per hook), `IfNeeded` plugins run
 * again only if the object changed after them, `Never` plugins do not.
 */
import type { KubeObject } from '../runtime/object.js';
import type { Admission, AdmissionPlugin, Attributes } from './interfaces.js';
import { newReinvocationContext, type ReinvocationContext } from './reinvocation.js';

/** Keeps the caller's object identity when a plugin replaced `attrs.object`. */
function adoptReplacement(original: KubeObject | null, attrs: Attributes): void {
  const now = attrs.object;
  if (original === null || now === null || now === original) return;
  for (const k of Object.keys(original)) delete original[k];
  Object.assign(original, now);
  attrs.object = original;
}

function snapshot(attrs: Attributes): string {
  return JSON.stringify(attrs.object);
}

/** Runs one round of mutating plugins; returns the IfNeeded plugins to re-run. */
async function mutatingRound(plugins: AdmissionPlugin[], attrs: Attributes, ctx: ReinvocationContext, rerun: Set<AdmissionPlugin> | null): Promise<Set<AdmissionPlugin>> {
  const ranIfNeeded: AdmissionPlugin[] = [];
  const toRerun = new Set<AdmissionPlugin>();
  for (const p of plugins) {
    if (!p.admit || !p.handles(attrs.operation)) continue;
    const policy = p.reinvocationPolicy ?? 'Default';
    if (rerun !== null) {
      if (policy === 'Never') continue;
      if (policy === 'IfNeeded' && !rerun.has(p)) continue;
    }
    const before = rerun === null && ranIfNeeded.length > 0 ? snapshot(attrs) : undefined;
    const original = attrs.object;
    await p.admit(attrs);
    adoptReplacement(original, attrs);
    if (before !== undefined && snapshot(attrs) !== before) {
      for (const q of ranIfNeeded) toRerun.add(q);
      ctx.setShouldReinvoke();
    }
    if (policy === 'IfNeeded' && rerun === null) ranIfNeeded.push(p);
  }
  return toRerun;
}

/**
 * A chain over plugins in execution order (kube-apiserver's recommended order
 * filtered to the enabled plugins).
 */
export function newAdmissionChain(plugins: AdmissionPlugin[]): Admission {
  const list = [...plugins];
  return {
    async admit(attrs) {
      attrs.reinvocation ??= newReinvocationContext();
      const ctx = attrs.reinvocation;
      const rerun = await mutatingRound(list, attrs, ctx, null);
      if (ctx.shouldReinvoke()) {
        ctx.setIsReinvoke();
        await mutatingRound(list, attrs, ctx, rerun);
      }
    },
    async validate(attrs) {
      for (const p of list) if (p.validate && p.handles(attrs.operation)) await p.validate(attrs);
    },
  };
}
