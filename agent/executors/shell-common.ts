/**
 * What ShellCommandActivity and ShellCommandPrecondition share: read command/scriptUri/scriptArgument/stdout/
 * stderr from the attempt, write the script, run it in its own process group, and turn how it ended into words.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abortReasonCode } from '../process/abort-reasons.js';
import { OutputFileError, SpawnError } from '../process/errors.js';
import { runProcess } from '../process/run.js';
import type { RunResult, RunTiming } from '../process/run.js';
import { fetchScript, prepareScript } from '../process/script-file.js';
import type { PreparedScript, ScriptSource } from '../process/script-file.js';
import type { ObjectView } from '../objects.js';
import { uploadRemoteOutputs } from '../staging/remote-outputs.js';
import { TaskFailure } from './executor.js';
import type { ExecutionContext, Outcome } from './executor.js';

/** SetTaskStatus caps errorStackTrace (and errorId) at 1024 characters (api.md). */
export const MAX_STACK_TRACE = 1024;
/** How much of stderr's end goes into errorMessage. */
const MESSAGE_LINES = 20;
const MESSAGE_CHARS = 2000;

export interface ShellSpec extends ScriptSource {
  /** The user's `stdout` / `stderr` fields, as given. */
  stdout?: string;
  stderr?: string;
}

export function readShellSpec(obj: ObjectView): ShellSpec {
  return {
    command: obj.value('command'),
    scriptUri: obj.value('scriptUri'),
    scriptArguments: obj.values('scriptArgument'),
    stdout: obj.value('stdout'),
    stderr: obj.value('stderr'),
  };
}

/** A user output path: a local file we tee into, or a remote URI (S3) that a later stage uploads. */
export type OutputTarget = { kind: 'local'; path: string } | { kind: 'remote'; uri: string };

