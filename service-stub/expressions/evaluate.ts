import type { EvalContext, ExprObject } from './context.js';
import { ExpressionError } from './errors.js';
import { callFunction, lookupFunction } from './functions.js';
import { excerpt } from './lexer.js';
import { parseExpression, type BinaryOp, type Node } from './parser.js';
import { parseTemplate } from './template.js';
import { float, int, items, list, render, renderScalar, str, toNumber, type Scalar, type Value } from './values.js';

/** Fields that are identities or runtime values: used verbatim, never evaluated (scheduler.md 9.1). */
const VERBATIM_KEYS = new Set(['id', 'name', 'type', 'sphere', 'parent']);
/** Bound on nested evaluation of referenced fields, which may themselves hold expressions. */
const MAX_DEPTH = 32;

interface State {
  readonly ctx: EvalContext;
  /** Fields being evaluated up the stack, to report a cycle instead of overflowing it. */
  readonly active: ReadonlyArray<{ readonly obj: ExprObject; readonly key: string }>;
}

/** Evaluate every #{...} in `text`; text outside is literal. A list result yields several strings (cartesian). */
export function evaluateText(text: string, ctx: EvalContext): string[] {
  return evalText(text, { ctx, active: [] });
}

/** Evaluate one bare expression (no #{}), e.g. "format(@scheduledStartTime,'YYYY')". */
export function evaluateExpression(expr: string, ctx: EvalContext): string[] {
  const { ast } = parseExpression(expr);
  return render(withSource(expr, () => evalNode(ast, { ctx, active: [] })));
}

function evalText(text: string, state: State): string[] {
  if (!text.includes('#{')) return [text];
  let results = [''];
  for (const seg of parseTemplate(text)) {
    const alternatives = seg.kind === 'text' ? [seg.text] : render(withSource(seg.source, () => evalNode(seg.ast, state)));
    results = results.flatMap((prefix) => alternatives.map((a) => prefix + a));
  }
  return results;
}

/** Add the failing expression's text to an error raised while evaluating it. */
function withSource<T>(source: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ExpressionError && !e.message.includes(' in expression ')) {
      throw new ExpressionError(e.code, `${e.message} in expression ${excerpt(source)}`);
    }
    throw e;
  }
}

function evalNode(node: Node, state: State): Value {
  switch (node.type) {
    case 'int':
      return int(node.value);
    case 'float':
      return float(node.value);
    case 'string':
      return str(node.value);
    case 'neg':
      return mapScalars([evalNode(node.operand, state)], ([v]) => negate(v));
    case 'binary': {
      const left = evalNode(node.left, state);
      const right = evalNode(node.right, state);
      return mapScalars([left, right], ([a, b]) => binary(node.op, a, b));
    }
    case 'call': {
      const def = lookupFunction(node.name, node.args.length);
      const args = node.args.map((a) => evalNode(a, state));
      return mapScalars(args, (scalars) => callFunction(def, scalars));
    }
    case 'field':
      return resolvePath(node.path, state);
  }
}

/** Apply `f` to scalars; any list operand maps (cartesian over several lists) and the result is a flat list. */
function mapScalars(args: readonly Value[], f: (scalars: readonly Scalar[]) => Scalar): Value {
  if (!args.some((a) => a.t === 'list')) return f(args as readonly Scalar[]);
  let combos: Scalar[][] = [[]];
  for (const a of args) combos = combos.flatMap((c) => items(a).map((s) => [...c, s]));
  return list(combos.map(f));
}

function negate(v: Scalar): Scalar {
  const n = toNumber(v, 'unary -');
  return n.t === 'int' ? int(-n.v) : float(-n.v);
}

