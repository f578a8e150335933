import { formatDateTime, parseDateTime } from '../../protocol/datetime.js';
import type { ExprObject } from './context.js';
import { ExpressionError } from './errors.js';

/** Runtime values. Lists are flat: every operation that meets a list maps over it (scheduler.md 9.3). */
export type Scalar =
  | { readonly t: 'int'; readonly v: number }
  | { readonly t: 'float'; readonly v: number }
  | { readonly t: 'string'; readonly v: string }
  /** Milliseconds since the epoch, UTC. */
  | { readonly t: 'datetime'; readonly v: number }
  | { readonly t: 'object'; readonly v: ExprObject };
export type Value = Scalar | { readonly t: 'list'; readonly v: readonly Scalar[] };

export const int = (v: number): Scalar => ({ t: 'int', v });
export const float = (v: number): Scalar => ({ t: 'float', v });
export const str = (v: string): Scalar => ({ t: 'string', v });
export const dateTime = (v: number): Scalar => ({ t: 'datetime', v });

export function list(items: readonly Value[]): Value {
  const flat: Scalar[] = [];
  for (const it of items) {
    if (it.t === 'list') flat.push(...it.v);
    else flat.push(it);
  }
  return { t: 'list', v: flat };
}

/** Scalars of a value: a list's items, or the value itself. */
export function items(v: Value): readonly Scalar[] {
  return v.t === 'list' ? v.v : [v];
}

/** Render for string context: DateTime as `YYYY-MM-DDTHH:MM:SS`, doubles like Java, objects by id. */
export function render(v: Value): string[] {
  return items(v).map(renderScalar);
}

export function renderScalar(v: Scalar): string {
  switch (v.t) {
    case 'int':
      return String(v.v);
    case 'float':
      return javaDouble(v.v);
    case 'string':
      return v.v;
    case 'datetime':
      return formatDateTime(v.v);
    case 'object':
      return v.v.id;
  }
}

/** Java's Double.toString: plain decimal with at least one fraction digit in [1e-3, 1e7), else `d.dddE±n`. */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exp] = x.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exp.replace('+', '')}`;
}

export function typeName(v: Value): string {
  return v.t === 'datetime' ? 'DateTime' : v.t === 'object' ? 'reference' : v.t;
}

const LENIENT_DT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.\d{1,3})?(?:Z|[+-]00:?00| UTC)?$/;

/** A DateTime argument: a DateTime value, or a string in DateTime form (field values such as @scheduledStartTime). */
export function toDateTime(v: Scalar, what: string): number {
  if (v.t === 'datetime') return v.v;
  if (v.t === 'string') {
    const m = LENIENT_DT.exec(v.v.trim());
    const d = m ? parseDateTime(`${m[1]}T${m[2]}`) : undefined;
    if (d) return d.getTime();
  }
  throw mismatch(v, 'DateTime', what);
}

/** An int argument: an int, or a string of digits (parameter and field values are strings). */
export function toInt(v: Scalar, what: string): number {
  if (v.t === 'int') return v.v;
  if (v.t === 'string' && /^\s*[+-]?\d+\s*$/.test(v.v)) return Number(v.v);
  throw mismatch(v, 'int', what);
}

/** A numeric operand: int or float, or a string holding one (then it keeps the string's own kind). */
export function toNumber(v: Scalar, what: string): Scalar & { t: 'int' | 'float' } {
  if (v.t === 'int' || v.t === 'float') return v;
  if (v.t === 'string') {
    const s = v.v.trim();
    if (/^[+-]?\d+$/.test(s)) return { t: 'int', v: Number(s) };
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return { t: 'float', v: Number(s) };
  }
  throw mismatch(v, 'number', what);
}

export function toStringArg(v: Scalar, what: string): string {
  if (v.t === 'object') throw mismatch(v, 'String', what);
  return renderScalar(v);
}

function mismatch(v: Scalar, expected: string, what: string): ExpressionError {
  const shown = v.t === 'object' ? `reference to '${v.v.id}'` : `${typeName(v)} ${JSON.stringify(renderScalar(v))}`;
  return new ExpressionError('TYPE_MISMATCH', `${what}: expected ${expected} but got ${shown}`);
}
