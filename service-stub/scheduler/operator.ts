/** Operator commands on instances and components (SetStatus, scheduler.md 8 and 6). */
import type { Tx } from '../core/services.js';
import type { ObjectRow } from '../store/objects.js';
import { isTerminal, updateObject } from '../store/objects.js';
import { runDefinition } from './run-definition.js';
import { isCascade } from './timing.js';
import { cancelAttempts, checkRunDone, failInstance, finishInstance, makeReady, newAttempt } from './transitions.js';

type R = ObjectRow & Record<string, unknown>;

const FAILED_LIKE = ['FAILED', 'CASCADE_FAILED', 'CANCELED'];

export async function tryCancel(tx: Tx, inst: ObjectRow): Promise<void> {
  if (isTerminal(inst.status)) return;
  await cancelAttempts(tx, inst, 'canceled by SetStatus TRY_CANCEL');
  await failInstance(tx, inst, 'CANCELED', { cancellationReason: 'canceled by SetStatus TRY_CANCEL' });
}

export async function markFinished(tx: Tx, inst: ObjectRow): Promise<void> {
  if (inst.status === 'FINISHED') return;
  await cancelAttempts(tx, inst, 'instance marked finished');
  await reopenRun(tx, inst);
  await finishInstance(tx, inst, { markedFinished: true });
}

async function depsOf(tx: Tx, inst: ObjectRow): Promise<ObjectRow[]> {
  return tx.q.query<R>(
    `SELECT o.* FROM deps d JOIN objects o ON o.pipeline_id = d.pipeline_id AND o.object_id = d.depends_on
      WHERE d.pipeline_id = $1 AND d.instance_id = $2`,
    [inst.pipeline_id, inst.object_id],
  );
}

/**
 * RERUN: an ended instance starts over with fresh tries. A CASCADE_FAILED one whose dependency is still failed
 * stays CASCADE_FAILED (rerun the origin). In cascade mode the rerun also reaches CASCADE_FAILED consumers.
 * Returns false when the rerun was refused.
 */
export async function rerun(tx: Tx, inst: ObjectRow): Promise<boolean> {
  if (!isTerminal(inst.status)) return false;
  const deps = await depsOf(tx, inst);
  if (inst.status === 'CASCADE_FAILED' && deps.some((d) => FAILED_LIKE.includes(d.status))) return false;
  const def = await runDefinition(tx.q, inst.pipeline_id, inst.run_id);
  const retries = Number(def.value(inst.component_id, 'maximumRetries'));
  await reopenRun(tx, inst);
  await updateObject(tx.q, inst, {
    status: 'WAITING_ON_DEPENDENCIES',
    actual_end: null,
    tries_left: inst.kind === 'datanode' ? null : Number.isInteger(retries) && retries >= 0 ? retries : tx.services.limits.defaultMaximumRetries,
    first_check_at: null,
    clearFields: ['errorId', 'errorMessage', 'errorStackTrace', 'cancellationReason', 'cascadeFailedOn', 'markedFinished'],
  });
  inst.status = 'WAITING_ON_DEPENDENCIES';
  // Its own preconditions are checked again.
  const pre = await tx.q.query<R>(
    `SELECT * FROM objects WHERE pipeline_id = $1 AND sphere = 'INSTANCE' AND kind = 'precondition' AND referrer_id = $2 FOR UPDATE`,
    [inst.pipeline_id, inst.object_id],
  );
  for (const p of pre) if (isTerminal(p.status)) await rerun(tx, p);
  if (isCascade(def, inst.component_id)) {
    const consumers = await tx.q.query<R>(
      `SELECT o.* FROM deps d JOIN objects o ON o.pipeline_id = d.pipeline_id AND o.object_id = d.instance_id
        WHERE d.pipeline_id = $1 AND d.depends_on = $2 AND o.status = 'CASCADE_FAILED' FOR UPDATE OF o`,
      [inst.pipeline_id, inst.object_id],
    );
    for (const c of consumers) await rerun(tx, c);
  }
  const fresh = await depsOf(tx, inst);
  if (fresh.every((d) => d.status === 'FINISHED')) {
    if (inst.kind === 'datanode') await makeReady(tx, inst);
    else await newAttempt(tx, inst, 0);
  }
  return true;
}

