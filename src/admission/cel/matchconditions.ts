/**
 * matchConditions of webhooks and policies (webhook/matchconditions,
 * restated): CEL expressions that must all be true for the webhook or policy
 * to apply. A false condition always skips; errors (compilation or
 * evaluation) follow the failure policy — `Fail` turns them into an error,
 * `Ignore` skips.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { compilationMessage, compileExpression, type CompilationResult } from './compile.js';
import { CelCostError, CostBudget, celLimits } from './cost.js';

/** One condition as configured. */
export interface MatchCondition {
  name: string;
  expression: string;
}

/** Compiled conditions. */
export interface CompiledMatchConditions {
  readonly conditions: readonly { name: string; expression: string; result: CompilationResult }[];
}

/** The outcome of evaluating match conditions. */
export interface MatchResult {
  matches: boolean;
  /** Set when the failure policy is Fail and a condition could not be evaluated. */
  error?: string;
  /** The first condition that evaluated to false. */
  failedConditionName?: string;
}

/** Compiles each condition as a bool expression in `env`. */
export function compileMatchConditions(env: Environment, conditions: readonly MatchCondition[]): CompiledMatchConditions {
  return { conditions: conditions.map((c) => ({ name: c.name, expression: c.expression, result: compileExpression(env, c.expression, ['bool']) })) };
}

/** utilerrors.NewAggregate(...).Error(). */
export function aggregate(messages: readonly string[]): string {
  return messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
}

/** The message of an expression that failed to evaluate (`expression '…' resulted in error: …`). */
export function expressionError(expression: string, message: string): string {
  return `expression '${expression}' resulted in error: ${message}`;
}

/**
 * Evaluates the conditions in order against an activation. `failurePolicy`
 * is the webhook's or policy's (`Fail` when unset).
 */
export async function evaluateMatchConditions(
  compiled: CompiledMatchConditions,
  activation: Record<string, unknown>,
  failurePolicy: string | undefined,
  budget: CostBudget = new CostBudget(celLimits.matchConditionsCostBudget),
): Promise<MatchResult> {
  const fail = failurePolicy !== 'Ignore';
  const errors: string[] = [];
  for (const c of compiled.conditions) {
    if (!c.result.ok) {
      errors.push(`compilation error: ${compilationMessage(c.result.error)}`);
      continue;
    }
    let value: unknown;
    try {
      value = await c.result.program.evaluate(activation, budget);
    } catch (err) {
      if (err instanceof CelCostError && err.kind === 'budget') {
        return fail ? { matches: false, error: err.message } : { matches: false };
      }
      errors.push(expressionError(c.expression, err instanceof Error ? err.message : String(err)));
      continue;
    }
    if (value === false) return { matches: false, failedConditionName: c.name };
  }
  if (errors.length > 0) return fail ? { matches: false, error: aggregate(errors) } : { matches: false };
  return { matches: true };
}
