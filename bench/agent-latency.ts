/**
 * Figure: latency from ActivatePipeline to the task's process running. A real, compiled `taskrunner --tasks 8` is idle
 * with its polls held (server --poll-wait 20, PostgreSQL); a one-activity on-demand pipeline whose command is
 * `date +%s%N > <file>` is activated; latency = the child's timestamp - the moment the activation call was made.
 * Repeated for REPS pipelines defined beforehand, one at a time, each once the previous one has finished.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActivatePipelineCommand } from '@aws-sdk/client-data-pipeline';
import { benchClient } from './lib/client.js';
import { compileAgent, defineShellPipelines, startAgent, stopAllAgents, wallMs } from './lib/agent-process.js';
import { log, ms, percentile, runFigure, sleep, table } from './lib/report.js';
import { startBenchServer } from './lib/server-process.js';

const REPS = 120;
const WARMUP = 5;
const SLOTS = 8;
const TARGET_P50 = 10;
const TARGET_P99 = 50;
const WG = 'bench-agent-latency';

void runFigure(async () => {
  log('compiling the agent (tsc -p tsconfig.build.json into a temp dir)');
  const [compiled, server] = await Promise.all([compileAgent(), startBenchServer('postgres', { pollWaitS: 20 })]);
  const c = benchClient(server.url, 4);
  let finished = 0;
  let runningAt = NaN;
  let ready: () => void = () => {};
  const started = new Promise<void>((r) => (ready = r));
  const agent = startAgent({
    url: server.url,
    workerGroup: WG,
    tasks: SLOTS,
    cli: compiled.cli,
    onLine: (line) => {
      if (/ task \S+: FINISHED$/.test(line)) finished++;
      if (line.includes(' running ShellCommandActivity ')) runningAt = wallMs();
      if (line.includes(' task slot(s), ')) ready();
    },
  });
  try {
    const stamps = join(agent.dir, 'stamps');
    mkdirSync(stamps);
    const n = WARMUP + REPS;
    log(`defining ${n} one-activity pipelines`);
    const ids = await defineShellPipelines(c, {
      count: n,
      activities: 1,
      workerGroup: WG,
      prefix: WG,
      command: (p) => `date +%s%N > ${stamps}/${p}.tmp && mv ${stamps}/${p}.tmp ${stamps}/${p}`,
    });
    await started;
    await sleep(2000); // every slot's poll is held by now
    log(`activating ${n} pipelines one at a time (${WARMUP} warm-up)`);
    const latencies: number[] = [];
    const activation: number[] = [];
    const acked: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = wallMs();
      await c.send(new ActivatePipelineCommand({ pipelineId: ids[i] }));
      const t1 = wallMs();
      const file = join(stamps, String(i));
      for (const limit = Date.now() + 20_000; !existsSync(file) || finished <= i; ) {
        if (Date.now() > limit) throw new Error(`pipeline ${i}'s task did not run within 20 s`);
        await sleep(2);
      }
      const childMs = Number(BigInt(readFileSync(file, 'utf8').trim()) / 1000n) / 1000;
      if (i >= WARMUP) {
        latencies.push(childMs - t0);
        activation.push(t1 - t0);
        acked.push(runningAt - t0);
      }
      // The slot that ran it polls again; the other slots' polls stay held meanwhile.
      await sleep(20);
    }
    latencies.sort((a, b) => a - b);
    activation.sort((a, b) => a - b);
    acked.sort((a, b) => a - b);
    const [p50, p90, p99, max] = [percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99), latencies[latencies.length - 1]];
    log(`p50 ${ms(p50)}, p90 ${ms(p90)}, p99 ${ms(p99)}, max ${ms(max)}; activation call p50 ${ms(percentile(activation, 50))}, acked p50 ${ms(percentile(acked, 50))}`);
    const body = [
      `A \`taskrunner --tasks ${SLOTS}\` process (compiled, \`node agent/cli.js\`, as the installed command runs) idle ` +
        `against \`datapipe-server\` on PostgreSQL (its own process, on a fresh database, --poll-wait 20), so its polls are held when the work arrives. ${REPS} one-activity on-demand ` +
        `pipelines (defined beforehand; ${WARMUP} more before them as warm-up) are activated one at a time, each once ` +
        `the previous one's task has finished; the activity's command starts with \`date +%s%N\`. Latency = that ` +
        `timestamp - the wall-clock time the ActivatePipeline call was made, so it includes the activation itself ` +
        `(a store transaction), the claim and the answer to the held poll, the agent's journal entry (no fsync), its ` +
        `acknowledgement (ReportTaskProgress), writing the script, spawning \`/bin/bash <script>\`, and bash ` +
        `starting \`date\`.`,
      '',
      table(
        ['from the ActivatePipeline call to', 'p50', 'p90', 'p99', 'max'],
        [
          ['its answer', ...[50, 90, 99, 100].map((p) => ms(percentile(activation, p)))],
          ['the agent logging "running" (acknowledged; seen by the benchmark)', ...[50, 90, 99, 100].map((p) => ms(percentile(acked, p)))],
          ['**the child\'s `date +%s%N`**', ms(p50), ms(p90), ms(p99), ms(max)],
        ],
      ),
      '',
      `Targets: p50 ${TARGET_P50} ms: ${p50 <= TARGET_P50 ? 'met' : 'missed'}; p99 ${TARGET_P99} ms: ${p99 <= TARGET_P99 ? 'met' : 'missed'}.`,
    ].join('\n');
    return {
      name: 'agent-latency',
      title: 'Activation to process start',
      body,
      targets: [
        { what: `p50 activation to process start ${TARGET_P50} ms or less (got ${ms(p50)})`, met: p50 <= TARGET_P50 },
        { what: `p99 activation to process start ${TARGET_P99} ms or less (got ${ms(p99)})`, met: p99 <= TARGET_P99 },
      ],
    };
  } finally {
    c.destroy();
    await stopAllAgents();
    await server.stop();
    compiled.remove();
  }
});
