/**
 * The real `taskrunner` process for fault tests: `node --import tsx agent/cli.ts ...` with its stdout/stderr
 * collected, waits on log lines (polled with a deadline: the process is real, its timing is not ours), signals,
 * and exit. Every process started here is killed by `killAllAgents()` (call it in afterEach).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_KEY } from '../../support/server.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const CLI = join(ROOT, 'agent', 'cli.ts');

export interface SpawnAgentOptions {
  url: string;
  workerGroup: string;
  outputDir: string;
  /** Extra options, e.g. ['--shutdownTimeout=0.5']. */
  args?: string[];
  /** Pass --accessId/--secretKey with the test key (default true). */
  keys?: boolean;
  /** Added to a clean environment (PATH, HOME and the SDK warning switch only, so no stray AWS_* leaks in). */
  env?: NodeJS.ProcessEnv;
  tasks?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AgentProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly outputDir: string;
  stdout(): string;
  stderr(): string;
  /** stdout then stderr. */
  output(): string;
  /** Lines of stdout+stderr matching `re`. */
  lines(re: RegExp): string[];
  /** Resolves with the first line matching `re` (counting only lines after the `after`-th match of it). */
  waitFor(re: RegExp, o?: { timeoutMs?: number; after?: number }): Promise<string>;
  signal(sig: NodeJS.Signals): void;
  readonly exited: Promise<Exit>;
  /** The exit, or a rejection after `timeoutMs`. */
  waitExit(timeoutMs?: number): Promise<Exit>;
  /** SIGKILL (if still running) and wait for the exit. */
  kill(): Promise<Exit>;
  /** The runner log file, or '' when there is none yet. */
  runnerLog(): string;
}

const live = new Set<AgentProcess>();

/** Back-off and poll pacing for tests (the defaults are 1 s .. 60 s): an outage heals within a second. */
export const FAST_BACKOFF_ENV = { TASKRUNNER_BACKOFF_BASE_MS: '50', TASKRUNNER_BACKOFF_MAX_MS: '400' };

export function spawnAgent(o: SpawnAgentOptions): AgentProcess {
  const args = [
    '--import',
    'tsx',
    CLI,
    `--endpoint=${o.url}`,
    `--workerGroup=${o.workerGroup}`,
    `--output=${o.outputDir}`,
    `--tasks=${o.tasks ?? 2}`,
    '--progressInterval=0.2',
    '--killGrace=0.3',
    ...(o.keys === false ? [] : [`--accessId=${TEST_KEY.accessKeyId}`, `--secretKey=${TEST_KEY.secretAccessKey}`]),
    ...(o.args ?? []),
  ];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // No instance metadata probing from a test host.
    AWS_EC2_METADATA_DISABLED: 'true',
    ...FAST_BACKOFF_ENV,
    ...o.env,
  };
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  if (process.env.DATAPIPE_TEST_LOG) {
    // Same switch as the in-process harness: show the agent's own lines while debugging a test.
    const echo = (tag: string) => (d: string) => process.stderr.write(d.replace(/^(?=.)/gm, `[agent ${child.pid}${tag}] `));
    child.stdout?.on('data', echo(''));
    child.stderr?.on('data', echo(' stderr'));
  }
  const exited = new Promise<Exit>((res) => child.once('exit', (code, signal) => res({ code, signal })));
  let done: Exit | undefined;
  void exited.then((e) => {
    done = e;
    live.delete(p);
  });
  const all = () => `${out}${err}`;
  const matching = (re: RegExp) => all().split('\n').filter((l) => re.test(l));
  const p: AgentProcess = {
    child,
    pid: child.pid as number,
    outputDir: o.outputDir,
    stdout: () => out,
    stderr: () => err,
    output: all,
    lines: matching,
    async waitFor(re, w = {}) {
      const skip = w.after ?? 0;
      await until(() => matching(re).length > skip || done !== undefined, w.timeoutMs ?? 15_000, `log line ${re}`, all);
      const hit = matching(re)[skip];
      if (hit === undefined) throw new Error(`agent exited (${JSON.stringify(done)}) before logging ${re}; output:\n${all()}`);
      return hit;
    },
    signal(sig) {
      child.kill(sig);
    },
    exited,
    async waitExit(timeoutMs = 15_000) {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error(`agent did not exit within ${timeoutMs} ms; output:\n${all()}`)), timeoutMs);
      });
      try {
        return await Promise.race([exited, limit]);
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      if (done === undefined) child.kill('SIGKILL');
      return exited;
    },
    runnerLog() {
      const f = join(o.outputDir, 'logs', 'TaskRunner.log');
      return existsSync(f) ? readFileSync(f, 'utf8') : '';
    },
  };
  live.add(p);
  return p;
}

export async function killAllAgents(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill()));
}

/** Poll `ok` every 20 ms until it holds or `ms` passes (for real processes and files). */
export async function until(ok: () => boolean | Promise<boolean>, ms = 15_000, what = 'condition', detail?: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms${detail ? `; output:\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
