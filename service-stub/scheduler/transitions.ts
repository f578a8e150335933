/**
 * How instances move (scheduler.md 4.2): ready -> a new attempt for a runner; finished -> dependents advance;
 * failed -> retry after retryDelay or FAILED and cascade. Every function runs inside the caller's transaction.
 */
import { formatDateTime } from '../../protocol/datetime.js';
import type { Tx } from '../core/services.js';
import type { NewObject, ObjectRow, RuntimeExtras } from '../store/objects.js';
import { getObject, insertObjects, isTerminal, updateObject } from '../store/objects.js';
import { attemptId } from './plan.js';
import { runDefinition } from './run-definition.js';
import { isCascade, retryDelayMs } from './timing.js';

type R = ObjectRow & Record<string, unknown>;

export interface TaskError {
  errorId?: string;
  errorMessage?: string;
  errorStackTrace?: string;
}

async function pausedComponents(tx: Tx, pipelineId: string): Promise<string[]> {
  const rows = await tx.q.query<{ paused_components: string[] }>(
    'SELECT paused_components FROM pipelines WHERE pipeline_id = $1',
    [pipelineId],
  );
  return rows[0]?.paused_components ?? [];
}

/**
 * All of an instance's dependencies are FINISHED: data nodes finish, runnable objects get an attempt. `paused`
 * (the pipeline's paused_components) may be passed by a caller that read it in this transaction, to save a read.
 */
export async function makeReady(tx: Tx, inst: ObjectRow, paused?: readonly string[]): Promise<void> {
  if ((paused ?? (await pausedComponents(tx, inst.pipeline_id))).includes(inst.component_id)) {
    await updateObject(tx.q, inst, { status: 'PAUSED', fields: { pausedFrom: 'READY' } });
    return;
  }
  if (inst.kind === 'datanode') return finishInstance(tx, inst);
  await newAttempt(tx, inst, 0);
}

/** The row of attempt `n` of an instance, available to runners after `delayMs` (newAttempt, and createRun's roots). */
export function attemptRow(tx: Tx, inst: Omit<NewObject, 'sphere' | 'instance_id'>, n: number, delayMs: number): NewObject {
  return {
    pipeline_id: inst.pipeline_id,
    object_id: attemptId(inst.object_id, n),
    sphere: 'ATTEMPT',
    run_id: inst.run_id,
    component_id: inst.component_id,
    instance_id: inst.object_id,
    referrer_id: inst.referrer_id,
    kind: inst.kind,
    status: 'WAITING_FOR_RUNNER',
    scheduled_start: inst.scheduled_start,
    scheduled_end: inst.scheduled_end,
    actual_start: formatDateTime(tx.now),
    worker_group: inst.worker_group,
    attempt_no: n,
    tries_left: null,
    head_attempt: null,
    fields: {},
    available_at: new Date(tx.now + delayMs),
    created_at: new Date(tx.now),
  };
}

/** The next attempt of an instance, available to runners after `delayMs`. */
export async function newAttempt(tx: Tx, inst: ObjectRow, delayMs: number): Promise<void> {
  const n = inst.attempt_no + 1;
  const attempt = attemptRow(tx, inst, n, delayMs);
  const id = attempt.object_id;
  await insertObjects(tx.q, [attempt]);
  await updateObject(tx.q, inst, {
    status: 'WAITING_FOR_RUNNER',
    attempt_no: n,
    head_attempt: id,
    actual_end: null,
    clearFields: ['errorId', 'errorMessage', 'errorStackTrace', 'cancellationReason'],
  });
  inst.attempt_no = n;
  inst.status = 'WAITING_FOR_RUNNER';
  if (inst.worker_group) tx.wake(inst.worker_group);
}

export async function finishInstance(tx: Tx, inst: ObjectRow, extras: RuntimeExtras = {}): Promise<void> {
  await updateObject(tx.q, inst, { status: 'FINISHED', actual_end: formatDateTime(tx.now), fields: extras });
  inst.status = 'FINISHED';
  await instanceFinished(tx, inst);
}

