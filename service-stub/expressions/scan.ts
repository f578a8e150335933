import { ExpressionError } from './errors.js';
import { lookupFunction } from './functions.js';
import { excerpt } from './lexer.js';
import type { Node } from './parser.js';
import { parseTemplate } from './template.js';

export interface ScanResult {
  /** First problem found (syntax, unknown function, wrong arity); absent when the text is valid. */
  error?: string;
  /** Leading names of every field reference, in order of appearance, without duplicates. */
  identifiers: string[];
  /** Names of every function called (either call form), in order of appearance, without duplicates. */
  functions: string[];
}

/**
 * Static check of a field value without evaluating it: balanced #{...}, parseable, known function names and arity.
 * Used by definition validation, which must reject unknown functions (scheduler.md 9.4) before any run.
 */
export function scanExpressions(text: string): ScanResult {
  const identifiers = new Set<string>();
  const functions = new Set<string>();
  const problems: string[] = [];
  try {
    for (const seg of parseTemplate(text)) {
      if (seg.kind !== 'expr') continue;
      const before = problems.length;
      walk(seg.ast, identifiers, functions, problems);
      for (let i = before; i < problems.length; i++) problems[i] += ` in expression ${excerpt(seg.source)}`;
    }
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    problems.push(e.message);
  }
  const error = problems[0];
  const result: ScanResult = { identifiers: [...identifiers], functions: [...functions] };
  if (error !== undefined) result.error = error;
  return result;
}

function walk(node: Node, identifiers: Set<string>, functions: Set<string>, problems: string[]): void {
  switch (node.type) {
    case 'field':
      identifiers.add(node.path[0]);
      return;
    case 'call':
      functions.add(node.name);
      try {
        lookupFunction(node.name, node.args.length);
      } catch (e) {
        if (!(e instanceof ExpressionError)) throw e;
        problems.push(e.message); // keep walking: callers want every identifier even when one call is wrong
      }
      for (const a of node.args) walk(a, identifiers, functions, problems);
      return;
    case 'neg':
      walk(node.operand, identifiers, functions, problems);
      return;
    case 'binary':
      walk(node.left, identifiers, functions, problems);
      walk(node.right, identifiers, functions, problems);
      return;
    default:
      return;
  }
}

/** True when text contains at least one #{ */
export function hasExpression(text: string): boolean {
  return text.includes('#{');
}
