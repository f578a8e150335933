import { livePipeline } from '../store/pipelines.js';
import type { DefinitionIn, DefinitionOut } from './definition-input.js';
import { activeDefinition, checkDefinition, definitionInput } from './definition-input.js';
import { defineOperation } from './operation.js';

export const validatePipelineDefinition = defineOperation<DefinitionIn, DefinitionOut>({
  name: 'ValidatePipelineDefinition',
  input: definitionInput,
  async run({ services }, input) {
    const p = await livePipeline(services.db, input.pipelineId);
    return checkDefinition(services, input, await activeDefinition(services.db, p));
  },
});
