/**
 * Hand one waiting attempt of a worker group to one poller: FOR UPDATE SKIP LOCKED picks a row no other
 * transaction holds, so concurrent pollers (and server replicas) never receive the same attempt.
 */
import { randomBytes } from 'node:crypto';
import { formatDateTime } from '../../protocol/datetime.js';
import type { TaskObject } from '../../protocol/shapes.js';
import type { Tx } from '../core/services.js';
import type { ObjectRow } from '../store/objects.js';
import { updateObject } from '../store/objects.js';
import { runDefinition } from '../scheduler/run-definition.js';
import { periodFieldMs } from '../scheduler/timing.js';
import { attemptFailed } from '../scheduler/transitions.js';
import { buildTaskObject } from './task-object.js';

type R = ObjectRow & Record<string, unknown>;

export interface ClaimedTask {
  taskObject: TaskObject;
  pipelineId: string;
  attemptId: string;
}

export function newTaskId(): string {
  // A leading letter: base64url may start with '-', which the AWS CLI parses as an option (`--task-id -abc` fails).
  return `T${randomBytes(30).toString('base64url')}`;
}

export async function claimTask(tx: Tx, workerGroup: string, hostname: string | undefined): Promise<ClaimedTask | undefined> {
  for (;;) {
    const taskId = newTaskId();
    const rows = await tx.q.query<R>(
      `WITH c AS (
         SELECT pipeline_id, object_id FROM objects
          WHERE sphere = 'ATTEMPT' AND status = 'WAITING_FOR_RUNNER' AND worker_group = $1 AND available_at <= $2
          ORDER BY available_at, object_id LIMIT 1 FOR UPDATE SKIP LOCKED)
       UPDATE objects o SET status = 'RUNNING', task_id = $3, ack_deadline = $4, actual_start = $5,
              fields = o.fields || $6::jsonb
         FROM c WHERE o.pipeline_id = c.pipeline_id AND o.object_id = c.object_id
       RETURNING o.*`,
      [
        workerGroup,
        new Date(tx.now),
        taskId,
        new Date(tx.now + tx.services.limits.ackTimeoutMs),
        formatDateTime(tx.now),
        JSON.stringify(hostname ? { hostname } : {}),
      ],
    );
    const attempt = rows[0];
    if (!attempt) return undefined;
    const def = await runDefinition(tx.q, attempt.pipeline_id, attempt.run_id);
    let taskObject: TaskObject;
    try {
      taskObject = buildTaskObject(def, attempt, taskId, hostname);
    } catch (err) {
      // A field that cannot be evaluated fails the attempt for good (retrying would fail the same way).
      await attemptFailed(
        tx,
        attempt,
        {
          errorId: 'Service_ExpressionError',
          errorMessage: `Object '${attempt.component_id}': ${(err as Error).message}`,
        },
        { retry: false },
      );
      continue;
    }
    const timeout = periodFieldMs(def, attempt.component_id, 'attemptTimeout', tx.services.limits);
    if (timeout !== undefined) await updateObject(tx.q, attempt, { attempt_deadline: new Date(tx.now + timeout) });
    await tx.q.query(
      `UPDATE objects SET status = 'RUNNING' WHERE pipeline_id = $1 AND object_id = $2 AND status = 'WAITING_FOR_RUNNER'`,
      [attempt.pipeline_id, attempt.instance_id],
    );
    tx.services.log.info(`task ${attempt.object_id} of ${attempt.pipeline_id} handed to ${hostname ?? 'a runner'} (${workerGroup})`);
    return { taskObject, pipelineId: attempt.pipeline_id, attemptId: attempt.object_id };
  }
}

/** Undo a claim whose poll ended before the answer could be sent: the attempt waits for the next poller. */
export async function releaseTask(tx: Tx, task: ClaimedTask): Promise<void> {
  await tx.q.query(
    `UPDATE objects SET status = 'WAITING_FOR_RUNNER', task_id = NULL, ack_deadline = NULL, attempt_deadline = NULL
      WHERE pipeline_id = $1 AND object_id = $2 AND status = 'RUNNING'`,
    [task.pipelineId, task.attemptId],
  );
  const rows = await tx.q.query<{ instance_id: string; worker_group: string | null }>(
    'SELECT instance_id, worker_group FROM objects WHERE pipeline_id = $1 AND object_id = $2',
    [task.pipelineId, task.attemptId],
  );
  if (rows[0]) {
    await tx.q.query(
      `UPDATE objects SET status = 'WAITING_FOR_RUNNER' WHERE pipeline_id = $1 AND object_id = $2 AND status = 'RUNNING'`,
      [task.pipelineId, rows[0].instance_id],
    );
    if (rows[0].worker_group) tx.wake(rows[0].worker_group);
  }
}