/** Java-like arithmetic: int op int stays int (division truncates), ^ is always double, + concatenates strings. */
function binary(op: BinaryOp, a: Scalar, b: Scalar): Scalar {
  if (op === '+' && (a.t === 'string' || b.t === 'string')) return str(renderScalar(a) + renderScalar(b));
  if (a.t === 'datetime' || b.t === 'datetime') {
    throw new ExpressionError('TYPE_MISMATCH', `operator ${op} is not defined for DateTime; use plusDays, minusHours, ...`);
  }
  const x = toNumber(a, `left operand of ${op}`);
  const y = toNumber(b, `right operand of ${op}`);
  if (op === '^') return float(Math.pow(x.v, y.v));
  if (x.t === 'int' && y.t === 'int') {
    switch (op) {
      case '+':
        return int(x.v + y.v);
      case '-':
        return int(x.v - y.v);
      case '*':
        return int(x.v * y.v);
      case '/':
        if (y.v === 0) throw new ExpressionError('DIVISION_BY_ZERO', 'integer division by zero');
        return int(Math.trunc(x.v / y.v));
    }
  }
  switch (op) {
    case '+':
      return float(x.v + y.v);
    case '-':
      return float(x.v - y.v);
    case '*':
      return float(x.v * y.v);
    case '/':
      return float(x.v / y.v);
  }
}

/**
 * Resolve `name`, `*myParam`, `@runtimeField`, `node.x`, `input.directoryPath`, ... Parameters win over fields of
 * the same name (scheduler.md 10: substitution happens before other evaluation); `*` names are parameters only.
 */
function resolvePath(path: readonly string[], state: State): Value {
  const { ctx } = state;
  const [head, ...rest] = path;
  const shown = path.join('.');
  let current: Value;
  const param = head.startsWith('@') ? undefined : ctx.params?.get(head);
  if (param) {
    current = param.length === 1 ? str(param[0]) : list(param.map(str));
  } else if (head.startsWith('*')) {
    throw new ExpressionError('UNKNOWN_FIELD', `unknown parameter '${head}'`);
  } else if (head === 'node') {
    // `node` is the referring instance, bound only for actions and preconditions (scheduler.md 9.2, 14.6).
    if (!ctx.node) throw new ExpressionError('NODE_UNAVAILABLE', `'node' in '${shown}' is only available in actions and preconditions`);
    current = { t: 'object', v: ctx.node };
  } else {
    current = fieldOf(ctx.self, head, shown, state);
  }
  for (let i = 0; i < rest.length; i++) {
    const key = rest[i];
    const via = path.slice(0, i + 1).join('.');
    const values = items(current).map((v): Value => {
      if (v.t !== 'object') {
        throw new ExpressionError('TYPE_MISMATCH', `'${via}' is not a reference, so '${shown}' cannot be resolved`);
      }
      return fieldOf(v.v, key, shown, state);
    });
    current = values.length === 1 ? values[0] : list(values);
  }
  return current;
}

function fieldOf(obj: ExprObject, key: string, shown: string, state: State): Value {
  const raw = obj.get(key);
  if (raw === undefined) {
    throw new ExpressionError('UNKNOWN_FIELD', `unknown field '${shown}' (object '${obj.id}' has no field '${key}')`);
  }
  const values = raw.map((v): Value => (typeof v === 'string' ? stringField(obj, key, v, state) : { t: 'object', v }));
  return values.length === 1 ? values[0] : list(values);
}

/** A referenced field may hold expressions of its own; they are evaluated in the context of the object owning it. */
function stringField(obj: ExprObject, key: string, value: string, state: State): Value {
  if (key.startsWith('@') || VERBATIM_KEYS.has(key) || !value.includes('#{')) return str(value);
  if (state.active.some((a) => a.obj === obj && a.key === key)) {
    throw new ExpressionError('CIRCULAR_REFERENCE', `field '${key}' of object '${obj.id}' refers to itself`);
  }
  if (state.active.length >= MAX_DEPTH) {
    throw new ExpressionError('CIRCULAR_REFERENCE', `expressions nested more than ${MAX_DEPTH} fields deep at '${key}'`);
  }
  const ctx: EvalContext = {
    self: obj,
    node: obj === state.ctx.self ? state.ctx.node : undefined,
    params: state.ctx.params,
  };
  const out = evalText(value, { ctx, active: [...state.active, { obj, key }] });
  return out.length === 1 ? str(out[0]) : list(out.map(str));
}
