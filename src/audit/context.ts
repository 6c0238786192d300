/**
 * The audit state of one request, and the hooks other layers call to add to
 * its event. Every hook is a no-op when the request is not audited (no
 * policy, or level None), so callers never check.
 *
 * Hooks take the request object or its RequestContext (either works):
 * - `auditRequestObject(req, obj)`: the decoded body of create/update (and
 *   DeleteOptions of delete); fills objectRef's name/uid/resourceVersion and,
 *   at Request level and above, `requestObject`;
 * - `auditRequestPatch(req, patch)`: a PATCH body (Request level and above);
 * - `auditResponseObject(req, obj)`: what the response writer serializes; a
 *   Status becomes `responseStatus`; at RequestResponse, `responseObject`;
 * - `addAuditAnnotation(req, key, value)` / `recordAuthorizationDecision`.
 */
import { bodyForEvent, completeObjectRef, responseStatusOf } from './event.js';
import { levelLess, type AuditEvent, type RequestAuditConfig } from './types.js';

/** The audit state of a request. */
export interface AuditState {
  /** Undefined when the policy said None. */
  event?: AuditEvent;
  config?: RequestAuditConfig;
  /** Annotations added before the event existed (by filters outside the audit filter). */
  pending: [string, string][];
}

const states = new WeakMap<object, AuditState>();

/** The state of a request (by request object or RequestContext), creating an empty one. */
export function auditStateOf(target: object): AuditState {
  let s = states.get(target);
  if (!s) {
    s = { pending: [] };
    states.set(target, s);
  }
  return s;
}

/** Attaches one state to several keys (the request object and its context). */
export function bindAuditState(state: AuditState, ...targets: object[]): void {
  for (const t of targets) states.set(t, state);
}

function eventOf(target: object): { ev: AuditEvent; config: RequestAuditConfig } | undefined {
  const s = states.get(target);
  if (!s?.event || !s.config) return undefined;
  return { ev: s.event, config: s.config };
}

/** The level the request is audited at, or undefined when it is not audited. */
export function auditLevelOf(target: object): AuditEvent['level'] | undefined {
  return eventOf(target)?.ev.level;
}

function setAnnotation(ev: AuditEvent, key: string, value: string): void {
  ev.annotations ??= {};
  // The first value wins (kube-apiserver keeps it and warns about the second).
  if (!(key in ev.annotations)) ev.annotations[key] = value;
}

/** Adds an annotation to the request's event (kept until the event exists when called earlier). */
export function addAuditAnnotation(target: object, key: string, value: string): void {
  const s = states.get(target);
  if (s?.event) setAnnotation(s.event, key, value);
  else if (s?.config) return; // audited at level None
  else auditStateOf(target).pending.push([key, value]);
}

/** Adds several annotations. */
export function addAuditAnnotations(target: object, annotations: Record<string, string>): void {
  for (const [k, v] of Object.entries(annotations)) addAuditAnnotation(target, k, v);
}

/** Moves annotations added before the event existed onto it. */
export function applyPendingAnnotations(state: AuditState): void {
  if (!state.event) return;
  for (const [k, v] of state.pending) setAnnotation(state.event, k, v);
  state.pending = [];
}

/** Annotation keys the authorization filter sets. */
export const decisionAnnotationKey = 'authorization.k8s.io/decision';
export const reasonAnnotationKey = 'authorization.k8s.io/reason';

/**
 * Records the authorizer's verdict as kube-apiserver's authorization filter
 * does: `authorization.k8s.io/decision` = `allow` | `forbid` and
 * `authorization.k8s.io/reason` = the authorizer's reason (possibly empty).
 */
export function recordAuthorizationDecision(target: object, decision: 'allow' | 'forbid', reason: string): void {
  addAuditAnnotation(target, decisionAnnotationKey, decision);
  addAuditAnnotation(target, reasonAnnotationKey, reason);
}

/** Records the user being impersonated (for the impersonation filter). */
export function logImpersonatedUser(target: object, user: { name: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> }): void {
  const e = eventOf(target);
  if (!e) return;
  e.ev.impersonatedUser = { username: user.name };
  if (user.uid) e.ev.impersonatedUser.uid = user.uid;
  if (user.groups && user.groups.length > 0) e.ev.impersonatedUser.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length > 0) e.ev.impersonatedUser.extra = structuredClone(user.extra);
}

/** The decoded request body (create, update; DeleteOptions of delete). */
export function auditRequestObject(target: object, obj: unknown): void {
  const e = eventOf(target);
  if (!e) return;
  e.ev.objectRef ??= {};
  completeObjectRef(e.ev.objectRef, obj);
  if (levelLess(e.ev.level, 'Request')) return;
  e.ev.requestObject = bodyForEvent(obj, e.config.omitManagedFields);
}

/** A PATCH body as sent (JSON patch, merge patch, strategic merge patch, apply). */
export function auditRequestPatch(target: object, patch: Buffer | string | unknown): void {
  const e = eventOf(target);
  if (!e || levelLess(e.ev.level, 'Request')) return;
  if (Buffer.isBuffer(patch) || typeof patch === 'string') {
    const text = Buffer.isBuffer(patch) ? patch.toString('utf8') : patch;
    try {
      e.ev.requestObject = JSON.parse(text);
    } catch {
      // Not JSON (an apply patch in YAML): kept as text.
      e.ev.requestObject = text;
    }
    return;
  }
  e.ev.requestObject = structuredClone(patch);
}

function isStatus(obj: unknown): obj is { kind: 'Status'; status?: string; message?: string; reason?: string; details?: unknown; code?: number } {
  return obj !== null && typeof obj === 'object' && (obj as { kind?: unknown }).kind === 'Status';
}

/** What the response writer serializes (object, list, table or Status). */
export function auditResponseObject(target: object, obj: unknown): void {
  const e = eventOf(target);
  if (!e) return;
  if (isStatus(obj)) {
    const prevCode = e.ev.responseStatus?.code;
    e.ev.responseStatus = responseStatusOf(obj);
    if (e.ev.responseStatus.code === undefined && prevCode !== undefined) e.ev.responseStatus.code = prevCode;
  }
  if (levelLess(e.ev.level, 'RequestResponse')) return;
  e.ev.responseObject = bodyForEvent(obj, e.config.omitManagedFields);
}
