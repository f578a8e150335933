/**
 * Figure: trivial tasks per second through a real, compiled `taskrunner --tasks 8` (as users run it) against the
 * control plane on PostgreSQL, next to a bare Node loop spawning `/bin/sh -c true` 8 at a time (the ceiling for starting processes on
 * this machine). 1,000 tasks (20 pipelines x 50 independent activities, `command: true`) are activated before
 * the agent starts; timing runs from the first task the agent starts to the server reporting all of them FINISHED.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { activateAll, benchClient } from './lib/client.js';
import { compileAgent, countFinished, defineShellPipelines, startAgent, stopAllAgents, wallMs } from './lib/agent-process.js';
import { log, mib, runFigure, sleep, table } from './lib/report.js';
import { cpuSeconds, postgresCpuSeconds, startBenchServer } from './lib/server-process.js';

const PIPELINES = 20;
const ACTIVITIES = 50;
const TASKS = PIPELINES * ACTIVITIES;
const SLOTS = 8;
const TARGET_RATE = 200;
const TARGET_RATIO = 0.5;
const WG = 'bench-agent-throughput';

/** `count` runs of /bin/sh -c true, `width` at a time: tasks per second, and this process's CPU ms per run. */
async function bareLoop(count: number, width: number): Promise<{ rate: number; cpuMs: number }> {
  let next = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const c = spawn('/bin/sh', ['-c', 'true'], { stdio: 'ignore' });
      c.on('error', reject);
      c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sh exited ${code}`))));
    });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        next++;
        await one();
      }
    }),
  );
  const rate = count / ((performance.now() - t0) / 1000);
  const cpu = process.cpuUsage(cpu0);
  return { rate, cpuMs: (cpu.user + cpu.system) / 1000 / count };
}

/** User and system CPU seconds of `pid` (/proc/<pid>/stat, 10 ms ticks): forking shows as system time. */
function userSys(pid: number): { user: number; sys: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(f[11]) / 100, sys: Number(f[12]) / 100 };
}

void runFigure(async () => {
  log('compiling the agent (tsc -p tsconfig.build.json into a temp dir)');
  const [compiled, server] = await Promise.all([compileAgent(), startBenchServer('postgres', { pollWaitS: 20 })]);
  const c = benchClient(server.url, 8);
  try {
    log(`defining and activating ${PIPELINES} pipelines x ${ACTIVITIES} activities (command: true)`);
    const ids = await defineShellPipelines(c, { count: PIPELINES, activities: ACTIVITIES, workerGroup: WG, prefix: WG, command: () => 'true' });
    await activateAll(c, ids);

    log(`bare loop: ${TASKS} x /bin/sh -c true, ${SLOTS} at a time`);
    await bareLoop(50, SLOTS); // warm-up
    const { rate: bare, cpuMs: bareCpuMs } = await bareLoop(TASKS, SLOTS);
    log(`bare loop: ${bare.toFixed(0)} /s, ${bareCpuMs.toFixed(2)} ms CPU per run`);

    let firstRunning: number | undefined;
    let finishedLines = 0;
    let allLogged: () => void = () => {};
    const logged = new Promise<void>((r) => (allLogged = r));
    log(`agent: --tasks ${SLOTS}, draining ${TASKS} tasks`);
    const agent = startAgent({
      url: server.url,
      workerGroup: WG,
      tasks: SLOTS,
      cli: compiled.cli,
      onLine: (line, at) => {
        if (firstRunning === undefined && line.includes(' running ShellCommandActivity ')) firstRunning = at;
        if (/ task \S+: FINISHED$/.test(line) && ++finishedLines === TASKS) allLogged();
      },
    });
    const serverCpu0 = cpuSeconds(server.pid);
    const pgCpu0 = postgresCpuSeconds();
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, agent.rssKb() || 0)), 100);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`only ${finishedLines} of ${TASKS} tasks finished within 80 s`)), 80_000);
    });
    await Promise.race([logged, deadline]).finally(() => clearTimeout(timer));
    // The agent logs FINISHED before its SetTaskStatus is delivered: the run ends when the server has them all.
    let onServer = 0;
    for (let i = 0; i < 200 && (onServer = await countFinished(c, ids)) < TASKS; i++) await sleep(20);
    const end = wallMs();
    clearInterval(sampler);
    if (onServer < TASKS) throw new Error(`the server reports ${onServer} of ${TASKS} FINISHED`);
    const cpu = agent.cpuSeconds();
    const split = userSys(agent.pid);
    const serverCpu = cpuSeconds(server.pid) - serverCpu0;
    const pgCpu = postgresCpuSeconds() - pgCpu0;
    await agent.stop();
    const wall = (end - (firstRunning as number)) / 1000;
    const rate = TASKS / wall;
    const ratio = rate / bare;
    log(`agent: ${rate.toFixed(0)} tasks/s (${(ratio * 100).toFixed(0)} % of the bare loop), peak RSS ${mib(peakRss)}; CPU s: agent ${cpu.toFixed(1)}, server ${serverCpu.toFixed(1)}, postgres ${pgCpu.toFixed(1)}, wall ${wall.toFixed(1)}`);

    const body = [
      `${TASKS} tasks (${PIPELINES} on-demand pipelines x ${ACTIVITIES} independent ShellCommandActivities, \`command: true\`), ` +
        `activated before the agent starts, drained by one \`taskrunner --tasks ${SLOTS}\` process, compiled as ` +
        `\`npm run build\` does and run with plain node (\`node agent/cli.js\`, what the installed command runs), against ` +
        `\`datapipe-server\` on PostgreSQL (its own process, on a fresh database, --poll-wait 20). Timed from the agent starting its first task to the server reporting all ${TASKS} instances ` +
        `FINISHED (QueryObjects @status EQ FINISHED). Per task the agent journals the attempt (no fsync), acknowledges ` +
        `it (ReportTaskProgress), writes the script, runs \`/bin/bash <script>\` in its own process group with ` +
        `stdout/stderr to the attempt's log files, waits for the group to be gone, writes the final status to the ` +
        `outbox (its fsync asynchronous, off the main thread) and sends SetTaskStatus. The bare loop is Node spawning \`/bin/sh -c true\` ${SLOTS} at a time, ${TASKS} times, ` +
        `in the benchmark process with the server idle: the ceiling for starting processes here.`,
      '',
      table(
        ['', 'tasks/s', 'relative', 'CPU per task'],
        [
          ['bare loop (`/bin/sh -c true`, 8 at a time)', bare.toFixed(0), '100 %', `${bareCpuMs.toFixed(2)} ms (the Node process)`],
          [
            `taskrunner --tasks ${SLOTS}`,
            rate.toFixed(0),
            `${(ratio * 100).toFixed(0)} %`,
            `${((cpu * 1000) / TASKS).toFixed(2)} ms agent (${((split.user * 1000) / TASKS).toFixed(2)} user + ` +
              `${((split.sys * 1000) / TASKS).toFixed(2)} system) + ${((serverCpu * 1000) / TASKS).toFixed(2)} ms server + ` +
              `${((pgCpu * 1000) / TASKS).toFixed(2)} ms PostgreSQL`,
          ],
        ],
      ),
      '',
      `CPU per task: the agent process's CPU seconds (start-up included), the server's and all PostgreSQL processes' ` +
        `during the drain, from /proc/<pid>/stat, divided by ${TASKS} (the agent's children, bash, are not counted); the drain took ${wall.toFixed(1)} s. The agent's peak RSS was ${mib(peakRss)}.`,
      '',
      `Targets: ${TARGET_RATE}+ tasks/s: ${rate >= TARGET_RATE ? 'met' : 'missed'}; at least ${TARGET_RATIO * 100} % of ` +
        `the bare loop: ${ratio >= TARGET_RATIO ? 'met' : 'missed'}.`,
    ].join('\n');
    return {
      name: 'agent-throughput',
      title: 'Tasks per second through the agent',
      body,
      targets: [
        { what: `${TARGET_RATE}+ trivial tasks/s (got ${rate.toFixed(0)})`, met: rate >= TARGET_RATE },
        { what: `at least half the bare spawn loop's rate (got ${(ratio * 100).toFixed(0)} % of ${bare.toFixed(0)}/s)`, met: ratio >= TARGET_RATIO },
      ],
    };
  } finally {
    c.destroy();
    await stopAllAgents();
    await server.stop();
    compiled.remove();
  }
});
