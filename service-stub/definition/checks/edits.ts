/**
 * Edits AWS refuses once a pipeline has been activated (scheduler.md 1.4 "Editing after activation"), judged
 * against the definition last activated: removing an object; adding, deleting or changing reference fields of an
 * existing object; a new object's `output` naming an existing object; changing an existing Schedule's `period` or
 * its start (`startDateTime` / `startAt`). The instances already made from the active definition (and, for a
 * scheduled pipeline, the intervals still to come, which resume after a deactivation) are tied to those objects.
 *
 * Errors when the active definition is scheduled (cron/timeseries). When it is on demand the same findings are
 * warnings: every on-demand run keeps the definition version it was activated with, so nothing here ties a new
 * run to an old one; the warning still tells that AWS would refuse the edit.
 */
import type { Field } from '../../../protocol/shapes.js';
import { parseDateTime } from '../../../protocol/datetime.js';
import { parsePeriod } from '../../../protocol/period.js';
import { DEFAULT_ID } from '../inherit.js';
import { parseParameterObject, resolveParameters } from '../parameters.js';
import { msg, q, Report } from '../report.js';
import type { DefinitionInput } from '../validate.js';
import { Ctx, first, literal } from './context.js';
import { samePeriod } from './periods.js';
import { pipelineScheduleType } from './schedules.js';

const CODE = 'EDIT_AFTER_ACTIVATION';
const ONDEMAND_NOTE =
  ' (AWS refuses this edit; accepted here because every on-demand run keeps the definition it was activated with)';

type Say = (id: string, text: string) => void;

/** The active definition seen through the same lens as the new one (inheritance, parameter values). */
function activeCtx(ctx: Ctx, active: DefinitionInput): Ctx {
  const params = active.parameterObjects ?? [];
  const declared = new Set(params.map((p) => parseParameterObject(p).id));
  const values = resolveParameters(params, active.parameterValues ?? []);
  return new Ctx(active.objects ?? [], ctx.opts, new Report(), values, declared);
}

const show = (values: readonly string[]): string => (values.length ? values.map((v) => q(v)).join(', ') : '(none)');

/** Reference values per key, as written on the object (so a finding names the object that was edited). */
function refsByKey(fields: readonly Field[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const f of fields) {
    if (f.refValue === undefined) continue;
    const key = f.key ?? '';
    m.set(key, [...(m.get(key) ?? []), f.refValue]);
  }
  return m;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.length === sb.length && sa.every((v, i) => v === sb[i]);
}

function checkRefs(say: Say, id: string, before: readonly Field[], after: readonly Field[]): void {
  const a = refsByKey(before);
  const b = refsByKey(after);
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const was = a.get(key) ?? [];
    const now = b.get(key) ?? [];
    if (sameList(was, now)) continue;
    if (was.length === 0)
      say(id, `${q(key)} value ${show(now)} adds a reference field to an existing object, which is not allowed once the pipeline has been activated`);
    else if (now.length === 0)
      say(id, `${q(key)} value ${show(was)} was removed: reference fields of an existing object cannot be deleted once the pipeline has been activated`);
    else
      say(id, `${q(key)} value changed from ${show(was)} to ${show(now)}: reference fields of an existing object cannot be modified once the pipeline has been activated`);
  }
}

/** A field's value for comparison: a whole-value parameter replaced by its value, else the text as written. */
function valueOf(c: Ctx, fields: readonly Field[], key: string): string | undefined {
  const raw = first(fields, key);
  return raw === undefined ? undefined : (literal(c, raw) ?? raw);
}

function samePeriodText(a: string, b: string): boolean {
  const pa = parsePeriod(a, { allowSeconds: true });
  const pb = parsePeriod(b, { allowSeconds: true });
  return pa && pb ? samePeriod(pa, pb) : a.trim().toUpperCase() === b.trim().toUpperCase(); // ONDEMAND_PERIOD, expressions
}

function sameStart(key: string, a: string, b: string): boolean {
  const ta = key === 'startDateTime' ? parseDateTime(a) : undefined;
  const tb = key === 'startDateTime' ? parseDateTime(b) : undefined;
  return ta && tb ? ta.getTime() === tb.getTime() : a.trim().toUpperCase() === b.trim().toUpperCase();
}

function checkSchedule(say: Say, id: string, was: Ctx, now: Ctx): void {
  const before = was.resolved(id) ?? was.own(id);
  const after = now.resolved(id) ?? now.own(id);
  const p0 = valueOf(was, before, 'period');
  const p1 = valueOf(now, after, 'period');
  if (p0 !== p1 && !(p0 !== undefined && p1 !== undefined && samePeriodText(p0, p1)))
    say(id, `'period' value changed from ${show(p0 === undefined ? [] : [p0])} to ${show(p1 === undefined ? [] : [p1])}: the schedule period of an existing object cannot change once the pipeline has been activated`);
  for (const key of ['startDateTime', 'startAt']) {
    const s0 = valueOf(was, before, key);
    const s1 = valueOf(now, after, key);
    if (s0 === s1 || (s0 !== undefined && s1 !== undefined && sameStart(key, s0, s1))) continue;
    say(
      id,
      `${q(key)} value changed from ${show(s0 === undefined ? [] : [s0])} to ${show(s1 === undefined ? [] : [s1])}: the scheduled start of an existing object cannot change once the pipeline has been activated; activate with a start time (startTimestamp) instead`,
    );
  }
}

/** Compare the new definition (`ctx`) with the active one. */
export function checkEdits(ctx: Ctx, active: DefinitionInput): void {
  const was = activeCtx(ctx, active);
  const scheduled = pipelineScheduleType(was.own(DEFAULT_ID)) !== 'ondemand';
  const say: Say = scheduled ? (id, text) => ctx.error(id, msg(CODE, text)) : (id, text) => ctx.warn(id, msg(CODE, text + ONDEMAND_NOTE));

  for (const id of was.index.keys())
    if (!ctx.index.has(id)) say(id, `object ${q(id)} was removed: objects cannot be removed once the pipeline has been activated`);

  for (const id of ctx.index.keys()) {
    if (was.index.has(id)) {
      checkRefs(say, id, was.own(id), ctx.own(id));
      if (was.descriptorOf(id)?.kind === 'schedule') checkSchedule(say, id, was, ctx);
      continue;
    }
    for (const f of ctx.resolved(id) ?? ctx.own(id))
      if (f.key === 'output' && f.refValue !== undefined && was.index.has(f.refValue))
        say(id, `'output' value ${q(f.refValue)} existed when the pipeline was activated: a new object may only write to a new data node`);
  }
}
