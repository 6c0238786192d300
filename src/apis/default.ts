/**
 * The strategy of kinds without special rules (other built-in groups,
 * custom resources): generic metadata validation with path-segment names,
 * status owned by the status subresource when the kind has one, and
 * metadata.generation for objects with a spec.
 */
import type { KubeObject } from '../runtime/object.js';
import type { RestStrategy } from '../registry/rest/strategy.js';
import { FieldPath } from '../validation/field/errors.js';
import { semanticEqual } from '../validation/json.js';
import { validatePathSegmentName } from '../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/objectmeta.js';
import { bumpGeneration, buildStrategy, metaOf } from './common/strategy.js';

/** What kapi knows about a kind served with the default strategy. */
export interface DefaultStrategyOptions {
  /** The kind has a status subresource (status is then ignored on main-resource writes). */
  hasStatus?: boolean;
  /**
   * metadata.generation is set to 1 on create and bumped on changes outside
   * metadata and status. Default: for objects that have a `spec`.
   */
  tracksGeneration?: boolean;
  /** PUT may create a missing object (RBAC kinds, EndpointSlices...). Default false. */
  allowCreateOnUpdate?: boolean;
  /** Updates without metadata.resourceVersion are accepted. Default true (false for custom resources upstream). */
  allowUnconditionalUpdate?: boolean;
}

function tracks(obj: KubeObject, opts: DefaultStrategyOptions): boolean {
  return opts.tracksGeneration ?? obj.spec !== undefined;
}

/** Everything outside metadata (and status, when it is a subresource). */
function generationSource(obj: KubeObject, hasStatus: boolean): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata' || (hasStatus && k === 'status')) continue;
    out[k] = v;
  }
  return out;
}

/** The default strategy for a kind. */
export function defaultStrategy(namespaced: boolean, opts: DefaultStrategyOptions = {}): RestStrategy {
  const hasStatus = opts.hasStatus ?? false;
  const metaOpts = { kubeFinalizers: false };
  return buildStrategy({
    namespaced,
    hasStatus,
    tracksGeneration: false,
    allowCreateOnUpdate: opts.allowCreateOnUpdate,
    allowUnconditionalUpdate: opts.allowUnconditionalUpdate,
    prepareForCreate(_ctx, obj) {
      if (tracks(obj, opts)) metaOf(obj).generation = 1;
    },
    prepareForUpdate(_ctx, obj, old) {
      if (tracks(obj, opts) || typeof old.metadata?.generation === 'number') {
        bumpGeneration(obj, old, !semanticEqual(generationSource(obj, hasStatus), generationSource(old, hasStatus)));
      }
    },
    validate: (_ctx, obj) => validateObjectMeta(obj.metadata, namespaced, validatePathSegmentName, FieldPath.of('metadata'), metaOpts),
    validateUpdate: (_ctx, obj, old) => [
      ...validateObjectMeta(obj.metadata, namespaced, validatePathSegmentName, FieldPath.of('metadata'), metaOpts),
      ...validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.of('metadata'), metaOpts),
    ],
    validateStatusUpdate: (_ctx, obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.of('metadata'), metaOpts),
  });
}
