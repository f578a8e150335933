/** An ExecutionContext over a hand-built task, with real paths in a temp dir and a silent logger. */
import { join } from 'node:path';
import winston from 'winston';
import type { Field } from '../../../protocol/shapes.js';
import type { ExecutionContext, SpawnedChild } from '../../../agent/executors/executor.js';
import { TaskView } from '../../../agent/objects.js';
import { createResources } from '../../../agent/resources.js';

export const ATTEMPT_ID = '@ShellCommandActivityObj_2017-08-13T14:20:27_Attempt=1';

export interface TestContext extends ExecutionContext {
  spawned: SpawnedChild[];
  controller: AbortController;
}

/** `fields` are the attempt's own fields, e.g. { type: 'ShellCommandActivity', command: 'exit 3' }; arrays repeat the key. */
export function testContext(dir: string, fields: Record<string, string | string[]>, over: Partial<ExecutionContext> = {}): TestContext {
  const list: Field[] = [];
  for (const [key, v] of Object.entries(fields)) for (const s of Array.isArray(v) ? v : [v]) list.push({ key, stringValue: s });
  const task = new TaskView({
    taskId: 'task-1',
    pipelineId: 'df-TEST',
    attemptId: ATTEMPT_ID,
    objects: { [ATTEMPT_ID]: { id: ATTEMPT_ID, name: ATTEMPT_ID, fields: list } },
  });
  const logDir = join(dir, 'output', 'logs', 'df-TEST', 'ShellCommandActivityObj', 'inst', 'attempt');
  const controller = new AbortController();
  const spawned: SpawnedChild[] = [];
  return {
    resources: createResources({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, region: 'us-east-1', env: { ...process.env } }),
    task,
    signal: controller.signal,
    log: winston.createLogger({ silent: true }),
    paths: {
      logDir,
      stdout: join(logDir, 'StdOutput'),
      stderr: join(logDir, 'StdError'),
      tmpDir: join(dir, 'output', 'tmp', 'df-TEST-0123'),
      stagingRoot: join(dir, 'output', 'staging'),
      outputDir: join(dir, 'output'),
    },
    killGraceMs: 2_000,
    onSpawn: (c) => spawned.push(c),
    env: { PATH: process.env.PATH },
    spawned,
    controller,
    ...over,
  };
}
