/**
 * The agent's side of the S3 benchmark, run as its own process (compiled, see s3-tools.ts `compileS3Agent`) so the
 * driver can read its RSS from /proc. It makes its S3 access the way the agent does (`createResources` +
 * `getS3`, the endpoint from AWS_ENDPOINT_URL_S3) and runs one JSON command per stdin line, answering one JSON
 * line on stdout:
 *   {op:'warm', bucket}                         a listing: loads the SDK and opens a connection
 *   {op:'upload', bucket, key, path}            S3Access.upload (multipart, parts read from the file)
 *   {op:'download', bucket, key, path}          S3Access.download
 *   {op:'stage', bucket, inPrefix, outPrefix, srcDir}
 *       withStaging of a ShellCommandActivity with an S3DataNode input (directoryPath s3://bucket/inPrefix) and
 *       output (s3://bucket/outPrefix): the staged-in directory is checked (file count and bytes), then srcDir's
 *       files are copied into the output staging directory (not timed) and staged out.
 * Answers carry `ms` (wall time of the timed part) or `error`. `upload` and `download` take an optional `tune`
 * (bench/lib/s3-probe.ts compares settings with it): the file upload's part size and parts in flight, or the
 * ranged download's options, instead of the defaults S3Access uses.
 */
import { copyFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import winston from 'winston';
import type { ExecutionContext } from '../../agent/executors/executor.js';
import { TaskView } from '../../agent/objects.js';
import { createResources } from '../../agent/resources.js';
import { getS3 } from '../../agent/s3/access.js';
import { uploadFile } from '../../agent/s3/file-upload.js';
import { PartBufferPool } from '../../agent/s3/part-buffers.js';
import type { RangedOptions } from '../../agent/s3/ranged-download.js';
import { downloadObject } from '../../agent/s3/transfer.js';
import { withStaging } from '../../agent/staging/stage.js';

export type AgentCommand =
  | { op: 'warm'; bucket: string }
  | { op: 'upload'; bucket: string; key: string; path: string; tune?: { partSize: number; queueSize: number } }
  | { op: 'download'; bucket: string; key: string; path: string; tune?: RangedOptions }
  | { op: 'stage'; bucket: string; inPrefix: string; outPrefix: string; srcDir: string; workDir: string };

export interface AgentAnswer {
  ms?: number;
  bytes?: number;
  /** stage: staging in, and staging out. */
  inMs?: number;
  outMs?: number;
  inFiles?: number;
  inBytes?: number;
  error?: string;
  /** process.memoryUsage() in MiB: the highest of each while the command ran (sampled every 50 ms), and at its end. */
  memPeak?: Record<string, number>;
  mem?: Record<string, number>;
  gcs?: Record<string, number>;
}

const resources = createResources({
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  region: 'us-east-1',
  env: process.env,
});

const quiet = winston.createLogger({ transports: [new winston.transports.Stream({ stream: new Writable({ write: (_c, _e, cb) => cb() }) })] });

async function countDir(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += (await stat(join(e.parentPath, e.name))).size;
  }
  return { files, bytes };
}

