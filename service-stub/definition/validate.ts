/**
 * PutPipelineDefinition / ValidatePipelineDefinition checks (scheduler.md 1.4, api.md 4.12/4.19).
 * Two failure styles: `reject` = HTTP 400 InvalidRequestException, nothing stored; `errors` = stored with
 * errored=true, not activatable. Warnings never block activation.
 */
import type { ParameterObject, ParameterValue, PipelineObject } from '../../protocol/shapes.js';
import { checkDependencyCycles, checkParentCycles } from './checks/cycles.js';
import { type CheckOptions, Ctx } from './checks/context.js';
import { checkEdits } from './checks/edits.js';
import { checkExpressions } from './checks/expressions.js';
import { checkRefKinds, checkRefsExist } from './checks/references.js';
import { checkRequired } from './checks/required.js';
import { checkRollups } from './checks/rollups.js';
import { checkSchedules } from './checks/schedules.js';
import { checkDuplicateIds, checkFieldNames, checkSizes, checkTypes, checkValueKinds } from './checks/structure.js';
import { checkValues } from './checks/values.js';
import { warnCascadeBackfill, warnMissingScheduleType } from './checks/warnings.js';
import { checkParameters, parseParameterObject, resolveParameters } from './parameters.js';
import { Report } from './report.js';

export interface ValidateOptions {
  /** Self-hosted --relaxed-limits: Periods may use `seconds`; the Period minimums do not apply. */
  relaxedLimits?: boolean;
  /** Objects per pipeline (AWS default 100, adjustable). */
  maxObjects?: number;
  /** Clock for the backfill warning (tests). Default: now. */
  now?: Date;
  /** ActivatePipeline: a required parameter without value or default is an error, not a warning. */
  requireParameterValues?: boolean;
  /**
   * The definition the pipeline was last activated with, if it ever was: edits AWS refuses after activation are
   * judged against it (checks/edits.ts).
   */
  active?: DefinitionInput;
}

export interface DefinitionInput {
  objects: PipelineObject[];
  parameterObjects?: ParameterObject[];
  parameterValues?: ParameterValue[];
}

export interface ValidationResult {
  /** Soft errors: definition stored, errored=true, not activatable. */
  errors: { id: string; errors: string[] }[];
  warnings: { id: string; warnings: string[] }[];
  /** Hard reject (HTTP 400 InvalidRequestException, nothing stored). */
  reject?: string;
}

export const DEFAULT_MAX_OBJECTS = 100;

const FATAL = 'Pipeline definition has errors: Could not save the pipeline definition due to FATAL errors:';

/** The cases the API rejects outright (api.md 4.12): missing id/name, empty string or ref value, too many objects. */
export function hardReject(objects: readonly PipelineObject[], maxObjects: number): string | undefined {
  if (objects.length > maxObjects) return `${FATAL} the definition has ${objects.length} objects (maximum ${maxObjects})`;
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i];
    if (!o.id) return `${FATAL} object at position ${i + 1} has no id`;
    if (!o.name) return `${FATAL} object '${o.id}' has no name`;
    for (const f of o.fields ?? []) {
      if (!f.key) return `${FATAL} object '${o.id}' has a field without a key`;
      if (f.stringValue !== undefined && f.refValue !== undefined)
        return `${FATAL} object '${o.id}' field '${f.key}' has both a string and a reference value`;
      if (f.stringValue === undefined && f.refValue === undefined)
        return `${FATAL} object '${o.id}' field '${f.key}' has no value`;
      if (f.stringValue === '') return `${FATAL} object '${o.id}' field '${f.key}' has an empty string value`;
      if (f.refValue === '') return `${FATAL} object '${o.id}' field '${f.key}' has an empty reference value`;
    }
  }
  return undefined;
}

export function validateDefinition(input: DefinitionInput, opts: ValidateOptions = {}): ValidationResult {
  const objects = input.objects ?? [];
  const reject = hardReject(objects, opts.maxObjects ?? DEFAULT_MAX_OBJECTS);
  if (reject !== undefined) return { errors: [], warnings: [], reject };

  const report = new Report();
  const parameterObjects = input.parameterObjects ?? [];
  const parameterValues = input.parameterValues ?? [];
  const checkOpts: CheckOptions = {
    relaxedLimits: opts.relaxedLimits ?? false,
    maxObjects: opts.maxObjects ?? DEFAULT_MAX_OBJECTS,
    now: opts.now ?? new Date(),
    requireParameterValues: opts.requireParameterValues ?? false,
  };
  checkParameters(parameterObjects, parameterValues, report, { requireValues: checkOpts.requireParameterValues });
  const declared = new Set(parameterObjects.map((p) => parseParameterObject(p).id));
  const ctx = new Ctx(objects, checkOpts, report, resolveParameters(parameterObjects, parameterValues), declared);

  checkDuplicateIds(ctx);
  checkParentCycles(ctx);
  checkTypes(ctx);
  checkFieldNames(ctx);
  checkValueKinds(ctx);
  checkSizes(ctx);
  checkRefsExist(ctx);
  checkRefKinds(ctx);
  checkRequired(ctx);
  checkValues(ctx);
  checkSchedules(ctx);
  checkDependencyCycles(ctx);
  checkRollups(ctx);
  checkExpressions(ctx);
  warnMissingScheduleType(ctx);
  warnCascadeBackfill(ctx);
  if (opts.active) checkEdits(ctx, opts.active);
  return { errors: report.errors(), warnings: report.warnings() };
}
