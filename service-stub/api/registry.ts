/** Every operation of the API, by X-Amz-Target name. A new operation is one file plus one line here. */
import type { OperationName } from '../../protocol/shapes.js';
import { activatePipeline } from './activate-pipeline.js';
import { addTags } from './add-tags.js';
import { createPipeline } from './create-pipeline.js';
import { deactivatePipeline } from './deactivate-pipeline.js';
import { deletePipeline } from './delete-pipeline.js';
import { describeObjects } from './describe-objects.js';
import { describePipelines } from './describe-pipelines.js';
import { evaluateExpression } from './evaluate-expression.js';
import { getPipelineDefinition } from './get-pipeline-definition.js';
import { listPipelines } from './list-pipelines.js';
import type { Operation } from './operation.js';
import { pollForTask } from './poll-for-task.js';
import { putPipelineDefinition } from './put-pipeline-definition.js';
import { queryObjects } from './query-objects.js';
import { removeTags } from './remove-tags.js';
import { reportTaskProgress } from './report-task-progress.js';
import { reportTaskRunnerHeartbeat } from './report-task-runner-heartbeat.js';
import { setStatus } from './set-status.js';
import { setTaskStatus } from './set-task-status.js';
import { validatePipelineDefinition } from './validate-pipeline-definition.js';

const all = [
  activatePipeline,
  addTags,
  createPipeline,
  deactivatePipeline,
  deletePipeline,
  describeObjects,
  describePipelines,
  evaluateExpression,
  getPipelineDefinition,
  listPipelines,
  pollForTask,
  putPipelineDefinition,
  queryObjects,
  removeTags,
  reportTaskProgress,
  reportTaskRunnerHeartbeat,
  setStatus,
  setTaskStatus,
  validatePipelineDefinition,
] as unknown as Operation[];

export const OPERATION_REGISTRY: ReadonlyMap<OperationName, Operation> = new Map(all.map((op) => [op.name, op]));
