/**
 * Log uploads to S3 (taskrunner.md 2.7). Failures are logged and never change an attempt's outcome.
 * - `pipelineLogUri` (on the attempt, usually inherited from Default): each attempt's StdOutput and StdError go
 *   to `<pipelineLogUri>/<pipelineId>/<componentId>/<instanceId>/<attemptId>/` when the attempt ends.
 * - `--logUri`: the runner's own rotated log files, gzipped, go to `<logUri>/<taskrunnerId>/<file name>.gz`
 *   every hour; at shutdown the rest, plus the current file as `<logUri>/<taskrunnerId>/TaskRunner.log.gz`.
 * Everything is written with SSE-S3. The S3 client is only made when there is something to upload.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import type { Logger } from 'winston';
import type { AgentResources, AttemptPaths } from '../executors/executor.js';
import type { TaskView } from '../objects.js';
import { getS3 } from '../s3/access.js';
import { joinKey, parseS3Uri } from '../s3/uri.js';
import { LOG_FILE } from './runner-log.js';

export interface AttemptLogUpload {
  resources: AgentResources;
  task: TaskView;
  paths: AttemptPaths;
  log: Pick<Logger, 'info' | 'warn'>;
  signal?: AbortSignal;
}

/** The attempt's folder under `pipelineLogUri`, or undefined when the attempt has none. */
export function attemptLogLocation(task: TaskView): { bucket: string; prefix: string } | undefined {
  const uri = task.attempt.value('pipelineLogUri')?.trim();
  if (!uri) return undefined;
  const { bucket, key } = parseS3Uri(uri);
  return { bucket, prefix: joinKey(key, task.pipelineId, task.componentId, task.instanceId, task.attemptId) };
}

/** Uploads StdOutput and StdError when `pipelineLogUri` is set. Never throws. */
export async function uploadAttemptLogs(o: AttemptLogUpload): Promise<void> {
  let where: { bucket: string; prefix: string } | undefined;
  try {
    where = attemptLogLocation(o.task);
    if (!where) return;
    const files = [o.paths.stdout, o.paths.stderr].filter((p) => existsSync(p));
    if (files.length === 0) return;
    const s3 = await getS3(o.resources);
    for (const path of files) {
      const name = path === o.paths.stdout ? 'StdOutput' : 'StdError';
      await s3.upload(where.bucket, joinKey(where.prefix, name), path, { sse: 'AES256', contentType: 'text/plain', signal: o.signal });
    }
    o.log.info(`attempt logs uploaded to s3://${where.bucket}/${where.prefix}/`);
  } catch (err) {
    o.log.warn(`uploading the attempt's logs${where ? ` to s3://${where.bucket}/${where.prefix}/` : ''} failed (the attempt's status is unchanged): ${(err as Error).message}`);
  }
}

const HOUR = 3_600_000;
const ROTATED = /^TaskRunner\.log\.\d{4}-\d\d-\d\d-\d\d(?:\.\d+)?(?:\.gz)?$/;
/** Which rotated files were pushed already, so a restart does not push them all again. */
const STATE_FILE = '.logUri-uploaded.json';

export interface RunnerLogUploadOptions {
  logUri: string;
  /** `<output>/logs`, where TaskRunner.log and its rotated files are. */
  logDir: string;
  taskrunnerId: string;
  resources: AgentResources;
  log: Pick<Logger, 'info' | 'warn'>;
  /** Default one hour; tests call pushNow instead. 0: no timer. */
  intervalMs?: number;
}

export interface RunnerLogUpload {
  /** Pushes the rotated files not pushed yet. Never throws. */
  pushNow(): Promise<void>;
  /** Stops the timer, pushes the rest and the current file. Never throws. */
  stop(): Promise<void>;
}

export function startRunnerLogUpload(o: RunnerLogUploadOptions): RunnerLogUpload {
  let loc: { bucket: string; key: string };
  try {
    loc = parseS3Uri(o.logUri);
  } catch (err) {
    o.log.warn(`--logUri: ${(err as Error).message}; runner logs are not uploaded`);
    return { pushNow: async () => undefined, stop: async () => undefined };
  }
  const { bucket, key: base } = loc;
  const prefix = joinKey(base, o.taskrunnerId);
  let running: Promise<void> = Promise.resolve();

  const pushFile = async (name: string, as: string): Promise<void> => {
    const s3 = await getS3(o.resources);
    const path = join(o.logDir, name);
    // Rotated files are gzipped by the runner log after 8 hours; compress the younger ones on the way.
    const body = name.endsWith('.gz') ? createReadStream(path) : createReadStream(path).pipe(createGzip());
    await s3.upload(bucket, joinKey(prefix, as), body, { sse: 'AES256', contentType: 'application/gzip' });
  };

  const pushRotated = async (): Promise<void> => {
    const statePath = join(o.logDir, STATE_FILE);
    const done = new Set<string>(await readFile(statePath, 'utf8').then((t) => JSON.parse(t) as string[], () => []));
    const names = (await readdir(o.logDir).catch(() => [] as string[])).filter((n) => ROTATED.test(n)).sort();
    let pushed = 0;
    for (const name of names) {
      const plain = name.replace(/\.gz$/, '');
      if (done.has(plain)) continue;
      await pushFile(name, `${plain}.gz`);
      done.add(plain);
      pushed++;
      await writeFile(`${statePath}.tmp`, JSON.stringify([...done]));
      await rename(`${statePath}.tmp`, statePath);
    }
    if (pushed) o.log.info(`pushed ${pushed} runner log file(s) to s3://${bucket}/${prefix}/`);
  };

  const guarded = (what: string, fn: () => Promise<void>) => {
    running = running.then(fn).catch((err: unknown) => {
      o.log.warn(`${what} to s3://${bucket}/${prefix}/ failed: ${(err as Error).message}`);
    });
    return running;
  };

  const intervalMs = o.intervalMs ?? HOUR;
  const timer = intervalMs > 0 ? setInterval(() => void guarded('pushing the runner logs', pushRotated), intervalMs) : undefined;
  timer?.unref();
  return {
    pushNow: () => guarded('pushing the runner logs', pushRotated),
    async stop() {
      if (timer) clearInterval(timer);
      await guarded('pushing the runner logs', pushRotated);
      await guarded('pushing the current runner log', async () => {
        if ((await stat(join(o.logDir, LOG_FILE)).catch(() => undefined))?.size) await pushFile(LOG_FILE, `${LOG_FILE}.gz`);
      });
    },
  };
}