/**
 * finishInstance for an instance that is RUNNING (an attempt of it just FINISHED), in one statement that checks,
 * locks and updates the row: the dispatch hot path holds the pipeline lock meanwhile. No-op if not RUNNING.
 */
export async function finishRunningInstance(tx: Tx, pipelineId: string, instanceId: string): Promise<void> {
  const rows = await tx.q.query<R>(
    `UPDATE objects SET status = 'FINISHED', actual_end = $3 WHERE pipeline_id = $1 AND object_id = $2 AND status = 'RUNNING' RETURNING *`,
    [pipelineId, instanceId, formatDateTime(tx.now)],
  );
  if (rows[0]) await instanceFinished(tx, rows[0]);
}

/** What follows an instance becoming FINISHED: dependents advance, and its run may be done. */
async function instanceFinished(tx: Tx, inst: ObjectRow): Promise<void> {
  await advanceDependents(tx, inst);
  await checkRunDone(tx, inst.pipeline_id, inst.run_id);
}

/** Dependents of `inst` whose dependencies are now all FINISHED become ready. */
export async function advanceDependents(tx: Tx, inst: ObjectRow): Promise<void> {
  const ready = await tx.q.query<R>(
    `SELECT o.* FROM deps d JOIN objects o ON o.pipeline_id = d.pipeline_id AND o.object_id = d.instance_id
      WHERE d.pipeline_id = $1 AND d.depends_on = $2 AND o.status = 'WAITING_ON_DEPENDENCIES'
        AND NOT EXISTS (SELECT 1 FROM deps d2 JOIN objects o2 ON o2.pipeline_id = d2.pipeline_id AND o2.object_id = d2.depends_on
                         WHERE d2.pipeline_id = d.pipeline_id AND d2.instance_id = d.instance_id AND o2.status <> 'FINISHED')
        AND EXISTS (SELECT 1 FROM runs r WHERE r.pipeline_id = o.pipeline_id AND r.run_id = o.run_id AND r.status = 'RUNNING')
      ORDER BY o.object_id FOR UPDATE OF o`,
    [inst.pipeline_id, inst.object_id],
  );
  for (const d of ready) await makeReady(tx, d);
}

/** An attempt failed: retry while tries are left, otherwise the instance FAILS (and may cascade). */
export async function attemptFailed(
  tx: Tx,
  attempt: ObjectRow,
  err: TaskError,
  opts: { retry: boolean; status?: 'FAILED' | 'CANCELED' } = { retry: true },
): Promise<void> {
  const errFields: RuntimeExtras = {
    ...(err.errorId !== undefined && { errorId: err.errorId }),
    ...(err.errorMessage !== undefined && { errorMessage: err.errorMessage }),
    ...(err.errorStackTrace !== undefined && { errorStackTrace: err.errorStackTrace }),
  };
  await updateObject(tx.q, attempt, {
    status: opts.status ?? 'FAILED',
    actual_end: formatDateTime(tx.now),
    ack_deadline: null,
    progress_deadline: null,
    attempt_deadline: null,
    fields: errFields,
  });
  const inst = await getObject(tx.q, attempt.pipeline_id, attempt.instance_id as string, true);
  if (!inst || isTerminal(inst.status)) return;
  if (opts.retry && (inst.tries_left ?? 0) > 0) {
    const def = await runDefinition(tx.q, inst.pipeline_id, inst.run_id);
    await updateObject(tx.q, inst, { tries_left: (inst.tries_left ?? 0) - 1, fields: errFields });
    await newAttempt(tx, inst, retryDelayMs(def, inst.component_id, tx.services.limits));
    return;
  }
  await failInstance(tx, inst, 'FAILED', errFields);
}

