import { s } from '../../protocol/codec.js';
import { formatDateTime } from '../../protocol/datetime.js';
import { lockPipeline } from '../core/services.js';
import { settleDeactivation } from '../scheduler/transitions.js';
import { livePipeline } from '../store/pipelines.js';
import { defineOperation } from './operation.js';

/**
 * Stops a pipeline. Instances that have not started are CANCELED either way; running attempts are canceled
 * (cancelActive, the default) or allowed to finish, during which the pipeline stays DEACTIVATING.
 */
export const deactivatePipeline = defineOperation<{ pipelineId: string; cancelActive?: boolean }, Record<string, never>>({
  name: 'DeactivatePipeline',
  input: s.struct({ pipelineId: s.id, cancelActive: s.bool }, ['pipelineId']),
  async run({ services }, input) {
    return services.runTx(async (tx) => {
      await lockPipeline(tx, input.pipelineId);
      const p = await livePipeline(tx.q, input.pipelineId);
      if (p.state === 'PENDING' || p.state === 'INACTIVE') return {};
      const cancelActive = input.cancelActive ?? true;
      const now = formatDateTime(tx.now);
      const reason = JSON.stringify({ cancellationReason: 'pipeline deactivated' });
      const running = cancelActive ? `'WAITING_FOR_RUNNER','RUNNING'` : `'WAITING_FOR_RUNNER'`;
      await tx.q.query(
        `UPDATE objects SET status = 'CANCELED', actual_end = $2, cancel_requested = (status = 'RUNNING'),
                ack_deadline = NULL, progress_deadline = NULL, attempt_deadline = NULL, fields = fields || $3::jsonb
          WHERE pipeline_id = $1 AND sphere = 'ATTEMPT' AND status IN (${running}, 'PAUSED')`,
        [input.pipelineId, now, reason],
      );
      // Instances whose attempt still runs (cancelActive false) keep going and settle through SetTaskStatus.
      await tx.q.query(
        `UPDATE objects i SET status = 'CANCELED', actual_end = $2, fields = fields || $3::jsonb
          WHERE i.pipeline_id = $1 AND i.sphere = 'INSTANCE'
            AND i.status NOT IN ('FINISHED','FAILED','CASCADE_FAILED','CANCELED','SKIPPED','TIMEDOUT')
            AND NOT EXISTS (SELECT 1 FROM objects a WHERE a.pipeline_id = i.pipeline_id AND a.instance_id = i.object_id
                              AND a.sphere = 'ATTEMPT' AND a.status = 'RUNNING')`,
        [input.pipelineId, now, reason],
      );
      await tx.q.query(
        `UPDATE runs r SET status = 'FINISHED' WHERE r.pipeline_id = $1 AND r.status IN ('RUNNING','QUEUED')
            AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.pipeline_id = r.pipeline_id AND o.run_id = r.run_id
                             AND o.sphere = 'INSTANCE' AND o.status NOT IN ('FINISHED','FAILED','CASCADE_FAILED','CANCELED','SKIPPED','TIMEDOUT'))`,
        [input.pipelineId],
      );
      await tx.q.query(`UPDATE pipelines SET state = 'DEACTIVATING' WHERE pipeline_id = $1`, [input.pipelineId]);
      await settleDeactivation(tx, input.pipelineId);
      services.log.info(`pipeline ${input.pipelineId} deactivating (cancelActive=${cancelActive})`);
      return {};
    });
  },
});
