import { s } from '../../protocol/codec.js';
import { PipelineNotFoundException } from '../../protocol/errors.js';
import { lockPipeline } from '../core/services.js';
import { findPipeline } from '../store/pipelines.js';
import { defineOperation } from './operation.js';

/**
 * Removes the definition and all run history. The pipeline row stays as a tombstone so later calls answer
 * PipelineDeletedException, and task ids of running attempts are kept so their runners are told to cancel.
 */
export const deletePipeline = defineOperation<{ pipelineId: string }, undefined>({
  name: 'DeletePipeline',
  input: s.struct({ pipelineId: s.id }, ['pipelineId']),
  async run({ services }, input) {
    await services.runTx(async (tx) => {
      const p = await findPipeline(tx.q, input.pipelineId);
      if (!p || p.deleted_at) throw new PipelineNotFoundException(`Pipeline ${input.pipelineId} not found`);
      await lockPipeline(tx, input.pipelineId);
      await tx.q.query(
        `INSERT INTO dead_tasks (task_id, deleted_at)
           SELECT task_id, $2 FROM objects WHERE pipeline_id = $1 AND sphere = 'ATTEMPT' AND status = 'RUNNING' AND task_id IS NOT NULL
         ON CONFLICT DO NOTHING`,
        [input.pipelineId, new Date(tx.now)],
      );
      for (const table of ['deps', 'objects', 'runs', 'definitions']) {
        await tx.q.query(`DELETE FROM ${table} WHERE pipeline_id = $1`, [input.pipelineId]);
      }
      await tx.q.query(
        `UPDATE pipelines SET deleted_at = $2, state = 'DELETED', latest_def = NULL, active_def = NULL WHERE pipeline_id = $1`,
        [input.pipelineId, new Date(tx.now)],
      );
      services.log.info(`pipeline ${input.pipelineId} deleted`);
    });
    return undefined;
  },
});
