/** Schedule objects (scheduler.md 2.1) and schedule types, including the on-demand rules (2.2). */
import type { Field } from '../../../protocol/shapes.js';
import { parseDateTime } from '../../../protocol/datetime.js';
import { DEFAULT_ID } from '../inherit.js';
import { msg, q } from '../report.js';
import { first, type Ctx, literal } from './context.js';
import { ONDEMAND_PERIOD } from './values.js';

export type ScheduleType = 'ondemand' | 'cron' | 'timeseries';
const ONDEMAND_START = 'ONDEMAND_ACTIVATION_TIME';

/** The pipeline's schedule type: Default's `scheduleType`; absent or unknown -> timeseries (scheduler.md 2.2). */
export function pipelineScheduleType(defaultFields: readonly Field[]): ScheduleType {
  const v = first(defaultFields, 'scheduleType')?.toLowerCase();
  return v === 'ondemand' || v === 'cron' ? v : 'timeseries';
}

/** `{period: ONDEMAND_PERIOD, startAt: ONDEMAND_ACTIVATION_TIME}`: the only Schedule an on-demand pipeline may use. */
function isOnDemandForm(fields: readonly Field[]): { period: boolean; start: boolean } {
  return {
    period: first(fields, 'period')?.toUpperCase() === ONDEMAND_PERIOD,
    start: first(fields, 'startAt')?.toUpperCase() === ONDEMAND_START,
  };
}

/** A DateTime field must be a literal `YYYY-MM-DDTHH:MM:SS` (or a parameter holding one). */
function dateField(ctx: Ctx, id: string, fields: readonly Field[], key: string): Date | undefined {
  const raw = first(fields, key);
  if (raw === undefined) return undefined;
  const v = literal(ctx, raw);
  if (v === undefined) {
    // a parameter without a value yet is judged at activation; any other expression is never a literal
    if (!/^#\{\s*\*?my[A-Za-z0-9_]*\s*\}$/.test(raw))
      ctx.error(id, msg('INVALID_FIELD_VALUE', `${q(key)} value ${q(raw)} must be a literal datetime value.`));
    return undefined;
  }
  const t = parseDateTime(v);
  if (!t) ctx.error(id, msg('INVALID_FIELD_VALUE', `${q(key)} value ${q(raw)} must be a literal datetime value (YYYY-MM-DDTHH:MM:SS, UTC).`));
  return t;
}

function checkScheduleObject(ctx: Ctx, id: string, fields: readonly Field[], type: ScheduleType): void {
  const start = dateField(ctx, id, fields, 'startDateTime');
  const end = dateField(ctx, id, fields, 'endDateTime');
  if (start && end && end.getTime() <= start.getTime())
    ctx.error(
      id,
      msg('INVALID_FIELD_VALUE', `'endDateTime' value ${q(first(fields, 'endDateTime'))} must be later than 'startDateTime' value ${q(first(fields, 'startDateTime'))}`),
    );
  const occ = first(fields, 'occurrences');
  if (occ !== undefined && first(fields, 'endDateTime') !== undefined)
    ctx.error(id, msg('INVALID_FIELD_VALUE', `'occurrences' value ${q(occ)} cannot be combined with 'endDateTime' value ${q(first(fields, 'endDateTime'))}`));
  const od = isOnDemandForm(fields);
  if (type === 'ondemand' && !(od.period && od.start))
    ctx.error(
      id,
      msg(
        'INVALID_FIELD_VALUE',
        `an on-demand pipeline uses no Schedule other than period 'ONDEMAND_PERIOD' with startAt 'ONDEMAND_ACTIVATION_TIME'; found 'period' value ${q(first(fields, 'period'))}`,
      ),
    );
  if (type !== 'ondemand' && (od.period || od.start)) {
    const key = od.period ? 'period' : 'startAt';
    ctx.error(id, msg('INVALID_FIELD_VALUE', `${q(key)} value ${q(first(fields, key))} is only allowed when Default has scheduleType 'ondemand'`));
  }
}

export function checkSchedules(ctx: Ctx): void {
  const type = pipelineScheduleType(ctx.own(DEFAULT_ID));
  for (const { id, d, fields } of ctx.typed()) if (d.kind === 'schedule') checkScheduleObject(ctx, id, fields, type);
  checkScheduleTypes(ctx, type);
  if (type !== 'ondemand') checkScheduleRefs(ctx, type);
}

/**
 * Activities of cron/timeseries pipelines need a schedule (own, from a parent or Default). Resources and data nodes
 * may go without: the Developer Guide's own Schedule examples leave it off an Ec2Resource, which then follows the
 * activity that uses it.
 */
function checkScheduleRefs(ctx: Ctx, type: ScheduleType): void {
  for (const { id, d, fields } of ctx.typed()) {
    if (d.kind !== 'activity' || fields.some((f) => f.key === 'schedule')) continue;
    ctx.error(
      id,
      msg('MISSING_REQUIRED_FIELD', `'schedule' is required in a '${type}' pipeline; set it on the object, a parent or Default`),
    );
  }
}

/** ondemand must be on Default and the only scheduleType; lateAfterTimeout is not applied on demand. */
function checkScheduleTypes(ctx: Ctx, type: ScheduleType): void {
  for (const [id, o] of ctx.index) {
    for (const f of o.fields ?? []) {
      if (f.key !== 'scheduleType' || f.stringValue === undefined) continue;
      const v = f.stringValue.toLowerCase();
      if (v === 'ondemand' && id !== DEFAULT_ID)
        ctx.error(id, msg('INVALID_FIELD_VALUE', `'scheduleType' value ${q(f.stringValue)} must be set on the Default object only`));
      else if (type === 'ondemand' && v !== 'ondemand' && (v === 'cron' || v === 'timeseries'))
        ctx.error(
          id,
          msg('INVALID_FIELD_VALUE', `'scheduleType' value ${q(f.stringValue)} conflicts with Default's 'ondemand': it must be the only scheduleType`),
        );
    }
  }
  if (type !== 'ondemand') return;
  for (const { id, fields } of ctx.typed()) {
    const late = first(fields, 'lateAfterTimeout');
    if (late !== undefined)
      ctx.warn(id, msg('IGNORED_FIELD', `'lateAfterTimeout' value ${q(late)} is not applied in an on-demand pipeline`));
  }
}
