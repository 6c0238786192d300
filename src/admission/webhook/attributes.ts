/**
 * What the webhook and policy plugins read from admission Attributes, and the
 * helpers that read it. The request path attaches `addWarning`,
 * `addAuditAnnotation` and `options` (Attributes); beyond those the plugins
 * use, when present:
 * - `context`: the RequestContext — its `signal` cancels webhook calls, and
 *   its audit level decides whether webhook patches are recorded
 *   (`patch.webhook.admission.k8s.io/*` needs level Request); it also serves
 *   as the fallback for warnings and audit annotations;
 * - `kindGroup` / `kindVersion`: the group and version of `kind` when they
 *   differ from the resource's (the `scale` subresource is autoscaling/v1 Scale).
 */
import type { Attributes } from '../interfaces.js';
import type { RequestContext } from '../../endpoints/request/context.js';
import type { GroupVersionKind, GroupVersionResource, JsonObject } from '../../runtime/object.js';
import { addAuditAnnotation } from '../../audit/context.js';

/** Optional Attributes fields the webhook and policy plugins use. */
export interface AdmissionExtras {
  context?: RequestContext;
  kindGroup?: string;
  kindVersion?: string;
}

/** Attributes with the optional extras. */
export type ExtendedAttributes = Attributes & AdmissionExtras;

/** Adds a `Warning: 299 - "<text>"` header to the response (no-op without a context). */
export function addWarning(attrs: Attributes, text: string): void {
  if (attrs.addWarning) {
    attrs.addWarning(text);
    return;
  }
  const ctx = (attrs as ExtendedAttributes).context;
  if (!ctx) return;
  if (!ctx.warnings.includes(text)) ctx.warnings.push(text);
}

/** Adds an annotation to the request's audit event (no-op without a context). */
export function addAnnotation(attrs: Attributes, key: string, value: string): void {
  if (attrs.addAuditAnnotation) {
    attrs.addAuditAnnotation(key, value);
    return;
  }
  const ctx = (attrs as ExtendedAttributes).context;
  if (ctx) addAuditAnnotation(ctx, key, value);
}

/** The request's abort signal, when known. */
export function signalOf(attrs: Attributes): AbortSignal | undefined {
  return (attrs as ExtendedAttributes).context?.signal;
}

/** The kind of the request (`request.kind`). */
export function kindOf(attrs: Attributes): GroupVersionKind {
  const x = attrs as ExtendedAttributes;
  return { group: x.kindGroup ?? attrs.group, version: x.kindVersion ?? attrs.version, kind: attrs.kind };
}

/** The resource of the request (`request.resource`). */
export function resourceOf(attrs: Attributes): GroupVersionResource {
  return { group: attrs.group, version: attrs.version, resource: attrs.resource };
}

/**
 * The operation options sent as `request.options`: what the request path
 * attached, or the kind Kubernetes sends for the operation with the dry-run
 * flag filled in.
 */
export function optionsOf(attrs: Attributes): JsonObject | null {
  const given = attrs.options;
  if (given !== undefined) return given as JsonObject | null;
  const kind = attrs.operation === 'CREATE' ? 'CreateOptions' : attrs.operation === 'UPDATE' ? 'UpdateOptions' : attrs.operation === 'DELETE' ? 'DeleteOptions' : '';
  if (kind === '') return null;
  const out: JsonObject = { kind, apiVersion: 'meta.k8s.io/v1' };
  if (attrs.dryRun) out.dryRun = ['All'];
  return out;
}

/**
 * The name Kubernetes uses in admission error messages: the request's name,
 * else the object's name or generateName, else `Unknown`
 * (admission.extractResourceName).
 */
export function nameForErrors(attrs: Attributes): string {
  if (attrs.name) return attrs.name;
  const meta = attrs.object?.metadata;
  if (meta?.name) return meta.name;
  if (meta?.generateName) return meta.generateName;
  return 'Unknown';
}
