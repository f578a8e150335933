/**
 * The TaskObject a runner receives (api.md 4.11): the attempt object (the component's fields after inheritance,
 * evaluated, plus the attempt's runtime fields) and every object it refers to, keyed by id, so the runner can
 * follow `input`, `output`, `database`, `dataFormat`, `precondition` ... without another call.
 */
import type { Field, PipelineObject, TaskObject } from '../../protocol/shapes.js';
import type { CompiledDefinition } from '../core/compiled.js';
import type { ObjectRow } from '../store/objects.js';
import { ObjectViews } from './object-view.js';

const MAX_REFERENCED = 200;
/** Reference fields whose targets see the referring object as `node`. */
const NODE_REFS = ['precondition', 'onFail', 'onSuccess', 'onLateAction'];

export function buildTaskObject(def: CompiledDefinition, attempt: ObjectRow, taskId: string, hostname?: string): TaskObject {
  const comp = attempt.component_id;
  const runtime: Record<string, string> = {
    '@scheduledStartTime': attempt.scheduled_start,
    '@scheduledEndTime': attempt.scheduled_end,
    '@actualStartTime': attempt.actual_start ?? attempt.scheduled_start,
    '@pipelineId': attempt.pipeline_id,
    '@id': attempt.object_id,
    '@status': 'RUNNING',
  };
  // A precondition's `node` is the object it guards (its instance id is `@<node>_<time>`).
  const nodeOf = new Map<string, string>();
  const referrerComponent = attempt.referrer_id ? referrerComponentOf(attempt.referrer_id, attempt.scheduled_start) : undefined;
  if (referrerComponent) nodeOf.set(comp, referrerComponent);
  // Preconditions and actions referred to are sent along and evaluated too; their `node` is the object referring
  // to them (an SnsAlarm's `#{node.name}`, a data node precondition's `#{node.directoryPath}`), this one first,
  // or evaluating them would fail the whole attempt.
  for (const id of [comp, ...def.ids()]) {
    for (const key of NODE_REFS) for (const target of def.values(id, key)) if (target !== id && !nodeOf.has(target)) nodeOf.set(target, id);
  }
  const views = new ObjectViews(
    { def, pipelineId: attempt.pipeline_id, scheduledStart: attempt.scheduled_start, scheduledEnd: attempt.scheduled_end },
    new Map([[comp, runtime]]),
    nodeOf,
  );

  const own = def.fields(comp).filter((f) => f.key !== 'parent');
  const fields: Field[] = [
    { key: '@componentParent', refValue: comp },
    { key: '@scheduledStartTime', stringValue: attempt.scheduled_start },
    { key: 'parent', refValue: comp },
    { key: '@sphere', stringValue: 'ATTEMPT' },
    { key: '@instanceParent', refValue: attempt.instance_id as string },
    { key: '@status', stringValue: 'RUNNING' },
    { key: '@version', stringValue: '1' },
    { key: '@actualStartTime', stringValue: runtime['@actualStartTime'] },
    { key: '@scheduledEndTime', stringValue: attempt.scheduled_end },
    { key: '@pipelineId', stringValue: attempt.pipeline_id },
    ...(hostname ? [{ key: 'hostname', stringValue: hostname }] : []),
    ...(referrerComponent ? [{ key: 'node', refValue: referrerComponent }] : []),
    ...views.evaluatedFields(comp, own),
  ];
  const objects: Record<string, PipelineObject> = {
    [attempt.object_id]: { id: attempt.object_id, name: attempt.object_id, fields },
  };

  // Breadth-first over references; `parent` is already folded in by inheritance.
  const queue = fields.filter((f) => f.refValue !== undefined && !f.key?.startsWith('@') && f.key !== 'parent').map((f) => f.refValue as string);
  const seen = new Set<string>([comp]);
  while (queue.length && seen.size < MAX_REFERENCED) {
    const id = queue.shift() as string;
    if (seen.has(id) || !def.byId.has(id)) continue;
    seen.add(id);
    const resolved = def.fields(id).filter((f) => f.key !== 'parent');
    const evaluated = views.evaluatedFields(id, resolved);
    objects[id] = { id, name: def.byId.get(id)?.name ?? id, fields: evaluated };
    for (const f of evaluated) if (f.refValue !== undefined) queue.push(f.refValue);
  }
  return { taskId, pipelineId: attempt.pipeline_id, attemptId: attempt.object_id, objects };
}

function referrerComponentOf(referrerInstanceId: string, time: string): string | undefined {
  const suffix = `_${time}`;
  if (!referrerInstanceId.startsWith('@') || !referrerInstanceId.endsWith(suffix)) return undefined;
  return referrerInstanceId.slice(1, -suffix.length);
}

