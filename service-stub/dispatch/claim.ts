/**
 * Hand one waiting attempt of a worker group to one poller: FOR UPDATE SKIP LOCKED picks a row no other
 * transaction holds, so concurrent pollers (and server replicas) never receive the same attempt.
 */
import { randomBytes } from 'node:crypto';
import { formatDateTime } from '../../protocol/datetime.js';
import type { TaskObject } from '../../protocol/shapes.js';
import { lockPipeline } from '../core/services.js';
import type { Services, Tx } from '../core/services.js';
import { retryConflicts } from '../store/conflict.js';
import type { ObjectRow } from '../store/objects.js';
import { runDefinition } from '../scheduler/run-definition.js';
import { periodFieldMs } from '../scheduler/timing.js';
import { attemptFailed } from '../scheduler/transitions.js';
import { buildTaskObject } from './task-object.js';
import { forgetTask, rememberTask } from './task-cache.js';

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

/**
 * The claim and its instance's WAITING_FOR_RUNNER -> RUNNING in one statement, so one autocommit round trip
 * instead of BEGIN, two updates and COMMIT; both rows change together or not at all.
 */
const CLAIM_SQL = `WITH c AS (
    SELECT pipeline_id, object_id FROM objects
     WHERE sphere = 'ATTEMPT' AND status = 'WAITING_FOR_RUNNER' AND worker_group = $1 AND available_at <= $2
     ORDER BY available_at, object_id LIMIT 1 FOR UPDATE SKIP LOCKED),
  a AS (
    UPDATE objects o SET status = 'RUNNING', task_id = $3, ack_deadline = $4, actual_start = $5,
           fields = o.fields || $6::jsonb
      FROM c WHERE o.pipeline_id = c.pipeline_id AND o.object_id = c.object_id
    RETURNING o.*),
  i AS (
    UPDATE objects o SET status = 'RUNNING'
      FROM a WHERE o.pipeline_id = a.pipeline_id AND o.object_id = a.instance_id AND o.status = 'WAITING_FOR_RUNNER'
    RETURNING 1)
  SELECT * FROM a`;

export async function claimTask(services: Services, workerGroup: string, hostname: string | undefined): Promise<ClaimedTask | undefined> {
  for (;;) {
    const now = services.clock.now();
    const taskId = newTaskId();
    const rows = await retryConflicts(() =>
      services.db.query<R>(CLAIM_SQL, [
        workerGroup,
        new Date(now),
        taskId,
        new Date(now + services.limits.ackTimeoutMs),
        formatDateTime(now),
        JSON.stringify(hostname ? { hostname } : {}),
      ]),
    );
    const attempt = rows[0];
    if (!attempt) return undefined;
    const task = { pipelineId: attempt.pipeline_id, attemptId: attempt.object_id };
    let taskObject: TaskObject;
    try {
      const def = await runDefinition(services.db, attempt.pipeline_id, attempt.run_id);
      try {
        taskObject = buildTaskObject(def, attempt, taskId, hostname);
      } catch (err) {
        await expressionFailed(services, attempt, taskId, err as Error);
        continue;
      }
      const timeout = periodFieldMs(def, attempt.component_id, 'attemptTimeout', services.limits);
      if (timeout !== undefined) {
        await retryConflicts(() =>
          services.db.query(
            `UPDATE objects SET attempt_deadline = $4 WHERE pipeline_id = $1 AND object_id = $2 AND task_id = $3 AND status = 'RUNNING'`,
            [attempt.pipeline_id, attempt.object_id, taskId, new Date(now + timeout)],
          ),
        );
      }
    } catch (err) {
      // The claim is committed but the poller will not get it: give it back now rather than at the ack timeout.
      await services.runTx((tx) => releaseTask(tx, { taskObject: { taskId }, ...task })).catch(() => {});
      throw err;
    }
    rememberTask(taskId, { pipelineId: attempt.pipeline_id, runId: attempt.run_id, componentId: attempt.component_id });
    // The guard skips formatting a line the level would drop anyway (winston formats before filtering).
    if (services.log.isInfoEnabled()) services.log.info(`task ${attempt.object_id} of ${attempt.pipeline_id} handed to ${hostname ?? 'a runner'} (${workerGroup})`);
    return { taskObject, ...task };
  }
}

/**
 * A field that cannot be evaluated fails the attempt for good (retrying would fail the same way). The claim is
 * already committed, so this is its own transaction, under the pipeline lock like every other settlement, and
 * only if the attempt is still the one claimed (nothing else can have handed it out: it never left the server).
 */
async function expressionFailed(services: Services, attempt: ObjectRow, taskId: string, err: Error): Promise<void> {
  await services.runTx(async (tx) => {
    await lockPipeline(tx, attempt.pipeline_id);
    const rows = await tx.q.query<R>(`SELECT * FROM objects WHERE task_id = $1 AND status = 'RUNNING' FOR UPDATE`, [taskId]);
    if (!rows[0]) return;
    await attemptFailed(
      tx,
      rows[0],
      { errorId: 'Service_ExpressionError', errorMessage: `Object '${attempt.component_id}': ${err.message}` },
      { retry: false },
    );
  });
}

/** Undo a claim whose poll ended before the answer could be sent: the attempt waits for the next poller. */
export async function releaseTask(tx: Tx, task: ClaimedTask): Promise<void> {
  if (task.taskObject.taskId) forgetTask(task.taskObject.taskId);
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
