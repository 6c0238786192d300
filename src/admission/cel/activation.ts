/**
 * The variable bindings of one admission evaluation. JSON inputs are
 * converted to CEL values once and shared by every expression of the
 * request.
 */
import type { JsonObject, KubeObject } from '../../runtime/object.js';
import { AuthorizerVarName, NamespaceVarName, ObjectVarName, OldObjectVarName, ParamsVarName, RequestVarName, VariablesVarName } from './environment.js';
import type { CelAuthorizer } from './library/authz.js';
import { toCel } from './values.js';

/** The inputs of an activation. */
export interface ActivationInput {
  object: KubeObject | null;
  oldObject: KubeObject | null;
  /** The AdmissionRequest JSON (cel/request.ts). */
  request: JsonObject;
  namespaceObject?: JsonObject | null;
  params?: KubeObject | null;
  authorizer?: CelAuthorizer;
}

/** Builds the activation (object, oldObject, request, namespaceObject, params, authorizer). */
export function buildActivation(input: ActivationInput): Record<string, unknown> {
  const out: Record<string, unknown> = {
    [ObjectVarName]: toCel(input.object),
    [OldObjectVarName]: toCel(input.oldObject),
    [RequestVarName]: toCel(input.request),
    [NamespaceVarName]: toCel(input.namespaceObject ?? null),
    [ParamsVarName]: toCel(input.params ?? null),
  };
  if (input.authorizer) out[AuthorizerVarName] = input.authorizer;
  return out;
}

/** The same activation with another params object (one evaluation per param of a binding). */
export function withParams(activation: Record<string, unknown>, params: KubeObject | null): Record<string, unknown> {
  return { ...activation, [ParamsVarName]: toCel(params) };
}

/** The same activation with `variables` bound. */
export function withVariables(activation: Record<string, unknown>, variables: object): Record<string, unknown> {
  return { ...activation, [VariablesVarName]: variables };
}

/** The same activation without `authorizer` (message and audit annotation expressions). */
export function withoutAuthorizer(activation: Record<string, unknown>): Record<string, unknown> {
  const out = { ...activation };
  delete out[AuthorizerVarName];
  return out;
}
