/**
 * Builds the SelectionPredicate of a list/watch/deletecollection from its
 * `labelSelector` and `fieldSelector` (400 for bad selectors or unsupported fields).
 */
import type { ResourceDefinition } from '../../registry/rest/definition.js';
import type { KubeObject } from '../../runtime/object.js';
import { parseLabelSelector } from '../../runtime/labels/selector.js';
import { parseFieldSelector } from '../../runtime/fields/selector.js';
import type { SelectionPredicate } from '../../storage/interface.js';

/** The field-selector attributes every object has. */
export function defaultSelectableFields(def: ResourceDefinition, obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '' };
  if (def.namespaced) out['metadata.namespace'] = obj.metadata?.namespace ?? '';
  return out;
}

export function buildPredicate(def: ResourceDefinition, query: URLSearchParams): SelectionPredicate {
  const ls = parseLabelSelector(query.get('labelSelector') ?? '');
  const fs = parseFieldSelector(query.get('fieldSelector') ?? '');
  const fieldsOf = (obj: KubeObject): Record<string, string> => ({ ...defaultSelectableFields(def, obj), ...(def.selectableFields?.(obj) ?? {}) });
  if (!fs.empty()) {
    // Every field the selector names must be one the resource supports.
    fs.validate(Object.keys(fieldsOf({ metadata: {} })));
  }
  const empty = ls.empty() && fs.empty();
  const pred: SelectionPredicate = {
    empty,
    matches: empty
      ? () => true
      : (obj) => ls.matches(obj.metadata?.labels ?? {}) && (fs.empty() || fs.matches(fieldsOf(obj))),
  };
  const single = fs.requiresExactMatch('metadata.name');
  if (single !== undefined) pred.singleName = single;
  return pred;
}

