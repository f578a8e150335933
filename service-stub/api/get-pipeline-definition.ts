import { s } from '../../protocol/codec.js';
import { InvalidRequestException } from '../../protocol/errors.js';
import type { ParameterObject, ParameterValue, PipelineObject } from '../../protocol/shapes.js';
import { getDefinition, livePipeline } from '../store/pipelines.js';
import { defineOperation } from './operation.js';

interface Out {
  pipelineObjects?: PipelineObject[];
  parameterObjects?: ParameterObject[];
  parameterValues?: ParameterValue[];
}

/** What PutPipelineDefinition stored, field order and repeated keys kept (the CLI folds them into lists). */
export const getPipelineDefinition = defineOperation<{ pipelineId: string; version?: string }, Out>({
  name: 'GetPipelineDefinition',
  input: s.struct({ pipelineId: s.id, version: s.string }, ['pipelineId']),
  async run({ services }, input) {
    const p = await livePipeline(services.db, input.pipelineId);
    const which = (input.version ?? 'latest').toLowerCase();
    if (which !== 'latest' && which !== 'active') {
      throw new InvalidRequestException(`version must be 'latest' or 'active', not '${input.version}'`);
    }
    const v = which === 'active' ? p.active_def : p.latest_def;
    if (v === null) {
      if (which === 'active') {
        throw new InvalidRequestException(`Pipeline ${input.pipelineId} has never been activated, so it has no active definition`);
      }
      return { pipelineObjects: [] };
    }
    const d = await getDefinition(services.db, input.pipelineId, v);
    return {
      pipelineObjects: d?.objects ?? [],
      ...(d?.parameter_objects?.length ? { parameterObjects: d.parameter_objects } : {}),
      ...(d?.parameter_values?.length ? { parameterValues: d.parameter_values } : {}),
    };
  },
});
