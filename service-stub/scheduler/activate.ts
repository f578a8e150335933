/** ActivatePipeline for on-demand pipelines: each call is one run (scheduler.md 2.2). */
import { formatDateTime } from '../../protocol/datetime.js';
import type { ParameterValue } from '../../protocol/shapes.js';
import { CompiledDefinition, storeCompiled } from '../core/compiled.js';
import type { Tx } from '../core/services.js';
import type { NewObject } from '../store/objects.js';
import { insertObjects } from '../store/objects.js';
import type { DefinitionRow, PipelineRow } from '../store/pipelines.js';
import { planRun } from './plan.js';
import { startQueuedRuns } from './transitions.js';

export interface CreatedRun {
  runId: number;
  scheduledStart: string;
  instanceIds: string[];
}

export async function createRun(
  tx: Tx,
  pipeline: PipelineRow,
  defRow: DefinitionRow,
  parameterValues: ParameterValue[] | undefined,
  startTimestamp?: Date,
): Promise<CreatedRun> {
  const pid = pipeline.pipeline_id;
  const runId = pipeline.run_seq + 1;
  // Two activations in one second would share instance ids: the later run takes the next free second.
  let t = Math.floor((startTimestamp?.getTime() ?? tx.now) / 1000) * 1000;
  const last = await tx.q.query<{ scheduled_start: string }>(
    'SELECT scheduled_start FROM runs WHERE pipeline_id = $1 ORDER BY run_id DESC LIMIT 1',
    [pid],
  );
  if (last[0] && formatDateTime(t) <= last[0].scheduled_start) t = Date.parse(last[0].scheduled_start + 'Z') + 1000;
  const time = formatDateTime(t);

  const def = storeCompiled(
    `${pid}:${runId}`,
    new CompiledDefinition(
      { objects: defRow.objects, parameterObjects: defRow.parameter_objects ?? [], parameterValues: defRow.parameter_values ?? [] },
      parameterValues ?? [],
    ),
  );
  const plan = planRun(def, time, tx.services.limits.defaultMaximumRetries);
  await tx.q.query(
    `INSERT INTO runs (pipeline_id, run_id, def_version, scheduled_start, status, parameter_values, created_at)
     VALUES ($1, $2, $3, $4, 'QUEUED', $5, $6)`,
    [pid, runId, defRow.version, time, JSON.stringify(parameterValues ?? []), new Date(tx.now)],
  );
  await tx.q.query('UPDATE pipelines SET run_seq = $2, latest_run_time = $3 WHERE pipeline_id = $1', [pid, runId, time]);

  const created = new Date(tx.now);
  const rows: NewObject[] = plan.instances.map((p) => ({
    pipeline_id: pid,
    object_id: p.id,
    sphere: 'INSTANCE',
    run_id: runId,
    component_id: p.componentId,
    instance_id: null,
    referrer_id: p.referrerId ?? null,
    kind: p.kind,
    status: 'WAITING_ON_DEPENDENCIES',
    scheduled_start: time,
    scheduled_end: time,
    // list-runs' default window reads @actualStartTime: waiting instances must carry one (api.md 6.4).
    actual_start: time,
    worker_group: p.workerGroup ?? null,
    attempt_no: 0,
    tries_left: p.triesLeft ?? null,
    head_attempt: null,
    fields: {},
    available_at: null,
    created_at: created,
  }));
  await insertObjects(tx.q, rows);
  for (let i = 0; i < plan.edges.length; i += 300) {
    const chunk = plan.edges.slice(i, i + 300);
    const params: unknown[] = [pid];
    const tuples = chunk.map((e) => {
      params.push(e.instanceId, e.dependsOn, e.edge);
      const n = params.length;
      return `($1, $${n - 2}, $${n - 1}, $${n})`;
    });
    await tx.q.query(
      `INSERT INTO deps (pipeline_id, instance_id, depends_on, edge) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
      params,
    );
  }
  await startQueuedRuns(tx, pid);
  return { runId, scheduledStart: time, instanceIds: plan.instances.map((p) => p.id) };
}
