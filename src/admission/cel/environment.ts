/**
 * The CEL environments of admission expressions (k8s.io/apiserver's
 * admission/plugin/cel, restated): the base language with optional types,
 * Kubernetes' extension libraries, and the variables admission binds:
 *
 * - `object`, `oldObject`: the object of the request and the stored one (null when absent);
 * - `request`: the AdmissionRequest (kind, resource, name, namespace, operation, userInfo, dryRun, options…);
 * - `params`: the binding's parameter object (declared only when the policy has a paramKind);
 * - `namespaceObject`: the namespace of a namespaced request (null otherwise);
 * - `authorizer`: authorization checks for the requesting user (where allowed);
 * - `variables`: a policy's composited variables (see {@link environmentWithVariables}).
 *
 * Environments are built once per variant and cached; each is complete
 * before it is cloned (cloning freezes the parent).
 */
import { Environment } from '@marcbachmann/cel-js';
import { registerAuthzLibrary } from './library/authz.js';
import { registerIPLibrary } from './library/ip.js';
import { registerListsLibrary } from './library/lists.js';
import { registerQuantityLibrary } from './library/quantity.js';
import { registerRegexLibrary } from './library/regex.js';
import { registerStringsLibrary } from './library/strings.js';
import { registerURLLibrary } from './library/url.js';

/** Which optional variables an expression may use (plugincel.OptionalVariableDeclarations). */
export interface VariableDeclarations {
  /** `params` is declared (the policy has a paramKind). */
  hasParams: boolean;
  /** `authorizer` is declared (validations and match conditions, not messages). */
  hasAuthorizer: boolean;
}

/** The names of the variables admission binds. */
export const ObjectVarName = 'object';
export const OldObjectVarName = 'oldObject';
export const RequestVarName = 'request';
export const ParamsVarName = 'params';
export const NamespaceVarName = 'namespaceObject';
export const AuthorizerVarName = 'authorizer';
export const VariablesVarName = 'variables';

/** The language options Kubernetes' CEL uses. */
export const celOptions = { homogeneousAggregateLiterals: false, enableOptionalTypes: true } as const;

let library: Environment | undefined;

/** The base language plus every Kubernetes library (no admission variables); cloned by the variants. */
export function libraryEnvironment(): Environment {
  if (!library) {
    const env = new Environment(celOptions);
    registerListsLibrary(env);
    registerRegexLibrary(env);
    registerStringsLibrary(env);
    registerQuantityLibrary(env);
    registerURLLibrary(env);
    registerIPLibrary(env);
    registerAuthzLibrary(env);
    library = env;
  }
  return library;
}

const variants = new Map<string, Environment>();

/** The admission environment with the given optional variables (cached; do not register on it). */
export function admissionEnvironment(decl: VariableDeclarations): Environment {
  const key = `${decl.hasParams}/${decl.hasAuthorizer}`;
  let env = variants.get(key);
  if (!env) {
    env = libraryEnvironment()
      .clone()
      .registerVariable(ObjectVarName, 'dyn')
      .registerVariable(OldObjectVarName, 'dyn')
      .registerVariable(RequestVarName, 'dyn')
      .registerVariable(NamespaceVarName, 'dyn');
    if (decl.hasParams) env.registerVariable(ParamsVarName, 'dyn');
    if (decl.hasAuthorizer) env.registerVariable(AuthorizerVarName, 'kubernetes.authorization.Authorizer');
    variants.set(key, env);
  }
  return env;
}

let variablesTypeSeq = 0;

/**
 * A child of an admission environment that also declares `variables` with
 * the given fields (name → CEL type name, `dyn` when unknown). Referencing an
 * undeclared variable is then a compile error, as in Kubernetes.
 */
export function environmentWithVariables(decl: VariableDeclarations, fields: Record<string, string>): Environment {
  const typeName = `kubernetes.Variables${++variablesTypeSeq}`;
  return admissionEnvironment(decl).clone().registerType(typeName, { fields: { ...fields } }).registerVariable(VariablesVarName, typeName);
}
