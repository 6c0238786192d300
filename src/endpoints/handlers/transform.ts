/**
 * Alternative views of objects and lists asked for in Accept:
 * Table (kubectl get) and PartialObjectMetadata(List).
 */
import { buildTable } from '../../printers/table.js';
import { tableConvertorFor } from '../../printers/index.js';
import type { ResourceDefinition } from '../../registry/rest/definition.js';
import { newBadRequest, newNotAcceptable, serverAcceptedViews } from './views.js';
import type { KubeObject, ListMeta } from '../../runtime/object.js';
import type { OutputChoice } from '../negotiation/negotiate.js';

function includeObjectOf(query: URLSearchParams): 'None' | 'Metadata' | 'Object' {
  const v = query.get('includeObject') ?? '';
  if (v === '' || v === 'Metadata') return 'Metadata';
  if (v === 'None' || v === 'Object') return v;
  throw newBadRequest(`includeObject: Unsupported value: "${v}": supported values: "Metadata", "None", "Object"`);
}

function partial(obj: KubeObject, version: string): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata ?? {} };
}

/** Transforms one object for the negotiated view (identity for plain formats). */
export function transformObject(def: ResourceDefinition, obj: KubeObject, choice: OutputChoice, query: URLSearchParams, opts: { noHeaders?: boolean } = {}): unknown {
  if (!choice.as) return obj;
  const version = choice.asVersion ?? 'v1';
  if (choice.as === 'Table') {
    const t = buildTable([obj], def.table ?? tableConvertorFor(def.group, def.version, def.kind), { includeObject: includeObjectOf(query), noHeaders: opts.noHeaders, listMeta: { resourceVersion: obj.metadata?.resourceVersion } });
    if (version !== 'v1') t.apiVersion = `meta.k8s.io/${version}`;
    return t;
  }
  if (choice.as === 'PartialObjectMetadata') return partial(obj, version);
  throw newNotAcceptable(serverAcceptedViews);
}

/** Transforms a list for the negotiated view. */
export function transformList(def: ResourceDefinition, items: KubeObject[], listMeta: ListMeta, choice: OutputChoice, query: URLSearchParams): unknown {
  const version = choice.asVersion ?? 'v1';
  if (choice.as === 'Table') {
    const t = buildTable(items, def.table ?? tableConvertorFor(def.group, def.version, def.kind), { includeObject: includeObjectOf(query), listMeta });
    if (version !== 'v1') t.apiVersion = `meta.k8s.io/${version}`;
    return t;
  }
  if (choice.as === 'PartialObjectMetadataList' || choice.as === 'PartialObjectMetadata') {
    return { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${version}`, metadata: listMeta, items: items.map((o) => partial(o, version)) };
  }
  return {
    kind: def.listKind,
    apiVersion: def.group === '' ? def.version : `${def.group}/${def.version}`,
    metadata: listMeta,
    items,
  };
}
