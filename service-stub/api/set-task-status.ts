import { s } from '../../protocol/codec.js';
import { formatDateTime } from '../../protocol/datetime.js';
import { InvalidRequestException, PipelineDeletedException, TaskNotFoundException } from '../../protocol/errors.js';
import { lockPipeline } from '../core/services.js';
import type { Tx } from '../core/services.js';
import { attemptFailed, finishRunningInstance } from '../scheduler/transitions.js';
import { preconditionFalse } from '../scheduler/precondition.js';
import { quickFinish } from '../scheduler/quick-finish.js';
import { forgetTask } from '../dispatch/task-cache.js';
import type { ObjectRow, RuntimeExtras } from '../store/objects.js';
import { byTaskId, getObject, updateObject } from '../store/objects.js';
import { defineOperation } from './operation.js';

interface In {
  taskId: string;
  taskStatus: 'FINISHED' | 'FAILED' | 'FALSE';
  errorId?: string;
  errorMessage?: string;
  errorStackTrace?: string;
}

/**
 * The runner's final word on an attempt. A repeat of the same status for the same task id is accepted
 * (a runner retrying after a lost response); a different second status is refused.
 */
export const setTaskStatus = defineOperation<In, Record<string, never>>({
  name: 'SetTaskStatus',
  input: s.struct(
    {
      taskId: s.taskId,
      taskStatus: { t: 'string', enum: ['FINISHED', 'FAILED', 'FALSE'] },
      errorId: s.string,
      errorMessage: s.errorMessage,
      errorStackTrace: s.string,
    },
    ['taskId', 'taskStatus'],
  ),
  async run({ services }, input) {
    if (input.errorId?.startsWith('Service_')) {
      throw new InvalidRequestException(`errorId '${input.errorId}' is invalid: ids starting with 'Service_' are reserved for the service`);
    }
    forgetTask(input.taskId);
    // The dispatch hot path: one statement without the pipeline lock when the lock could not matter.
    if (input.taskStatus === 'FINISHED' && (await quickFinish(services, input.taskId, { reportedStatus: input.taskStatus }))) return {};
    return services.runTx(async (tx) => {
      const found = await byTaskId(tx.q, input.taskId);
      if (!found) {
        const dead = await tx.q.query('SELECT 1 FROM dead_tasks WHERE task_id = $1', [input.taskId]);
        if (dead.length) throw new PipelineDeletedException('The pipeline of this task was deleted');
        throw new TaskNotFoundException(`Task ${input.taskId.slice(0, 60)} not found`);
      }
      await lockPipeline(tx, found.pipeline_id);
      const a = (await getObject(tx.q, found.pipeline_id, found.object_id, true)) as ObjectRow;
      if (a.task_id !== input.taskId) throw new TaskNotFoundException(`Task ${input.taskId.slice(0, 60)} not found`);
      const recorded = (a.fields as { reportedStatus?: string }).reportedStatus;
      if (recorded !== undefined) {
        if (recorded === input.taskStatus) return {};
        throw new InvalidRequestException(
          `The status of the task for attempt ${a.object_id} was already set to ${recorded}; it cannot be set again to ${input.taskStatus}`,
        );
      }
      if (a.status === 'RUNNING' && input.taskStatus === 'FINISHED') {
        // The common case, on the dispatch hot path: the report is recorded by the same statement that settles.
        tx.services.log.info(`attempt ${a.object_id} of ${a.pipeline_id}: FINISHED`);
        await finishAttempt(tx, a, { reportedStatus: input.taskStatus });
        return {};
      }
      await updateObject(tx.q, a, { fields: { reportedStatus: input.taskStatus } });
      // Already settled by the service (canceled, timed out): the report is recorded and changes nothing.
      if (a.status === 'RUNNING') await settle(tx, a, input);
      return {};
    });
  },
});

// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

async function settle(tx: Tx, a: ObjectRow, input: In): Promise<void> {
  // errorMessage is unconstrained (a runner may quote binary output), but jsonb cannot hold U+0000 or a lone
  // surrogate: store U+FFFD for those rather than refuse the runner's final report.
  const errorMessage = input.errorMessage?.replace(UNSTORABLE, '\uFFFD');
  const err = { errorId: input.errorId, errorMessage, errorStackTrace: input.errorStackTrace };
  tx.services.log.info(`attempt ${a.object_id} of ${a.pipeline_id}: ${input.taskStatus}${input.errorId ? ` (${input.errorId})` : ''}`);
  if (input.taskStatus === 'FINISHED') return finishAttempt(tx, a);
  if (input.taskStatus === 'FALSE' && a.kind === 'precondition') return preconditionFalse(tx, a);
  if (input.taskStatus === 'FALSE') {
    err.errorMessage = `${a.kind} ${a.component_id} reported FALSE, which only preconditions may report` + (err.errorMessage ? `: ${err.errorMessage}` : '');
  }
  await attemptFailed(tx, a, err);
}

async function finishAttempt(tx: Tx, a: ObjectRow, fields?: RuntimeExtras): Promise<void> {
  await updateObject(tx.q, a, {
    status: 'FINISHED',
    actual_end: formatDateTime(tx.now),
    ack_deadline: null,
    progress_deadline: null,
    attempt_deadline: null,
    fields,
  });
  await finishRunningInstance(tx, a.pipeline_id, a.instance_id as string);
}
