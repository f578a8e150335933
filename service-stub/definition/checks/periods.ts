/**
 * Schedule periods as the roll-up and edit checks compare them (scheduler.md 2.1, 2.5): which Schedule an object
 * follows, whether two periods are the same, whether one nests in the other and how many instances fit.
 */
import { parseDateTime } from '../../../protocol/datetime.js';
import { addPeriod, parsePeriod, type Period, periodMs } from '../../../protocol/period.js';
import { first, type Ctx, literal } from './context.js';

const DAY_MS = 86_400_000;

/** The Schedule an object follows (own, from a parent or Default) and its parsed period and literal start. */
export interface ScheduleInfo {
  readonly scheduleId: string;
  /** The period text as written (for messages). */
  readonly text: string;
  readonly period: Period;
  /** Literal startDateTime, when known now (startAt FIRST_ACTIVATION_DATE_TIME is known only at activation). */
  readonly start?: Date;
}

/**
 * undefined when the object has no schedule, the schedule is not a Schedule or its period is unknown now (a
 * parameter without value, ONDEMAND_PERIOD, bad syntax: other checks report those). `seconds` is accepted here:
 * whether it is allowed is the value check's business.
 */
export function scheduleOf(ctx: Ctx, id: string): ScheduleInfo | undefined {
  const scheduleId = ctx.resolved(id)?.find((f) => f.key === 'schedule')?.refValue;
  if (scheduleId === undefined || ctx.descriptorOf(scheduleId)?.kind !== 'schedule') return undefined;
  const fields = ctx.resolved(scheduleId) ?? [];
  const raw = first(fields, 'period');
  const text = raw === undefined ? undefined : literal(ctx, raw);
  const period = text === undefined ? undefined : parsePeriod(text, { allowSeconds: true });
  if (text === undefined || !period) return undefined;
  const startRaw = first(fields, 'startDateTime');
  const startText = startRaw === undefined ? undefined : literal(ctx, startRaw);
  const start = startText === undefined ? undefined : parseDateTime(startText);
  return { scheduleId, text, period, ...(start ? { start } : {}) };
}

/** Milliseconds for fixed units, undefined for months and years (calendar-aware). */
export function fixedMs(p: Period): number | undefined {
  return p.unit === 'months' || p.unit === 'years' ? undefined : periodMs(p);
}

function months(p: Period): number {
  return (p.unit === 'years' ? 12 : 1) * p.amount;
}

/** Same length whatever the spelling: `1 week` = `7 days`, `1 year` = `12 months`. */
export function samePeriod(a: Period, b: Period): boolean {
  const fa = fixedMs(a);
  const fb = fixedMs(b);
  if (fa !== undefined || fb !== undefined) return fa === fb;
  return months(a) === months(b);
}

const bounds = new Map<string, { min: number; max: number }>();

/** Shortest and longest real length of a period (a month is 28 to 31 days, a year 365 or 366). */
function lengthBounds(p: Period): { min: number; max: number } {
  const fixed = fixedMs(p);
  if (fixed !== undefined) return { min: fixed, max: fixed };
  const key = `${months(p)}`;
  let b = bounds.get(key);
  if (!b) {
    b = { min: Infinity, max: 0 };
    // every month start over four years covers all month lengths and leap years
    for (let m = 0; m < 48; m++) {
      const from = new Date(Date.UTC(2000, m, 1));
      const len = addPeriod(from, p).getTime() - from.getTime();
      b = { min: Math.min(b.min, len), max: Math.max(b.max, len) };
    }
    bounds.set(key, b);
  }
  return b;
}

/** For ordering: the average length (months as 30.44 days). */
export function approxMs(p: Period): number {
  const b = lengthBounds(p);
  return (b.min + b.max) / 2;
}

/**
 * Every boundary of `coarse` is a boundary of `fine` (both started together): fixed in fixed when it divides;
 * months in months likewise; a fixed period in months or years only when it divides a day (month boundaries keep
 * the start's time of day). Nothing fixed nests a month.
 */
export function nests(fine: Period, coarse: Period): boolean {
  const f = fixedMs(fine);
  const c = fixedMs(coarse);
  if (f !== undefined && c !== undefined) return c % f === 0;
  if (f === undefined && c === undefined) return months(coarse) % months(fine) === 0;
  return f !== undefined && DAY_MS % f === 0;
}

/** The most `fine` intervals lying inside one `coarse` interval (31 days in a month for a daily producer). */
export function maxWithin(fine: Period, coarse: Period): number {
  if (fixedMs(fine) === undefined && fixedMs(coarse) === undefined) return Math.floor(months(coarse) / months(fine));
  return Math.floor(lengthBounds(coarse).max / lengthBounds(fine).min);
}
