/**
 * Building audit events the way kube-apiserver fills them: the request's
 * metadata (URI, verb, user, source IPs, user agent, objectRef), MicroTime
 * timestamps, Status copies for `responseStatus`, bodies without managed
 * fields, and the JSON shape with Kubernetes' field order.
 */
import { performance } from 'node:perf_hooks';
import type { AuditAttributes, AuditEvent, AuditUserInfo, Level, ObjectReference, ResponseStatus } from './types.js';

const maxUserAgentLength = 1024;

/** A MicroTime: RFC 3339 in UTC with exactly six fractional digits. */
export function microTime(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const micros = Math.floor((epochMs - whole) * 1000);
  const iso = new Date(whole).toISOString(); // 2006-01-02T15:04:05.000Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** Now, with sub-millisecond precision. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`, a dual-stack socket's view of IPv4) prints as IPv4, as Go does. */
function canonicalIP(s: string): string | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(t);
  if (m) return m[1];
  if (/^\d+\.\d+\.\d+\.\d+$/.test(t) || /^[0-9a-f:.]+$/i.test(t)) return t.toLowerCase();
  return undefined;
}

/**
 * The source IPs: X-Forwarded-For entries, then X-Real-Ip unless already
 * listed, then the connection's peer unless it is already the last one.
 */
export function sourceIPs(headers: Record<string, string | string[] | undefined>, remoteAddress: string | undefined): string[] {
  const out: string[] = [];
  const header = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v.join(',') : (v ?? '');
  };
  for (const part of header('x-forwarded-for').split(',')) {
    const ip = canonicalIP(part);
    if (ip) out.push(ip);
  }
  const real = canonicalIP(header('x-real-ip'));
  if (real && !out.includes(real)) out.push(real);
  const remote = remoteAddress ? canonicalIP(remoteAddress) : undefined;
  if (remote && (out.length === 0 || out[out.length - 1] !== remote)) out.push(remote);
  return out;
}

/** The user agent, cut at 1024 characters like kube-apiserver. */
export function truncateUserAgent(ua: string): string {
  return ua.length > maxUserAgentLength ? `${ua.slice(0, maxUserAgentLength)}...TRUNCATED` : ua;
}

/** An authenticated user as audit events show it (empty fields omitted). */
export function auditUser(user: { name: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } | undefined): AuditUserInfo {
  if (!user) return {};
  const u: AuditUserInfo = {};
  if (user.name) u.username = user.name;
  if (user.uid) u.uid = user.uid;
  if (user.groups && user.groups.length > 0) u.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length > 0) u.extra = Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]]));
  return u;
}

/** What a new event is made of. */
export interface EventInput {
  auditID: string;
  level: Level;
  /** When the server received the request (epoch ms). */
  receivedAt: number;
  requestURI: string;
  userAgent: string;
  sourceIPs: string[];
  attrs: AuditAttributes;
  /** The full user (uid, extra), when authenticated. */
  user?: { name: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  apiVersion: string;
}

/** A new event at stage RequestReceived (kube-apiserver's LogRequestMetadata). */
export function newAuditEvent(input: EventInput): AuditEvent {
  const ev: AuditEvent = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: input.level,
    auditID: input.auditID,
    stage: 'RequestReceived',
    requestURI: input.requestURI,
    verb: input.attrs.verb,
    user: auditUser(input.user),
    requestReceivedTimestamp: microTime(input.receivedAt),
    stageTimestamp: '',
  };
  if (input.sourceIPs.length > 0) ev.sourceIPs = input.sourceIPs;
  if (input.userAgent !== '') ev.userAgent = truncateUserAgent(input.userAgent);
  if (input.attrs.isResourceRequest) {
    ev.objectRef = {
      resource: input.attrs.resource,
      namespace: input.attrs.namespace,
      name: input.attrs.name,
      apiGroup: input.attrs.apiGroup,
      apiVersion: input.apiVersion,
      subresource: input.attrs.subresource,
    };
  }
  return ev;
}

