import { s, shapes, toDate } from '../../protocol/codec.js';
import { InvalidRequestException } from '../../protocol/errors.js';
import type { ParameterValue } from '../../protocol/shapes.js';
import { scheduleTypeOf, validateDefinition } from '../definition/index.js';
import { createRun } from '../scheduler/activate.js';
import { lockLivePipelineWithDefinition } from '../store/pipelines.js';
import { activeDefinition } from './definition-input.js';
import { defineOperation } from './operation.js';

interface In {
  pipelineId: string;
  parameterValues?: ParameterValue[];
  startTimestamp?: number | string;
}

/**
 * Validates the latest definition and starts processing. On-demand pipelines get one run per call; runs beyond
 * maxActiveInstances (on Default, default 1) wait their turn. cron/timeseries schedules are refused until the
 * scheduler supports them, rather than accepted and silently never run.
 */
export const activatePipeline = defineOperation<In, Record<string, never>>({
  name: 'ActivatePipeline',
  input: s.struct({ pipelineId: s.id, parameterValues: s.list(shapes.parameterValue), startTimestamp: s.timestamp }, ['pipelineId']),
  async run({ services }, input) {
    return services.runTx(async (tx) => {
      // One statement locks the pipeline (serialising its state changes) and reads it with its latest definition.
      const { pipeline: p, definition: def } = await lockLivePipelineWithDefinition(tx.q, input.pipelineId);
      if (p.latest_def === null) {
        throw new InvalidRequestException(`Pipeline ${input.pipelineId} has no definition; call PutPipelineDefinition first`);
      }
      if (p.state === 'DEACTIVATING') {
        throw new InvalidRequestException(`Pipeline ${input.pipelineId} is still DEACTIVATING; activate it once it is INACTIVE`);
      }
      if (!def) throw new Error(`definition ${p.latest_def} of ${input.pipelineId} is missing`);
      // Values given now are checked together with the stored definition.
      const values = input.parameterValues?.length ? input.parameterValues : undefined;
      const check = validateDefinition(
        {
          objects: def.objects,
          parameterObjects: def.parameter_objects ?? undefined,
          parameterValues: values ? [...(def.parameter_values ?? []).filter((v) => !values.some((x) => x.id === v.id)), ...values] : (def.parameter_values ?? undefined),
        },
        {
          relaxedLimits: services.limits.relaxed,
          maxObjects: services.limits.maxObjectsPerPipeline,
          requireParameterValues: true,
          // Edits refused after activation stay refused here; re-activating the active version has none to find.
          active: p.active_def === def.version ? undefined : await activeDefinition(tx.q, p),
        },
      );
      if (check.reject || check.errors.length) {
        const first = check.errors[0];
        const detail = check.reject ?? `${first.id}: ${(first.errors ?? []).join('; ')}`;
        throw new InvalidRequestException(
          `Pipeline ${input.pipelineId} cannot be activated: its definition has errors (${detail}). Call ValidatePipelineDefinition for the full list`,
        );
      }
      const type = scheduleTypeOf(def.objects);
      if (type !== 'ondemand') {
        throw new InvalidRequestException(
          `Pipeline ${input.pipelineId} uses scheduleType '${type}'; this server runs on-demand pipelines only so far (set "scheduleType": "ondemand" on Default)`,
        );
      }
      const start = input.startTimestamp !== undefined ? toDate(input.startTimestamp) : undefined;
      if (start && Number.isNaN(start.getTime())) throw new InvalidRequestException(`startTimestamp '${input.startTimestamp}' is not a valid time`);
      // createRun also marks the pipeline SCHEDULED with this version active (one UPDATE with its run counters).
      const run = await createRun(tx, p, def, values, start);
      services.log.info(`pipeline ${input.pipelineId} activated: run ${run.runId} at ${run.scheduledStart}, ${run.instanceIds.length} instances`);
      return {};
    });
  },
});
