/**
 * Strategies: what differs between resources in the generic store, with the
 * hook names and meanings of k8s.io/apiserver/pkg/registry/rest.
 * A strategy is a stateless object; the generic store calls it.
 */
import type { KubeObject } from '../../runtime/object.js';
import type { FieldError } from '../../validation/field/errors.js';

/** What a strategy hook may know about the request. */
export interface StrategyContext {
  /** The namespace of the request ("" for cluster-scoped). */
  namespace: string;
  /** The authenticated user, when known. */
  user?: { name: string; uid?: string; groups: string[] };
  /** The subresource being written ("", "status", "scale"...). */
  subresource: string;
}

export interface RestCreateStrategy {
  namespaceScoped(): boolean;
  /** Clears what a create may not set (e.g. status) and sets initial fields (generation). */
  prepareForCreate(ctx: StrategyContext, obj: KubeObject): void;
  /** Fills defaults, as Kubernetes' defaulters do on decode. */
  defaults?(obj: KubeObject): void;
  /** Validates a new object: every error, with its field path. */
  validate(ctx: StrategyContext, obj: KubeObject): FieldError[];
  /** Warnings to send as `Warning: 299` headers. */
  warningsOnCreate?(ctx: StrategyContext, obj: KubeObject): string[];
  /** Normalizes the object before storage. */
  canonicalize?(obj: KubeObject): void;
}

export interface RestUpdateStrategy {
  namespaceScoped(): boolean;
  allowCreateOnUpdate(): boolean;
  /** Copies what this update may not change from old into obj (e.g. status on a main-resource update). */
  prepareForUpdate(ctx: StrategyContext, obj: KubeObject, old: KubeObject): void;
  validateUpdate(ctx: StrategyContext, obj: KubeObject, old: KubeObject): FieldError[];
  warningsOnUpdate?(ctx: StrategyContext, obj: KubeObject, old: KubeObject): string[];
  canonicalize?(obj: KubeObject): void;
  /** Whether an update without metadata.resourceVersion is allowed. */
  allowUnconditionalUpdate(): boolean;
}

/** The full strategy of a stored resource. */
export interface RestStrategy extends RestCreateStrategy, RestUpdateStrategy {}
