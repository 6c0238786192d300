/**
 * Parameters of a policy binding (policy/generic CollectParams, restated):
 * the binding's `paramRef` names one object (`name`) or selects several
 * (`selector`) of the policy's `paramKind`, in `paramRef.namespace` or the
 * request's namespace for a namespaced kind. No params found means no
 * evaluation, unless `parameterNotFoundAction: Deny`.
 */
import type { JsonObject, JsonValue, KubeObject } from '../../runtime/object.js';
import { isJsonObject } from '../../runtime/object.js';
import { selectorFromLabelSelector, type LabelSelector, type Selector } from '../../runtime/labels/selector.js';
import { StatusError } from '../../runtime/errors.js';

/** Reads the objects of one parameter kind. */
export interface ParamSource {
  namespaced: boolean;
  /** One object; null when it does not exist. */
  get(namespace: string, name: string): Promise<KubeObject | null>;
  /** The objects matching a selector (in one namespace, or all for cluster-scoped kinds). */
  list(namespace: string, selector: Selector): Promise<KubeObject[]>;
}

/** Finds the source of a paramKind; undefined when the kind is not served. */
export type ParamResolver = (apiVersion: string, kind: string) => ParamSource | undefined;

/** A configuration error of a binding (its message follows `failed to configure binding: `). */
export class ParamError extends Error {}

/**
 * The params to evaluate a binding with: `[null]` when the policy has no
 * paramKind or the binding no paramRef; possibly empty when none were found
 * and the action is Allow. Throws ParamError for configuration errors.
 */
export async function collectParams(paramKind: { apiVersion: string; kind: string } | undefined, source: ParamSource | undefined, paramRefJson: JsonValue | undefined, requestNamespace: string): Promise<(KubeObject | null)[]> {
  if (!paramKind) return [null];
  if (!isJsonObject(paramRefJson)) return [null];
  const paramRef: JsonObject = paramRefJson;
  if (!source) throw new ParamError(`paramKind kind \`${paramKind.apiVersion}, Kind=${paramKind.kind}\` not known`);
  const refNamespace = typeof paramRef.namespace === 'string' ? paramRef.namespace : '';
  const name = typeof paramRef.name === 'string' ? paramRef.name : '';
  let namespace = '';
  if (source.namespaced) {
    namespace = refNamespace || requestNamespace;
    if (namespace === '') throw new ParamError('cannot use namespaced paramRef in policy binding that matches cluster-scoped resources');
  } else if (refNamespace !== '') {
    throw new ParamError('paramRef.namespace must not be provided for a cluster-scoped `paramKind`');
  }
  let params: KubeObject[];
  if (name !== '') {
    if (paramRef.selector !== undefined && paramRef.selector !== null) throw new ParamError('paramRef.name and paramRef.selector are mutually exclusive');
    const p = await source.get(namespace, name);
    params = p ? [p] : [];
  } else if (isJsonObject(paramRef.selector)) {
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(paramRef.selector as LabelSelector);
    } catch (err) {
      throw new ParamError(err instanceof StatusError ? (err.status.message ?? err.message) : String(err));
    }
    params = await source.list(namespace, selector);
  } else {
    throw new ParamError('one of name or selector must be provided');
  }
  if (params.length === 0 && paramRef.parameterNotFoundAction === 'Deny') {
    throw new ParamError('no params found for policy binding with `Deny` parameterNotFoundAction');
  }
  return params;
}