/** A `responseStatus` from a Status object: only the bounded fields, as kube-apiserver copies them. */
export function responseStatusOf(status: { status?: unknown; message?: unknown; reason?: unknown; details?: unknown; code?: unknown }): ResponseStatus {
  const rs: ResponseStatus = { metadata: {} };
  if (typeof status.status === 'string' && status.status !== '') rs.status = status.status;
  if (typeof status.message === 'string' && status.message !== '') rs.message = status.message;
  if (typeof status.reason === 'string' && status.reason !== '') rs.reason = status.reason;
  if (status.details !== undefined && status.details !== null) rs.details = status.details;
  if (typeof status.code === 'number' && status.code !== 0) rs.code = status.code;
  return rs;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function dropManagedFields(o: unknown): void {
  if (isObject(o) && isObject(o.metadata)) delete o.metadata.managedFields;
}

/**
 * A deep copy of a body for the event; with `omitManagedFields`, without
 * `metadata.managedFields` on the object, on list items and on table rows.
 */
export function bodyForEvent(obj: unknown, omitManagedFields: boolean): unknown {
  const copy = structuredClone(obj);
  if (!omitManagedFields || !isObject(copy)) return copy;
  dropManagedFields(copy);
  if (Array.isArray(copy.items)) for (const item of copy.items) dropManagedFields(item);
  if (copy.kind === 'Table' && Array.isArray(copy.rows)) for (const row of copy.rows) if (isObject(row)) dropManagedFields(row.object);
  return copy;
}

/** Fills empty objectRef fields from a request body's metadata (name of a create, uid, resourceVersion). */
export function completeObjectRef(ref: ObjectReference, obj: unknown): void {
  if (!isObject(obj) || !isObject(obj.metadata)) return;
  const m = obj.metadata;
  const fill = (k: 'namespace' | 'name' | 'uid' | 'resourceVersion') => {
    if (!ref[k] && typeof m[k] === 'string' && m[k] !== '') ref[k] = m[k] as string;
  };
  fill('namespace');
  fill('name');
  fill('uid');
  fill('resourceVersion');
}

function objectRefJSON(r: ObjectReference): ObjectReference {
  const out: ObjectReference = {};
  for (const k of ['resource', 'namespace', 'name', 'uid', 'apiGroup', 'apiVersion', 'resourceVersion', 'subresource'] as const) {
    if (r[k]) out[k] = r[k];
  }
  return out;
}

function responseStatusJSON(s: ResponseStatus): ResponseStatus {
  const out: ResponseStatus = { metadata: {} };
  if (s.status) out.status = s.status;
  if (s.message) out.message = s.message;
  if (s.reason) out.reason = s.reason;
  if (s.details !== undefined) out.details = s.details;
  if (s.code) out.code = s.code;
  return out;
}

/**
 * A snapshot of the event in Kubernetes' JSON field order, with empty
 * optional fields omitted. Backends get snapshots: the live event keeps
 * changing as the request proceeds.
 */
export function snapshotEvent(ev: AuditEvent): AuditEvent {
  // Keys are assigned in the order Kubernetes serializes them.
  const out: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: ev.level,
    auditID: ev.auditID,
    stage: ev.stage,
    requestURI: ev.requestURI,
    verb: ev.verb,
    user: { ...ev.user },
  };
  if (ev.impersonatedUser) out.impersonatedUser = { ...ev.impersonatedUser };
  if (ev.sourceIPs && ev.sourceIPs.length > 0) out.sourceIPs = [...ev.sourceIPs];
  if (ev.userAgent) out.userAgent = ev.userAgent;
  if (ev.objectRef) out.objectRef = objectRefJSON(ev.objectRef);
  if (ev.responseStatus) out.responseStatus = responseStatusJSON(ev.responseStatus);
  if (ev.requestObject !== undefined) out.requestObject = ev.requestObject;
  if (ev.responseObject !== undefined) out.responseObject = ev.responseObject;
  out.requestReceivedTimestamp = ev.requestReceivedTimestamp;
  out.stageTimestamp = ev.stageTimestamp;
  if (ev.annotations && Object.keys(ev.annotations).length > 0) out.annotations = { ...ev.annotations };
  return out as unknown as AuditEvent;
}

/** kube-apiserver's one-line text form (`--audit-log-format=legacy`). */
export function eventString(ev: AuditEvent): string {
  const q = (s: string) => JSON.stringify(s);
  let username = '<none>';
  let groups = '<none>';
  if (ev.user.username) {
    username = ev.user.username;
    if (ev.user.groups && ev.user.groups.length > 0) groups = ev.user.groups.map(q).join(',');
  }
  let asUser = '<self>';
  let asGroups = '<lookup>';
  if (ev.impersonatedUser) {
    asUser = ev.impersonatedUser.username ?? '';
    if (ev.impersonatedUser.groups) asGroups = ev.impersonatedUser.groups.map(q).join(',');
  }
  const namespace = ev.objectRef?.namespace ? ev.objectRef.namespace : '<none>';
  const response = ev.responseStatus ? String(ev.responseStatus.code ?? 0) : '<deferred>';
  const ip = ev.sourceIPs && ev.sourceIPs.length > 0 ? ev.sourceIPs[0] : '<unknown>';
  // RFC3339Nano drops trailing zeros of the fraction.
  const ts = ev.requestReceivedTimestamp.replace(/\.?0+Z$/, 'Z');
  return `${ts} AUDIT: id=${q(ev.auditID)} stage=${q(ev.stage)} ip=${q(ip)} method=${q(ev.verb)} user=${q(username)} groups=${q(groups)} as=${q(asUser)} asgroups=${q(asGroups)} user-agent=${q(ev.userAgent ?? '')} namespace=${q(namespace)} uri=${q(ev.requestURI)} response="${response}"`;
}
