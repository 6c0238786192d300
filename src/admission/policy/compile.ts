/**
 * Compiling a ValidatingAdmissionPolicy (policy/validating, restated):
 * variables in order (each may use the ones before it), then match
 * conditions and validations in an environment that declares them all;
 * messageExpressions and auditAnnotations compile without `authorizer`.
 * Compilation errors do not reject anything here: the expressions that
 * failed report `compilation error: …` when evaluated, and the failure
 * policy decides.
 */
import type { JsonObject, JsonValue, KubeObject } from '../../runtime/object.js';
import { isJsonObject } from '../../runtime/object.js';
import { compileExpression, type CompilationResult } from '../cel/compile.js';
import { environmentWithVariables, type VariableDeclarations } from '../cel/environment.js';
import { compileMatchConditions, type CompiledMatchConditions, type MatchCondition } from '../cel/matchconditions.js';

/** One validation of a policy. */
export interface CompiledValidation {
  expression: string;
  message: string;
  messageExpression: string;
  /** `Unauthorized`, `Forbidden`, `Invalid`, `RequestEntityTooLarge`, or undefined (Invalid). */
  reason?: string;
  compiled: CompilationResult;
  compiledMessage?: CompilationResult;
}

/** One audit annotation of a policy. */
export interface CompiledAuditAnnotation {
  key: string;
  valueExpression: string;
  compiled: CompilationResult;
}

/** One variable of a policy. */
export interface CompiledVariable {
  name: string;
  expression: string;
  compiled: CompilationResult;
}

/** A compiled policy. */
export interface CompiledPolicy {
  name: string;
  failurePolicy: string;
  paramKind?: { apiVersion: string; kind: string };
  variables: CompiledVariable[];
  matchConditions?: CompiledMatchConditions;
  validations: CompiledValidation[];
  auditAnnotations: CompiledAuditAnnotation[];
}

const str = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');
const objs = (v: JsonValue | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);

/** Field types of variables as declared to later expressions (precise only for scalars and library types). */
function declaredType(result: CompilationResult): string {
  if (!result.ok) return 'dyn';
  const t = result.program.outputType;
  if (['bool', 'int', 'uint', 'double', 'string', 'bytes'].includes(t) || /^(kubernetes|net)\./.test(t)) return t;
  return 'dyn';
}

/** The spec's paramKind, when set. */
export function paramKindOf(spec: JsonObject): { apiVersion: string; kind: string } | undefined {
  if (!isJsonObject(spec.paramKind)) return undefined;
  return { apiVersion: str(spec.paramKind.apiVersion), kind: str(spec.paramKind.kind) };
}

/** Compiles a ValidatingAdmissionPolicy object. */
export function compilePolicy(policy: KubeObject): CompiledPolicy {
  const spec = isJsonObject(policy.spec) ? policy.spec : {};
  const paramKind = paramKindOf(spec);
  const hasParams = paramKind !== undefined;
  const withAuthz: VariableDeclarations = { hasParams, hasAuthorizer: true };
  const noAuthz: VariableDeclarations = { hasParams, hasAuthorizer: false };

  const fields: Record<string, string> = {};
  const variables: CompiledVariable[] = [];
  for (const v of objs(spec.variables)) {
    const name = str(v.name);
    const expression = str(v.expression);
    const compiled = compileExpression(environmentWithVariables(withAuthz, fields), expression, ['dyn']);
    variables.push({ name, expression, compiled });
    fields[name] = declaredType(compiled);
  }
  const env = environmentWithVariables(withAuthz, fields);
  const messageEnv = environmentWithVariables(noAuthz, fields);

  const conditions: MatchCondition[] = objs(spec.matchConditions).map((c) => ({ name: str(c.name), expression: str(c.expression) }));
  const validations: CompiledValidation[] = objs(spec.validations).map((v) => {
    const out: CompiledValidation = {
      expression: str(v.expression),
      message: str(v.message),
      messageExpression: str(v.messageExpression),
      compiled: compileExpression(env, str(v.expression), ['bool']),
    };
    if (typeof v.reason === 'string' && v.reason !== '') out.reason = v.reason;
    if (out.messageExpression !== '') out.compiledMessage = compileExpression(messageEnv, out.messageExpression, ['string']);
    return out;
  });
  const auditAnnotations: CompiledAuditAnnotation[] = objs(spec.auditAnnotations).map((a) => ({
    key: str(a.key),
    valueExpression: str(a.valueExpression),
    compiled: compileExpression(messageEnv, str(a.valueExpression), ['string', 'null']),
  }));
  return {
    name: policy.metadata?.name ?? '',
    failurePolicy: str(spec.failurePolicy) || 'Fail',
    paramKind,
    variables,
    matchConditions: conditions.length > 0 ? compileMatchConditions(env, conditions) : undefined,
    validations,
    auditAnnotations,
  };
}
