/** An ExecutionContext over a hand-built object graph (refs included), with S3 resources from a TestS3. */
import { join } from 'node:path';
import type { Field } from '../../../protocol/shapes.js';
import type { AgentResources, ExecutionContext } from '../../../agent/executors/executor.js';
import { TaskView } from '../../../agent/objects.js';
import { Writable } from 'node:stream';
import winston from 'winston';

export const ATTEMPT = '@Act_2026-11-23T00:00:00_Attempt=1';
export type FieldValue = string | { ref: string } | (string | { ref: string })[];

export interface S3TestContext extends ExecutionContext {
  controller: AbortController;
  lines: string[];
}

function toFields(o: Record<string, FieldValue>): Field[] {
  const list: Field[] = [];
  for (const [key, v] of Object.entries(o)) {
    for (const x of Array.isArray(v) ? v : [v]) list.push(typeof x === 'string' ? { key, stringValue: x } : { key, refValue: x.ref });
  }
  return list;
}

/** A logger that records `level: message` lines (quietLogger records only when DATAPIPE_TEST_LOG is set). */
export function recordingLogger(lines: string[] = []): winston.Logger {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString().replace(/\n$/, ''));
      cb();
    },
  });
  return winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream, format: winston.format.printf((i) => `${i.level}: ${String(i.message)}`) })] });
}

/** `attempt`: the attempt's fields; `others`: other objects by id (data nodes, ...). */
export function s3Context(dir: string, resources: AgentResources, attempt: Record<string, FieldValue>, others: Record<string, Record<string, FieldValue>> = {}): S3TestContext {
  const objects: Record<string, { id: string; name: string; fields: Field[] }> = { [ATTEMPT]: { id: ATTEMPT, name: ATTEMPT, fields: toFields(attempt) } };
  for (const [id, f] of Object.entries(others)) objects[id] = { id, name: id, fields: toFields(f) };
  const task = new TaskView({ taskId: 'task-1', pipelineId: 'df-S3TEST', attemptId: ATTEMPT, objects });
  const logDir = join(dir, 'output', 'logs', 'df-S3TEST', 'Act', 'inst', 'attempt');
  const controller = new AbortController();
  const lines: string[] = [];
  return {
    resources,
    task,
    signal: controller.signal,
    log: recordingLogger(lines),
    paths: {
      logDir,
      stdout: join(logDir, 'StdOutput'),
      stderr: join(logDir, 'StdError'),
      tmpDir: join(dir, 'output', 'tmp', 'df-S3TEST-0123'),
      stagingRoot: join(dir, 'output', 'staging'),
      outputDir: join(dir, 'output'),
    },
    killGraceMs: 1_000,
    onSpawn: () => undefined,
    env: { PATH: process.env.PATH },
    controller,
    lines,
  };
}
