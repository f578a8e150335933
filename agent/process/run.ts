/**
 * Runs one child as the leader of its own process group, streams its output to files, and on abort kills the
 * whole group: SIGTERM, then SIGKILL after the grace (agents.md E.4). It resolves only once the child has exited
 * and no live process of its group remains, so nothing of an attempt outlives its report.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { SpawnedChild } from '../executors/executor.js';
import { SpawnError } from './errors.js';
import { OutputFan } from './outputs.js';
import { groupAlive, processStartTicks, signalGroup } from './proc.js';

export interface RunTiming {
  /** How often to look whether the group is gone. */
  groupPollMs: number;
  /** How long after SIGKILL to keep waiting for the group to vanish before giving up (a process stuck in D state). */
  groupGoneTimeoutMs: number;
  /** How long to wait for the output pipes to reach EOF once the group is gone. */
  drainTimeoutMs: number;
}

export const DEFAULT_TIMING: RunTiming = { groupPollMs: 50, groupGoneTimeoutMs: 5_000, drainTimeoutMs: 2_000 };

export interface RunOptions {
  file: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Defaults to the agent's own working directory. */
  cwd?: string;
  /** Every local file stdout goes to (appended; parent directories created): the attempt log, then any tee path. */
  stdoutFiles: readonly string[];
  stderrFiles: readonly string[];
  signal: AbortSignal;
  /** Grace between SIGTERM and SIGKILL to the group. */
  killGraceMs: number;
  /** Called synchronously right after spawn, before anything else (the crash journal records the group). */
  onSpawn?: (child: SpawnedChild) => void;
  /** Sees every output chunk as it arrives. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** Bytes of each stream kept for error messages; default 4096. */
  tailBytes?: number;
  timing?: Partial<RunTiming>;
}

export interface OutputSummary {
  /** The last `tailBytes` bytes as text. */
  tail: string;
  /** Total bytes the stream produced. */
  bytes: number;
  /** True when `tail` is not the whole output. */
  truncated: boolean;
}

export interface RunResult {
  /** Undefined when the signal had fired before anything was started. */
  pid: number | undefined;
  exitCode: number | null;
  /** The signal that ended the child, if any. */
  signal: NodeJS.Signals | null;
  /** The abort signal fired before the child exited, and the group was killed. */
  aborted: boolean;
  /** `signal.reason` when aborted. */
  abortReason?: unknown;
  /** SIGKILL was sent because the group outlived the grace after SIGTERM. */
  escalated: boolean;
  /** Processes of the group outlived the child and were killed. */
  leftoversKilled: boolean;
  /** False when live members remained at the deadline (then they are reported, not waited for). */
  groupGone: boolean;
  stdout: OutputSummary;
  stderr: OutputSummary;
  /** Output files that failed while writing (the run went on without them). */
  outputErrors: string[];
}

/** SIGTERM to the group now, SIGKILL after the grace; idempotent. */
class GroupKiller {
  started = false;
  killedAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly pgid: number,
    private readonly graceMs: number,
  ) {}

  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    signalGroup(this.pgid, 'SIGTERM');
    this.timer = setTimeout(() => this.kill(), this.graceMs);
  }

  kill(): void {
    clearTimeout(this.timer);
    if (this.killedAt !== undefined || this.disposed) return;
    this.killedAt = Date.now();
    signalGroup(this.pgid, 'SIGKILL');
  }

  /** After this, nothing is sent: the group is gone and its id may belong to someone else. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }
}

const delay = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

/** Polls until no live process of the group remains; false if it is still there `groupGoneTimeoutMs` after SIGKILL. */
async function waitGroupGone(pgid: number, killer: GroupKiller, t: RunTiming): Promise<boolean> {
  for (;;) {
    if (!(await groupAlive(pgid))) return true;
    if (!killer.started) killer.start(); // nothing may outlive the attempt
    if (killer.killedAt !== undefined && Date.now() - killer.killedAt >= t.groupGoneTimeoutMs) return false;
    await delay(t.groupPollMs);
  }
}

