/**
 * The label selector string grammar of Kubernetes' `labels.Parse`:
 *
 *   selector    := requirement ("," requirement)*   (or the empty string)
 *   requirement := ["!"] KEY [ ("="|"=="|"!="|">"|"<") VALUE | ("in"|"notin") "(" VALUES ")" ]
 *
 * A hand-written lexer and recursive-descent parser with the same tokens,
 * the same context rule (`in`/`notin` are plain identifiers where a value is
 * expected) and the same error texts, so a bad `?labelSelector=` produces the
 * message kube-apiserver would return.
 */

import { Requirement, binaryOperators, labelKeyError, requirementError, type Operator } from './requirement.js';

const enum Tok {
  Error,
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const literalTokens: ReadonlyMap<string, Tok> = new Map([
  [')', Tok.ClosedPar],
  [',', Tok.Comma],
  ['!', Tok.DoesNotExist],
  ['==', Tok.DoubleEquals],
  ['=', Tok.Equals],
  ['>', Tok.GreaterThan],
  ['in', Tok.In],
  ['<', Tok.LessThan],
  ['!=', Tok.NotEquals],
  ['notin', Tok.NotIn],
  ['(', Tok.OpenPar],
]);

interface Item {
  tok: Tok;
  lit: string;
}

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecial(ch: string): boolean {
  return ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<';
}

/** Splits a selector into tokens. A NUL character ends the input, as in Go's lexer. */
function scan(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  const read = (): string => (pos < s.length ? s[pos++]! : '\0');
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === '\0') {
      items.push({ tok: Tok.EndOfString, lit: '' });
      return items;
    }
    pos--;
    if (isSpecial(ch)) {
      let buffer = '';
      let last: Item | undefined;
      for (;;) {
        const c = read();
        if (c === '\0') break;
        if (!isSpecial(c)) {
          pos--;
          break;
        }
        buffer += c;
        const tok = literalTokens.get(buffer);
        if (tok !== undefined) {
          last = { tok, lit: buffer };
        } else if (last !== undefined) {
          pos--;
          break;
        }
      }
      items.push(last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buffer}'` });
    } else {
      let buffer = '';
      for (;;) {
        const c = read();
        if (c === '\0') break;
        if (isSpecial(c) || isWhitespace(c)) {
          pos--;
          break;
        }
        buffer += c;
      }
      items.push({ tok: literalTokens.get(buffer) ?? Tok.Identifier, lit: buffer });
    }
  }
}

/** A parse failure; its message is exactly what kube-apiserver reports. */
export class SelectorSyntaxError extends Error {}

const enum Ctx {
  KeyAndOperator,
  Values,
}

class Parser {
  private position = 0;

  constructor(private readonly items: Item[], private readonly path: string | undefined) {}

  private peek(ctx: Ctx): Item {
    const item = this.items[this.position]!;
    if (ctx === Ctx.Values && (item.tok === Tok.In || item.tok === Tok.NotIn)) return { tok: Tok.Identifier, lit: item.lit };
    return item;
  }