async function stage(c: Extract<AgentCommand, { op: 'stage' }>): Promise<AgentAnswer> {
  const f = (key: string, stringValue: string) => ({ key, stringValue });
  const attempt = '@Bench_Attempt=1';
  const task = new TaskView({
    taskId: 'bench-task',
    pipelineId: 'df-S3BENCH',
    attemptId: attempt,
    objects: {
      [attempt]: { id: attempt, name: attempt, fields: [f('type', 'ShellCommandActivity'), f('stage', 'true'), { key: 'input', refValue: 'In' }, { key: 'output', refValue: 'Out' }] },
      In: { id: 'In', name: 'In', fields: [f('type', 'S3DataNode'), f('directoryPath', `s3://${c.bucket}/${c.inPrefix}`)] },
      Out: { id: 'Out', name: 'Out', fields: [f('type', 'S3DataNode'), f('directoryPath', `s3://${c.bucket}/${c.outPrefix}`)] },
    },
  });
  const logDir = join(c.workDir, 'logs');
  const ctx: ExecutionContext = {
    resources,
    task,
    signal: new AbortController().signal,
    log: quiet,
    paths: { logDir, stdout: join(logDir, 'StdOutput'), stderr: join(logDir, 'StdError'), tmpDir: join(c.workDir, 'tmp'), stagingRoot: join(c.workDir, 'staging'), outputDir: c.workDir },
    killGraceMs: 1_000,
    onSpawn: () => undefined,
    env: {},
  };
  const a: AgentAnswer = {};
  const t0 = performance.now();
  let t1 = 0;
  const outcome = await withStaging(ctx, async (env) => {
    a.inMs = performance.now() - t0;
    const got = await countDir(env.INPUT1_STAGING_DIR);
    a.inFiles = got.files;
    a.inBytes = got.bytes;
    // What the command would have written: not part of the timed staging out.
    for (const name of await readdir(c.srcDir)) await copyFile(join(c.srcDir, name), join(env.OUTPUT1_STAGING_DIR, name));
    t1 = performance.now();
    return { status: 'FINISHED' };
  });
  if (outcome.status === 'FAILED') return { error: `${outcome.errorId}: ${outcome.errorMessage}` };
  if (outcome.status !== 'FINISHED') return { error: `staging ended ${outcome.status}` };
  a.outMs = performance.now() - t1;
  return a;
}

/** The tuned uploads' buffer pools, as S3Access keeps one for its defaults. */
const pools: Record<string, PartBufferPool> = {};

async function handle(c: AgentCommand): Promise<AgentAnswer> {
  const s3 = await getS3(resources);
  const t0 = performance.now();
  switch (c.op) {
    case 'warm':
      for await (const _ of s3.list(c.bucket, '')) break;
      return { ms: performance.now() - t0 };
    case 'upload':
      if (c.tune) {
        const pool = (pools[`${c.tune.partSize}x${c.tune.queueSize}`] ??= new PartBufferPool(c.tune.partSize, c.tune.queueSize));
        await uploadFile(s3.client, await import('@aws-sdk/client-s3'), { bucket: c.bucket, key: c.key, path: c.path, params: {}, pool, ...c.tune });
      }
      else await s3.upload(c.bucket, c.key, c.path, { sse: 'none' });
      return { ms: performance.now() - t0 };
    case 'download': {
      const bytes = c.tune
        ? await downloadObject(s3.client, await import('@aws-sdk/client-s3'), { bucket: c.bucket, key: c.key, destPath: c.path, ranged: c.tune })
        : await s3.download(c.bucket, c.key, c.path);
      return { ms: performance.now() - t0, bytes };
    }
    case 'stage':
      return stage(c);
  }
}

const rl = createInterface({ input: process.stdin });
/** Garbage collections while a command runs, by kind (minor, major, incremental, weakcb), count and ms. */
let gcs: Record<string, number> = {};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = ({ 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' } as Record<number, string>)[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
    gcs[kind] = (gcs[kind] ?? 0) + 1;
    gcs[`${kind}Ms`] = Math.round((gcs[`${kind}Ms`] ?? 0) + e.duration);
  }
}).observe({ entryTypes: ['gc'] });

const memMiB = (): Record<string, number> => Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 1024 / 1024)]));

rl.on('line', (line) => {
  const memPeak = memMiB();
  gcs = {};
  const sampler = setInterval(() => {
    for (const [k, v] of Object.entries(memMiB())) memPeak[k] = Math.max(memPeak[k] ?? 0, v);
  }, 50);
  handle(JSON.parse(line) as AgentCommand).finally(() => clearInterval(sampler)).then(
    (a) => process.stdout.write(`${JSON.stringify({ ...a, memPeak, mem: memMiB(), gcs })}\n`),
    (err: unknown) => process.stdout.write(`${JSON.stringify({ error: (err as Error).message ?? String(err) })}\n`),
  );
});
rl.on('close', () => {
  void resources.close().then(() => process.exit(0));
});
