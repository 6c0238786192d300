/**
 * Runtime cost limits for CEL, so that no expression can hold the server.
 *
 * Kubernetes counts the cost of each expression while it runs and stops it
 * past a per-call limit, and charges every expression of a policy evaluation
 * to one budget (k8s.io/apiserver/pkg/apis/cel/config.go). Here the unit of
 * cost is one evaluation step (one node of the expression tree, once per
 * comprehension iteration): every node of a compiled expression is wrapped
 * with a counter, and the counter of the running evaluation is found through
 * AsyncLocalStorage, so asynchronous functions (authorizer checks) keep
 * charging the right evaluation.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Environment } from '@marcbachmann/cel-js';

/** The cost limit of one expression evaluation (celconfig.PerCallLimit). Tests may lower it. */
export const celLimits = {
  perCallLimit: 1_000_000,
  /** The budget of all expressions of one policy-binding evaluation (RuntimeCELCostBudget). */
  runtimeCostBudget: 10_000_000,
  /** The budget of the match conditions of one webhook or policy. */
  matchConditionsCostBudget: 1_000_000,
  /** Longest message a messageExpression may produce (MaxEvaluatedMessageExpressionSizeBytes). */
  maxMessageBytes: 5 * 1024,
};

/** Why an evaluation was stopped. */
export type CostErrorKind = 'perCall' | 'budget';

/** Thrown when an evaluation runs past its limit. */
export class CelCostError extends Error {
  constructor(readonly kind: CostErrorKind) {
    super(kind === 'perCall' ? 'operation cancelled: actual cost limit exceeded' : 'validation failed due to running out of cost budget, no further validation rules will be run');
    this.name = 'CelCostError';
  }
}

/** The budget of a group of evaluations (one policy binding, one webhook's match conditions). */
export class CostBudget {
  constructor(public remaining: number = celLimits.runtimeCostBudget) {}
}

interface Meter {
  count: number;
  limit: number;
}

const meters = new AsyncLocalStorage<Meter>();

/**
 * Runs one expression evaluation under a meter whose limit is the smaller of
 * the per-call limit and what is left of `budget`, then charges its cost.
 * Throws CelCostError when a limit was passed (even when the expression
 * swallowed the error, e.g. `true || <expensive>`).
 */
export async function metered<T>(budget: CostBudget, run: () => T | Promise<T>): Promise<T> {
  const perCall = celLimits.perCallLimit;
  const limit = Math.min(perCall, budget.remaining);
  const meter: Meter = { count: 0, limit };
  let result: T;
  try {
    result = await meters.run(meter, run);
  } catch (err) {
    budget.remaining -= Math.min(meter.count, limit);
    if (meter.count > limit) throw new CelCostError(limit < perCall ? 'budget' : 'perCall');
    throw err;
  }
  budget.remaining -= Math.min(meter.count, limit);
  if (meter.count > limit) throw new CelCostError(limit < perCall ? 'budget' : 'perCall');
  return result;
}

/** The cost the running evaluation has spent so far (0 outside an evaluation). */
export function currentCost(): number {
  return meters.getStore()?.count ?? 0;
}

/** Charges extra cost to the running evaluation (library functions with size-dependent work). */
export function chargeCost(units: number): void {
  const m = meters.getStore();
  if (!m) return;
  m.count += units;
  if (m.count > m.limit) throw new CelCostError('perCall');
}

function tick(): void {
  const m = meters.getStore();
  if (m && ++m.count > m.limit) throw new CelCostError('perCall');
}

type EvalFn = (ev: unknown, ast: unknown, ctx: unknown) => unknown;
interface NodeMeta {
  alternate?: { evaluate: EvalFn };
  macro?: { evaluate: EvalFn };
  evaluate: EvalFn;
}
interface AstNodeLike {
  args: unknown;
  meta: NodeMeta;
  evaluate: EvalFn;
}

let astNodeClass: (new (...args: never[]) => unknown) | undefined;

/** The evaluator's AST node class (not exported by the library; read from a parsed expression). */
function nodeClass(): new (...args: never[]) => unknown {
  astNodeClass ??= (new Environment().parse('1').ast as object).constructor as new (...args: never[]) => unknown;
  return astNodeClass;
}

const instrumented = new WeakSet<object>();

/**
 * Wraps every node of a parsed expression (including macro expansions) so
 * that evaluating it charges one unit to the running meter. The wrapper
 * dispatches exactly as the node itself would (alternate, macro or operator).
 * Idempotent.
 */
export function instrumentAst(root: unknown): void {
  const Node = nodeClass();
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Node) {
      const node = v as AstNodeLike;
      const meta = node.meta;
      visit(node.args);
      visit(meta.alternate);
      visit(meta.macro);
      if (instrumented.has(node)) return;
      instrumented.add(node);
      node.evaluate = function meteredEvaluate(ev, ast, ctx) {
        tick();
        if (meta.alternate) return meta.alternate.evaluate(ev, meta.alternate, ctx);
        if (meta.macro) return meta.macro.evaluate(ev, meta.macro, ctx);
        return meta.evaluate(ev, ast, ctx);
      };
      return;
    }
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (v instanceof Map || v instanceof Set || ArrayBuffer.isView(v)) return;
    for (const x of Object.values(v)) visit(x);
  };
  visit(root);
}
