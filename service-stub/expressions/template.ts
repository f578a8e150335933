import { parseExpression, type Node } from './parser.js';

export type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'expr'; readonly source: string; readonly ast: Node };

/**
 * Split a field value into literal text and `#{...}` expressions. The closing `}` is found by the tokenizer, so a `}`
 * or quote inside a string literal (`'#{format(x,'YYYY-MM-dd')}'` in SQL) does not end the expression. `${...}` and
 * a lone `#` are literal text. Throws ExpressionError (EXPRESSION_SYNTAX) on the first malformed expression.
 */
export function parseTemplate(text: string): Segment[] {
  const out: Segment[] = [];
  let literalStart = 0;
  let i = text.indexOf('#{');
  while (i >= 0) {
    if (i > literalStart) out.push({ kind: 'text', text: text.slice(literalStart, i) });
    const { ast, end } = parseExpression(text, i + 2, true);
    out.push({ kind: 'expr', source: text.slice(i + 2, end - 1).trim(), ast });
    literalStart = end;
    i = text.indexOf('#{', end);
  }
  if (literalStart < text.length) out.push({ kind: 'text', text: text.slice(literalStart) });
  return out;
}
