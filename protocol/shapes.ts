/**
 * API shapes: the SDK's own types where they fit, so server and agent agree with what AWS clients send.
 */
export type {
  Field,
  PipelineObject,
  ParameterObject,
  ParameterAttribute,
  ParameterValue,
  TaskObject,
  Tag,
  Query,
  Selector,
  Operator,
  OperatorType,
  ValidationError,
  ValidationWarning,
  PipelineDescription,
  PipelineIdName,
  InstanceIdentity,
  TaskStatus,
} from '@aws-sdk/client-data-pipeline';

import type { Field } from '@aws-sdk/client-data-pipeline';

/** The operations of the 2012-10-29 API, by X-Amz-Target suffix. */
export const OPERATIONS = [
  'ActivatePipeline',
  'AddTags',
  'CreatePipeline',
  'DeactivatePipeline',
  'DeletePipeline',
  'DescribeObjects',
  'DescribePipelines',
  'EvaluateExpression',
  'GetPipelineDefinition',
  'ListPipelines',
  'PollForTask',
  'PutPipelineDefinition',
  'QueryObjects',
  'RemoveTags',
  'ReportTaskProgress',
  'ReportTaskRunnerHeartbeat',
  'SetStatus',
  'SetTaskStatus',
  'ValidatePipelineDefinition',
] as const;
export type OperationName = (typeof OPERATIONS)[number];

/** A field's value: a string or a reference to another object's id. */
export type FieldValue = { ref: string } | string;

export function fieldValue(f: Field): FieldValue {
  return f.refValue !== undefined ? { ref: f.refValue } : (f.stringValue ?? '');
}

export function isRef(v: FieldValue): v is { ref: string } {
  return typeof v !== 'string';
}

/** First value of `key`, as a string (a ref's target id for refs). */
export function firstValue(fields: readonly Field[], key: string): string | undefined {
  const f = fields.find((x) => x.key === key);
  return f ? (f.refValue ?? f.stringValue) : undefined;
}

/** Every value of a repeated key, in order. */
export function allValues(fields: readonly Field[], key: string): string[] {
  const out: string[] = [];
  for (const f of fields) if (f.key === key) out.push((f.refValue ?? f.stringValue) as string);
  return out;
}

export function str(key: string, stringValue: string): Field {
  return { key, stringValue };
}
export function ref(key: string, refValue: string): Field {
  return { key, refValue };
}
