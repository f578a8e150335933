import { Lexer, type Token, excerpt } from './lexer.js';
import { ExpressionError } from './errors.js';

export type BinaryOp = '+' | '-' | '*' | '/' | '^';

export type Node =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  /** `name`, `@x`, `*myVar`, `input.directoryPath`, `node.@scheduledStartTime`: a path through references. */
  | { readonly type: 'field'; readonly path: readonly string[] }
  /** `f(a, b)`; the method form `a.f(b)` is parsed to the same node with the receiver as first argument. */
  | { readonly type: 'call'; readonly name: string; readonly args: readonly Node[] }
  | { readonly type: 'neg'; readonly operand: Node }
  | { readonly type: 'binary'; readonly op: BinaryOp; readonly left: Node; readonly right: Node };

export interface ParsedExpression {
  readonly ast: Node;
  /** Offset just after the expression (after the closing `}` when parsing inside #{...}). */
  readonly end: number;
}

/**
 * Parse one expression starting at `start` in `text`. With `untilBrace`, the expression must end with `}` (the end of
 * a `#{...}`); otherwise it must run to the end of the text. Precedence, loosest first: + -, * /, ^ (right), unary -.
 */
export function parseExpression(text: string, start = 0, untilBrace = false): ParsedExpression {
  return new Parser(text, start, untilBrace).parse();
}

class Parser {
  private readonly lexer: Lexer;
  private tok: Token;

  constructor(
    private readonly text: string,
    start: number,
    private readonly untilBrace: boolean,
  ) {
    this.lexer = new Lexer(text, start);
    this.tok = this.lexer.next();
  }

  parse(): ParsedExpression {
    if (this.isEnd()) throw this.fail('empty expression');
    const ast = this.additive();
    if (this.untilBrace) {
      if (this.tok.kind === 'eof') throw this.fail("unbalanced '#{': missing '}'");
      if (this.tok.kind !== '}') throw this.fail(`unexpected ${describe(this.tok)}`);
    } else if (this.tok.kind !== 'eof') {
      throw this.fail(`unexpected ${describe(this.tok)}`);
    }
    return { ast, end: this.lexer.offset };
  }

  private isEnd(): boolean {
    return this.tok.kind === 'eof' || this.tok.kind === '}';
  }

  private advance(): Token {
    const t = this.tok;
    this.tok = this.lexer.next();
    return t;
  }

  private expect(kind: Token['kind'], what: string): Token {
    if (this.tok.kind !== kind) throw this.fail(`expected ${what} but found ${describe(this.tok)}`);
    return this.advance();
  }

  /** A method, not a field test: TypeScript would otherwise keep a narrowing of `tok` across advance(). */
  private at(kind: Token['kind']): boolean {
    return this.tok.kind === kind;
  }

  private isOp(...ops: string[]): boolean {
    return this.tok.kind === 'op' && ops.includes(this.tok.value);
  }

  private additive(): Node {
    let left = this.multiplicative();
    while (this.isOp('+', '-')) {
      const op = this.advance().value as BinaryOp;
      left = { type: 'binary', op, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Node {
    let left = this.power();
    while (this.isOp('*', '/')) {
      const op = this.advance().value as BinaryOp;
      left = { type: 'binary', op, left, right: this.power() };
    }
    return left;
  }

  private power(): Node {
    const left = this.unary();
    if (!this.isOp('^')) return left;
    this.advance();
    return { type: 'binary', op: '^', left, right: this.power() };
  }

  private unary(): Node {
    if (this.isOp('-')) {
      this.advance();
      return { type: 'neg', operand: this.unary() };
    }
    if (this.isOp('+')) {
      this.advance();
      return this.unary();
    }
    return this.postfix(this.primary());
  }

  private primary(): Node {
    const t = this.tok;
    switch (t.kind) {
      case 'int':
        this.advance();
        return { type: 'int', value: Number(t.value) };
      case 'float':
        this.advance();
        return { type: 'float', value: Number(t.value) };
      case 'string':
        this.advance();
        return { type: 'string', value: t.value };
      case '(': {
        this.advance();
        const inner = this.additive();
        this.expect(')', "')'");
        return inner;
      }
      case 'name': {
        this.advance();
        if (this.tok.kind === '(') {
          if (!/^[A-Za-z_]/.test(t.value)) throw this.fail(`'${t.value}' cannot be called`);
          return { type: 'call', name: t.value, args: this.args([]) };
        }
        return { type: 'field', path: [t.value] };
      }
      default:
        throw this.fail(`unexpected ${describe(t)}`);
    }
  }

  /** `.name` extends a field path; `.name(...)` is a method call on whatever came before. */
  private postfix(node: Node): Node {
    let cur = node;
    while (this.tok.kind === '.') {
      this.advance();
      const name = this.expect('name', 'a field or function name after "."');
      if (name.value.startsWith('*')) throw this.fail(`parameter '${name.value}' cannot follow '.'`);
      if (this.at('(')) {
        if (name.value.startsWith('@')) throw this.fail(`'${name.value}' cannot be called`);
        cur = { type: 'call', name: name.value, args: this.args([cur]) };
      } else if (cur.type === 'field') {
        cur = { type: 'field', path: [...cur.path, name.value] };
      } else {
        throw this.fail(`cannot read field '${name.value}' of a non-reference value`);
      }
    }
    return cur;
  }

  private args(initial: Node[]): Node[] {
    this.expect('(', "'('");
    const out = initial;
    if (this.tok.kind === ')') {
      this.advance();
      return out;
    }
    for (;;) {
      out.push(this.additive());
      if (this.tok.kind === ',') {
        this.advance();
        continue;
      }
      this.expect(')', "',' or ')'");
      return out;
    }
  }

  private fail(message: string): ExpressionError {
    return new ExpressionError('EXPRESSION_SYNTAX', `${message} at position ${this.tok.pos} in ${excerpt(this.text)}`);
  }
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of expression';
  if (t.kind === 'string') return `string ${JSON.stringify(t.value)}`;
  return `'${t.value}'`;
}
