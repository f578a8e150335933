/** Input shape and validation shared by PutPipelineDefinition and ValidatePipelineDefinition. */
import { s, shapes } from '../../protocol/codec.js';
import { InvalidRequestException } from '../../protocol/errors.js';
import type { ParameterObject, ParameterValue, PipelineObject, ValidationError, ValidationWarning } from '../../protocol/shapes.js';
import type { Services } from '../core/services.js';
import { validateDefinition } from '../definition/index.js';

export interface DefinitionIn {
  pipelineId: string;
  pipelineObjects: PipelineObject[];
  parameterObjects?: ParameterObject[];
  parameterValues?: ParameterValue[];
}

export interface DefinitionOut {
  validationErrors: ValidationError[];
  validationWarnings: ValidationWarning[];
  errored: boolean;
}

export const definitionInput = s.struct(
  {
    pipelineId: s.id,
    pipelineObjects: s.list(shapes.pipelineObject),
    parameterObjects: s.list(shapes.parameterObject),
    parameterValues: s.list(shapes.parameterValue),
  },
  ['pipelineId', 'pipelineObjects'],
);

/** Validate; a hard reject (nothing may be stored) becomes InvalidRequestException. */
export function checkDefinition(services: Services, input: DefinitionIn): DefinitionOut {
  const r = validateDefinition(
    { objects: input.pipelineObjects, parameterObjects: input.parameterObjects, parameterValues: input.parameterValues },
    { relaxedLimits: services.limits.relaxed, maxObjects: services.limits.maxObjectsPerPipeline },
  );
  if (r.reject) {
    throw new InvalidRequestException(`Pipeline definition has errors: Could not save the pipeline definition due to FATAL errors: ${r.reject}`);
  }
  return { validationErrors: r.errors, validationWarnings: r.warnings, errored: r.errors.length > 0 };
}
