/** Input shape and validation shared by PutPipelineDefinition and ValidatePipelineDefinition. */
import { s, shapes } from '../../protocol/codec.js';
import { InvalidRequestException } from '../../protocol/errors.js';
import type { ParameterObject, ParameterValue, PipelineObject, ValidationError, ValidationWarning } from '../../protocol/shapes.js';
import type { Services } from '../core/services.js';
import { type DefinitionInput, validateDefinition } from '../definition/index.js';
import type { Queryable } from '../store/db.js';
import { getDefinition, type PipelineRow } from '../store/pipelines.js';

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

/**
 * The definition the pipeline was last activated with (kept through deactivation: a re-activated pipeline resumes
 * its history), or undefined when it never was. Edits are judged against it.
 */
export async function activeDefinition(q: Queryable, p: PipelineRow): Promise<DefinitionInput | undefined> {
  if (p.active_def === null) return undefined;
  const d = await getDefinition(q, p.pipeline_id, p.active_def);
  if (!d) throw new Error(`definition ${p.active_def} of ${p.pipeline_id} is missing`);
  return { objects: d.objects, parameterObjects: d.parameter_objects ?? undefined, parameterValues: d.parameter_values ?? undefined };
}

/** Validate; a hard reject (nothing may be stored) becomes InvalidRequestException. */
export function checkDefinition(services: Services, input: DefinitionIn, active?: DefinitionInput): DefinitionOut {
  const r = validateDefinition(
    { objects: input.pipelineObjects, parameterObjects: input.parameterObjects, parameterValues: input.parameterValues },
    { relaxedLimits: services.limits.relaxed, maxObjects: services.limits.maxObjectsPerPipeline, active },
  );
  if (r.reject) {
    throw new InvalidRequestException(`Pipeline definition has errors: Could not save the pipeline definition due to FATAL errors: ${r.reject}`);
  }
  return { validationErrors: r.errors, validationWarnings: r.warnings, errored: r.errors.length > 0 };
}
