/**
 * What a staged ShellCommandActivity moves (taskrunner.md 2.8): its `input` and `output` references that are
 * S3DataNodes, numbered by their 1-based position among the repeated fields, with their S3 locations parsed
 * and checked before anything runs. Other node types are skipped (they can be inputs for scheduling only).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { TaskFailure } from '../executors/executor.js';
import { safeSegment } from '../logs/attempt-paths.js';
import type { ObjectView, TaskView } from '../objects.js';
import { sseFromNode } from '../s3/sse.js';
import type { SseChoice } from '../s3/sse.js';
import { parseS3Uri, S3UriError } from '../s3/uri.js';
import type { S3Location } from '../s3/uri.js';

export interface StagedInput {
  n: number;
  node: ObjectView;
  field: 'filePath' | 'directoryPath';
  location: S3Location;
  dir: string;
}

export interface StagedOutput {
  n: number;
  node: ObjectView;
  location: S3Location;
  sse: SseChoice;
  dir: string;
}

export interface StagingPlan {
  inputs: StagedInput[];
  outputs: StagedOutput[];
  /** INPUT<n>_STAGING_DIR / OUTPUT<n>_STAGING_DIR, absolute. */
  env: Record<string, string>;
}

/** `<pipelineId>_input<n>_<32-hex uuid>`, as the jar names it. */
export function stagingDirName(pipelineId: string, kind: 'input' | 'output', n: number, uuid: string = randomUUID()): string {
  return safeSegment(`${pipelineId}_${kind}${n}_${uuid.replace(/-/g, '').toLowerCase()}`);
}

/** The S3 location in `node.field`, or TaskFailure InvalidS3Uri naming the object, field and value. */
export function nodeLocation(node: ObjectView, field: string): S3Location {
  const value = node.value(field) ?? '';
  try {
    return parseS3Uri(value);
  } catch (err) {
    if (err instanceof S3UriError) throw new TaskFailure(err.code, `${node.id}.${field}: ${err.message}`);
    throw err;
  }
}

/** The plan for a staged attempt; TaskFailure for unusable nodes, before anything is downloaded. */
export function planStaging(task: TaskView, stagingRoot: string): StagingPlan {
  const attempt = task.attempt;
  const plan: StagingPlan = { inputs: [], outputs: [], env: {} };
  attempt.refs('input').forEach((node, i) => {
    const n = i + 1;
    if (node.type !== 'S3DataNode') return;
    const field = node.value('directoryPath') ? 'directoryPath' : node.value('filePath') ? 'filePath' : undefined;
    if (!field) throw new TaskFailure('StagingInputWithoutPath', `${node.id} (input ${n} of ${attempt.id}): an S3DataNode needs filePath or directoryPath to be staged`);
    const dir = join(stagingRoot, stagingDirName(task.pipelineId, 'input', n));
    plan.inputs.push({ n, node, field, location: nodeLocation(node, field), dir });
    plan.env[`INPUT${n}_STAGING_DIR`] = dir;
  });
  attempt.refs('output').forEach((node, i) => {
    const n = i + 1;
    if (node.type !== 'S3DataNode') return;
    if (!node.value('directoryPath')) {
      throw new TaskFailure(
        'StagingOutputNeedsDirectoryPath',
        `${node.id} (output ${n} of ${attempt.id}): output staging needs directoryPath on the S3DataNode${node.value('filePath') ? ' (it has only filePath)' : ''}`,
      );
    }
    const dir = join(stagingRoot, stagingDirName(task.pipelineId, 'output', n));
    plan.outputs.push({ n, node, location: nodeLocation(node, 'directoryPath'), sse: sseFromNode(node), dir });
    plan.env[`OUTPUT${n}_STAGING_DIR`] = dir;
  });
  return plan;
}
