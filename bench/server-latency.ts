/**
 * Figure: latency from ActivatePipeline to the task arriving at a poller that is already waiting. A poll is held,
 * then a one-activity on-demand pipeline is activated; measured from the start of the ActivatePipeline call to
 * the poll's response, 200 times (after a few unmeasured warm-up rounds).
 */
import { performance } from 'node:perf_hooks';
import { ActivatePipelineCommand, PollForTaskCommand, SetTaskStatusCommand } from '@aws-sdk/client-data-pipeline';
import { benchClient, definePipelines } from './lib/client.js';
import { log, ms, percentile, runFigure, sleep, table } from './lib/report.js';
import { cpuSeconds, startBenchServer, STORE_LABEL, STORES } from './lib/server-process.js';
import type { StoreKind } from './lib/server-process.js';

const REPS = 200;
const WARMUP = 10;
/** How long the poll is given to reach the server and be held before the activation is sent. */
const POLL_HEAD_START_MS = 20;
const TARGET_P50 = 10;
const TARGET_P99 = 50;

interface Run {
  store: StoreKind;
  p50: number;
  p99: number;
  max: number;
  /** ActivatePipeline's own response time, for comparison. */
  activateP50: number;
  /** How often the task reached the poller before ActivatePipeline's response reached the caller. */
  taskFirst: number;
  /** From ActivatePipeline's response to the poll's response (negative when the task came first). */
  afterP50: number;
  /** Server process CPU per measured repetition (activation, poll, finish), less sensitive to other load than latency. */
  serverCpuMs: number;
}

async function measureStore(store: StoreKind): Promise<Run> {
  const server = await startBenchServer(store, { pollWaitS: 30 });
  const c = benchClient(server.url, 8);
  try {
    log(`${store}: defining ${REPS + WARMUP} one-activity pipelines`);
    const ids = await definePipelines(c, { count: REPS + WARMUP, activities: 1, workerGroup: 'bench-latency', prefix: 'lat' });
    const latencies: number[] = [];
    const activations: number[] = [];
    const after: number[] = [];
    let taskFirst = 0;
    let cpu0 = 0;
    for (const [i, pipelineId] of ids.entries()) {
      if (i === WARMUP) cpu0 = cpuSeconds(server.pid);
      let pollDone = 0;
      const poll = c.send(new PollForTaskCommand({ workerGroup: 'bench-latency', hostname: 'lat' })).then((r) => {
        pollDone = performance.now();
        return r;
      });
      await sleep(POLL_HEAD_START_MS);
      const t0 = performance.now();
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      const activated = performance.now();
      const { taskObject } = await poll;
      if (taskObject?.pipelineId !== pipelineId) throw new Error(`poll ${i} answered ${taskObject ? `a task of ${taskObject.pipelineId}` : 'empty'}`);
      await c.send(new SetTaskStatusCommand({ taskId: taskObject.taskId, taskStatus: 'FINISHED' }));
      if (i < WARMUP) continue;
      latencies.push(pollDone - t0);
      activations.push(activated - t0);
      after.push(pollDone - activated);
      if (pollDone < activated) taskFirst++;
    }
    latencies.sort((a, b) => a - b);
    activations.sort((a, b) => a - b);
    after.sort((a, b) => a - b);
    const serverCpuMs = ((cpuSeconds(server.pid) - cpu0) * 1000) / REPS;
    const r = {
      store,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1],
      activateP50: percentile(activations, 50),
      taskFirst,
      afterP50: percentile(after, 50),
      serverCpuMs,
    };
    log(`${store}: p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, max ${ms(r.max)}, ActivatePipeline p50 ${ms(r.activateP50)}, then the task p50 ${ms(r.afterP50)}, server CPU ${ms(r.serverCpuMs, 2)} per repetition`);
    return r;
  } finally {
    c.destroy();
    await server.stop();
  }
}

void runFigure(async () => {
  const runs: Run[] = [];
  for (const store of STORES) runs.push(await measureStore(store));
  const met = (r: Run) => r.p50 <= TARGET_P50 && r.p99 <= TARGET_P99;
  const body = [
    `A PollForTask is sent and given ${POLL_HEAD_START_MS} ms to be held; then a one-activity on-demand pipeline (defined ` +
      `beforehand) is activated. Latency = start of the ActivatePipeline call to the poll's response, ${REPS} repetitions ` +
      `after ${WARMUP} unmeasured ones, one at a time. "ActivatePipeline p50" is that call's own response time; ` +
      `"then the task" is the median time from the activation's response to the poll's; ` +
      `"server CPU" is the server process's CPU per repetition (activation, poll and finish); "task first" counts repetitions where the task reached the poller before the activation's response reached its caller.`,
    '',
    table(
      ['store', 'p50', 'p99', 'max', 'ActivatePipeline p50', 'then the task p50', 'server CPU', 'task first'],
      runs.map((r) => [STORE_LABEL[r.store], ms(r.p50), ms(r.p99), ms(r.max), ms(r.activateP50), ms(r.afterP50), ms(r.serverCpuMs, 2), `${r.taskFirst} / ${REPS}`]),
    ),
    '',
    `Target: p50 <= ${TARGET_P50} ms and p99 <= ${TARGET_P99} ms: ` +
      runs.map((r) => `${STORE_LABEL[r.store]} ${met(r) ? 'met' : 'missed'}`).join(', ') +
      '.',
  ].join('\n');
  return {
    name: 'server-latency',
    title: 'Activation to task latency',
    body,
    targets: runs.map((r) => ({
      what: `p50 <= ${TARGET_P50} ms, p99 <= ${TARGET_P99} ms on ${STORE_LABEL[r.store]} (got ${ms(r.p50)} / ${ms(r.p99)})`,
      met: met(r),
    })),
  };
});