function summary(fan: OutputFan): OutputSummary {
  return { tail: fan.tail.text(), bytes: fan.tail.bytes, truncated: fan.tail.truncated };
}

const EMPTY: OutputSummary = { tail: '', bytes: 0, truncated: false };

function notStarted(reason: unknown): RunResult {
  return {
    pid: undefined,
    exitCode: null,
    signal: null,
    aborted: true,
    abortReason: reason,
    escalated: false,
    leftoversKilled: false,
    groupGone: true,
    stdout: EMPTY,
    stderr: EMPTY,
    outputErrors: [],
  };
}

/** Throws SpawnError when the child cannot start, OutputFileError when an output file cannot be opened. */
export async function runProcess(o: RunOptions): Promise<RunResult> {
  const timing: RunTiming = { ...DEFAULT_TIMING, ...o.timing };
  const tailBytes = o.tailBytes ?? 4096;
  if (o.signal.aborted) return notStarted(o.signal.reason);
  const out = await OutputFan.open(o.stdoutFiles, tailBytes);
  let err: OutputFan;
  try {
    err = await OutputFan.open(o.stderrFiles, tailBytes);
  } catch (e) {
    await out.close(0);
    throw e;
  }
  const closeOutputs = () => Promise.all([out.close(timing.drainTimeoutMs), err.close(timing.drainTimeoutMs)]);
  if (o.signal.aborted) {
    await closeOutputs();
    return notStarted(o.signal.reason);
  }

  let child: ChildProcess;
  try {
    // detached: the child calls setsid(), so its pid is also the id of a new process group we can kill whole.
    child = spawn(o.file, [...o.args], { cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    await closeOutputs();
    throw SpawnError.from(e, o.file, o.cwd);
  }
  const spawnFailed = new Promise<Error>((res) => child.once('error', res));
  const pid = child.pid;
  if (pid === undefined) {
    const e = await spawnFailed;
    await closeOutputs();
    throw SpawnError.from(e, o.file, o.cwd);
  }

  let hookError: unknown;
  try {
    o.onSpawn?.({ pid, startTicks: processStartTicks(pid) });
  } catch (e) {
    // The journal could not record the child: it must not run untracked.
    hookError = e;
    signalGroup(pid, 'SIGKILL');
  }

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal })),
  );
  child.on('error', () => undefined); // later errors (a failed kill) change nothing: the group is signalled directly
  out.attach(child.stdout as NonNullable<ChildProcess['stdout']>, (c) => o.onOutput?.('stdout', c));
  err.attach(child.stderr as NonNullable<ChildProcess['stderr']>, (c) => o.onOutput?.('stderr', c));

  const killer = new GroupKiller(pid, o.killGraceMs);
  let childExited = false;
  let aborted = false;
  const onAbort = () => {
    if (!childExited) aborted = true;
    killer.start();
  };
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) onAbort();

  let result: RunResult;
  try {
    const exit = await exited;
    childExited = true;
    const killerWasStarted = killer.started;
    const groupGone = await waitGroupGone(pid, killer, timing);
    // Now, not later: once the group is gone its id may be reused, and a late SIGKILL would hit a stranger.
    killer.dispose();
    await closeOutputs();
    result = {
      pid,
      exitCode: exit.code,
      signal: exit.signal,
      aborted,
      abortReason: aborted ? o.signal.reason : undefined,
      escalated: killer.killedAt !== undefined,
      leftoversKilled: !killerWasStarted && killer.started,
      groupGone,
      stdout: summary(out),
      stderr: summary(err),
      outputErrors: [...out.errors(), ...err.errors()],
    };
  } finally {
    killer.dispose();
    o.signal.removeEventListener('abort', onAbort);
  }
  if (hookError !== undefined) throw hookError;
  return result;
}
