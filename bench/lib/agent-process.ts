/**
 * `taskrunner` as its own process for the agent's benchmarks (compiled by compileAgent(), as users run it; through tsx
 * only for agent-compiled.ts's comparison), a
 * counting HTTP forwarder to see when its requests reach the server, and pipelines of shell commands to feed it.
 * Agents left running when the bench process exits (a script that threw, or the 115 s deadline) are killed.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { log, ms, sleep } from './report.js';
import { CreatePipelineCommand, PutPipelineDefinitionCommand, QueryObjectsCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { TEST_KEY, toPipelineObjects } from '../../test/support/server.js';
import { mapLimit } from './client.js';
import { cpuSeconds, REPO_ROOT, rssKb } from './server-process.js';

const CLI = join(REPO_ROOT, 'agent', 'cli.ts');
/** tsx by URL: the agent runs in a temp dir (its tasks' working directory), where a bare `tsx` does not resolve. */
const TSX = import.meta.resolve('tsx');

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with `date +%s%N` in a child). */
/** The node flags of systemd/taskrunner.service: benchmarks run the agent as it is installed. */
export const INSTALLED_NODE_FLAGS = ['--max-semi-space-size=2', '--expose-gc'];
/** As systemd/taskrunner.service sets it (MALLOC_ARENA_MAX). */
export const INSTALLED_ENV = { MALLOC_ARENA_MAX: '2', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export const wallMs = (): number => performance.timeOrigin + performance.now();

export interface AgentOpts {
  url: string;
  workerGroup: string;
  tasks?: number;
  /** Extra environment (e.g. TASKRUNNER_MIN_POLL_INTERVAL_MS). */
  env?: NodeJS.ProcessEnv;
  /** A compiled `agent/cli.js` to run with plain node (see compileAgent); default agent/cli.ts through tsx. */
  cli?: string;
  /** Node flags added after the installed unit's (BENCH_AGENT_NODE_FLAGS, space-separated, adds to them). */
  nodeFlags?: string[];
  /** Called with each line the agent prints on stdout (its runner log). */
  onLine?: (line: string, atMs: number) => void;
}

export interface BenchAgent {
  readonly pid: number;
  /** wallMs() just before spawn(). */
  readonly spawnedAt: number;
  /** wallMs() when the first stdout line arrived (undefined before). */
  firstLineAt: number | undefined;
  /** Its own temp dir: the working directory of the agent and its children, with `output/` inside. */
  readonly dir: string;
  rssKb(): number;
  cpuSeconds(): number;
  /** SIGTERM (the agent drains and exits), SIGKILL after 10 s; then the temp dir goes. */
  stop(): Promise<void>;
}

const live = new Map<ChildProcess, BenchAgent>();
/** Temp dirs to remove if the process exits before their owner could (the 115 s deadline exits at once). */
const dirs = new Set<string>();
process.on('exit', () => {
  for (const child of live.keys()) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export function startAgent(o: AgentOpts): BenchAgent {
  const dir = mkdtempSync(join(tmpdir(), 'dp-bench-agent-'));
  dirs.add(dir);
  const args = [
    ...INSTALLED_NODE_FLAGS,
    ...(o.nodeFlags ?? []),
    ...(process.env.BENCH_AGENT_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    ...(o.cli ? [o.cli] : ['--import', TSX, CLI]),
    `--endpoint=${o.url}`, `--accessId=${TEST_KEY.accessKeyId}`, `--secretKey=${TEST_KEY.secretAccessKey}`,
    `--workerGroup=${o.workerGroup}`, `--output=${join(dir, 'output')}`, `--tasks=${o.tasks ?? 8}`,
  ];
  // BENCH_AGENT_CPU_PROF=<dir> profiles the agent (a .cpuprofile written when it exits).
  const prof = process.env.BENCH_AGENT_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_AGENT_CPU_PROF] : [];
  const spawnedAt = wallMs();
  const child = spawn(process.execPath, [...prof, ...args], {
    cwd: dir,
    // As systemd/taskrunner.service runs it (MALLOC_ARENA_MAX); no EC2 here: IMDS would only add its time-out to
    // the start-up figure.
    env: { ...process.env, ...INSTALLED_ENV, AWS_EC2_METADATA_DISABLED: 'true', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    const at = wallMs();
    agent.firstLineAt ??= at;
    const lines = (partial + s).split('\n');
    partial = lines.pop() ?? '';
    if (o.onLine) for (const l of lines) o.onLine(l, at);
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => process.stderr.write(`[agent] ${s}`));
  const pid = child.pid as number;
  let stopping: Promise<void> | undefined;
  const agent: BenchAgent = {
    pid,
    spawnedAt,
    firstLineAt: undefined,
    dir,
    rssKb: () => {
      try {
        return rssKb(pid);
      } catch {
        return NaN; // exited
      }
    },
    cpuSeconds: () => cpuSeconds(pid),
    stop() {
      stopping ??= (async () => {
        live.delete(child);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
        rmSync(dir, { recursive: true, force: true });
        dirs.delete(dir);
      })();
      return stopping;
    },
  };
  live.set(child, agent);
  return agent;
}

/**
 * sdk-floor-child.mjs with the agent's node flags and environment: Node and the AWS SDK's client polling, nothing
 * else; RSS read like an agent's.
 */
export function startSdkFloor(url: string, workerGroup: string, slots = 8): { rssKb(): number; stop(): Promise<void> } {
  const child = spawn(
    process.execPath,
    [...INSTALLED_NODE_FLAGS, fileURLToPath(new URL('./sdk-floor-child.mjs', import.meta.url)), url, TEST_KEY.accessKeyId, TEST_KEY.secretAccessKey, workerGroup, String(slots)],
    { env: { ...process.env, ...INSTALLED_ENV }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    rssKb: () => rssKb(child.pid as number),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The sources compiled as `npm run build` does, into a temp dir (dist/ may be stale or in use), with a
 * node_modules link so its imports resolve: the `taskrunner` users run, without tsx.
 */
export async function compileAgent(): Promise<{ cli: string; remove(): void }> {
  const out = mkdtempSync(join(tmpdir(), 'dp-bench-dist-'));
  dirs.add(out);
  try {
    const tsc = [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', out];
    // tsc emits despite type errors (work in progress elsewhere in the tree): only a missing cli.js is fatal.
    await promisify(execFile)(process.execPath, tsc, { cwd: REPO_ROOT }).catch((err: Error) => {
      if (!existsSync(join(out, 'agent', 'cli.js'))) throw err;
    });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(out, 'node_modules'));
    writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  } catch (err) {
    rmSync(out, { recursive: true, force: true });
    throw err;
  }
  return {
    cli: join(out, 'agent', 'cli.js'),
    remove: () => {
      rmSync(out, { recursive: true, force: true });
      dirs.delete(out);
    },
  };
}

export async function stopAllAgents(): Promise<void> {
  await Promise.all([...live.values()].map((a) => a.stop()));
}

export interface CountingProxy {
  readonly url: string;
  /** PollForTask requests that have reached the proxy (counted when their headers arrive). */
  polls: number;
  /**
   * wallMs() of each PollForTask arrival, in order, while `recordArrivals` is set, on connections opened at or
   * after `arrivalsSince` (an agent being stopped can still send a poll on its old connections).
   */
  arrivals: number[];
  recordArrivals: boolean;
  arrivalsSince: number;
  /**
   * While set, PollForTask requests are counted but not forwarded: the agent waits on them as on polls a server
   * holds when there is no work (the rest state of a deployed agent). Cleared by release(), which forwards them.
   */
  holding: boolean;
  release(): void;
  close(): Promise<void>;
}

/**
 * An HTTP forwarder in front of the server that counts PollForTask requests as they arrive (the server itself logs
 * a request only when it is answered, which for a held poll is the end of the hold). The Host header is passed
 * on unchanged, so the SigV4 signature made for the proxy's address still verifies.
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const t = new URL(target);
  const upstream = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const connectedAt = new WeakMap<object, number>();
  const held: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    if (String(req.headers['x-amz-target'] ?? '').endsWith('.PollForTask')) {
      proxy.polls++;
      if (proxy.recordArrivals && (connectedAt.get(req.socket) ?? 0) >= proxy.arrivalsSince) proxy.arrivals.push(wallMs());
      if (proxy.holding) {
        held.push(() => forward(req, res));
        return;
      }
    }
    forward(req, res);
  });
  const forward = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const up = http.request(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers, agent: upstream },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  };
  server.on('connection', (socket) => connectedAt.set(socket, wallMs()));
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const proxy: CountingProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    polls: 0,
    arrivals: [],
    recordArrivals: false,
    arrivalsSince: 0,
    holding: false,
    release() {
      proxy.holding = false;
      for (const f of held.splice(0)) f();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      upstream.destroy();
    },
  };
  return proxy;
}

/** On-demand pipelines of `activities` independent ShellCommandActivities running `command(pipeline, activity)`. */
export async function defineShellPipelines(
  c: DataPipelineClient,
  o: { count: number; activities: number; workerGroup: string; prefix: string; command: (p: number, a: number) => string },
): Promise<string[]> {
  return mapLimit(Array.from({ length: o.count }, (_, i) => i), 4, async (p) => {
    const objects = toPipelineObjects([
      { id: 'Default', scheduleType: 'ondemand', workerGroup: o.workerGroup, failureAndRerunMode: 'CASCADE' },
      ...Array.from({ length: o.activities }, (_, a) => ({ id: `A${a}`, type: 'ShellCommandActivity', command: o.command(p, a) })),
    ]);
    const { pipelineId } = await c.send(new CreatePipelineCommand({ name: `${o.prefix}-${p}`, uniqueId: `${o.prefix}-${p}` }));
    const put = await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects }));
    if (put.errored) throw new Error(`bench definition rejected: ${JSON.stringify(put.validationErrors)}`);
    return pipelineId as string;
  });
}

/** Instances of `pipelineIds` whose @status is FINISHED, as the server reports them. */
export async function countFinished(c: DataPipelineClient, pipelineIds: readonly string[]): Promise<number> {
  const counts = await mapLimit(pipelineIds, 4, async (pipelineId) => {
    let n = 0;
    let marker: string | undefined;
    do {
      const r = await c.send(
        new QueryObjectsCommand({
          pipelineId,
          sphere: 'INSTANCE',
          marker,
          limit: 100,
          query: { selectors: [{ fieldName: '@status', operator: { type: 'EQ', values: ['FINISHED'] } }] },
        }),
      );
      n += r.ids?.length ?? 0;
      marker = r.hasMoreResults ? r.marker : undefined;
    } while (marker);
    return n;
  });
  return counts.reduce((a, b) => a + b, 0);
}

export async function until(what: string, cond: () => boolean, limitMs: number): Promise<void> {
  for (const end = Date.now() + limitMs; !cond(); ) {
    if (Date.now() > end) throw new Error(`${what}: not within ${limitMs / 1000} s`);
    await sleep(5);
  }
}

export interface Starts {
  startupMs: number[];
  firstLineMs: number[];
  /** The last one started, left running with its polls held. */
  last: BenchAgent;
}

/** Start an agent `count` times, each stopped once its first poll arrives but the last, which is left running. */
export async function startups(proxy: CountingProxy, label: string, o: { count: number; tasks: number; cli?: string }): Promise<Starts> {
  const startupMs: number[] = [];
  const firstLineMs: number[] = [];
  for (let i = 0; ; i++) {
    proxy.arrivals = [];
    proxy.recordArrivals = true;
    proxy.arrivalsSince = wallMs();
    const agent = startAgent({ url: proxy.url, workerGroup: `bench-agent-idle-${label}-${i}`, tasks: o.tasks, cli: o.cli });
    await until('the first poll', () => proxy.arrivals.length > 0, 30_000);
    proxy.recordArrivals = false;
    startupMs.push(proxy.arrivals[0] - agent.spawnedAt);
    firstLineMs.push((agent.firstLineAt ?? NaN) - agent.spawnedAt);
    log(`${label} start ${i + 1}: first poll ${ms(startupMs[i], 0)} after spawn (first log line ${ms(firstLineMs[i], 0)})`);
    if (i === o.count - 1) return { startupMs, firstLineMs, last: agent };
    await agent.stop();
  }
}
