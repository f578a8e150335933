/**
 * Roll-ups (scheduler.md 2.5, limit in 11): a consumer on a coarser schedule than its producer waits for every
 * producer instance whose interval lies inside its own, at most 32 of them ("Maximum number of roll-ups into a single
 * object: 32"). The edges are those that order instances (3.1): an activity's `input`, an activity's `output` (the
 * data node waits for the activity) and `dependsOn`. Periods that do not nest, or nesting periods whose literal
 * starts do not line up, make the matching ambiguous: a warning. On-demand pipelines have no periods.
 */
import { DEFAULT_ID } from '../inherit.js';
import { msg, q } from '../report.js';
import type { Ctx } from './context.js';
import { approxMs, fixedMs, maxWithin, nests, samePeriod, type ScheduleInfo, scheduleOf } from './periods.js';
import { pipelineScheduleType } from './schedules.js';

export const MAX_ROLLUPS = 32;

interface Edge {
  readonly holder: string; // the object carrying the field (where the finding is reported)
  readonly key: string;
  readonly target: string;
  readonly consumer: string;
  readonly producer: string;
}

function* edges(ctx: Ctx): Generator<Edge> {
  for (const { id, d, fields } of ctx.typed()) {
    for (const f of fields) {
      const target = f.refValue;
      if (target === undefined || !ctx.index.has(target)) continue; // missing targets: the reference check
      const key = f.key ?? '';
      if (key === 'dependsOn' || (key === 'input' && d.kind === 'activity'))
        yield { holder: id, key, target, consumer: id, producer: target };
      else if (key === 'output' && d.kind === 'activity') yield { holder: id, key, target, consumer: target, producer: id };
    }
  }
}

const who = (id: string, s: ScheduleInfo): string => `${q(id)} (schedule ${q(s.scheduleId)}, period ${q(s.text)})`;

function checkEdge(ctx: Ctx, e: Edge): void {
  const c = scheduleOf(ctx, e.consumer);
  const p = scheduleOf(ctx, e.producer);
  if (!c || !p || c.scheduleId === p.scheduleId || samePeriod(c.period, p.period)) return;
  const consumerCoarser = approxMs(c.period) > approxMs(p.period);
  const [fine, coarse] = consumerCoarser ? [p, c] : [c, p];
  const head = `${q(e.key)} value ${q(e.target)}:`;
  if (!nests(fine.period, coarse.period)) {
    ctx.warn(
      e.holder,
      msg('NON_NESTING_PERIODS', `${head} period ${q(fine.text)} does not divide period ${q(coarse.text)} evenly (${who(e.consumer, c)} depends on ${who(e.producer, p)}); which instances match is undefined`),
    );
  } else if (fine.start && coarse.start) {
    const step = fixedMs(fine.period);
    if (step !== undefined && Math.abs(coarse.start.getTime() - fine.start.getTime()) % step !== 0)
      ctx.warn(
        e.holder,
        msg('UNALIGNED_SCHEDULES', `${head} the start of ${q(coarse.scheduleId)} is not on a ${q(fine.text)} boundary of ${q(fine.scheduleId)} (${who(e.consumer, c)} depends on ${who(e.producer, p)})`),
      );
  }
  if (!consumerCoarser) return; // a finer consumer uses the one producer instance containing it
  const n = maxWithin(p.period, c.period);
  if (n > MAX_ROLLUPS)
    ctx.error(
      e.holder,
      msg(
        'ROLLUP_LIMIT_EXCEEDED',
        `${head} each instance of ${who(e.consumer, c)} would roll up ${n} instances of ${who(e.producer, p)}; the maximum is ${MAX_ROLLUPS}`,
      ),
    );
}

export function checkRollups(ctx: Ctx): void {
  if (pipelineScheduleType(ctx.own(DEFAULT_ID)) === 'ondemand') return;
  for (const e of edges(ctx)) checkEdge(ctx, e);
}
