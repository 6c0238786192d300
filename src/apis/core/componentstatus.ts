/**
 * core/v1 ComponentStatus (read-only, computed by the server) and Binding
 * (the body of `pods/binding` and POST `bindings`).
 */
import type { KubeObject } from '../../runtime/object.js';
import { FieldError, FieldPath, forbidden, notSupported, required } from '../../validation/field/errors.js';
import { asObj, str } from '../../validation/json.js';
import { validatePathSegmentName } from '../../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { buildStrategy } from '../common/strategy.js';

/** One ComponentStatus as `kubectl get componentstatuses` shows it. */
export function componentStatus(name: string, healthy: boolean, message: string, error = ''): KubeObject {
  const condition: Record<string, unknown> = { type: 'Healthy', status: healthy ? 'True' : 'False' };
  if (message) condition.message = message;
  if (error) condition.error = error;
  return { kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name }, conditions: [condition] };
}

/**
 * The ComponentStatus strategy: the resource only supports get and list;
 * a write that reaches it anyway is refused field by field.
 */
export const componentStatusStrategy = buildStrategy({
  namespaced: false,
  hasStatus: false,
  tracksGeneration: false,
  validate: (_ctx, obj) => [...validateObjectMeta(obj.metadata, false, validatePathSegmentName), forbidden(FieldPath.of('conditions'), 'componentstatuses are computed by the server')],
  validateUpdate: (_ctx, obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), forbidden(FieldPath.of('conditions'), 'componentstatuses are computed by the server')],
});

/** ValidatePodBinding: the target is a Node (kind empty or `Node`) with a name. */
export function validateBinding(obj: KubeObject): FieldError[] {
  const target = asObj(obj.target) ?? {};
  const errs: FieldError[] = [];
  const kind = str(target.kind);
  if (kind !== '' && kind !== 'Node') errs.push(notSupported(FieldPath.of('target', 'kind'), kind, ['Node', '<empty>']));
  if (str(target.name) === '') errs.push(required(FieldPath.of('target', 'name')));
  return errs;
}

/** The Binding strategy (create only; nothing is stored under its own key). */
export const bindingStrategy = buildStrategy({
  namespaced: true,
  hasStatus: false,
  tracksGeneration: false,
  validate: (_ctx, obj) => [...validateObjectMeta(obj.metadata, true, validatePathSegmentName), ...validateBinding(obj)],
  validateUpdate: (_ctx, obj) => validateBinding(obj),
});
