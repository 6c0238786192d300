/**
 * Compiling and running one CEL expression of an admission object.
 *
 * Compilation parses and type-checks against an environment and the
 * expected result types; its errors read like cel-go's issue lists
 * (`ERROR: <input>:1:7: undefined field 'x'` with the source line and a
 * caret). Evaluation runs under the cost meter (cost.ts) and reports errors
 * in cel-go's words (`no such key: x`).
 */
import { type Environment } from '@marcbachmann/cel-js';
import { CelCostError, CostBudget, instrumentAst, metered } from './cost.js';

/** Why a compilation failed: `Invalid` for the expression's fault, `Internal` otherwise (apiservercel.ErrorType). */
export interface CompilationError {
  type: 'Invalid' | 'Internal';
  /** The issues (`ERROR: <input>:…`) or the result-type complaint. */
  detail: string;
  /** True when `detail` lists parse or type-check issues (cel-go prefixes them with `compilation failed: `). */
  issues?: boolean;
}

/**
 * The text Kubernetes reports for a compilation error: `compilation failed: <issues>`
 * for parse and type errors, the bare reason for a wrong result type.
 */
export function compilationMessage(err: CompilationError): string {
  return err.issues ? `compilation failed: ${err.detail}` : err.detail;
}

/** A compiled expression. */
export interface CompiledExpression {
  readonly expression: string;
  /** The checked result type (`bool`, `string`, `dyn`, …). */
  readonly outputType: string;
  /**
   * Evaluates against an activation of CEL values, charging `budget`.
   * Throws CelEvaluationError (the expression's fault) or CelCostError.
   */
  evaluate(activation: Record<string, unknown>, budget: CostBudget): Promise<unknown>;
}

/** The outcome of a compilation. */
export type CompilationResult = { ok: true; program: CompiledExpression } | { ok: false; error: CompilationError };

/** An evaluation error, worded as cel-go words it. */
export class CelEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelEvaluationError';
  }
}

interface CelLibError {
  name?: string;
  code?: string;
  summary?: string;
  message: string;
  range?: { start: number; end: number };
}

const operatorNames: Record<string, string> = {
  '+': '_+_', '-': '_-_', '*': '_*_', '/': '_/_', '%': '_%_', '==': '_==_', '!=': '_!=_',
  '<': '_<_', '<=': '_<=_', '>': '_>_', '>=': '_>=_', in: '@in',
};

/** The cel-go wording of a type-check or parse error summary. */
function checkMessage(err: CelLibError): string {
  const s = err.summary ?? err.message.split('\n')[0];
  let m = /^Unknown variable: (.+)$/.exec(s);
  if (m) return `undeclared reference to '${m[1]}' (in container '')`;
  m = /^No such key: (.+)$/.exec(s);
  if (m) return `undefined field '${m[1]}'`;
  m = /^no such overload: (\S+) (\S+) (\S+)$/.exec(s);
  if (m && operatorNames[m[2]]) return `found no matching overload for '${operatorNames[m[2]]}' applied to '(${m[1]}, ${m[3]})'`;
  m = /^found no matching overload for '(?:(.+)\.)?([A-Za-z_][A-Za-z0-9_]*)\((.*)\)'$/.exec(s);
  if (m) return `found no matching overload for '${m[2]}' applied to '${m[1] ? `${m[1]}.` : ''}(${m[3]})'`;
  if (err.name === 'ParseError') return `Syntax error: ${s.charAt(0).toLowerCase()}${s.slice(1)}`;
  return s;
}

/** `ERROR: <input>:L:C: msg` with the source line and a caret, as cel-go's Issues.String(). */
export function formatIssue(expression: string, position: number, message: string): string {
  const before = expression.slice(0, Math.max(0, Math.min(position, expression.length)));
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const col = before.length - lineStart;
  const source = expression.split('\n')[line - 1] ?? '';
  return `ERROR: <input>:${line}:${col + 1}: ${message}\n | ${source}\n | ${'.'.repeat(col)}^`;
}

function issueOf(expression: string, err: CelLibError): string {
  let pos = err.range?.start ?? 0;
  const msg = checkMessage(err);
  if (msg.startsWith('undefined field')) {
    // cel-go points at the select's dot.
    const name = /'(.+)'/.exec(msg)?.[1] ?? '';
    const at = expression.indexOf(`.${name}`, Math.max(0, pos - name.length - 2));
    if (at >= 0) pos = at;
  }
  return formatIssue(expression, pos, msg);
}

/** The cel-go wording of a runtime error. */
export function evaluationMessage(err: unknown): string {
  if (err instanceof CelCostError || err instanceof CelEvaluationError) return err.message;
  if (typeof err === 'object' && err !== null && 'message' in err) {
    const e = err as CelLibError;
    const s = e.summary ?? e.message.split('\n')[0];
    if (e.code === 'no_such_key' || /^No such key: /.test(s)) return `no such key: ${s.replace(/^No such key: /i, '')}`;
    if (e.code === 'no_such_overload' || e.code === 'no_matching_overload') return 'no such overload';
    if (e.name === 'EvaluationError') return s.charAt(0).toLowerCase() + s.slice(1);
    return s;
  }
  return String(err);
}

/** Types a result may have for the given expected types (a `dyn` result is accepted: it is checked at run time). */
function typeAccepted(outputType: string, returnTypes: readonly string[]): boolean {
  if (returnTypes.includes('dyn') || outputType === 'dyn') return true;
  return returnTypes.some((t) => t === outputType || (t === 'null' && outputType === 'null_type'));
}

/**
 * Compiles an expression in `env`, requiring a result of one of
 * `returnTypes` (`['bool']` for validations, `['string']` for messages,
 * `['dyn']` for anything).
 */
export function compileExpression(env: Environment, expression: string, returnTypes: readonly string[]): CompilationResult {
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(expression);
  } catch (err) {
    return { ok: false, error: { type: 'Invalid', detail: issueOf(expression, err as CelLibError), issues: true } };
  }
  const checked = parsed.check();
  if (!checked.valid) return { ok: false, error: { type: 'Invalid', detail: issueOf(expression, (checked.error ?? { message: 'invalid expression' }) as CelLibError), issues: true } };
  const outputType = checked.type ?? 'dyn';
  if (!typeAccepted(outputType, returnTypes)) {
    const reason = returnTypes.length === 1 ? `must evaluate to ${returnTypes[0]}` : `must evaluate to one of [${returnTypes.join(' ')}]`;
    return { ok: false, error: { type: 'Invalid', detail: reason } };
  }
  instrumentAst(parsed.ast);
  const program: CompiledExpression = {
    expression,
    outputType,
    async evaluate(activation, budget) {
      try {
        return await metered(budget, () => parsed(activation) as unknown);
      } catch (err) {
        if (err instanceof CelCostError) throw err;
        throw new CelEvaluationError(evaluationMessage(err));
      }
    },
  };
  return { ok: true, program };
}
