/**
 * Figure: tasks dispatched per second. 8 pollers, each its own loop as a runner's worker would be:
 * PollForTask -> ReportTaskProgress (the ack; measured with and without) -> SetTaskStatus FINISHED.
 * 2,000 tasks (40 pipelines x 50 independent activities) are activated before timing starts, after an unmeasured
 * warm-up of 50 tasks. The pollers' requests are real SigV4-signed JSON 1.1 requests from a light client
 * (lib/signed-client.ts; BENCH_DISPATCH_CLIENT=sdk sends them through the SDK instead).
 */
import { performance } from 'node:perf_hooks';
import type { DataPipelineClient, TaskObject } from '@aws-sdk/client-data-pipeline';
import { PollForTaskCommand, ReportTaskProgressCommand, SetTaskStatusCommand } from '@aws-sdk/client-data-pipeline';
import { activateAll, benchClient, definePipelines } from './lib/client.js';
import { backendCpu, cpuDelta, serverDatabase } from './lib/pg-cpu.js';
import { SignedJsonClient } from './lib/signed-client.js';
import { log, ms, percentile, runFigure, table } from './lib/report.js';
import { cpuSeconds, postgresCpuSeconds, startBenchServer, STORE_LABEL, STORES } from './lib/server-process.js';
import type { StoreKind } from './lib/server-process.js';

const POLLERS = 8;
const ACTIVITIES = 50;
/**
 * 40 pipelines = 2,000 tasks per measurement; the embedded store drains an eighth of that (250), so that the
 * script stays well under two minutes on it.
 */
const PIPELINES: Record<StoreKind, number> = { postgres: 40, pglite: 5 };
const TARGET_PG = 500;
const WARMUP_PIPELINES = 1;
/**
 * The pollers' requests go through SignedJsonClient (signed with the SDK's signer, without the rest of the SDK)
 * unless BENCH_DISPATCH_CLIENT=sdk: the SDK's own CPU per request took a third of the 2 cores.
 */
const USE_SDK = process.env.BENCH_DISPATCH_CLIENT === 'sdk';

/** The three calls a poller makes, over either client. */
interface Runner {
  poll(workerGroup: string, hostname: string): Promise<TaskObject | undefined>;
  ack(taskId: string): Promise<boolean>;
  finish(taskId: string): Promise<void>;
}

function sdkRunner(c: DataPipelineClient): Runner {
  return {
    poll: async (workerGroup, hostname) => (await c.send(new PollForTaskCommand({ workerGroup, hostname }))).taskObject,
    ack: async (taskId) => (await c.send(new ReportTaskProgressCommand({ taskId }))).canceled ?? false,
    finish: async (taskId) => void (await c.send(new SetTaskStatusCommand({ taskId, taskStatus: 'FINISHED' }))),
  };
}

function lightRunner(c: SignedJsonClient): Runner {
  return {
    poll: async (workerGroup, hostname) => (await c.call<{ taskObject?: TaskObject }>('PollForTask', { workerGroup, hostname })).taskObject,
    ack: async (taskId) => (await c.call<{ canceled?: boolean }>('ReportTaskProgress', { taskId })).canceled ?? false,
    finish: async (taskId) => void (await c.call('SetTaskStatus', { taskId, taskStatus: 'FINISHED' })),
  };
}

interface Run {
  store: StoreKind;
  ack: boolean;
  tasks: number;
  tasksPerSec: number;
  p50: number;
  p99: number;
  cpu: { server: number; client: number; postgres: number; ownDb: number; wall: number };
}

async function drain(c: Runner, workerGroup: string, ack: boolean, serverPid: number, tasks: number): Promise<Omit<Run, 'store' | 'ack' | 'tasks'>> {
  let started = 0;
  const rtts: number[] = [];
  const seen = new Set<string>();
  const poller = async (i: number) => {
    // Each poll is counted before it is sent; exactly `tasks` polls go out, each finding a waiting task.
    while (started < tasks) {
      started++;
      const t0 = performance.now();
      const taskObject = await c.poll(workerGroup, `bench-${i}`);
      if (!taskObject?.taskId) throw new Error('PollForTask answered empty while tasks were waiting');
      if (seen.has(taskObject.taskId)) throw new Error(`task ${taskObject.attemptId} handed out twice`);
      seen.add(taskObject.taskId);
      if (ack) {
        if (await c.ack(taskObject.taskId)) throw new Error(`task ${taskObject.attemptId} canceled`);
      }
      await c.finish(taskObject.taskId);
      rtts.push(performance.now() - t0);
    }
  };
  const db = serverDatabase(serverPid);
  const ownDb0 = db ? await backendCpu(db) : new Map<number, number>();
  const cpu0 = { server: cpuSeconds(serverPid), client: process.cpuUsage(), postgres: postgresCpuSeconds() };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: POLLERS }, (_, i) => poller(i)));
  const wall = (performance.now() - t0) / 1000;
  const clientCpu = process.cpuUsage(cpu0.client);
  const cpu1 = { server: cpuSeconds(serverPid), postgres: postgresCpuSeconds(), ownDb: db ? cpuDelta(ownDb0, await backendCpu(db)) : 0 };
  if (rtts.length !== tasks) throw new Error(`${rtts.length} of ${tasks} tasks completed`);
  rtts.sort((a, b) => a - b);
  return {
    tasksPerSec: tasks / wall,
    p50: percentile(rtts, 50),
    p99: percentile(rtts, 99),
    cpu: {
      server: cpu1.server - cpu0.server,
      client: (clientCpu.user + clientCpu.system) / 1e6,
      postgres: cpu1.postgres - cpu0.postgres,
      ownDb: cpu1.ownDb,
      wall,
    },
  };
}

