/** Components, instances and attempts as API PipelineObjects, with their runtime `@` fields (api.md 5.3). */
import type { Field, PipelineObject } from '../../protocol/shapes.js';
import type { CompiledDefinition } from '../core/compiled.js';
import { ObjectViews } from '../dispatch/object-view.js';
import type { ObjectRow } from '../store/objects.js';

export function renderComponent(def: CompiledDefinition, id: string, pipelineId: string, status: string): PipelineObject {
  const o = def.byId.get(id);
  const fields: Field[] = [...(o?.fields ?? [])];
  if (!fields.some((f) => f.key === 'parent') && id !== 'Default' && def.byId.has('Default')) {
    fields.push({ key: 'parent', refValue: 'Default' });
  }
  fields.push(
    { key: '@sphere', stringValue: 'COMPONENT' },
    { key: '@version', stringValue: '1' },
    { key: '@status', stringValue: status },
    { key: '@pipelineId', stringValue: pipelineId },
  );
  return { id, name: o?.name ?? id, fields };
}

const put = (out: Field[], key: string, v: string | null | undefined) => {
  if (v !== null && v !== undefined) out.push({ key, stringValue: v });
};

/** An instance or attempt: its component's fields after inheritance, then the runtime fields of the row. */
export function renderPhysical(
  def: CompiledDefinition,
  row: ObjectRow,
  opts: { waitingOn?: string[]; evaluate?: boolean } = {},
): PipelineObject {
  const comp = row.component_id;
  let userFields = def.fields(comp).filter((f) => f.key !== 'parent');
  if (opts.evaluate) {
    const views = new ObjectViews({
      def,
      pipelineId: row.pipeline_id,
      scheduledStart: row.scheduled_start,
      scheduledEnd: row.scheduled_end,
    });
    userFields = userFields.flatMap((f) => {
      try {
        return views.evaluatedFields(comp, [f]);
      } catch {
        return [f]; // shown unevaluated rather than failing the whole call
      }
    });
  }
  const x = row.fields;
  const fields: Field[] = [
    { key: '@componentParent', refValue: comp },
    { key: 'parent', refValue: comp },
    { key: '@sphere', stringValue: row.sphere },
    { key: '@status', stringValue: row.status },
    { key: '@version', stringValue: '1' },
    { key: '@pipelineId', stringValue: row.pipeline_id },
    { key: '@scheduledStartTime', stringValue: row.scheduled_start },
    { key: '@scheduledEndTime', stringValue: row.scheduled_end },
  ];
  put(fields, '@actualStartTime', row.actual_start);
  put(fields, '@actualEndTime', row.actual_end);
  if (row.sphere === 'ATTEMPT') {
    fields.push({ key: '@instanceParent', refValue: row.instance_id as string });
    put(fields, 'hostname', x.hostname);
    put(fields, 'reportProgressTime', x.reportProgressTime);
    if (x.currentRetryCount !== undefined) put(fields, 'currentRetryCount', String(x.currentRetryCount));
    put(fields, 'lastRetryTime', x.lastRetryTime);
    for (const f of x.progress ?? []) if (f.key && !f.key.startsWith('@')) fields.push(f);
  } else {
    fields.push({ key: '@attemptCount', stringValue: String(row.attempt_no) });
    if (row.tries_left !== null) put(fields, '@triesLeft', String(row.tries_left));
    if (row.head_attempt) fields.push({ key: '@headAttempt', refValue: row.head_attempt });
    if (row.status !== 'FINISHED') for (const w of opts.waitingOn ?? []) fields.push({ key: '@waitingOn', refValue: w });
    if (x.markedFinished) put(fields, '@markedFinished', 'true');
    if (row.referrer_id) fields.push({ key: 'node', refValue: row.referrer_id });
  }
  put(fields, 'errorId', x.errorId);
  put(fields, 'errorMessage', x.errorMessage);
  put(fields, 'errorStackTrace', x.errorStackTrace);
  put(fields, 'cancellationReason', x.cancellationReason);
  if (x.cascadeFailedOn) fields.push({ key: '@cascadeFailedOn', refValue: x.cascadeFailedOn });
  return { id: row.object_id, name: row.object_id, fields: [...fields, ...userFields] };
}
