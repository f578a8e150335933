/**
 * Object type -> executor. Adding a type is one new executor module plus one line in EXECUTORS.
 * Still to come (they fail as "not built yet" until then, see unsupported.ts PLANNED_TYPES):
 * CopyActivity, SqlActivity, S3KeyExists, S3PrefixNotEmpty, Exists, SqlPrecondition.
 */
import type { Executor } from './executor.js';
import { shellCommandActivity } from './shell-command-activity.js';
import { shellCommandPrecondition } from './shell-command-precondition.js';
import { unsupportedExecutor } from './unsupported.js';

const EXECUTORS: readonly Executor[] = [shellCommandActivity, shellCommandPrecondition];

const BY_TYPE: ReadonlyMap<string, Executor> = new Map(EXECUTORS.flatMap((e) => e.types.map((t) => [t, e] as const)));

/** The types this agent runs, sorted. */
export function supportedTypes(): string[] {
  return [...BY_TYPE.keys()].sort();
}

/** The executor for `type`; an always-FAILED one for types this agent does not run. */
export function executorFor(type: string | undefined): Executor {
  return (type !== undefined && BY_TYPE.get(type)) || unsupportedExecutor(type, supportedTypes());
}
