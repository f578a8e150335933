/** An ExecutionContext over a hand-built object graph (CLI-format objects), for calling SQL executors directly. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from '../../../agent/executors/executor.js';
import { TaskView } from '../../../agent/objects.js';
import { createResources } from '../../../agent/resources.js';
import type { AgentResources } from '../../../agent/executors/executor.js';
import { Writable } from 'node:stream';
import winston from 'winston';
import { toPipelineObjects } from '../../support/server.js';

export interface SqlTestContext extends ExecutionContext {
  controller: AbortController;
  lines: string[];
}

/** A logger that keeps every line (level: message) in `lines`. */
export function recordingLogger(lines: string[]): winston.Logger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString().replace(/\n$/, ''));
      cb();
    },
  });
  return winston.createLogger({ level: 'debug', format: winston.format.printf((i) => `${i.level}: ${String(i.message)}`), transports: [new winston.transports.Stream({ stream: sink })] });
}

/** `objects[0]` is the attempt (its id becomes `@<id>_2026-04-01T00:00:00_Attempt=1`). */
export function sqlContext(objects: Record<string, unknown>[], o: { resources?: AgentResources } = {}): SqlTestContext {
  const converted = toPipelineObjects(objects);
  const first = converted[0];
  const attemptId = `@${first.id}_2026-04-01T00:00:00_Attempt=1`;
  const map: Record<string, { id: string; name: string; fields: { key: string; stringValue?: string; refValue?: string }[] }> = {};
  for (const obj of converted.slice(1)) map[obj.id] = obj;
  map[attemptId] = { id: attemptId, name: attemptId, fields: [{ key: '@componentParent', refValue: first.id }, ...first.fields] };
  const task = new TaskView({ taskId: 'task-sql', pipelineId: 'df-SQL', attemptId, objects: map });
  const dir = mkdtempSync(join(tmpdir(), 'dp-sql-'));
  const controller = new AbortController();
  const lines: string[] = [];
  return {
    resources: o.resources ?? createResources({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, region: 'us-east-1', env: { ...process.env } }),
    task,
    signal: controller.signal,
    log: recordingLogger(lines),
    paths: { logDir: dir, stdout: join(dir, 'StdOutput'), stderr: join(dir, 'StdError'), tmpDir: join(dir, 'tmp'), stagingRoot: join(dir, 'staging'), outputDir: dir },
    killGraceMs: 200,
    onSpawn: () => {},
    env: {},
    controller,
    lines,
  };
}
