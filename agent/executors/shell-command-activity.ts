/** ShellCommandActivity (taskrunner.md 2.6, 3.3): exit 0 is FINISHED, anything else FAILED; staging per 2.8. */
import type { ExecutionContext, Executor, Outcome } from './executor.js';
import { endedHow, executeShell, stackTrace, stderrExcerpt } from './shell-common.js';
import type { ShellRun, ShellRunOptions } from './shell-common.js';
import { withStaging } from '../staging/stage.js';
import type { StagingOptions } from '../staging/stage.js';

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

/** `o` injects shells, timings and the staging progress timer (tests); the registry uses the defaults. */
export function createShellCommandActivity(o: ShellRunOptions & { staging?: StagingOptions } = {}): Executor {
  return {
    types: ['ShellCommandActivity'],
    // Staging's INPUT<n>_/OUTPUT<n>_STAGING_DIR reach the command through the extraEnv hook.
    execute: (ctx) => withStaging(ctx, (env) => executeShell(ctx, (run) => decide(ctx, run), { ...o, extraEnv: { ...o.extraEnv, ...env } }), o.staging),
  };
}

export const shellCommandActivity: Executor = createShellCommandActivity();
