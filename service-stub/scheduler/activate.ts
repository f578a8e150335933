/**
 * ActivatePipeline for on-demand pipelines: each call is one run (scheduler.md 2.2). The common case (nothing queued
 * ahead, a free maxActiveInstances slot) writes the run already RUNNING and its ready roots already in the state
 * startQueuedRuns/makeReady would give them, with their first attempts, in one statement with the pipeline row and
 * the run: a one-activity activation is 5 statements with BEGIN/COMMIT instead of 18 (its latency is mostly round
 * trips, each 1-4 ms on PGlite).
 */
import { formatDateTime } from '../../protocol/datetime.js';
import type { ParameterValue } from '../../protocol/shapes.js';
import { CompiledDefinition, storeCompiled } from '../core/compiled.js';
import type { Tx } from '../core/services.js';
import type { NewObject } from '../store/objects.js';
import { insertObjects } from '../store/objects.js';
import type { DefinitionRow, PipelineRow } from '../store/pipelines.js';
import { planRun } from './plan.js';
import type { PlannedEdge } from './plan.js';
import { attemptRow, startQueuedRuns, startRunInstances } from './transitions.js';

export interface CreatedRun {
  runId: number;
  scheduledStart: string;
  instanceIds: string[];
}

/**
 * Create the next run of `pipeline` (locked by the caller) and start it if it may; also marks the pipeline SCHEDULED
 * with `defRow` as its active version.
 */
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
  // latest_run_time is always the newest run's scheduled_start: this is the only writer of either, setting both.
  const last = pipeline.latest_run_time;
  if (last !== null && formatDateTime(t) <= last) t = Date.parse(last + 'Z') + 1000;
  const time = formatDateTime(t);

  const def = storeCompiled(
    `${pid}:${runId}`,
    new CompiledDefinition(
      { objects: defRow.objects, parameterObjects: defRow.parameter_objects ?? [], parameterValues: defRow.parameter_values ?? [] },
      parameterValues ?? [],
    ),
  );
  const plan = planRun(def, time, tx.services.limits.defaultMaximumRetries);
  // startQueuedRuns' rule, decided before the insert: with nothing queued ahead, the new run starts at once iff
  // fewer than its maxActiveInstances are running. Anything queued ahead takes startQueuedRuns itself, as before.
  const open = await tx.q.query<{ run_id: number; status: string }>(
    `SELECT run_id, status FROM runs WHERE pipeline_id = $1 AND status IN ('RUNNING','QUEUED') ORDER BY run_id FOR UPDATE`,
    [pid],
  );
  const queuedAhead = open.some((r) => r.status === 'QUEUED');
  const max = Number(def.value('Default', 'maxActiveInstances') ?? 1) || 1;
  const startNow = !queuedAhead && open.length < max;

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
  const dataRoots = startNow ? readyRoots(tx, rows, plan.edges, pipeline.paused_components) : [];
  // One statement (data-modifying CTEs) for the pipeline row, the run, the first objects and edges; a large run's
  // remaining objects and edges follow in chunks.
  const params: unknown[] = [pid, runId, defRow.version, time, startNow ? 'RUNNING' : 'QUEUED', JSON.stringify(parameterValues ?? []), new Date(tx.now)];
  const parts = [
    `p AS (UPDATE pipelines SET state = 'SCHEDULED', active_def = $3, run_seq = $2, latest_run_time = $4 WHERE pipeline_id = $1)`,
    `r AS (INSERT INTO runs (pipeline_id, run_id, def_version, scheduled_start, status, parameter_values, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7))`,
  ];
  if (plan.edges.length) parts.push(`d AS (${depsInsert(plan.edges.slice(0, EDGES_PER_STATEMENT), params)})`);
  const objects = rows.length ? objectsInsert(rows.slice(0, OBJECTS_PER_STATEMENT), params) : 'SELECT 1';
  await tx.q.query(`WITH ${parts.join(', ')} ${objects}`, params);
  await insertObjects(tx.q, rows.slice(OBJECTS_PER_STATEMENT));
  for (let i = EDGES_PER_STATEMENT; i < plan.edges.length; i += EDGES_PER_STATEMENT) {
    const chunkParams: unknown[] = [pid];
    await tx.q.query(depsInsert(plan.edges.slice(i, i + EDGES_PER_STATEMENT), chunkParams), chunkParams);
  }
  if (queuedAhead) await startQueuedRuns(tx, pid, true);
  // Data nodes with nothing to wait for finish now (their dependents advance): startRunInstances finds just them.
  else if (dataRoots.length) await startRunInstances(tx, pid, runId, pipeline.paused_components);
  return { runId, scheduledStart: time, instanceIds: plan.instances.map((p) => p.id) };
}

const OBJECTS_PER_STATEMENT = 200;
const EDGES_PER_STATEMENT = 300;

/** INSERT of `edges` into deps; `params` starts with the pipeline id ($1) and gets the edges' values appended. */
function depsInsert(edges: readonly PlannedEdge[], params: unknown[]): string {
  const tuples = edges.map((e) => {
    params.push(e.instanceId, e.dependsOn, e.edge);
    const n = params.length;
    return `($1, $${n - 2}, $${n - 1}, $${n})`;
  });
  return `INSERT INTO deps (pipeline_id, instance_id, depends_on, edge) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`;
}

/** INSERT of `rows` (as insertObjects writes them, JSON fields as text); their values are appended to `params`. */
function objectsInsert(rows: readonly NewObject[], params: unknown[]): string {
  const columns = Object.keys(rows[0]) as (keyof NewObject)[];
  const tuples = rows.map((r) => {
    const ph = columns.map((c) => {
      params.push(c === 'fields' ? JSON.stringify(r.fields) : r[c]);
      return `$${params.length}`;
    });
    return `(${ph.join(', ')})`;
  });
  return `INSERT INTO objects (${columns.join(', ')}) VALUES ${tuples.join(', ')}`;
}

/**
 * What makeReady does to the roots (no dependencies) of a run that starts now, applied to their new rows before
 * the insert: paused components' roots are PAUSED, runnable roots WAITING_FOR_RUNNER with attempt 1 appended to
 * `rows`. Data-node roots stay WAITING_ON_DEPENDENCIES and are returned (finishing one touches other rows).
 */
function readyRoots(tx: Tx, rows: NewObject[], edges: readonly { instanceId: string }[], paused: readonly string[]): NewObject[] {
  const waiting = new Set(edges.map((e) => e.instanceId));
  const dataRoots: NewObject[] = [];
  for (const inst of [...rows]) {
    if (waiting.has(inst.object_id)) continue;
    if (paused.includes(inst.component_id)) {
      inst.status = 'PAUSED';
      inst.fields = { pausedFrom: 'READY' };
    } else if (inst.kind === 'datanode') {
      dataRoots.push(inst);
    } else {
      const attempt = attemptRow(tx, inst, 1, 0);
      inst.status = 'WAITING_FOR_RUNNER';
      inst.attempt_no = 1;
      inst.head_attempt = attempt.object_id;
      rows.push(attempt);
      if (inst.worker_group) tx.wake(inst.worker_group);
    }
  }
  return dataRoots;
}
