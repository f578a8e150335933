/** Public API of pipeline definition handling: inheritance, parameters, validation, the object type registry. */
import type { Field, PipelineObject } from '../../protocol/shapes.js';
import { pipelineScheduleType, type ScheduleType } from './checks/schedules.js';
import { buildIndex, DEFAULT_ID, resolveFieldsIn, typeOfIn } from './inherit.js';
import type { ObjectKind, ObjectTypeDescriptor } from './types/descriptor.js';
import { getDescriptor } from './types/registry.js';

export type { ObjectKind, ObjectTypeDescriptor } from './types/descriptor.js';
export { KIND_LABEL, knownFields } from './types/descriptor.js';
export { DESCRIPTORS } from './types/registry.js';
export {
  baseOf,
  buildIndex,
  DEFAULT_ID,
  explicitParent,
  inheritanceChain,
  type ObjectIndex,
  ParentCycleError,
  resolveFields,
  resolveFieldsIn,
} from './inherit.js';
export {
  checkParameterValue,
  MAX_PARAMETERS,
  type ParameterSpec,
  type ParameterType,
  parseParameterObject,
  resolveParameters,
  validateParameters,
} from './parameters.js';
export {
  DEFAULT_MAX_OBJECTS,
  type DefinitionInput,
  hardReject,
  validateDefinition,
  type ValidateOptions,
  type ValidationResult,
} from './validate.js';
export type { ScheduleType } from './checks/schedules.js';

/** The descriptor of a type name (case-sensitive), or undefined for an unknown type. */
export function describeType(type: string): ObjectTypeDescriptor | undefined {
  return getDescriptor(type);
}

/** The kind of object `id` (its type may come from a parent template), or undefined when untyped/unknown. */
export function kindOf(objects: readonly PipelineObject[], id: string): ObjectKind | undefined {
  const t = typeOfIn(buildIndex(objects), id);
  return t === undefined ? undefined : getDescriptor(t)?.kind;
}

/** The pipeline's schedule type, resolved on Default; absent -> 'timeseries' (scheduler.md 2.2). */
export function scheduleTypeOf(objects: readonly PipelineObject[]): ScheduleType {
  const index = buildIndex(objects);
  if (!index.has(DEFAULT_ID)) return 'timeseries';
  let fields: readonly Field[];
  try {
    fields = resolveFieldsIn(index, DEFAULT_ID);
  } catch {
    fields = index.get(DEFAULT_ID)?.fields ?? [];
  }
  return pipelineScheduleType(fields);
}
