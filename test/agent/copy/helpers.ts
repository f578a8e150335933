/** CopyActivity runs against s3rver: a context with an input and an output node, and the outcome. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import winston from 'winston';
import { createCopyActivity } from '../../../agent/executors/copy-activity.js';
import type { AgentResources, Outcome } from '../../../agent/executors/executor.js';
import { s3Context } from '../s3/context.js';
import type { FieldValue, S3TestContext } from '../s3/context.js';

export type Objects = Record<string, Record<string, FieldValue>>;

export interface CopyRun {
  outcome: Outcome;
  ctx: S3TestContext;
}

/** Runs a CopyActivity from `In` to `Out`; `objects` holds the nodes (and data formats) by id. */
export async function runCopy(
  dir: string,
  resources: AgentResources,
  objects: Objects,
  progressIntervalMs = 60_000,
  onLine?: (line: string, ctx: S3TestContext) => void,
): Promise<CopyRun> {
  const base = s3Context(dir, resources, { type: 'CopyActivity', input: { ref: 'In' }, output: { ref: 'Out' } }, objects);
  const ctx: S3TestContext = { ...base, log: recordingLogger(base.lines, (l) => onLine?.(l, ctx)) };
  const outcome = await createCopyActivity({ progressIntervalMs }).execute(ctx);
  return { outcome, ctx };
}

export function finished(r: CopyRun): void {
  assert.deepEqual(r.outcome, { status: 'FINISHED' }, r.ctx.lines.join('\n'));
}

export function failed(r: CopyRun, errorId: string, message: RegExp): string {
  assert.equal(r.outcome.status, 'FAILED', r.ctx.lines.join('\n'));
  const o = r.outcome as Extract<Outcome, { status: 'FAILED' }>;
  assert.equal(o.errorId, errorId, o.errorMessage);
  assert.match(o.errorMessage, message);
  return o.errorMessage;
}

/** An S3DataNode; `path` is `file:s3://...` or `dir:s3://...`. */
export function s3Node(path: string, extra: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  const [kind, uri] = [path.slice(0, path.indexOf(':')), path.slice(path.indexOf(':') + 1)];
  return { type: 'S3DataNode', [kind === 'dir' ? 'directoryPath' : 'filePath']: uri, ...extra };
}

/** A logger that keeps `level: message` lines (support/agent.ts's quietLogger records only when it prints). */
export function recordingLogger(lines: string[], onLine?: (line: string) => void): winston.Logger {
  const sink = new Writable({
    objectMode: true,
    write(info: { level: string; message: unknown }, _e, cb) {
      const line = `${info.level}: ${String(info.message)}`;
      lines.push(line);
      onLine?.(line);
      cb();
    },
  });
  return winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream: sink })] });
}
