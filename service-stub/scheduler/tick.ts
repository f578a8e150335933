/**
 * Time-based transitions, driven by the server's clock (tests advance a ManualClock and call tick()):
 * unacknowledged hand-outs go back to the queue, silent or overdue attempts fail (and retry), and held polls
 * are woken for attempts whose retry delay has passed.
 */
import { lockPipeline } from '../core/services.js';
import type { Services, Tx } from '../core/services.js';
import type { ObjectRow } from '../store/objects.js';
import { getObject } from '../store/objects.js';
import { attemptFailed } from './transitions.js';

type R = ObjectRow & Record<string, unknown>;

interface Expiry {
  readonly name: string;
  readonly where: string;
  apply(tx: Tx, attempt: ObjectRow): Promise<void>;
}

const EXPIRIES: readonly Expiry[] = [
  {
    name: 'ack timeout',
    where: 'ack_deadline IS NOT NULL AND ack_deadline <= $1',
    async apply(tx, a) {
      // Never acknowledged: hand it out again under a new task id; no retry is used up.
      await tx.q.query(
        `UPDATE objects SET status = 'WAITING_FOR_RUNNER', task_id = NULL, ack_deadline = NULL, attempt_deadline = NULL,
                available_at = $3
          WHERE pipeline_id = $1 AND object_id = $2`,
        [a.pipeline_id, a.object_id, new Date(tx.now)],
      );
      await tx.q.query(
        `UPDATE objects SET status = 'WAITING_FOR_RUNNER' WHERE pipeline_id = $1 AND object_id = $2 AND status = 'RUNNING'`,
        [a.pipeline_id, a.instance_id],
      );
      if (a.worker_group) tx.wake(a.worker_group);
    },
  },
  {
    name: 'progress timeout',
    where: 'ack_deadline IS NULL AND progress_deadline IS NOT NULL AND progress_deadline <= $1',
    async apply(tx, a) {
      await tx.q.query('UPDATE objects SET cancel_requested = true WHERE pipeline_id = $1 AND object_id = $2', [a.pipeline_id, a.object_id]);
      await attemptFailed(tx, a, {
        errorId: 'Service_ReportProgressTimeout',
        errorMessage: `No ReportTaskProgress for attempt ${a.object_id} within its reportProgressTimeout; the runner is presumed gone`,
      });
    },
  },
  {
    name: 'attempt timeout',
    where: 'attempt_deadline IS NOT NULL AND attempt_deadline <= $1',
    async apply(tx, a) {
      await tx.q.query('UPDATE objects SET cancel_requested = true WHERE pipeline_id = $1 AND object_id = $2', [a.pipeline_id, a.object_id]);
      await attemptFailed(tx, a, {
        errorId: 'Service_AttemptTimeout',
        errorMessage: `Attempt ${a.object_id} exceeded its attemptTimeout`,
      });
    },
  },
];

export async function tick(services: Services): Promise<number> {
  const now = new Date(services.clock.now());
  let changed = 0;
  for (const e of EXPIRIES) {
    const due = await services.db.query<{ pipeline_id: string; object_id: string }>(
      `SELECT pipeline_id, object_id FROM objects WHERE sphere = 'ATTEMPT' AND status = 'RUNNING' AND ${e.where}
        ORDER BY pipeline_id, object_id LIMIT 500`,
      [now],
    );
    for (const d of due) {
      const done = await services.runTx(async (tx) => {
        await lockPipeline(tx, d.pipeline_id);
        const a = await getObject(tx.q, d.pipeline_id, d.object_id, true);
        // Re-check under the lock: another replica or a late report may have settled it.
        const rows = a
          ? await tx.q.query<R>(
              `SELECT * FROM objects WHERE pipeline_id = $2 AND object_id = $3 AND status = 'RUNNING' AND ${e.where}`,
              [new Date(tx.now), d.pipeline_id, d.object_id],
            )
          : [];
        if (!rows[0]) return false;
        services.log.info(`${e.name}: attempt ${d.object_id} of ${d.pipeline_id}`);
        await e.apply(tx, rows[0]);
        return true;
      });
      if (done) changed++;
    }
  }
  services.dispatcher.wakeAll();
  return changed;
}