async function measureStore(store: StoreKind): Promise<Run[]> {
  const server = await startBenchServer(store, { pollWaitS: 10 });
  const c = benchClient(server.url, 16);
  const light = new SignedJsonClient(server.url, 16);
  const runner = USE_SDK ? sdkRunner(c) : lightRunner(light);
  try {
    const runs: Run[] = [];
    const pipelines = PIPELINES[store];
    const tasks = pipelines * ACTIVITIES;
    // Not measured: the first tasks pay for JIT compilation, prepared statements and the definition cache, which
    // otherwise land on whichever measurement runs first.
    const warm = await definePipelines(c, { count: WARMUP_PIPELINES, activities: ACTIVITIES, workerGroup: 'bench-warmup', prefix: 'bench-warmup' });
    await activateAll(c, warm);
    await drain(runner, 'bench-warmup', true, server.pid, WARMUP_PIPELINES * ACTIVITIES);
    for (const ack of [true, false]) {
      const wg = ack ? 'bench-ack' : 'bench-noack';
      log(`${store}: defining and activating ${pipelines} pipelines x ${ACTIVITIES} activities (${wg})`);
      const ids = await definePipelines(c, { count: pipelines, activities: ACTIVITIES, workerGroup: wg, prefix: wg });
      await activateAll(c, ids);
      log(`${store}: ${POLLERS} pollers draining ${tasks} tasks${ack ? ' with ReportTaskProgress' : ''}`);
      const r = await drain(runner, wg, ack, server.pid, tasks);
      log(`${store}: ${r.tasksPerSec.toFixed(0)} tasks/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}`);
      runs.push({ store, ack, tasks, ...r });
    }
    return runs;
  } finally {
    c.destroy();
    light.destroy();
    await server.stop();
  }
}

void runFigure(async () => {
  const runs: Run[] = [];
  for (const store of STORES) runs.push(...(await measureStore(store)));
  const pgAck = runs.find((r) => r.store === 'postgres' && r.ack) as Run;
  const perTask = (cpuS: number, r: Run) => (cpuS * 1000) / r.tasks;
  const body = [
    `${PIPELINES.postgres * ACTIVITIES} tasks on PostgreSQL, ${PIPELINES.pglite * ACTIVITIES} on the embedded store ` +
      `(on-demand pipelines of ${ACTIVITIES} independent ShellCommandActivities, activated before timing), drained by ` +
      `${POLLERS} concurrent pollers, each its own loop: PollForTask, ReportTaskProgress once (the ack a real runner ` +
      `sends; "without" leaves it out), SetTaskStatus FINISHED. Round trip = poll sent to SetTaskStatus answered. ` +
      `The pollers send real SigV4-signed JSON 1.1 requests ` +
      (USE_SDK ? `through the AWS SDK client. ` : `signed with the SDK's signer (@smithy/signature-v4) over keep-alive node:http, without the rest of the SDK. `) +
      `The CPU columns are milliseconds of CPU per task used during the drain by the server process, the client ` +
      `(the bench process) and PostgreSQL: the backends of the bench's own database ("own DB"), and every postgres ` +
      `process on the machine ("all", other sessions' queries included); with 2 cores, 1000 / (server + client + ` +
      `own DB) x 2 is about the most tasks per second this machine could do if nothing waited.`,
    '',
    table(
      ['store', 'ack', 'tasks', 'tasks/s', 'p50 round trip', 'p99 round trip', 'server CPU/task', 'client CPU/task', 'PostgreSQL CPU/task (own DB)', 'PostgreSQL CPU/task (all)'],
      runs.map((r) => [
        STORE_LABEL[r.store],
        r.ack ? 'with' : 'without',
        String(r.tasks),
        r.tasksPerSec.toFixed(0),
        ms(r.p50),
        ms(r.p99),
        ms(perTask(r.cpu.server, r), 2),
        ms(perTask(r.cpu.client, r), 2),
        r.store === 'postgres' ? ms(perTask(r.cpu.ownDb, r), 2) : '-',
        r.store === 'postgres' ? ms(perTask(r.cpu.postgres, r), 2) : '-',
      ]),
    ),
    '',
    `Target: ${TARGET_PG} tasks/s or more on PostgreSQL (with the ack): ${pgAck.tasksPerSec >= TARGET_PG ? 'met' : 'missed'}.`,
  ].join('\n');
  return {
    name: 'server-dispatch',
    title: 'Tasks dispatched per second',
    body,
    targets: [{ what: `${TARGET_PG}+ tasks/s on PostgreSQL with the ack (got ${pgAck.tasksPerSec.toFixed(0)})`, met: pgAck.tasksPerSec >= TARGET_PG }],
  };
});