  private next(ctx: Ctx): Item {
    const item = this.peek(ctx);
    this.position++;
    return item;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek(Ctx.Values);
      switch (tok) {
        case Tok.Identifier:
        case Tok.DoesNotExist: {
          let r: Requirement;
          try {
            r = this.parseRequirement();
          } catch (err) {
            if (err instanceof SelectorSyntaxError) throw new SelectorSyntaxError(`unable to parse requirement: ${err.message}`);
            throw err;
          }
          requirements.push(r);
          const after = this.next(Ctx.Values);
          if (after.tok === Tok.EndOfString) return requirements;
          if (after.tok === Tok.Comma) {
            const following = this.peek(Ctx.Values);
            if (following.tok !== Tok.Identifier && following.tok !== Tok.DoesNotExist) {
              throw new SelectorSyntaxError(`found '${following.lit}', expected: identifier after ','`);
            }
            break;
          }
          throw new SelectorSyntaxError(`found '${after.lit}', expected: ',' or 'end of string'`);
        }
        case Tok.EndOfString:
          return requirements;
        default:
          throw new SelectorSyntaxError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    if (inferred === 'exists' || inferred === '!') return this.build(key, inferred, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    // Kubernetes collects values in a set and lists it sorted.
    const sorted = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.build(key, op, sorted);
  }

  private build(key: string, op: Operator, values: string[]): Requirement {
    const err = requirementError(key, op, values, this.path);
    if (err !== undefined) throw new SelectorSyntaxError(err);
    return new Requirement(key, op, values);
  }

  private parseKeyAndInferOperator(): [string, Operator | undefined] {
    let op: Operator | undefined;
    let item = this.next(Ctx.Values);
    if (item.tok === Tok.DoesNotExist) {
      op = '!';
      item = this.next(Ctx.Values);
    }
    if (item.tok !== Tok.Identifier) throw new SelectorSyntaxError(`found '${item.lit}', expected: identifier`);
    const keyErr = labelKeyError(item.lit, this.path);
    if (keyErr !== undefined) throw new SelectorSyntaxError(keyErr);
    const ahead = this.peek(Ctx.Values).tok;
    if ((ahead === Tok.EndOfString || ahead === Tok.Comma) && op !== '!') op = 'exists';
    return [item.lit, op];
  }

  private parseOperator(): Operator {
    const { tok, lit } = this.next(Ctx.KeyAndOperator);
    switch (tok) {
      case Tok.In: return 'in';
      case Tok.Equals: return '=';
      case Tok.DoubleEquals: return '==';
      case Tok.GreaterThan: return 'gt';
      case Tok.LessThan: return 'lt';
      case Tok.NotIn: return 'notin';
      case Tok.NotEquals: return '!=';
      default:
        throw new SelectorSyntaxError(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
    }
  }

  private parseValues(): string[] {
    const open = this.next(Ctx.Values);
    if (open.tok !== Tok.OpenPar) throw new SelectorSyntaxError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.peek(Ctx.Values);
    switch (tok) {
      case Tok.Identifier:
      case Tok.Comma: {
        const values = this.parseIdentifiersList();
        if (this.next(Ctx.Values).tok !== Tok.ClosedPar) throw new SelectorSyntaxError(`found '${lit}', expected: ')'`);
        return values;
      }
      case Tok.ClosedPar:
        this.next(Ctx.Values);
        return [''];
      default:
        throw new SelectorSyntaxError(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): string[] {
    const values: string[] = [];
    for (;;) {
      const { tok, lit } = this.next(Ctx.Values);
      switch (tok) {
        case Tok.Identifier: {
          values.push(lit);
          const ahead = this.peek(Ctx.Values);
          if (ahead.tok === Tok.Comma) continue;
          if (ahead.tok === Tok.ClosedPar) return values;
          throw new SelectorSyntaxError(`found '${ahead.lit}', expected: ',' or ')'`);
        }
        case Tok.Comma: {
          // "(,", ",)" and ",," each stand for an empty value.
          if (values.length === 0) values.push('');
          const ahead = this.peek(Ctx.Values).tok;
          if (ahead === Tok.ClosedPar) {
            values.push('');
            return values;
          }
          if (ahead === Tok.Comma) values.push('');
          break;
        }
        default:
          throw new SelectorSyntaxError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): string[] {
    const ahead = this.peek(Ctx.Values).tok;
    if (ahead === Tok.EndOfString || ahead === Tok.Comma) return [''];
    const { tok, lit } = this.next(Ctx.Values);
    if (tok === Tok.Identifier) return [lit];
    throw new SelectorSyntaxError(`found '${lit}', expected: identifier`);
  }
}

/**
 * Parses a label selector string into requirements sorted by key (stable).
 * Throws SelectorSyntaxError with Kubernetes' message.
 *
 * @param path field path prefix for validation errors (undefined: Kubernetes' nil path, printed `<nil>`)
 */
export function parseRequirements(selector: string, path?: string): Requirement[] {
  const requirements = new Parser(scan(selector), path).parse();
  return requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
