/**
 * Staging for ShellCommandActivity with `stage: "true"` (taskrunner.md 2.8): inputs downloaded before the
 * command, outputs uploaded after a successful one, every staging directory removed after the attempt
 * whatever happens. Each attempt uses fresh directories (new uuids), so a retry starts clean.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { ExecutionContext, Outcome } from '../executors/executor.js';
import { TaskFailure } from '../executors/executor.js';
import { getS3 } from '../s3/access.js';
import type { S3Access } from '../s3/access.js';
import { S3Failure } from '../s3/errors.js';
import { safeLocalPath, UnsafeS3Key } from '../s3/local-path.js';
import { progressLog } from '../s3/progress.js';
import type { ProgressTimer } from '../s3/progress.js';
import { dirPrefix, joinKey } from '../s3/uri.js';
import { planStaging } from './plan.js';
import type { StagedInput, StagedOutput, StagingPlan } from './plan.js';

/** Files moved at once: small files are latency-bound; each big one is already 4 parallel parts. */
const PARALLEL_FILES = 8;

export interface StagingOptions {
  progressIntervalMs?: number;
  timer?: ProgressTimer;
}

/**
 * Runs `run` with the staging variables when the attempt has `stage: "true"` (just `run({})` otherwise).
 * Staging failures become FAILED outcomes with the errorId of what went wrong.
 */
export async function withStaging(ctx: ExecutionContext, run: (env: Record<string, string>) => Promise<Outcome>, o: StagingOptions = {}): Promise<Outcome> {
  if (!ctx.task.attempt.flag('stage')) return run({});
  let plan: StagingPlan | undefined;
  try {
    plan = planStaging(ctx.task, ctx.paths.stagingRoot);
    if (plan.inputs.length === 0 && plan.outputs.length === 0) {
      ctx.log.info('stage is true but the activity has no S3DataNode input or output: nothing to stage');
      return await run({});
    }
    const dirs = [...plan.inputs, ...plan.outputs].map((x) => x.dir);
    await Promise.all(dirs.map((d) => mkdir(d, { recursive: true, mode: 0o700 })));
    const s3 = await getS3(ctx.resources);
    for (const input of plan.inputs) await stageIn(ctx, s3, input, o);
    const outcome = await run(plan.env);
    if (outcome.status !== 'FINISHED') return outcome; // output of a failed command is not uploaded
    for (const output of plan.outputs) await stageOut(ctx, s3, output, o);
    return outcome;
  } catch (err) {
    return stagingFailure(err);
  } finally {
    if (plan) await Promise.all([...plan.inputs, ...plan.outputs].map((x) => rm(x.dir, { recursive: true, force: true })));
  }
}

function stagingFailure(err: unknown): Outcome {
  if (err instanceof TaskFailure) return { status: 'FAILED', errorId: err.errorId, errorMessage: err.message };
  if ((err as Error).name === 'AbortError') return { status: 'FAILED', errorId: 'Aborted', errorMessage: `Staging was aborted: ${(err as Error).message}` };
  const e = err as NodeJS.ErrnoException;
  return { status: 'FAILED', errorId: 'StagingError', errorMessage: `Staging failed: ${e.message ?? String(err)}` };
}

async function stageIn(ctx: ExecutionContext, s3: S3Access, input: StagedInput, o: StagingOptions): Promise<void> {
  const { bucket, key } = input.location;
  const where = `${input.node.id}.${input.field}`;
  const files: { key: string; dest: string; size: number }[] = [];
  try {
    if (input.field === 'filePath') {
      const info = await s3.head(bucket, key, ctx.signal);
      files.push({ key, dest: safeLocalPath(input.dir, basename(key), key), size: info.size });
    } else {
      const prefix = dirPrefix(key);
      for await (const obj of s3.list(bucket, prefix, ctx.signal)) {
        const rel = obj.key.slice(prefix.length);
        if (rel === '' || (rel.endsWith('/') && obj.size === 0)) continue; // "folder" marker objects
        files.push({ key: obj.key, dest: safeLocalPath(input.dir, rel, obj.key), size: obj.size });
      }
    }
  } catch (err) {
    throw withWhere(err, where);
  }
  const total = files.reduce((a, f) => a + f.size, 0);
  ctx.log.info(`Staging ${files.length} object(s), ${total} bytes, from s3://${bucket}/${key} into ${input.dir} (INPUT${input.n}_STAGING_DIR)`);
  const progress = progressLog((l) => ctx.log.info(l), `Staging input ${input.n}`, { intervalMs: o.progressIntervalMs, timer: o.timer });
  const done = new Map<string, number>();
  let sum = 0;
  try {
    await eachLimit(files, PARALLEL_FILES, async (f) => {
      await s3.download(bucket, f.key, f.dest, ctx.signal, (b) => {
        sum += b - (done.get(f.key) ?? 0);
        done.set(f.key, b);
        progress.update(sum, total);
      });
    });
  } catch (err) {
    throw withWhere(err, where);
  } finally {
    progress.done();
  }
}

async function stageOut(ctx: ExecutionContext, s3: S3Access, output: StagedOutput, o: StagingOptions): Promise<void> {
  const { bucket, key } = output.location;
  const files = await walk(output.dir);
  ctx.log.info(`Uploading ${files.length} file(s) from ${output.dir} (OUTPUT${output.n}_STAGING_DIR) to s3://${bucket}/${key}`);
  const progress = progressLog((l) => ctx.log.info(l), `Staging output ${output.n}`, { intervalMs: o.progressIntervalMs, timer: o.timer });
  const done = new Map<string, number>();
  let sum = 0;
  try {
    await eachLimit(files, PARALLEL_FILES, async (path) => {
      const rel = relative(output.dir, path).split(sep).join('/');
      await s3.upload(bucket, joinKey(key, rel), path, {
        ...output.sse,
        signal: ctx.signal,
        onProgress: (b) => {
          sum += b - (done.get(path) ?? 0);
          done.set(path, b);
          progress.update(sum);
        },
      });
    });
  } catch (err) {
    throw withWhere(err, `${output.node.id}.directoryPath`);
  } finally {
    progress.done();
  }
}

function withWhere(err: unknown, where: string): unknown {
  if (err instanceof S3Failure) return err.withContext(where.split('.')[0], where.split('.')[1]);
  if (err instanceof UnsafeS3Key) return new TaskFailure(err.errorId, `${where}: ${err.message}`);
  return err;
}

/** Every regular file under `dir`, recursively (symlinks are followed only if they point at files). */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile() || e.isSymbolicLink()) out.push(p);
  }
  return out.sort();
}

/** Runs `fn` over `items`, at most `limit` at a time; the first failure stops new work and is thrown. */
export async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (bad) throw bad.reason;
}
