/**
 * Object type -> executor. Adding a type is one new executor module plus one line in EXECUTORS.
 * Types not built yet fail as "not built yet" (see unsupported.ts PLANNED_TYPES).
 */
import { copyActivity } from './copy-activity.js';
import type { Executor } from './executor.js';
import { exists } from './exists.js';
import { s3KeyExists } from './s3-key-exists.js';
import { s3PrefixNotEmpty } from './s3-prefix-not-empty.js';
import { shellCommandActivity } from './shell-command-activity.js';
import { shellCommandPrecondition } from './shell-command-precondition.js';
import { sqlActivity } from './sql-activity.js';
import { sqlPrecondition } from './sql-precondition.js';
import { unsupportedExecutor } from './unsupported.js';

const EXECUTORS: readonly Executor[] = [shellCommandActivity, shellCommandPrecondition, copyActivity, s3KeyExists, s3PrefixNotEmpty, exists, sqlActivity, sqlPrecondition];

const BY_TYPE: ReadonlyMap<string, Executor> = new Map(EXECUTORS.flatMap((e) => e.types.map((t) => [t, e] as const)));

/** The types this agent runs, sorted. */
export function supportedTypes(): string[] {
  return [...BY_TYPE.keys()].sort();
}

/** The executor for `type`; an always-FAILED one for types this agent does not run. */
export function executorFor(type: string | undefined): Executor {
  return (type !== undefined && BY_TYPE.get(type)) || unsupportedExecutor(type, supportedTypes());
}
