/**
 * One CopyActivity through the agent's compiled code (dist/, what an installed `taskrunner` runs: `npm run build`;
 * sql-bench.ts builds it when it is older than agent/), in a process of its own so the benchmark can sample its
 * RSS from /proc: `node sql-copy-child.mjs <json>` with `{ endpoint, objects }` (the S3 endpoint, and the In/Out
 * nodes and their databases by id). Plain JavaScript, so no TypeScript loader (tsx) sits in the measured process.
 * The timed part is the activity's execute(), not Node's start-up: in the agent the code runs in a process already
 * up. Prints one line `result=<json>` ({ status, errorMessage?, copyMs, cpuMs (the process's CPU time during
 * execute()), startRssKb, lines }) and exits 0 whether or not the copy worked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import winston from 'winston';

const DIST = new URL('../../dist/agent/', import.meta.url);
const { createCopyActivity } = await import(new URL('executors/copy-activity.js', DIST).href);
const { createResources } = await import(new URL('resources.js', DIST).href);
const { TaskView } = await import(new URL('objects.js', DIST).href);

const ATTEMPT = '@Act_2026-11-23T00:00:00_Attempt=1';

/** Pipeline fields from `{ key: 'v' | { ref } | [...] }`, as test/agent/s3/context.ts builds them. */
function toFields(o) {
  const list = [];
  for (const [key, v] of Object.entries(o)) {
    for (const x of Array.isArray(v) ? v : [v]) list.push(typeof x === 'string' ? { key, stringValue: x } : { key, refValue: x.ref });
  }
  return list;
}

/** The ExecutionContext of one attempt over the job's objects; log lines are kept in `lines`. */
function context(dir, resources, objects) {
  const all = { [ATTEMPT]: { id: ATTEMPT, name: ATTEMPT, fields: toFields({ type: 'CopyActivity', input: { ref: 'In' }, output: { ref: 'Out' } }) } };
  for (const [id, f] of Object.entries(objects)) all[id] = { id, name: id, fields: toFields(f) };
  const lines = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString().replace(/\n$/, ''));
      cb();
    },
  });
  const log = winston.createLogger({ level: 'info', transports: [new winston.transports.Stream({ stream, format: winston.format.printf((i) => `${i.level}: ${String(i.message)}`) })] });
  const logDir = join(dir, 'output', 'logs', 'df-BENCH', 'Act', 'inst', 'attempt');
  return {
    resources,
    task: new TaskView({ taskId: 'task-1', pipelineId: 'df-BENCH', attemptId: ATTEMPT, objects: all }),
    signal: new AbortController().signal,
    log,
    paths: {
      logDir,
      stdout: join(logDir, 'StdOutput'),
      stderr: join(logDir, 'StdError'),
      tmpDir: join(dir, 'output', 'tmp', 'df-BENCH-0123'),
      stagingRoot: join(dir, 'output', 'staging'),
      outputDir: join(dir, 'output'),
    },
    killGraceMs: 1_000,
    onSpawn: () => undefined,
    env: { PATH: process.env.PATH },
    lines,
  };
}

const job = JSON.parse(process.argv[2]);
const dir = mkdtempSync(join(tmpdir(), 'dp-bench-sqlcopy-'));
const resources = createResources({
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  region: 'us-east-1',
  env: { ...process.env, AWS_ENDPOINT_URL_S3: job.endpoint, AWS_S3_FORCE_PATH_STYLE: 'true' },
});
let out;
try {
  const ctx = context(dir, resources, job.objects);
  const activity = createCopyActivity({ progressIntervalMs: 60_000 });
  const startRssKb = process.memoryUsage().rss / 1024;
  const peaks = {};
  const sample = setInterval(() => {
    for (const [k, v] of Object.entries(process.memoryUsage())) peaks[k] = Math.max(peaks[k] ?? 0, Math.round(v / 1048576));
  }, 50);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const outcome = await activity.execute(ctx);
  const copyMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sample);
  if (process.env.BENCH_SQL_MEMORY) process.stderr.write(`memory peaks (MiB): ${JSON.stringify(peaks)}\n`);
  out = { ...outcome, copyMs, cpuMs: (cpu.user + cpu.system) / 1000, startRssKb, lines: ctx.lines.slice(-20) };
} catch (err) {
  out = { status: 'FAILED', errorMessage: err?.stack ?? String(err), copyMs: NaN, lines: [] };
} finally {
  await resources.close();
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`result=${JSON.stringify(out)}\n`);
process.exit(0);
