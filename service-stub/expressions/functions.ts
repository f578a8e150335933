import { ExpressionError } from './errors.js';
import { dayOfYear, formatJoda } from './joda-format.js';
import { dateTime, int, str, toDateTime, toInt, toStringArg, type Scalar } from './values.js';

type ParamType = 'DateTime' | 'int' | 'String';
type Arg = number | string; // DateTime as epoch millis, int, or String, per the declared ParamType

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly ParamType[];
  readonly impl: (args: readonly Arg[]) => Scalar;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** UTC instant from fields; rejects out-of-range values as Joda does (IllegalFieldValueException). */
function utc(fn: string, y: number, mo: number, d: number, h = 0, mi = 0): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d); // setUTCFullYear: years 0-99 are not shifted to 19xx as in Date.UTC
  t.setUTCHours(h, mi, 0, 0);
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h < 0 || h > 23 || mi < 0 || mi > 59) {
    throw new ExpressionError('INVALID_ARGUMENT', `${fn}: no such date/time ${y}-${mo}-${d} ${h}:${mi}`);
  }
  return t.getTime();
}

function daysInMonth(y: number, month0: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, month0 + 1, 0);
  return t.getUTCDate();
}

/** Joda plusMonths: same day of month, clamped to the target month's last day (Jan 31 + 1 month = Feb 28/29). */
function addMonths(ms: number, months: number): number {
  const t = new Date(ms);
  const total = t.getUTCFullYear() * 12 + t.getUTCMonth() + months;
  const y = Math.floor(total / 12);
  const m0 = total - y * 12;
  const out = new Date(ms);
  out.setUTCFullYear(y, m0, Math.min(t.getUTCDate(), daysInMonth(y, m0)));
  return out.getTime();
}

function startOfDay(ms: number): number {
  return ms - (((ms % DAY) + DAY) % DAY);
}

const get = (ms: number): Date => new Date(ms);

// Helpers to declare functions tersely; args arrive already coerced to the declared types.
const dt1 = (name: string, f: (t: number) => Scalar): FunctionDef => ({
  name,
  params: ['DateTime'],
  impl: (a) => f(a[0] as number),
});
const shift = (name: string, f: (t: number, n: number) => number): FunctionDef => ({
  name,
  params: ['DateTime', 'int'],
  impl: (a) => dateTime(f(a[0] as number, a[1] as number)),
});

/** The documented function set (scheduler.md 9.4). All times are UTC. */
const DEFS: readonly FunctionDef[] = [
  dt1('day', (t) => int(get(t).getUTCDate())),
  dt1('dayOfYear', (t) => int(dayOfYear(get(t)))),
  // firstOfMonth and sunday keep the time of day; only midnight truncates (scheduler.md 14.3).
  dt1('firstOfMonth', (t) => dateTime(t - (get(t).getUTCDate() - 1) * DAY)),
  dt1('hour', (t) => int(get(t).getUTCHours())),
  dt1('midnight', (t) => dateTime(startOfDay(t))),
  dt1('minute', (t) => int(get(t).getUTCMinutes())),
  dt1('month', (t) => int(get(t).getUTCMonth() + 1)),
  dt1('sunday', (t) => dateTime(t - get(t).getUTCDay() * DAY)),
  dt1('year', (t) => int(get(t).getUTCFullYear())),
  dt1('yesterday', (t) => dateTime(t - DAY)),
  {
    name: 'format',
    params: ['DateTime', 'String'],
    impl: (a) => str(formatJoda(a[0] as number, a[1] as string)),
  },
  {
    name: 'makeDate',
    params: ['int', 'int', 'int'],
    impl: (a) => dateTime(utc('makeDate', a[0] as number, a[1] as number, a[2] as number)),
  },
  {
    name: 'makeDateTime',
    params: ['int', 'int', 'int', 'int', 'int'],
    impl: (a) => dateTime(utc('makeDateTime', ...(a as [number, number, number, number, number]))),
  },
  shift('minusDays', (t, n) => t - n * DAY),
  shift('minusHours', (t, n) => t - n * HOUR),
  shift('minusMinutes', (t, n) => t - n * MINUTE),
  shift('minusMonths', (t, n) => addMonths(t, -n)),
  shift('minusWeeks', (t, n) => t - n * 7 * DAY),
  shift('minusYears', (t, n) => addMonths(t, -12 * n)),
  shift('plusDays', (t, n) => t + n * DAY),
  shift('plusHours', (t, n) => t + n * HOUR),
  shift('plusMinutes', (t, n) => t + n * MINUTE),
  shift('plusMonths', (t, n) => addMonths(t, n)),
  shift('plusWeeks', (t, n) => t + n * 7 * DAY),
  shift('plusYears', (t, n) => addMonths(t, 12 * n)),
];

export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(DEFS.map((d) => [d.name, d]));

/** Look up a function and check its arity; names are case-sensitive as in the service. */
export function lookupFunction(name: string, argc: number): FunctionDef {
  const def = FUNCTIONS.get(name);
  if (!def) throw new ExpressionError('UNKNOWN_FUNCTION', `unknown function '${name}'`);
  if (def.params.length !== argc) {
    throw new ExpressionError(
      'WRONG_ARITY',
      `${name}(${def.params.join(', ')}) takes ${def.params.length} argument(s) but was given ${argc}`,
    );
  }
  return def;
}

/** Call with scalar arguments (list mapping is the evaluator's job); coerces strings to DateTime/int as declared. */
export function callFunction(def: FunctionDef, args: readonly Scalar[]): Scalar {
  const coerced = args.map((a, i): Arg => {
    const what = `${def.name} argument ${i + 1}`;
    switch (def.params[i]) {
      case 'DateTime':
        return toDateTime(a, what);
      case 'int':
        return toInt(a, what);
      case 'String':
        return toStringArg(a, what);
    }
  });
  return def.impl(coerced);
}