export function outputTarget(value: string): OutputTarget {
  const v = value.trim();
  if (v.startsWith('file://')) {
    try {
      return { kind: 'local', path: fileURLToPath(v) };
    } catch (err) {
      throw new TaskFailure('InvalidOutputPath', `${value} is not a usable file URI: ${(err as Error).message}`);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return { kind: 'remote', uri: v };
  // Under a workerGroup a local path is allowed (taskrunner.md 2.6); relative ones resolve against our CWD.
  return { kind: 'local', path: resolve(v) };
}

export interface ShellRun {
  script: PreparedScript;
  result: RunResult;
  /** Remote (s3://) stdout/stderr destinations; executeShell uploads them when the command has ended. */
  remoteOutputs: { stream: 'stdout' | 'stderr'; uri: string }[];
}

export interface ShellRunOptions {
  /** Extra environment for the child (e.g. INPUT1_STAGING_DIR once staging exists). */
  extraEnv?: NodeJS.ProcessEnv;
  shells?: readonly string[];
  timing?: Partial<RunTiming>;
}

/** Prepares and runs the attempt's script. Throws TaskFailure, SpawnError or OutputFileError before anything runs. */
export async function runShell(ctx: ExecutionContext, o: ShellRunOptions = {}): Promise<ShellRun> {
  const spec = readShellSpec(ctx.task.attempt);
  const script = await prepareScript(spec, {
    attemptId: ctx.task.attemptId,
    tmpDir: ctx.paths.tmpDir,
    shells: o.shells,
    fetch: (uri, dest) => fetchScript(uri, dest, { resources: ctx.resources, signal: ctx.signal }),
  });
  const files = { stdout: [ctx.paths.stdout], stderr: [ctx.paths.stderr] };
  const remoteOutputs: ShellRun['remoteOutputs'] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    const value = spec[stream];
    if (value === undefined || value.trim() === '') continue;
    const target = outputTarget(value);
    if (target.kind === 'local') files[stream].push(target.path);
    else {
      remoteOutputs.push({ stream, uri: target.uri });
      ctx.log.info(`${stream} goes to ${ctx.paths[stream]} and is uploaded to ${target.uri} when the command ends`);
    }
  }
  ctx.log.info(`Running ${script.shell} ${script.scriptPath} with ${spec.scriptArguments.length} argument(s)`);
  const result = await runProcess({
    file: script.shell,
    args: script.args,
    env: { ...ctx.env, ...o.extraEnv },
    stdoutFiles: files.stdout,
    stderrFiles: files.stderr,
    signal: ctx.signal,
    killGraceMs: ctx.killGraceMs,
    onSpawn: (child) => ctx.onSpawn(child),
    timing: o.timing,
  });
  ctx.log.info(result.aborted ? `Command stopped: ${String(result.abortReason)}` : `Command ${endedHow(result)}`);
  if (!result.groupGone) ctx.log.error(`Process group ${result.pid} still has live processes after SIGKILL; leaving them`);
  if (result.leftoversKilled) ctx.log.warn(`Background processes of the command outlived it and were killed (group ${result.pid})`);
  for (const e of result.outputErrors) ctx.log.error(`Writing command output failed: ${e}`);
  return { script, result, remoteOutputs };
}

/** How the command ended, e.g. "exited with status 3" or "was killed by signal SIGKILL". */
export function endedHow(r: RunResult): string {
  return r.signal ? `was killed by signal ${r.signal}` : `exited with status ${r.exitCode}`;
}

/** The last lines of stderr for a message: ": <lines>", or a note that stderr was empty. */
export function stderrExcerpt(r: RunResult): string {
  const text = r.stderr.tail.replace(/\s+$/, '');
  if (text === '') return ' (nothing on stderr)';
  const lines = text.split('\n');
  let excerpt = lines.slice(-MESSAGE_LINES).join('\n');
  if (excerpt.length > MESSAGE_CHARS) excerpt = excerpt.slice(-MESSAGE_CHARS);
  const cut = r.stderr.truncated || lines.length > MESSAGE_LINES || excerpt.length < text.length;
  return `: ${cut ? '...' : ''}${excerpt}`;
}

/** Where to look for the rest, capped at 1024 characters (the API's limit) by dropping the stdout tail's start. */
export function stackTrace(ctx: ExecutionContext, run: ShellRun): string {
  const r = run.result;
  const head = [
    `at ${run.script.shell} ${run.script.scriptPath} (pid ${r.pid ?? 'none'})`,
    `stderr: ${ctx.paths.stderr} (${r.stderr.bytes} bytes)`,
    `stdout: ${ctx.paths.stdout} (${r.stdout.bytes} bytes)`,
  ].join('\n');
  const out = r.stdout.tail.replace(/\s+$/, '');
  if (out === '') return head.slice(0, MAX_STACK_TRACE);
  const room = MAX_STACK_TRACE - head.length - '\nlast stdout: ...'.length;
  if (room <= 0) return head.slice(0, MAX_STACK_TRACE);
  return `${head}\nlast stdout: ${out.length > room ? '...' + out.slice(-room) : out}`;
}

/** The outcome of a run the abort signal ended, by why it fired. */
export function abortedOutcome(run: ShellRun, ctx: ExecutionContext): Outcome {
  const r = run.result;
  const killed =
    r.pid === undefined
      ? 'the command was not started'
      : `the command's process group was killed${r.escalated ? ` (SIGKILL after it ignored SIGTERM for ${ctx.killGraceMs} ms)` : ''}`;
  const reason = r.abortReason;
  const text = reason instanceof Error ? reason.message : String(reason);
  switch (abortReasonCode(reason)) {
    case 'AttemptTimeout':
      return { status: 'FAILED', errorId: 'AttemptTimeout', errorMessage: `The attempt timed out (${text}); ${killed}` };
    case 'ShuttingDown':
      return { status: 'FAILED', errorId: 'TaskRunnerShutdown', errorMessage: `Task Runner shut down before the command finished; ${killed}` };
    case 'Canceled':
      // Not reported (the service canceled it); kept for the local log only.
      return { status: 'FAILED', errorId: 'Canceled', errorMessage: `The attempt was canceled; ${killed}` };
    default:
      return { status: 'FAILED', errorId: 'Aborted', errorMessage: `The attempt was aborted (${text}); ${killed}` };
  }
}

/** Maps what runShell throws to a FAILED outcome; anything else is a bug and propagates. */
export function failureOutcome(err: unknown): Outcome {
  if (err instanceof TaskFailure) return { status: 'FAILED', errorId: err.errorId, errorMessage: err.message };
  if (err instanceof SpawnError) {
    const ids = { ExecutableNotFound: 'ShellNotFound', ExecutableNotPermitted: 'ShellNotExecutable', WorkingDirectoryNotFound: 'WorkingDirectoryNotFound', SpawnFailed: 'SpawnFailed' } as const;
    return { status: 'FAILED', errorId: ids[err.code], errorMessage: err.message };
  }
  if (err instanceof OutputFileError) return { status: 'FAILED', errorId: 'OutputFileError', errorMessage: err.message };
  throw err;
}

/**
 * Runs the shell object and lets `decide` turn a completed (not aborted) run into an outcome. Aborts and
 * start-up failures are handled here the same way for every shell type.
 */
export async function executeShell(ctx: ExecutionContext, decide: (run: ShellRun) => Outcome, o: ShellRunOptions = {}): Promise<Outcome> {
  let run: ShellRun;
  try {
    run = await runShell(ctx, o);
  } catch (err) {
    return failureOutcome(err);
  }
  const outcome = run.result.aborted ? abortedOutcome(run, ctx) : decide(run);
  if (run.remoteOutputs.length === 0) return outcome;
  const failed = await uploadRemoteOutputs(ctx, run.remoteOutputs);
  // A command that worked but whose output did not reach where the user asked is not a success.
  if (failed && outcome.status === 'FINISHED') return { status: 'FAILED', errorId: failed.errorId, errorMessage: failed.message };
  return outcome;
}
