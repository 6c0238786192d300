/**
 * namespaceSelector and objectSelector matching for webhooks and policies
 * (webhook/predicates/namespace and object, restated).
 *
 * - namespaceSelector: cluster-scoped requests (other than on namespaces)
 *   always match; a namespace being created or updated is matched on its own
 *   new labels; anything else on the labels of its namespace, which must
 *   exist (404 otherwise).
 * - objectSelector: matches when the new or the old object's labels match.
 */
import type { Attributes } from '../interfaces.js';
import type { KubeObject } from '../../runtime/object.js';
import { newInternalError, newNotFound, StatusError } from '../../runtime/errors.js';
import { selectorFromLabelSelector, type LabelSelector, type Selector } from '../../runtime/labels/selector.js';

/** Looks up a namespace by name: null when it does not exist. */
export type NamespaceGetter = (name: string) => Promise<KubeObject | null>;

/** A parsed selector, or the StatusError of an unparsable one (500 when used). */
export function parseSelector(ls: LabelSelector | null | undefined): Selector | StatusError {
  try {
    return selectorFromLabelSelector(ls ?? {});
  } catch (err) {
    return newInternalError(err instanceof StatusError ? err.status.message ?? err.message : err);
  }
}

/** The namespace a request is about (for a namespace itself, its own name). */
export function namespaceNameOf(attrs: Attributes): string {
  if (attrs.namespace !== '') return attrs.namespace;
  if (attrs.group === '' && attrs.resource === 'namespaces') return attrs.name;
  return '';
}

/** Fetches the namespace of a namespaced request; 404 `namespaces "x" not found` when it is missing. */
export async function getNamespaceOrNotFound(getNamespace: NamespaceGetter, name: string): Promise<KubeObject> {
  const ns = await getNamespace(name);
  if (!ns) throw newNotFound({ group: '', resource: 'namespaces' }, name);
  return ns;
}

/**
 * Whether a namespaceSelector matches the request. Throws the StatusError
 * Kubernetes returns (namespace not found, unparsable selector).
 */
export async function matchNamespaceSelector(selector: Selector | StatusError, attrs: Attributes, getNamespace: NamespaceGetter): Promise<boolean> {
  const isNamespace = attrs.resource === 'namespaces';
  const nsName = namespaceNameOf(attrs);
  if (attrs.namespace === '' && !isNamespace) return true;
  if (selector instanceof StatusError) throw selector;
  if (selector.empty()) return true;
  let labels: Record<string, string> | undefined;
  if (isNamespace && attrs.subresource === '' && (attrs.operation === 'CREATE' || attrs.operation === 'UPDATE')) {
    labels = attrs.object?.metadata?.labels;
  } else {
    labels = (await getNamespaceOrNotFound(getNamespace, nsName)).metadata?.labels;
  }
  return selector.matches(labels ?? {});
}

/** Whether an objectSelector matches the new or the old object. */
export function matchObjectSelector(selector: Selector | StatusError, attrs: Attributes): boolean {
  if (selector instanceof StatusError) throw selector;
  if (selector.empty()) return true;
  const matches = (o: KubeObject | null): boolean => o !== null && selector.matches(o.metadata?.labels ?? {});
  return matches(attrs.object) || matches(attrs.oldObject);
}
