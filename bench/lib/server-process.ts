/**
 * `datapipe-server` as its own process for benchmarks, so its CPU is separate from the client's: on the embedded
 * store (a temp data dir) or on a fresh PostgreSQL database. `stop()` ends the process, drops the database and
 * removes the temp dir; `stopAllServers()` does the same for any left running (a benchmark that threw).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshPostgresDatabase, TEST_KEY } from '../../test/support/server.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(REPO_ROOT, 'service-stub', 'cli.ts');
const READY = /^datapipe-server listening on (http:\/\/\S+)$/m;

export type StoreKind = 'pglite' | 'postgres';
/** Both stores; BENCH_STORES=postgres (or pglite) narrows a run while working on one. */
export const STORES: readonly StoreKind[] = (process.env.BENCH_STORES?.split(',') ?? ['pglite', 'postgres']).filter(
  (s): s is StoreKind => s === 'pglite' || s === 'postgres',
);
export const STORE_LABEL: Record<StoreKind, string> = { pglite: 'embedded (PGlite)', postgres: 'PostgreSQL' };

export interface BenchServer {
  readonly url: string;
  readonly pid: number;
  readonly store: StoreKind;
  /** Resident set size of the server process, in KiB (VmRSS). */
  rssKb(): number;
  /** Sockets the server process holds open right now (listening socket and DB connections included). */
  socketCount(): number;
  stop(): Promise<void>;
}

export interface ServerArgs {
  pollWaitS?: number;
  /** Extra CLI options. */
  extra?: readonly string[];
}

const live = new Set<BenchServer>();

export async function startBenchServer(store: StoreKind, opts: ServerArgs = {}): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dp-bench-'));
  const keysFile = join(dir, 'keys.json');
  writeFileSync(keysFile, JSON.stringify({ [TEST_KEY.accessKeyId]: TEST_KEY.secretAccessKey }));
  const db = store === 'postgres' ? await freshPostgresDatabase() : undefined;
  const args = [
    '--port', '0', '--keys', keysFile, '--relaxed-limits', '--max-objects', '100', '--max-pipelines', '1000',
    // BENCH_SERVER_LOG=<file> keeps the server's debug log (one line per request, with its duration) there.
    '--log-level', process.env.BENCH_SERVER_LOG ? 'debug' : 'warn', '--poll-wait', String(opts.pollWaitS ?? 90),
    ...(db ? ['--database-url', db.url] : ['--data-dir', join(dir, 'data')]),
    ...(opts.extra ?? []),
  ];
  // BENCH_CPU_PROF=<dir> profiles the server (a .cpuprofile per process, written when it exits).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    if (process.env.BENCH_SERVER_LOG) appendFileSync(process.env.BENCH_SERVER_LOG, s);
    if (out.length < 1 << 20) out += s; // enough for the ready line and a failure's story
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    process.stderr.write(`[server ${store}] ${s}`);
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const cleanup = async () => {
    await db?.drop().catch((e: Error) => process.stderr.write(`dropping the bench database failed: ${e.message}\n`));
    rmSync(dir, { recursive: true, force: true });
  };
  let url: string;
  try {
    url = await ready(child, () => out, exited);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await cleanup();
    throw err;
  }
  const pid = child.pid as number;
  let stopping: Promise<void> | undefined;
  const server: BenchServer = {
    url,
    pid,
    store,
    rssKb: () => rssKb(pid),
    socketCount: () => socketCount(pid),
    stop() {
      stopping ??= (async () => {
        live.delete(server);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
        await cleanup();
      })();
      return stopping;
    },
  };
  live.add(server);
  return server;
}

export async function stopAllServers(): Promise<void> {
  await Promise.all([...live].map((s) => s.stop()));
}

function ready(child: ChildProcess, out: () => string, exited: Promise<void>): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready within 30 s:\n${out()}`)), 30_000);
    const onData = () => {
      const m = READY.exec(out());
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before it was ready:\n${out()}`));
    });
  });
}

export function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

export function socketCount(pid: number): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed while listing
    }
  }
  return n;
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (clock ticks of 1/100 s on Linux). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0; // gone meanwhile
  }
}

/** CPU seconds of every PostgreSQL process on the machine (backends of other databases included). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'postgres') total += cpuSeconds(Number(p));
    } catch {
      // exited while listing
    }
  }
  return total;
}
