import { s, shapes } from '../../protocol/codec.js';
import { TaskNotFoundException } from '../../protocol/errors.js';
import { formatDateTime } from '../../protocol/datetime.js';
import type { Field } from '../../protocol/shapes.js';
import { runDefinition } from '../scheduler/run-definition.js';
import { progressTimeoutMs } from '../scheduler/timing.js';
import { retryConflicts } from '../store/conflict.js';
import { byTaskId, updateObject } from '../store/objects.js';
import { knownTask } from '../dispatch/task-cache.js';
import type { Services } from '../core/services.js';
import { defineOperation } from './operation.js';

/**
 * The ack and keep-alive of a running attempt. `canceled: true` tells the runner to stop (TRY_CANCEL,
 * deactivation, deletion, or the service having given the attempt up).
 */
export const reportTaskProgress = defineOperation<{ taskId: string; fields?: Field[] }, { canceled: boolean }>({
  name: 'ReportTaskProgress',
  input: s.struct({ taskId: s.taskId, fields: shapes.fields }, ['taskId']),
  async run({ services }, input) {
    if (await ackRunning(services, input)) return { canceled: false };
    // Anything else (not running, canceled, unknown or dead task) is settled under a row lock, as it always was.
    return services.runTx(async (tx) => {
      const a = await byTaskId(tx.q, input.taskId, true);
      if (!a) {
        const dead = await tx.q.query('SELECT 1 FROM dead_tasks WHERE task_id = $1', [input.taskId]);
        if (dead.length) return { canceled: true };
        throw new TaskNotFoundException(`Task ${input.taskId.slice(0, 60)} not found: it was never handed out, or was handed out again after going unacknowledged`);
      }
      if (a.status !== 'RUNNING' || a.cancel_requested) return { canceled: true };
      const def = await runDefinition(tx.q, a.pipeline_id, a.run_id);
      await updateObject(tx.q, a, {
        ack_deadline: null,
        progress_deadline: new Date(tx.now + progressTimeoutMs(def, a.component_id, services.limits)),
        fields: { reportProgressTime: formatDateTime(tx.now), ...(input.fields?.length ? { progress: input.fields } : {}) },
      });
      return { canceled: false };
    });
  },
});

/**
 * The common case, once per task and then every keep-alive: a RUNNING, not canceled attempt. One conditional
 * UPDATE without an explicit transaction: if the attempt is not (or no longer) running and live, nothing is
 * written and the caller takes the locked path. The progress deadline needs the attempt's component: known
 * without a read for tasks this process handed out, otherwise read first.
 */
async function ackRunning(services: Services, input: { taskId: string; fields?: Field[] }): Promise<boolean> {
  let task = knownTask(input.taskId);
  if (!task) {
    const rows = await services.db.query<{ pipeline_id: string; run_id: number; component_id: string }>(
      `SELECT pipeline_id, run_id, component_id FROM objects WHERE task_id = $1 AND status = 'RUNNING' AND NOT cancel_requested`,
      [input.taskId],
    );
    if (!rows[0]) return false;
    task = { pipelineId: rows[0].pipeline_id, runId: rows[0].run_id, componentId: rows[0].component_id };
  }
  const now = services.clock.now();
  const def = await runDefinition(services.db, task.pipelineId, task.runId);
  const fields = { reportProgressTime: formatDateTime(now), ...(input.fields?.length ? { progress: input.fields } : {}) };
  const updated = await retryConflicts(() =>
    services.db.query(
      `UPDATE objects SET ack_deadline = NULL, progress_deadline = $2, fields = fields || $3::jsonb
        WHERE task_id = $1 AND status = 'RUNNING' AND NOT cancel_requested
          AND pipeline_id = $4 AND run_id = $5 AND component_id = $6 RETURNING 1`,
      [
        input.taskId,
        new Date(now + progressTimeoutMs(def, task.componentId, services.limits)),
        JSON.stringify(fields),
        task.pipelineId,
        task.runId,
        task.componentId,
      ],
    ),
  );
  return updated.length > 0;
}
