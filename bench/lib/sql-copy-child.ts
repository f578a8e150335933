/**
 * One CopyActivity through the agent's own code (agent/executors/copy-activity.ts -> agent/copy/sql-*.ts), in a
 * process of its own so the benchmark can sample its RSS from /proc: `node --import tsx sql-copy-child.ts <json>`
 * with `{ endpoint, objects }` (the S3 endpoint, and the In/Out nodes and their databases by id). The timed part
 * is the activity's execute(), not Node's start-up: in the agent the code runs in a process already up. Prints
 * one line `result=<json>` ({ status, errorMessage?, copyMs, lines }) and exits 0 whether or not the copy worked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCopyActivity } from '../../agent/executors/copy-activity.js';
import { createResources } from '../../agent/resources.js';
import { s3Context } from '../../test/agent/s3/context.js';
import type { FieldValue } from '../../test/agent/s3/context.js';

interface Job {
  endpoint: string;
  objects: Record<string, Record<string, FieldValue>>;
}

const job = JSON.parse(process.argv[2]) as Job;
const dir = mkdtempSync(join(tmpdir(), 'dp-bench-sqlcopy-'));
const resources = createResources({
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  region: 'us-east-1',
  env: { ...process.env, AWS_ENDPOINT_URL_S3: job.endpoint, AWS_S3_FORCE_PATH_STYLE: 'true' },
});
let out: Record<string, unknown>;
try {
  const ctx = s3Context(dir, resources, { type: 'CopyActivity', input: { ref: 'In' }, output: { ref: 'Out' } }, job.objects);
  const activity = createCopyActivity({ progressIntervalMs: 60_000 });
  const startRssKb = process.memoryUsage().rss / 1024;
  const peaks: Record<string, number> = {};
  const sample = setInterval(() => {
    for (const [k, v] of Object.entries(process.memoryUsage())) peaks[k] = Math.max(peaks[k] ?? 0, Math.round(v / 1048576));
  }, 50);
  const t0 = performance.now();
  const outcome = await activity.execute(ctx);
  const copyMs = performance.now() - t0;
  clearInterval(sample);
  if (process.env.BENCH_SQL_MEMORY) process.stderr.write(`memory peaks (MiB): ${JSON.stringify(peaks)}\n`);
  out = { ...outcome, copyMs, startRssKb, lines: ctx.lines.slice(-20) };
} catch (err) {
  out = { status: 'FAILED', errorMessage: (err as Error).stack ?? String(err), copyMs: NaN, lines: [] };
} finally {
  await resources.close();
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`result=${JSON.stringify(out)}\n`);
process.exit(0);
