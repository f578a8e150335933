/**
 * Where one attempt's files go (taskrunner.md 1.6), with the jar's names:
 *   <output>/logs/<pipelineId>/<componentId>/<instanceId>/<attemptId>/StdOutput|StdError
 *   <output>/tmp/<pipelineId>-<32-hex uuid>/<attemptId, alphanumerics only>_command.sh
 * Ids are used verbatim as directory names (they contain `@`, `:`, `=`) except where that would escape the
 * directory or fail: `/`, NUL, a whole `.`/`..`, an empty id, or a name over 255 bytes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AttemptPaths } from '../executors/executor.js';
import type { TaskView } from '../objects.js';

const MAX_NAME_BYTES = 255;

/** One id as a single, safe path segment. Injective enough for ids the service issues; never leaves its parent. */
export function safeSegment(id: string): string {
  let s = id.replace(/%/g, '%25').replace(/\//g, '%2F').replace(/\0/g, '%00');
  if (s === '' || s === '.' || s === '..') s = s.replace(/\./g, '%2E') || '_';
  if (Buffer.byteLength(s) > MAX_NAME_BYTES) {
    // Keep a readable head, then a hash of the whole id so distinct long ids stay distinct.
    const hash = createHash('sha256').update(id).digest('hex').slice(0, 16);
    let head = s.slice(0, 200);
    while (Buffer.byteLength(head) > 200) head = head.slice(0, -1);
    s = `${head}-${hash}`;
  }
  return s;
}

/** Paths only; nothing is created (see createAttemptDirs). `uuid` is injectable for tests. */
export function attemptPaths(outputDir: string, task: TaskView, uuid: string = randomUUID()): AttemptPaths {
  const out = resolve(outputDir);
  const logDir = join(out, 'logs', safeSegment(task.pipelineId), safeSegment(task.componentId), safeSegment(task.instanceId), safeSegment(task.attemptId));
  return {
    logDir,
    stdout: join(logDir, 'StdOutput'),
    stderr: join(logDir, 'StdError'),
    tmpDir: join(out, 'tmp', safeSegment(`${task.pipelineId}-${uuid.replace(/-/g, '').toLowerCase()}`)),
    stagingRoot: join(out, 'staging'),
    outputDir: out,
  };
}

/** `<tmpDir>/<attemptId with every non-alphanumeric removed>_command.sh`, as the jar names the script. */
export function commandScriptPath(paths: AttemptPaths, attemptId: string): string {
  const alnum = attemptId.replace(/[^A-Za-z0-9]/g, '').slice(0, 200) || 'attempt';
  return join(paths.tmpDir, `${alnum}_command.sh`);
}

/** Create the attempt's log and tmp directories. */
export async function createAttemptDirs(paths: AttemptPaths): Promise<void> {
  await mkdir(paths.logDir, { recursive: true });
  await mkdir(paths.tmpDir, { recursive: true });
}
