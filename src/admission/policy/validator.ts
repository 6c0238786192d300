/**
 * Evaluating a compiled policy for one binding and one param
 * (policy/validating/validator.go, restated): match conditions, variables,
 * validations with their messages, and audit annotations, each turned into
 * a decision. Evaluation errors become decisions of the failure policy
 * (Deny under Fail, Admit under Ignore); running out of cost budget stops
 * the evaluation with one such decision.
 */
import { CelCostError, CostBudget, celLimits } from '../cel/cost.js';
import { evaluateMatchConditions, expressionError } from '../cel/matchconditions.js';
import { withoutAuthorizer, withVariables } from '../cel/activation.js';
import { CelEvaluationError, compilationMessage, type CompilationResult } from '../cel/compile.js';
import { celTypeName } from '../cel/values.js';
import type { CompiledPolicy, CompiledVariable } from './compile.js';

/** What a validation decided. */
export interface PolicyDecision {
  action: 'Admit' | 'Deny';
  evaluation: 'Admit' | 'Deny' | 'Error';
  message: string;
  /** The status reason of a denial (`Invalid` when the validation set none). */
  reason?: string;
}

/** What an audit annotation produced. */
export interface PolicyAuditAnnotation {
  key: string;
  action: 'Publish' | 'Exclude' | 'Error';
  value?: string;
  error?: string;
}

/** The result of one evaluation. */
export interface ValidateResult {
  decisions: PolicyDecision[];
  auditAnnotations: PolicyAuditAnnotation[];
}

const errorAction = (failurePolicy: string): 'Admit' | 'Deny' => (failurePolicy === 'Ignore' ? 'Admit' : 'Deny');

async function evaluate(result: CompilationResult, expression: string, activation: Record<string, unknown>, budget: CostBudget): Promise<{ value?: unknown; error?: string }> {
  if (!result.ok) return { error: `compilation error: ${compilationMessage(result.error)}` };
  try {
    return { value: await result.program.evaluate(activation, budget) };
  } catch (err) {
    if (err instanceof CelCostError && err.kind === 'budget') throw err;
    return { error: expressionError(expression, err instanceof Error ? err.message : String(err)) };
  }
}

/**
 * Evaluates the variables in order; the object returned has one property
 * per variable that yields its value or throws its error when read (so an
 * error matters only to the expressions that use the variable).
 */
async function evaluateVariables(vars: readonly CompiledVariable[], activation: Record<string, unknown>, budget: CostBudget): Promise<object> {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const out: Record<string, unknown> = {};
  for (const v of vars) {
    Object.defineProperty(out, v.name, {
      enumerable: true,
      get() {
        if (v.name in errors) throw new CelEvaluationError(errors[v.name]);
        return values[v.name];
      },
    });
  }
  const act = withVariables(activation, out);
  for (const v of vars) {
    if (!v.compiled.ok) {
      errors[v.name] = `compilation error: ${compilationMessage(v.compiled.error)}`;
      continue;
    }
    try {
      values[v.name] = await v.compiled.program.evaluate(act, budget);
    } catch (err) {
      if (err instanceof CelCostError && err.kind === 'budget') throw err;
      errors[v.name] = err instanceof Error ? err.message : String(err);
    }
  }
  return out;
}

/**
 * Evaluates `policy` against an activation (object, oldObject, request,
 * params, namespaceObject, authorizer), charging `budget`.
 */
export async function validatePolicy(policy: CompiledPolicy, activation: Record<string, unknown>, budget: CostBudget = new CostBudget()): Promise<ValidateResult> {
  const f = policy.failurePolicy;
  const fail = (message: string): ValidateResult => ({ decisions: [{ action: errorAction(f), evaluation: 'Error', message }], auditAnnotations: [] });
  try {
    const variables = await evaluateVariables(policy.variables, activation, budget);
    const act = withVariables(activation, variables);
    if (policy.matchConditions) {
      const m = await evaluateMatchConditions(policy.matchConditions, act, f, new CostBudget(celLimits.matchConditionsCostBudget));
      if (m.error !== undefined) return fail(m.error);
      if (!m.matches) return { decisions: [], auditAnnotations: [] };
    }
    const messageAct = withoutAuthorizer(act);
    const decisions: PolicyDecision[] = [];
    for (const v of policy.validations) {
      const r = await evaluate(v.compiled, v.expression, act, budget);
      if (r.error !== undefined) {
        decisions.push({ action: errorAction(f), evaluation: 'Error', message: r.error });
        continue;
      }
      if (r.value === true) {
        decisions.push({ action: 'Admit', evaluation: 'Admit', message: '' });
        continue;
      }
      let message = '';
      if (v.compiledMessage) {
        try {
          const m = await evaluate(v.compiledMessage, v.messageExpression, messageAct, budget);
          if (typeof m.value === 'string') {
            message = m.value.trim();
            if (Buffer.byteLength(message) > celLimits.maxMessageBytes || message.includes('\n')) message = '';
          }
        } catch (err) {
          if (err instanceof CelCostError) {
            decisions.push({ action: errorAction(f), evaluation: 'Error', message: `failed messageExpression: ${err.message}` });
            continue;
          }
          throw err;
        }
      }
      if (message === '' && v.message.trim() !== '') message = v.message.trim();
      if (message === '') message = `failed expression: ${v.expression.trim()}`;
      decisions.push({ action: 'Deny', evaluation: 'Deny', message, reason: v.reason ?? 'Invalid' });
    }
    const annotations: PolicyAuditAnnotation[] = [];
    for (const a of policy.auditAnnotations) {
      const r = await evaluate(a.compiled, a.valueExpression, messageAct, budget);
      if (r.error !== undefined) {
        annotations.push(f === 'Ignore' ? { key: a.key, action: 'Exclude' } : { key: a.key, action: 'Error', error: r.error });
      } else if (typeof r.value === 'string') {
        const value = r.value.trim();
        annotations.push(value === '' ? { key: a.key, action: 'Exclude' } : { key: a.key, action: 'Publish', value });
      } else if (r.value === null) {
        annotations.push({ key: a.key, action: 'Exclude' });
      } else {
        annotations.push({ key: a.key, action: 'Error', error: `valueExpression '${a.valueExpression}' resulted in unsupported return type: ${celTypeName(r.value)}. Return type must be either string or null.` });
      }
    }
    return { decisions, auditAnnotations: annotations };
  } catch (err) {
    if (err instanceof CelCostError) return fail(err.message);
    throw err;
  }
}
