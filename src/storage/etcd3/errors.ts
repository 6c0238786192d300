/**
 * What a failed etcd call means, and whether it may be sent again.
 *
 * etcd answers with gRPC status codes and fixed message texts
 * (`etcdserver: no leader`, `mvcc: required revision has been compacted`...);
 * grpc-js adds its own texts for transport failures. A write may be sent
 * again only when it certainly was not applied: it never left this process
 * (no connection), or etcd refused it before proposing it (no leader, too many
 * requests). A read may be sent again after any availability failure.
 */
import { status } from '@grpc/grpc-js';

/** How a failure is handled. */
export type EtcdFailureKind =
  /** Not applied; safe to send again, to this or another member. */
  | 'retry'
  /** Maybe applied; only reads may be sent again. */
  | 'retry-read'
  /** The call's deadline passed. */
  | 'deadline'
  /** A read below the compacted revision. */
  | 'compacted'
  /** A read above the current revision. */
  | 'future'
  /** The call was cancelled by this process. */
  | 'cancelled'
  /** A request etcd rejects whatever member answers (too large, no space...). */
  | 'fatal';

/** A classified failure. */
export interface EtcdFailure {
  kind: EtcdFailureKind;
  code: number;
  message: string;
}

/** etcd refuses these before proposing anything: the request was not applied. */
const NOT_APPLIED = ['etcdserver: no leader', 'etcdserver: too many requests', 'etcdserver: not capable'];

/** grpc-js texts for a call that never reached a server. */
const NOT_SENT = ['No connection established', 'Name resolution failed', 'no address available', 'Waiting for LB pick'];

function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const details = (err as { details?: unknown }).details;
    if (typeof details === 'string' && details !== '') return details;
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return String(err);
}

/** Classifies an error from a gRPC call to etcd. */
export function classifyEtcdError(err: unknown): EtcdFailure {
  const rawCode = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const code = typeof rawCode === 'number' ? rawCode : status.UNKNOWN;
  const message = messageOf(err);
  const has = (texts: string[]) => texts.some((t) => message.includes(t));
  if (message.includes('required revision has been compacted')) return { kind: 'compacted', code, message };
  if (message.includes('required revision is a future revision')) return { kind: 'future', code, message };
  switch (code) {
    case status.DEADLINE_EXCEEDED:
      return { kind: 'deadline', code, message };
    case status.CANCELLED:
      return { kind: 'cancelled', code, message };
    case status.UNAVAILABLE:
    case status.RESOURCE_EXHAUSTED:
      if (has(NOT_APPLIED) || has(NOT_SENT)) return { kind: 'retry', code, message };
      if (message.includes('database space exceeded')) return { kind: 'fatal', code, message };
      return { kind: 'retry-read', code, message };
    case status.UNKNOWN:
    case status.INTERNAL:
      // Transport resets surface as UNKNOWN/INTERNAL in some grpc-js paths.
      return { kind: has(NOT_SENT) ? 'retry' : 'retry-read', code, message };
    default:
      return { kind: 'fatal', code, message };
  }
}

/** True when a call that failed this way may be sent again (`write`: it changes data). */
export function isRetryable(f: EtcdFailure, write: boolean): boolean {
  return f.kind === 'retry' || (!write && f.kind === 'retry-read');
}
