/**
 * SetTaskStatus FINISHED for a running attempt in one autocommit statement, without the pipeline lock, when the
 * lock could not change the outcome: the instance has no dependents (nothing to advance) and its run keeps an
 * open instance (the run cannot end here). Anything else returns false and takes the locked path.
 *
 * Why the run end is still never missed. The lock exists so that the last two instances of a run, finished at
 * once, do not each see the other still open. Here the "other open instance" is a witness row locked FOR SHARE
 * until this statement commits: nothing can make it terminal meanwhile, so the run is certainly not done when
 * this commits. Whoever ends the run later either holds the pipeline lock and counts after its own updates (any
 * quick finish it could miss holds a witness that someone must still finish after it: an endless chain, so there
 * is none), or is a quick finish itself, which needs a witness still open: impossible for the last one.
 * The witness is never RUNNING, so two quick finishes never lock each other's instance; it is the instance with
 * the highest id (claims go lowest first), so a claim rarely waits for it, and then for this one commit at most;
 * SKIP LOCKED passes over one being claimed. (The a0 values go in as scalar subqueries so that the witness is
 * found by a backward primary-key scan that stops at the first match, rather than sorting the run's rows.)
 */
import { formatDateTime } from '../../protocol/datetime.js';
import type { Services } from '../core/services.js';
import { isConflict, retryConflicts } from '../store/conflict.js';

const QUICK_FINISH_SQL = `WITH a0 AS MATERIALIZED (
    SELECT pipeline_id, object_id, instance_id, run_id FROM objects
     WHERE task_id = $1 AND sphere = 'ATTEMPT' AND status = 'RUNNING' AND fields->>'reportedStatus' IS NULL),
  w AS MATERIALIZED (
    SELECT 1 FROM objects o
     WHERE o.pipeline_id = (SELECT pipeline_id FROM a0) AND o.run_id = (SELECT run_id FROM a0) AND o.sphere = 'INSTANCE'
       AND o.object_id <> (SELECT instance_id FROM a0)
       AND o.status NOT IN ('RUNNING','FINISHED','FAILED','CASCADE_FAILED','CANCELED','SKIPPED','TIMEDOUT')
       AND NOT EXISTS (SELECT 1 FROM deps d WHERE d.pipeline_id = (SELECT pipeline_id FROM a0) AND d.depends_on = (SELECT instance_id FROM a0))
     ORDER BY o.object_id DESC LIMIT 1 FOR SHARE OF o SKIP LOCKED),
  a AS (
    UPDATE objects t SET status = 'FINISHED', actual_end = $2, ack_deadline = NULL, progress_deadline = NULL,
           attempt_deadline = NULL, fields = t.fields || $3::jsonb
      FROM a0 WHERE t.pipeline_id = a0.pipeline_id AND t.object_id = a0.object_id AND t.task_id = $1
       AND t.status = 'RUNNING' AND t.fields->>'reportedStatus' IS NULL AND EXISTS (SELECT 1 FROM w)
    RETURNING t.pipeline_id, t.object_id, t.instance_id),
  i AS (
    UPDATE objects t SET status = 'FINISHED', actual_end = $2
      FROM a WHERE t.pipeline_id = a.pipeline_id AND t.object_id = a.instance_id AND t.status = 'RUNNING'
    RETURNING 1)
  SELECT pipeline_id, object_id FROM a`;

/** The attempt (and its RUNNING instance) finished, recording the report; false if the locked path must decide. */
export async function quickFinish(services: Services, taskId: string, fields: Record<string, unknown>): Promise<boolean> {
  const now = formatDateTime(services.clock.now());
  let rows: { pipeline_id: string; object_id: string }[];
  try {
    rows = await retryConflicts(() => services.db.query(QUICK_FINISH_SQL, [taskId, now, JSON.stringify(fields)]));
  } catch (err) {
    if (isConflict(err)) return false;
    throw err;
  }
  const a = rows[0];
  if (!a) return false;
  if (services.log.isInfoEnabled()) services.log.info(`attempt ${a.object_id} of ${a.pipeline_id}: FINISHED`);
  return true;
}