/** A rerun or a mark in a finished run makes it running again (reruns do not count against maxActiveInstances). */
async function reopenRun(tx: Tx, inst: ObjectRow): Promise<void> {
  await tx.q.query(`UPDATE runs SET status = 'RUNNING' WHERE pipeline_id = $1 AND run_id = $2 AND status = 'FINISHED'`, [
    inst.pipeline_id,
    inst.run_id,
  ]);
}

export async function pauseComponent(tx: Tx, pipelineId: string, componentId: string): Promise<void> {
  await tx.q.query(
    `UPDATE pipelines SET paused_components = paused_components || to_jsonb($2::text)
      WHERE pipeline_id = $1 AND NOT paused_components ? $2`,
    [pipelineId, componentId],
  );
  // Waiting attempts stop being handed out; running ones finish.
  await tx.q.query(
    `UPDATE objects SET status = 'PAUSED' WHERE pipeline_id = $1 AND component_id = $2 AND sphere = 'ATTEMPT' AND status = 'WAITING_FOR_RUNNER'`,
    [pipelineId, componentId],
  );
  await tx.q.query(
    `UPDATE objects SET fields = fields || jsonb_build_object('pausedFrom', status), status = 'PAUSED'
      WHERE pipeline_id = $1 AND component_id = $2 AND sphere = 'INSTANCE' AND status IN ('WAITING_ON_DEPENDENCIES','WAITING_FOR_RUNNER')`,
    [pipelineId, componentId],
  );
}

export async function resumeComponent(tx: Tx, pipelineId: string, componentId: string): Promise<void> {
  await tx.q.query(`UPDATE pipelines SET paused_components = paused_components - $2::text WHERE pipeline_id = $1`, [
    pipelineId,
    componentId,
  ]);
  await tx.q.query(
    `UPDATE objects SET status = 'WAITING_FOR_RUNNER', available_at = $3
      WHERE pipeline_id = $1 AND component_id = $2 AND sphere = 'ATTEMPT' AND status = 'PAUSED'`,
    [pipelineId, componentId, new Date(tx.now)],
  );
  const paused = await tx.q.query<R>(
    `SELECT * FROM objects WHERE pipeline_id = $1 AND component_id = $2 AND sphere = 'INSTANCE' AND status = 'PAUSED' FOR UPDATE`,
    [pipelineId, componentId],
  );
  for (const inst of paused) {
    const from = inst.fields.pausedFrom ?? 'WAITING_ON_DEPENDENCIES';
    await updateObject(tx.q, inst, { status: from === 'READY' ? 'WAITING_ON_DEPENDENCIES' : from, clearFields: ['pausedFrom'] });
    inst.status = from === 'READY' ? 'WAITING_ON_DEPENDENCIES' : from;
    // Dependencies may have finished while it was paused (advanceDependents skips PAUSED instances), so a
    // WAITING_ON_DEPENDENCIES one is checked too; otherwise it would wait forever.
    if (from === 'READY' || (from === 'WAITING_ON_DEPENDENCIES' && (await readyToStart(tx, inst)))) await makeReady(tx, inst);
    if (inst.worker_group) tx.wake(inst.worker_group);
    await checkRunDone(tx, pipelineId, inst.run_id);
  }
}

/** All dependencies FINISHED and the run started (not QUEUED behind maxActiveInstances). */
async function readyToStart(tx: Tx, inst: ObjectRow): Promise<boolean> {
  const rows = await tx.q.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM runs WHERE pipeline_id = $1 AND run_id = $3 AND status = 'RUNNING')
        AND NOT EXISTS (SELECT 1 FROM deps d JOIN objects o ON o.pipeline_id = d.pipeline_id AND o.object_id = d.depends_on
                         WHERE d.pipeline_id = $1 AND d.instance_id = $2 AND o.status <> 'FINISHED') AS ok`,
    [inst.pipeline_id, inst.object_id, inst.run_id],
  );
  return rows[0]?.ok === true;
}
