/** Pipelines, attempt statuses, blocking commands and pid checks shared by the fault tests. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActivatePipelineCommand, CreatePipelineCommand, DescribeObjectsCommand, PutPipelineDefinitionCommand, QueryObjectsCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { toPipelineObjects } from '../../support/server.js';

let seq = 0;

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `dp-fault-${prefix}-`));
}

/**
 * A command that records its shell pid and a background grandchild's pid in `$1/pids` (one per line), appends
 * its attempt id to `$1/runs`, then blocks until the test creates `$1/release` (or, with `finishOnRun`, exits
 * 0 at once when `$1/runs` already holds that many lines). The grandchild is a `sleep` that would outlive any test.
 */
export function blockingCommand(o: { finishOnRun?: number } = {}): string {
  return [
    'echo "$DATAPIPE_ATTEMPT_ID" >> "$1/runs"',
    ...(o.finishOnRun ? [`if [ "$(wc -l < "$1/runs")" -ge ${o.finishOnRun} ]; then echo finished; exit 0; fi`] : []),
    'sleep 600 & echo $! >> "$1/pids"',
    'echo $$ >> "$1/pids"',
    'while [ ! -e "$1/release" ]; do sleep 0.05; done',
    'echo released',
  ].join('\n');
}

export function release(dir: string): void {
  writeFileSync(join(dir, 'release'), '');
}

export function pids(dir: string): number[] {
  const f = join(dir, 'pids');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).map(Number) : [];
}

export function runs(dir: string): string[] {
  const f = join(dir, 'runs');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
}

/** Alive and not a zombie (a zombie's /proc/<pid>/stat state is Z). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Kill whatever a failed test left behind (processes the commands recorded). */
export function killRecorded(dir: string | undefined): void {
  if (!dir) return;
  for (const pid of pids(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** An on-demand pipeline of one ShellCommandActivity `A` running `command` with `$1` = `dir`; activated. */
export async function startShellPipeline(
  c: DataPipelineClient,
  o: { workerGroup: string; command: string; dir: string; extra?: Record<string, string> },
): Promise<string> {
  const { pipelineId } = await c.send(new CreatePipelineCommand({ name: 'faults', uniqueId: `faults-${process.pid}-${++seq}-${Date.now()}` }));
  const put = await c.send(
    new PutPipelineDefinitionCommand({
      pipelineId,
      pipelineObjects: toPipelineObjects([
        { id: 'Default', scheduleType: 'ondemand', workerGroup: o.workerGroup, maximumRetries: '0', ...o.extra },
        { id: 'A', type: 'ShellCommandActivity', command: o.command, scriptArgument: o.dir },
      ]),
    }),
  );
  if (put.errored) throw new Error(`definition refused: ${JSON.stringify(put.validationErrors)}`);
  await c.send(new ActivatePipelineCommand({ pipelineId }));
  return pipelineId as string;
}

export interface AttemptView {
  id: string;
  status: string;
  errorId?: string;
  errorMessage?: string;
}

/** The pipeline's attempts, oldest first (attempt ids end in `_Attempt=N`). */
export async function attempts(c: DataPipelineClient, pipelineId: string): Promise<AttemptView[]> {
  const q = await c.send(new QueryObjectsCommand({ pipelineId, sphere: 'ATTEMPT' }));
  if (!q.ids?.length) return [];
  const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: q.ids }));
  const n = (id: string) => Number(/_Attempt=(\d+)/.exec(id)?.[1] ?? 0);
  return (d.pipelineObjects ?? [])
    .map((o) => {
      const f = (k: string) => o.fields?.find((x) => x.key === k)?.stringValue;
      return { id: o.id as string, status: f('@status') as string, errorId: f('errorId'), errorMessage: f('errorMessage') };
    })
    .sort((a, b) => n(a.id) - n(b.id));
}
