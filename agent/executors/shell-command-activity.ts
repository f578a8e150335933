/** ShellCommandActivity (taskrunner.md 2.6, 3.3): exit 0 is FINISHED, anything else FAILED. Staging comes later. */
import type { ExecutionContext, Executor, Outcome } from './executor.js';
import { endedHow, executeShell, stackTrace, stderrExcerpt } from './shell-common.js';
import type { ShellRun, ShellRunOptions } from './shell-common.js';

function decide(ctx: ExecutionContext, run: ShellRun): Outcome {
  const r = run.result;
  if (r.signal === null && r.exitCode === 0) {
    // The command worked but its output did not all reach the files the user asked for: not a success.
    if (r.outputErrors.length > 0) {
      return { status: 'FAILED', errorId: 'OutputWriteFailed', errorMessage: `The command succeeded but writing its output failed: ${r.outputErrors.join('; ')}` };
    }
    return { status: 'FINISHED' };
  }
  return {
    status: 'FAILED',
    errorId: r.signal ? 'KilledBySignal' : 'NonZeroExit',
    errorMessage: `Command ${endedHow(r)}${stderrExcerpt(r)}`,
    errorStackTrace: stackTrace(ctx, run),
  };
}

/** `o` injects shells and timings (tests); the registry uses the defaults. */
export function createShellCommandActivity(o: ShellRunOptions = {}): Executor {
  return {
    types: ['ShellCommandActivity'],
    execute: (ctx) => executeShell(ctx, (run) => decide(ctx, run), o),
  };
}

export const shellCommandActivity: Executor = createShellCommandActivity();
