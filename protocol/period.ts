/**
 * Period text: "N unit", unit minutes|hours|days|weeks|months|years, singular or plural, any case
 * (scheduler.md 2.1). `seconds` only where the caller allows it (the server's --relaxed-limits).
 */
export type PeriodUnit = 'seconds' | 'minutes' | 'hours' | 'days' | 'weeks' | 'months' | 'years';
export interface Period {
  readonly amount: number;
  readonly unit: PeriodUnit;
}

const RE = /^\s*(\d+)\s*(second|minute|hour|day|week|month|year)s?\s*$/i;

export function parsePeriod(text: string, opts: { allowSeconds?: boolean } = {}): Period | undefined {
  const m = RE.exec(text);
  if (!m) return undefined;
  const amount = Number(m[1]);
  const unit = (m[2].toLowerCase() + 's') as PeriodUnit;
  if (!Number.isSafeInteger(amount) || amount <= 0) return undefined;
  if (unit === 'seconds' && !opts.allowSeconds) return undefined;
  return { amount, unit };
}

const FIXED_MS: Partial<Record<PeriodUnit, number>> = {
  seconds: 1000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 7 * 86_400_000,
};

/** Add `k` periods to `from` (calendar-aware for months and years, clamped at month end like Joda). */
export function addPeriod(from: Date, p: Period, k = 1): Date {
  const fixed = FIXED_MS[p.unit];
  if (fixed !== undefined) return new Date(from.getTime() + fixed * p.amount * k);
  const months = (p.unit === 'years' ? 12 : 1) * p.amount * k;
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth() + months;
  const target = new Date(Date.UTC(y, m, 1, from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(from.getUTCDate(), lastDay));
  return target;
}

/** Approximate length in milliseconds (months as 30 days, years as 365): for minimums and timeouts. */
export function periodMs(p: Period): number {
  return FIXED_MS[p.unit] !== undefined
    ? (FIXED_MS[p.unit] as number) * p.amount
    : p.amount * (p.unit === 'months' ? 30 : 365) * 86_400_000;
}