/** End an instance unsuccessfully, then cascade (scheduler.md 6) and check whether its run is done. */
export async function failInstance(tx: Tx, inst: ObjectRow, status: string, extras: RuntimeExtras = {}): Promise<void> {
  await updateObject(tx.q, inst, { status, actual_end: formatDateTime(tx.now), fields: extras });
  inst.status = status;
  const def = await runDefinition(tx.q, inst.pipeline_id, inst.run_id);
  // A precondition that finally failed always stops what it guards; other failures travel only in cascade mode.
  if (inst.kind === 'precondition' || isCascade(def, inst.component_id)) await cascadeFrom(tx, inst);
  await checkRunDone(tx, inst.pipeline_id, inst.run_id);
}

async function cascadeFrom(tx: Tx, failed: ObjectRow): Promise<void> {
  const seen = new Set<string>([failed.object_id]);
  let frontier = [failed.object_id];
  while (frontier.length) {
    const rows = await tx.q.query<R>(
      `SELECT o.* FROM deps d JOIN objects o ON o.pipeline_id = d.pipeline_id AND o.object_id = d.instance_id
        WHERE d.pipeline_id = $1 AND d.depends_on = ANY($2::text[]) ORDER BY o.object_id FOR UPDATE OF o`,
      [failed.pipeline_id, frontier],
    );
    frontier = [];
    for (const o of rows) {
      if (seen.has(o.object_id) || isTerminal(o.status)) continue;
      seen.add(o.object_id);
      // Preconditions of a cascaded object are CANCELED; the objects themselves CASCADE_FAILED.
      const status = o.kind === 'precondition' ? 'CANCELED' : 'CASCADE_FAILED';
      await updateObject(tx.q, o, { status, actual_end: formatDateTime(tx.now), fields: { cascadeFailedOn: failed.object_id } });
      await cancelAttempts(tx, o, `cascade from ${failed.object_id}`);
      frontier.push(o.object_id);
    }
  }
  // Pending preconditions of the cascaded objects (they depend on nothing that failed).
  await tx.q.query(
    `UPDATE objects SET status = 'CANCELED', actual_end = $3, fields = fields || $4::jsonb
      WHERE pipeline_id = $1 AND sphere = 'INSTANCE' AND kind = 'precondition' AND referrer_id = ANY($2::text[])
        AND status NOT IN ('FINISHED','FAILED','CASCADE_FAILED','CANCELED')`,
    [failed.pipeline_id, [...seen], formatDateTime(tx.now), JSON.stringify({ cascadeFailedOn: failed.object_id })],
  );
}

/** Cancel an instance's live attempts; a RUNNING one is told through ReportTaskProgress (canceled: true). */
export async function cancelAttempts(tx: Tx, inst: ObjectRow, reason: string): Promise<void> {
  await tx.q.query(
    `UPDATE objects SET status = 'CANCELED', actual_end = $3, cancel_requested = (status = 'RUNNING'),
            ack_deadline = NULL, progress_deadline = NULL, attempt_deadline = NULL,
            fields = fields || $4::jsonb
      WHERE pipeline_id = $1 AND instance_id = $2 AND sphere = 'ATTEMPT'
        AND status IN ('WAITING_FOR_RUNNER','RUNNING','PAUSED')`,
    [inst.pipeline_id, inst.object_id, formatDateTime(tx.now), JSON.stringify({ cancellationReason: reason })],
  );
}

/** A run with no unfinished instance left is done; the next queued run of the pipeline may start. */
export async function checkRunDone(tx: Tx, pipelineId: string, runId: number): Promise<void> {
  const open = await tx.q.query<{ n: string }>(
    `SELECT count(*) AS n FROM objects WHERE pipeline_id = $1 AND run_id = $2 AND sphere = 'INSTANCE'
        AND status NOT IN ('FINISHED','FAILED','CASCADE_FAILED','CANCELED','SKIPPED','TIMEDOUT')`,
    [pipelineId, runId],
  );
  if (Number(open[0].n) > 0) return;
  const updated = await tx.q.query(
    `UPDATE runs SET status = 'FINISHED' WHERE pipeline_id = $1 AND run_id = $2 AND status <> 'FINISHED' RETURNING run_id`,
    [pipelineId, runId],
  );
  if (updated.length) {
    tx.services.log.info(`run ${runId} of ${pipelineId} finished`);
    await startQueuedRuns(tx, pipelineId);
  }
  await settleDeactivation(tx, pipelineId);
}

