import { ExpressionError } from './errors.js';

export type TokenKind =
  | 'int'
  | 'float'
  | 'string'
  | 'name' // field, function or parameter name, including a leading '@' or '*'
  | 'op' // + - * / ^
  | '.'
  | ','
  | '('
  | ')'
  | '}'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Decoded value: the string literal's content, the name, the operator, the number text. */
  readonly value: string;
  /** Offset in the scanned text, for error messages. */
  readonly pos: number;
}

/** Quote source text for an error message, shortened: field values may be up to 10 KB. */
export function excerpt(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text);
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' };

/**
 * Tokenizer for the expression language. It starts at an offset and, when `stopAtBrace` is set, stops after the
 * first `}` outside a string literal: that is how `#{...}` is delimited, so `}` and quotes inside literals are safe.
 */
export class Lexer {
  private pos: number;
  private last: Token | undefined;

  constructor(
    private readonly text: string,
    start = 0,
    private readonly end = text.length,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  next(): Token {
    this.skipSpace();
    const tok = this.read();
    this.last = tok;
    return tok;
  }

  /** Whether the previous token ends an operand; decides if `*` / `.` begin a parameter / number or are operators. */
  private afterOperand(): boolean {
    const k = this.last?.kind;
    return k === 'int' || k === 'float' || k === 'string' || k === 'name' || k === ')';
  }

  private skipSpace(): void {
    while (this.pos < this.end && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private read(): Token {
    const start = this.pos;
    if (start >= this.end) return { kind: 'eof', value: '', pos: start };
    const c = this.text[start];
    const c1 = this.text[start + 1] ?? '';
    if (c === "'" || c === '"') return this.readString(c);
    if (DIGIT.test(c) || (c === '.' && DIGIT.test(c1) && !this.afterOperand())) return this.readNumber();
    if (NAME_START.test(c)) return this.readName(start, start);
    if (c === '@' && NAME_START.test(c1)) return this.readName(start, start + 1);
    if (c === '*' && c1 === '@') throw this.error('a parameter name cannot start with @', start);
    // `*myVar` is a (masked) parameter unless it follows an operand, where `*` multiplies.
    if (c === '*' && NAME_START.test(c1) && !this.afterOperand()) return this.readName(start, start + 1);
    this.pos++;
    if ('+-*/^'.includes(c)) return { kind: 'op', value: c, pos: start };
    if (c === '.' || c === ',' || c === '(' || c === ')' || c === '}') return { kind: c, value: c, pos: start };
    throw this.error(`unexpected character '${c}'`, start);
  }

  private readName(start: number, from: number): Token {
    let p = from;
    while (p < this.end && NAME_PART.test(this.text[p])) p++;
    this.pos = p;
    return { kind: 'name', value: this.text.slice(start, p), pos: start };
  }

  private readNumber(): Token {
    const start = this.pos;
    let p = start;
    let float = false;
    while (p < this.end && DIGIT.test(this.text[p])) p++;
    if (this.text[p] === '.' && DIGIT.test(this.text[p + 1] ?? '')) {
      float = true;
      p++;
      while (p < this.end && DIGIT.test(this.text[p])) p++;
    }
    const exp = /^[eE][+-]?[0-9]+/.exec(this.text.slice(p, this.end));
    if (exp) {
      float = true;
      p += exp[0].length;
    }
    if (p < this.end && NAME_PART.test(this.text[p])) throw this.error('malformed number', start);
    this.pos = p;
    return { kind: float ? 'float' : 'int', value: this.text.slice(start, p), pos: start };
  }

  private readString(quote: string): Token {
    const start = this.pos;
    let p = start + 1;
    let out = '';
    for (;;) {
      if (p >= this.end) throw this.error('unterminated string literal', start);
      const ch = this.text[p];
      if (ch === quote) break;
      if (ch === '\n') throw this.error('string literals cannot span lines', start);
      if (ch === '\\') {
        const e = this.text[p + 1];
        if (e === undefined || p + 1 >= this.end) throw this.error('unterminated string literal', start);
        if (e === 'u') {
          const hex = this.text.slice(p + 2, p + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.error('bad \\u escape', p);
          out += String.fromCharCode(parseInt(hex, 16));
          p += 6;
          continue;
        }
        out += ESCAPES[e] ?? e; // JSON/Java style; unknown escapes keep the character (\' \" \\ /)
        p += 2;
        continue;
      }
      out += ch;
      p++;
    }
    this.pos = p + 1;
    return { kind: 'string', value: out, pos: start };
  }

  error(message: string, pos: number): ExpressionError {
    return new ExpressionError('EXPRESSION_SYNTAX', `${message} at position ${pos} in ${excerpt(this.text)}`);
  }
}
