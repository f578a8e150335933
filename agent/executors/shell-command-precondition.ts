/**
 * ShellCommandPrecondition (taskrunner.md 3.7): exit 0 means the condition is met (FINISHED), anything else
 * that it is not (FALSE). Re-checking every retryDelay until preconditionTimeout belongs to the caller.
 */
import type { ExecutionContext, Executor, Outcome } from './executor.js';
import { endedHow, executeShell, stderrExcerpt } from './shell-common.js';
import type { ShellRun, ShellRunOptions } from './shell-common.js';

function decide(ctx: ExecutionContext, run: ShellRun): Outcome {
  const r = run.result;
  for (const e of r.outputErrors) ctx.log.warn(`Precondition output not fully written: ${e}`);
  if (r.signal === null && r.exitCode === 0) return { status: 'FINISHED' };
  return { status: 'FALSE', message: `Precondition not met: command ${endedHow(r)}${stderrExcerpt(r)}` };
}

/** `o` injects shells and timings (tests); the registry uses the defaults. */
export function createShellCommandPrecondition(o: ShellRunOptions = {}): Executor {
  return {
    types: ['ShellCommandPrecondition'],
    execute: (ctx) => executeShell(ctx, (run) => decide(ctx, run), o),
  };
}

export const shellCommandPrecondition: Executor = createShellCommandPrecondition();
