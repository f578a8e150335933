/**
 * Values of well-known fields, checked where they are written (own fields) so an error on Default is reported once:
 * Period syntax and bounds, integer ranges, enumerations, booleans (scheduler.md 1.4, 5, 11).
 */
import { parsePeriod, type Period, periodMs } from '../../../protocol/period.js';
import { msg, q } from '../report.js';
import { knownFields } from '../types/descriptor.js';
import { DESCRIPTORS } from '../types/registry.js';
import { type Ctx, literal } from './context.js';

const MINUTE = 60_000;
/** Minimum Period per field (AWS limits; lifted by relaxedLimits). */
const PERIOD_MIN: Readonly<Record<string, { ms: number; text: string }>> = {
  retryDelay: { ms: 2 * MINUTE, text: '2 minutes' },
  lateAfterTimeout: { ms: 15 * MINUTE, text: '15 minutes' },
  period: { ms: 15 * MINUTE, text: '15 minutes' },
};
/** Maximum schedule period: 3 years. */
const PERIOD_MAX_MS = periodMs({ amount: 3, unit: 'years' });

const INT_RULES: Readonly<Record<string, { min: number; max?: number }>> = {
  maximumRetries: { min: 0, max: 5 },
  maxActiveInstances: { min: 1, max: 5 },
  occurrences: { min: 1 },
  coreInstanceCount: { min: 0 },
  taskInstanceCount: { min: 0 },
  resizeClusterMaxInstances: { min: 1 },
};

/** Enumerations; compared case-insensitively (docs use both `cascade` and `CASCADE`). */
export const ENUM_RULES: Readonly<Record<string, readonly string[]>> = {
  failureAndRerunMode: ['none', 'cascade'],
  scheduleType: ['cron', 'timeseries', 'ondemand'],
  insertMode: ['KEEP_EXISTING', 'OVERWRITE_EXISTING', 'TRUNCATE', 'APPEND'],
  s3EncryptionType: ['SERVER_SIDE_ENCRYPTION', 'NONE'],
  compression: ['none', 'gzip'],
  actionOnResourceFailure: ['retryall', 'retrynone'],
  actionOnTaskFailure: ['continue', 'terminate'],
  hadoopSchedulerType: ['PARALLEL_FAIR_SCHEDULING', 'PARALLEL_CAPACITY_SCHEDULING', 'DEFAULT_SCHEDULER'],
  startAt: ['FIRST_ACTIVATION_DATE_TIME', 'ONDEMAND_ACTIVATION_TIME'],
};

const BOOLEAN_FIELDS = new Set(['stage', 'resizeClusterBeforeRunning', 'associatePublicIpAddress', 'useOnDemandOnLastAttempt', 's3NoProxy']);

const ALL_PERIOD_FIELDS: ReadonlySet<string> = new Set(DESCRIPTORS.flatMap((d) => d.periodFields ?? []));

/** The special on-demand Schedule period (scheduler.md 2.1); schedules.ts judges where it may appear. */
export const ONDEMAND_PERIOD = 'ONDEMAND_PERIOD';

function checkPeriod(ctx: Ctx, id: string, key: string, raw: string): void {
  const v = literal(ctx, raw);
  if (v === undefined || (key === 'period' && v.toUpperCase() === ONDEMAND_PERIOD)) return;
  const relaxed = ctx.opts.relaxedLimits;
  const p: Period | undefined = parsePeriod(v, { allowSeconds: relaxed });
  if (!p) {
    const why = parsePeriod(v, { allowSeconds: true })
      ? "uses 'seconds', which only relaxed limits allow"
      : "is not a valid period ('N minutes|hours|days|weeks|months|years')";
    ctx.error(id, msg('INVALID_FIELD_VALUE', `${q(key)} value ${q(raw)} ${why}`));
    return;
  }
  const min = PERIOD_MIN[key];
  if (!relaxed && min && periodMs(p) < min.ms)
    ctx.error(id, msg('INVALID_FIELD_VALUE', `${q(key)} value ${q(raw)} is below the minimum of ${min.text}`));
  if (key === 'period' && periodMs(p) > PERIOD_MAX_MS)
    ctx.error(id, msg('INVALID_FIELD_VALUE', `${q(key)} value ${q(raw)} is above the maximum of 3 years`));
}

function checkInt(ctx: Ctx, id: string, key: string, raw: string): void {
  const v = literal(ctx, raw);
  if (v === undefined) return;
  const rule = INT_RULES[key];
  if (!/^[+-]?\d+$/.test(v.trim())) {
    ctx.error(id, msg('INVALID_FIELD_VALUE', `${q(key)} value ${q(raw)} is not an integer`));
    return;
  }
  const n = Number(v);
  if (n < rule.min) ctx.error(id, msg('INVALID_FIELD_VALUE', `${q(key)} value ${q(raw)} is below the minimum of ${rule.min}`));
  if (rule.max !== undefined && n > rule.max)
    ctx.error(id, msg('INVALID_FIELD_VALUE', `${q(key)} value ${q(raw)} is above the maximum of ${rule.max}`));
}

function checkEnum(ctx: Ctx, id: string, key: string, raw: string): void {
  const v = literal(ctx, raw);
  const allowed = ENUM_RULES[key];
  if (v === undefined || allowed.some((a) => a.toLowerCase() === v.toLowerCase())) return;
  ctx.error(id, msg('INVALID_FIELD_VALUE', `${q(key)} value ${q(raw)} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`));
}

function checkBoolean(ctx: Ctx, id: string, key: string, raw: string): void {
  const v = literal(ctx, raw);
  if (v !== undefined && !/^(true|false)$/i.test(v))
    ctx.error(id, msg('INVALID_FIELD_VALUE', `${q(key)} value ${q(raw)} must be 'true' or 'false'`));
}

export function checkValues(ctx: Ctx): void {
  for (const [id, o] of ctx.index) {
    const d = ctx.descriptorOf(id);
    // typed objects: only fields of their type (others were warned about); typeless: any well-known name
    const known = d ? knownFields(d) : undefined;
    const periods = d ? new Set(d.periodFields ?? []) : ALL_PERIOD_FIELDS;
    for (const f of o.fields ?? []) {
      const key = f.key ?? '';
      const raw = f.stringValue;
      if (raw === undefined || (known && !known.has(key))) continue;
      if (periods.has(key)) checkPeriod(ctx, id, key, raw);
      else if (Object.hasOwn(INT_RULES, key)) checkInt(ctx, id, key, raw);
      else if (Object.hasOwn(ENUM_RULES, key)) checkEnum(ctx, id, key, raw);
      else if (BOOLEAN_FIELDS.has(key)) checkBoolean(ctx, id, key, raw);
    }
  }
}
