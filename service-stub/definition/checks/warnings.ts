/** Advisory findings that never block activation (scheduler.md 1.4, 2.2). */
import { parseDateTime } from '../../../protocol/datetime.js';
import { DEFAULT_ID } from '../inherit.js';
import { msg } from '../report.js';
import { first, type Ctx, literal } from './context.js';

const SCHEDULED_KINDS = new Set(['activity', 'datanode', 'resource']);

/** No scheduleType anywhere on a scheduled component: AWS does not document the default; we use timeseries. */
export function warnMissingScheduleType(ctx: Ctx): void {
  for (const { id, d, fields } of ctx.typed()) {
    if (!SCHEDULED_KINDS.has(d.kind) || first(fields, 'scheduleType') !== undefined) continue;
    const at = ctx.index.has(DEFAULT_ID) ? DEFAULT_ID : id;
    ctx.warn(at, msg('MISSING_SCHEDULE_TYPE', `'scheduleType' is not set (on Default or on ${id}); it is treated as 'timeseries'`));
    if (at === DEFAULT_ID) return; // once for the pipeline is enough
  }
}

/** The documented cascade + backfill warning, verbatim (scheduler.md 1.4). */
export function warnCascadeBackfill(ctx: Ctx): void {
  for (const { id, d, fields } of ctx.typed()) {
    if (!SCHEDULED_KINDS.has(d.kind) || first(fields, 'failureAndRerunMode')?.toLowerCase() !== 'cascade') continue;
    const scheduleId = fields.find((f) => f.key === 'schedule')?.refValue;
    const sched = scheduleId !== undefined ? ctx.resolved(scheduleId) : undefined;
    const raw = sched ? first(sched, 'startDateTime') : undefined;
    const v = raw !== undefined ? literal(ctx, raw) : undefined;
    const start = v !== undefined ? parseDateTime(v) : undefined;
    if (!start || start.getTime() >= ctx.opts.now.getTime()) continue;
    const name = ctx.index.get(id)?.name ?? id;
    ctx.warn(
      id,
      `${name} has 'failureAndRerunMode' field set to 'cascade' and you are about to create a backfill with scheduleStartTime ${v}. This can result in rapid creation of pipeline objects in case of failures.`,
    );
  }
}
