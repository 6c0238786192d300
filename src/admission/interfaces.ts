/**
 * Admission (k8s.io/apiserver/pkg/admission, restated): mutating plugins run
 * on the decoded object before validation, validating plugins after the
 * strategy's validation, and the chain stops at the first error.
 *
 * A plugin that handles an operation may implement `admit` (mutation),
 * `validate` (validation) or both. Mutating plugins change `attrs.object` in
 * place (a plugin that replaces `attrs.object` has its result copied back into
 * the original object by the chain, so callers that hold the original see it).
 */
import type { KubeObject } from '../runtime/object.js';
import type { UserInfo } from '../endpoints/request/context.js';
import type { ReinvocationContext } from './reinvocation.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** What a plugin is told about the request. */
export interface Attributes {
  operation: Operation;
  group: string;
  version: string;
  kind: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  object: KubeObject | null;
  oldObject: KubeObject | null;
  dryRun: boolean;
  user?: UserInfo;
  /** CreateOptions / UpdateOptions / DeleteOptions / PatchOptions (as sent to webhooks). */
  options?: KubeObject | null;
  /** Adds a `Warning: 299 - "<text>"` header to the response. */
  addWarning?: (text: string) => void;
  /** Adds an annotation to the request's audit event. */
  addAuditAnnotation?: (key: string, value: string) => void;
  /**
   * Reinvocation state of the mutating phase (created by the chain when
   * absent). Plugins with their own reinvocation rules (webhooks) read
   * `isReinvoke()` and call `setShouldReinvoke()`.
   */
  reinvocation?: ReinvocationContext;
}

/**
 * How a mutating plugin takes part in a reinvocation round
 * (admissionregistration's `reinvocationPolicy`, generalized):
 * - `Default`: re-run in every reinvocation round, as kube-apiserver re-runs
 *   its in-tree plugins (they are idempotent); plugins that manage
 *   reinvocation themselves (webhooks) use this and read `attrs.reinvocation`;
 * - `IfNeeded`: a later plugin changing the object triggers a reinvocation
 *   round, in which this plugin runs again;
 * - `Never`: never re-run.
 */
export type ReinvocationPolicy = 'Default' | 'IfNeeded' | 'Never';

/** A plugin: handles some operations, may mutate and/or validate. */
export interface AdmissionPlugin {
  name: string;
  handles(op: Operation): boolean;
  admit?(attrs: Attributes): Promise<void> | void;
  validate?(attrs: Attributes): Promise<void> | void;
  /** Reinvocation behaviour of `admit` (default `Default`). */
  reinvocationPolicy?: ReinvocationPolicy;
}

/** The chain the handlers call. */
export interface Admission {
  admit(attrs: Attributes): Promise<void>;
  validate(attrs: Attributes): Promise<void>;
}

export { newAdmissionChain } from './chain.js';
