import { s, shapes } from '../../protocol/codec.js';
import { TaskNotFoundException } from '../../protocol/errors.js';
import { formatDateTime } from '../../protocol/datetime.js';
import type { Field } from '../../protocol/shapes.js';
import { runDefinition } from '../scheduler/run-definition.js';
import { progressTimeoutMs } from '../scheduler/timing.js';
import { byTaskId, updateObject } from '../store/objects.js';
import { defineOperation } from './operation.js';

/**
 * The ack and keep-alive of a running attempt. `canceled: true` tells the runner to stop (TRY_CANCEL,
 * deactivation, deletion, or the service having given the attempt up).
 */
export const reportTaskProgress = defineOperation<{ taskId: string; fields?: Field[] }, { canceled: boolean }>({
  name: 'ReportTaskProgress',
  input: s.struct({ taskId: s.taskId, fields: shapes.fields }, ['taskId']),
  async run({ services }, input) {
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
