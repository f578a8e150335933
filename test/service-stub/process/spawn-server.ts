/**
 * `datapipe-server` as a real child process: spawn it, wait for its ready line, talk to it with SDK clients,
 * and stop it (signal or kill -9). Every process spawned here is killed by `killAllServers()` (an after hook).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { TEST_KEY } from '../../support/server.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(REPO_ROOT, 'service-stub', 'cli.ts');
const READY = /^datapipe-server listening on (http:\/\/\S+)$/m;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (already resolved if it has). */
  readonly exited: Promise<Exit>;
  client(key?: { accessKeyId: string; secretAccessKey: string }): DataPipelineClient;
  /** Send `signal` and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

interface Launched {
  child: ChildProcess;
  out: { stdout: string; stderr: string };
  exited: Promise<Exit>;
}

const live = new Set<ChildProcess>();
const dirs: string[] = [];

function launch(args: readonly string[], env: NodeJS.ProcessEnv = {}): Launched {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out.stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out.stderr += s));
  // 'close' (not 'exit') so that all output has been read when it resolves.
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, out, exited };
}

/** Start a server and wait for `datapipe-server listening on URL`; fails with its output if it exits or hangs. */
export async function spawnServer(args: readonly string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ServerProcess> {
  const { child, out, exited } = launch(['--port', '0', ...args], opts.env);
  // A first embedded-store start (initdb in WebAssembly) has taken over 20 s on a busy two-core machine.
  const timeoutMs = opts.timeoutMs ?? 45_000;
  const url = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const onData = () => {
      const m = READY.exec(out.stdout);
      if (m) finish(() => resolve(m[1]));
    };
    const fail = (why: string) =>
      finish(() => {
        child.kill('SIGKILL');
        reject(new Error(`datapipe-server ${args.join(' ')}: ${why}\n--- stdout ---\n${out.stdout}\n--- stderr ---\n${out.stderr}`));
      });
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    function finish(then: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      then();
    }
    child.stdout!.on('data', onData);
    void exited.then((e) => fail(`exited before it was ready (code ${e.code}, signal ${e.signal})`));
  });
  const clients: DataPipelineClient[] = [];
  void exited.then(() => clients.forEach((c) => c.destroy()));
  return {
    url,
    child,
    pid: child.pid!,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    exited,
    client(key = TEST_KEY) {
      const c = new DataPipelineClient({ endpoint: url, region: 'us-east-1', maxAttempts: 1, credentials: key });
      clients.push(c);
      return c;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Run the command to completion (options that make it exit), with a deadline. */
export async function runServerCommand(args: readonly string[], timeoutMs = 20_000): Promise<Exit & { stdout: string; stderr: string }> {
  const { child, out, exited } = launch(args);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const e = await exited;
  clearTimeout(timer);
  return { ...e, ...out };
}

/** Kill every server process still running (after hooks); waits for them to go. */
export async function killAllServers(): Promise<void> {
  const waits = [...live].map(
    (c) =>
      new Promise<void>((resolve) => {
        c.once('close', () => resolve());
        c.kill('SIGKILL');
      }),
  );
  await Promise.all(waits);
}

/** A temp dir removed by `removeTempDirs()`. */
export function tempDir(prefix = 'dp-proc-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A --keys file holding TEST_KEY. */
export function writeKeysFile(dir: string): string {
  const path = join(dir, 'keys.json');
  writeFileSync(path, JSON.stringify({ [TEST_KEY.accessKeyId]: TEST_KEY.secretAccessKey }));
  return path;
}