/**
 * Start queued runs while fewer than maxActiveInstances (on Default; 1 by default) are running. `scheduled`: the
 * caller has just set the pipeline SCHEDULED in this transaction, so its state need not be read again.
 */
export async function startQueuedRuns(tx: Tx, pipelineId: string, scheduled = false): Promise<void> {
  if (!scheduled) {
    const state = await tx.q.query<{ state: string }>('SELECT state FROM pipelines WHERE pipeline_id = $1', [pipelineId]);
    if (state[0]?.state !== 'SCHEDULED') return;
  }
  const runs = await tx.q.query<{ run_id: number; status: string }>(
    `SELECT run_id, status FROM runs WHERE pipeline_id = $1 AND status IN ('RUNNING','QUEUED') ORDER BY run_id FOR UPDATE`,
    [pipelineId],
  );
  let running = runs.filter((r) => r.status === 'RUNNING').length;
  for (const r of runs) {
    if (r.status !== 'QUEUED') continue;
    const def = await runDefinition(tx.q, pipelineId, r.run_id);
    const max = Number(def.value('Default', 'maxActiveInstances') ?? 1) || 1;
    if (running >= max) break;
    await tx.q.query(`UPDATE runs SET status = 'RUNNING' WHERE pipeline_id = $1 AND run_id = $2`, [pipelineId, r.run_id]);
    running++;
    await startRunInstances(tx, pipelineId, r.run_id);
  }
}

/**
 * Instances of a running run with nothing to wait for become ready. `paused`: the pipeline's paused_components if
 * the caller read them in this transaction (otherwise read once here, not per instance).
 */
export async function startRunInstances(tx: Tx, pipelineId: string, runId: number, paused?: readonly string[]): Promise<void> {
  const roots = await tx.q.query<R>(
    `SELECT o.* FROM objects o WHERE o.pipeline_id = $1 AND o.run_id = $2 AND o.sphere = 'INSTANCE'
        AND o.status = 'WAITING_ON_DEPENDENCIES'
        AND NOT EXISTS (SELECT 1 FROM deps d JOIN objects o2 ON o2.pipeline_id = d.pipeline_id AND o2.object_id = d.depends_on
                         WHERE d.pipeline_id = o.pipeline_id AND d.instance_id = o.object_id AND o2.status <> 'FINISHED')
      ORDER BY o.object_id FOR UPDATE`,
    [pipelineId, runId],
  );
  if (!roots.length) return;
  const pausedNow = paused ?? (await pausedComponents(tx, pipelineId));
  // Only a data node finishing (its dependents advance, its run may end) can change other rows: after one, the
  // remaining roots are read again, as one may already have been made ready.
  let moved = false;
  for (const inst of roots) {
    const fresh = moved ? await getObject(tx.q, pipelineId, inst.object_id) : inst;
    if (fresh?.status !== 'WAITING_ON_DEPENDENCIES') continue;
    await makeReady(tx, fresh, pausedNow);
    if (fresh.kind === 'datanode') moved = true;
  }
}

/** A DEACTIVATING pipeline becomes INACTIVE once no attempt of it is still running. */
export async function settleDeactivation(tx: Tx, pipelineId: string): Promise<void> {
  await tx.q.query(
    `UPDATE pipelines SET state = 'INACTIVE' WHERE pipeline_id = $1 AND state = 'DEACTIVATING'
        AND NOT EXISTS (SELECT 1 FROM objects WHERE pipeline_id = $1 AND sphere = 'ATTEMPT' AND status = 'RUNNING')`,
    [pipelineId],
  );
}
