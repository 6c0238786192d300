/**
 * Builds a RestStrategy from a kind's rules. What every kind shares lives
 * here, in Kubernetes' order and meaning:
 *
 * - create: the kind's defaults; status cleared (kinds with a status
 *   subresource); metadata.generation = 1 (kinds that track it); then the
 *   kind's own prepareForCreate.
 * - main-resource update (`ctx.subresource` "" or "scale"): status copied
 *   from the old object; the kind's prepareForUpdate; generation = old + 1
 *   when the spec changed (semantic equality), else old.
 * - status update: everything but metadata and status copied from the old
 *   object (as Kubernetes' status strategies do); generation unchanged.
 */
import type { KubeObject } from '../../runtime/object.js';
import type { RestStrategy, StrategyContext } from '../../registry/rest/strategy.js';
import type { FieldError } from '../../validation/field/errors.js';
import { clone, semanticEqual, type Obj } from '../../validation/json.js';
import { validateObjectMetaUpdate } from '../../validation/objectmeta.js';

/** A subresource with its own prepare/validate rules (`finalize`, `ephemeralcontainers`...). */
export interface SubresourceRules {
  prepareForUpdate(ctx: StrategyContext, obj: KubeObject, old: KubeObject): void;
  validateUpdate(ctx: StrategyContext, obj: KubeObject, old: KubeObject): FieldError[];
}

/** The rules of one kind. Only `validate` and `validateUpdate` are required. */
export interface KindRules {
  namespaced: boolean;
  /** The kind has a status subresource: status is server-owned on main writes. */
  hasStatus: boolean;
  /** metadata.generation is 1 on create and bumped on spec changes. */
  tracksGeneration: boolean;
  /** The part of the object whose changes bump generation (default: `spec`). */
  generationSource?(obj: KubeObject): unknown;
  defaults?(obj: KubeObject): void;
  /** Runs after status was cleared and generation set. */
  prepareForCreate?(ctx: StrategyContext, obj: KubeObject): void;
  /** Keep a client-supplied status on create (nodes). */
  keepStatusOnCreate?: boolean;
  /** Runs after status was copied from old, before the generation bump. */
  prepareForUpdate?(ctx: StrategyContext, obj: KubeObject, old: KubeObject): void;
  /** Runs after the non-status fields were copied from old. */
  prepareForStatusUpdate?(ctx: StrategyContext, obj: KubeObject, old: KubeObject): void;
  validate(ctx: StrategyContext, obj: KubeObject): FieldError[];
  validateUpdate(ctx: StrategyContext, obj: KubeObject, old: KubeObject): FieldError[];
  /** Default: metadata update rules only. */
  validateStatusUpdate?(ctx: StrategyContext, obj: KubeObject, old: KubeObject): FieldError[];
  warningsOnCreate?(ctx: StrategyContext, obj: KubeObject): string[];
  warningsOnUpdate?(ctx: StrategyContext, obj: KubeObject, old: KubeObject): string[];
  canonicalize?(obj: KubeObject): void;
  /** Other subresources written through this strategy. */
  subresources?: Record<string, SubresourceRules>;
  allowCreateOnUpdate?: boolean;
  allowUnconditionalUpdate?: boolean;
}

/** Top-level keys that are not part of "everything but status". */
const typeAndMeta = new Set(['apiVersion', 'kind', 'metadata']);

/** Replaces every top-level field of obj except apiVersion, kind, metadata and `keep` with old's. */
export function copyAllExcept(obj: KubeObject, old: KubeObject, keep: string[]): void {
  const keepSet = new Set([...typeAndMeta, ...keep]);
  for (const k of Object.keys(obj)) if (!keepSet.has(k)) delete obj[k];
  for (const [k, v] of Object.entries(old)) if (!keepSet.has(k)) obj[k] = clone(v);
}

/** obj.status = old.status (removed when old has none). */
export function copyStatus(obj: KubeObject, old: KubeObject): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = clone(old.status);
}

/** The metadata object of obj, created when missing. */
export function metaOf(obj: KubeObject): NonNullable<KubeObject['metadata']> {
  if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
  return obj.metadata;
}

/** Sets obj's generation to old's, plus one when `changed`. */
export function bumpGeneration(obj: KubeObject, old: KubeObject, changed: boolean): void {
  const meta = metaOf(obj);
  const oldGen = typeof old.metadata?.generation === 'number' ? old.metadata.generation : undefined;
  if (changed) meta.generation = (oldGen ?? 0) + 1;
  else if (oldGen === undefined) delete meta.generation;
  else meta.generation = oldGen;
}

const defaultGenerationSource = (obj: KubeObject): unknown => obj.spec;

/** Builds the strategy object the generic store calls. */
export function buildStrategy(rules: KindRules): RestStrategy {
  const genSource = rules.generationSource ?? defaultGenerationSource;
  return {
    namespaceScoped: () => rules.namespaced,
    allowCreateOnUpdate: () => rules.allowCreateOnUpdate ?? false,
    allowUnconditionalUpdate: () => rules.allowUnconditionalUpdate ?? true,
    defaults: (obj) => rules.defaults?.(obj),
    prepareForCreate(ctx, obj) {
      if (rules.hasStatus && !rules.keepStatusOnCreate) delete obj.status;
      if (rules.tracksGeneration) metaOf(obj).generation = 1;
      rules.prepareForCreate?.(ctx, obj);
    },
    validate: (ctx, obj) => rules.validate(ctx, obj),
    warningsOnCreate: (ctx, obj) => rules.warningsOnCreate?.(ctx, obj) ?? [],
    canonicalize: (obj) => rules.canonicalize?.(obj),
    prepareForUpdate(ctx, obj, old) {
      const sub = ctx.subresource;
      // Requests cannot set generation: start from the stored value.
      bumpGeneration(obj, old, false);
      if (sub === 'status') {
        copyAllExcept(obj, old, ['status']);
        rules.prepareForStatusUpdate?.(ctx, obj, old);
        return;
      }
      const special = rules.subresources?.[sub];
      if (special) {
        special.prepareForUpdate(ctx, obj, old);
        return;
      }
      if (rules.hasStatus) copyStatus(obj, old);
      rules.prepareForUpdate?.(ctx, obj, old);
      if (rules.tracksGeneration && !semanticEqual(genSource(obj), genSource(old))) bumpGeneration(obj, old, true);
    },
    validateUpdate(ctx, obj, old) {
      const sub = ctx.subresource;
      if (sub === 'status') {
        return rules.validateStatusUpdate ? rules.validateStatusUpdate(ctx, obj, old) : validateObjectMetaUpdate(obj.metadata, old.metadata);
      }
      const special = rules.subresources?.[sub];
      if (special) return special.validateUpdate(ctx, obj, old);
      return rules.validateUpdate(ctx, obj, old);
    },
    warningsOnUpdate: (ctx, obj, old) => rules.warningsOnUpdate?.(ctx, obj, old) ?? [],
  };
}

/** obj as a plain JSON object (for the accessors in validation/json). */
export function asRecord(obj: KubeObject): Obj {
  return obj as Obj;
}
