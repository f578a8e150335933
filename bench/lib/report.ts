/**
 * What one benchmark script hands back to bench/run.ts: a Markdown block for its figure, plus whether each target
 * was met. A script run on its own prints the block; under run.ts it also writes the result to BENCH_RESULT_FILE.
 */
import { writeFileSync } from 'node:fs';
import { stopAllServers } from './server-process.js';

export interface FigureResult {
  /** Script name without `.ts`, e.g. `server-dispatch`. */
  name: string;
  title: string;
  /** Markdown (no heading): how it was measured, the numbers, and the targets. */
  body: string;
  /** Each target and whether it was met. */
  targets: { what: string; met: boolean }[];
}

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function ms(v: number, digits = 1): string {
  return `${v.toFixed(digits)} ms`;
}

export function mib(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MiB`;
}

export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function sleep(msec: number): Promise<void> {
  return new Promise((r) => setTimeout(r, msec));
}

/**
 * Run a figure's script: measure, print, hand the result to run.ts, and always stop its servers. `deadlineS`: only
 * for a figure that cannot fit 115 s (s3-transfer moves 1 GiB files); run.ts's guard must stay above it.
 */
export async function runFigure(measure: () => Promise<FigureResult>, deadlineS = 115): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // A hung benchmark must not hang `npm run bench`: every figure is meant to finish well inside this.
  const deadline = setTimeout(() => {
    process.stderr.write(`benchmark took longer than ${deadlineS} s; giving up\n`);
    void stopAllServers().finally(() => process.exit(1));
  }, deadlineS * 1000);
  try {
    const r = await measure();
    process.stdout.write(`\n### ${r.title}\n\n${r.body}\n\n`);
    for (const t of r.targets) process.stdout.write(`${t.met ? 'met' : 'MISSED'}: ${t.what}\n`);
    if (process.env.BENCH_RESULT_FILE) writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify(r));
  } catch (err) {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  } finally {
    await stopAllServers();
    clearTimeout(deadline);
  }
  // Keep-alive sockets of the SDK clients would keep the process up.
  process.exit(process.exitCode ?? 0);
}

export function log(msg: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
}
