import { InvalidRequestException } from '../../protocol/errors.js';
import { lockPipeline } from '../core/services.js';
import { livePipeline } from '../store/pipelines.js';
import type { DefinitionIn, DefinitionOut } from './definition-input.js';
import { activeDefinition, checkDefinition, definitionInput } from './definition-input.js';
import { defineOperation } from './operation.js';

/** Replaces the stored definition. Soft errors are stored (errored: true, not activatable); hard ones are 400s. */
export const putPipelineDefinition = defineOperation<DefinitionIn, DefinitionOut>({
  name: 'PutPipelineDefinition',
  input: definitionInput,
  async run({ services }, input) {
    return services.runTx(async (tx) => {
      await lockPipeline(tx, input.pipelineId);
      const p = await livePipeline(tx.q, input.pipelineId);
      if (p.state === 'FINISHED') {
        throw new InvalidRequestException(`Pipeline ${input.pipelineId} is FINISHED; its definition can no longer be changed`);
      }
      const out = checkDefinition(services, input, await activeDefinition(tx.q, p));
      const version = (p.latest_def ?? 0) + 1;
      await tx.q.query(
        `INSERT INTO definitions (pipeline_id, version, objects, parameter_objects, parameter_values, errored, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          input.pipelineId,
          version,
          JSON.stringify(input.pipelineObjects),
          input.parameterObjects ? JSON.stringify(input.parameterObjects) : null,
          input.parameterValues ? JSON.stringify(input.parameterValues) : null,
          out.errored,
          new Date(tx.now),
        ],
      );
      await tx.q.query('UPDATE pipelines SET latest_def = $2 WHERE pipeline_id = $1', [input.pipelineId, version]);
      services.log.info(`pipeline ${input.pipelineId} definition version ${version} stored${out.errored ? ' (with errors)' : ''}`);
      return out;
    });
  },
});
