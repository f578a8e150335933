/**
 * Figure: the agent at rest, compiled as users run it, against the control plane on PostgreSQL. (1) RSS over 10,000
 * empty polls: a `taskrunner --tasks 8` against a server whose --poll-wait is 10 ms, with the agent's shortest interval between empty polls cut to 1 ms
 * (TASKRUNNER_MIN_POLL_INTERVAL_MS) so the polls come quickly; RSS sampled every 1,000 polls, counted as they reach
 * the server (through a counting forwarder). (2) CPU while idle with the normal hold (--poll-wait 20): CPU seconds
 * over one 20 s hold, 25 s after start-up. (3) Start-up: spawn to the first PollForTask reaching the server, 5 times.
 * The comparison with tsx is agent-compiled.ts.
 */
import { compileAgent, startAgent, startCountingProxy, startups, stopAllAgents, until, wallMs } from './lib/agent-process.js';
import type { BenchAgent, CountingProxy } from './lib/agent-process.js';
import { log, mib, ms, percentile, runFigure, sleep, table } from './lib/report.js';
import { startBenchServer } from './lib/server-process.js';

const POLLS = 10_000;
const SAMPLE_EVERY = 1000;
const SLOTS = 8;
/** One whole hold: the window sees each slot's poll end and be sent again once. */
const IDLE_S = 20;
/** From the first poll to the idle window: V8's memory reducer runs up to three GCs some 8 s apart after start-up. */
const SETTLE_S = 25;
const STARTS = 5;
const TARGET_RSS_MIB = 60;
/** "No growth": RSS at the last sample at most this much above the sample at 2,000 polls (after warm-up). */
const GROWTH_TOLERANCE_MIB = 3;
const TARGET_IDLE_CPU_PCT = 0.5;

async function emptyPolls(proxy: CountingProxy, cli: string): Promise<{ polls: number; rssKb: number; atS: number }[]> {
  const agent = startAgent({ url: proxy.url, workerGroup: 'bench-agent-idle-fast', tasks: SLOTS, cli, env: { TASKRUNNER_MIN_POLL_INTERVAL_MS: '1' } });
  const samples: { polls: number; rssKb: number; atS: number }[] = [];
  try {
    const base = proxy.polls;
    const t0 = Date.now();
    samples.push({ polls: 0, rssKb: NaN, atS: 0 });
    await until('the first poll', () => proxy.polls > base, 30_000);
    samples[0] = { polls: 0, rssKb: agent.rssKb(), atS: (Date.now() - t0) / 1000 };
    for (let k = SAMPLE_EVERY; k <= POLLS; k += SAMPLE_EVERY) {
      await until(`${k} empty polls`, () => proxy.polls - base >= k, 40_000);
      samples.push({ polls: k, rssKb: agent.rssKb(), atS: (Date.now() - t0) / 1000 });
      log(`${k} polls after ${samples[samples.length - 1].atS.toFixed(1)} s: RSS ${mib(samples[samples.length - 1].rssKb)}`);
    }
  } finally {
    await agent.stop();
  }
  return samples;
}

/** CPU share of `agent` over IDLE_S seconds, starting `afterMs` from now. */
async function idleCpu(agent: BenchAgent, afterMs: number): Promise<number> {
  await sleep(afterMs);
  const cpu0 = agent.cpuSeconds();
  const t0 = wallMs();
  await sleep(IDLE_S * 1000);
  return (agent.cpuSeconds() - cpu0) / ((wallMs() - t0) / 1000);
}

void runFigure(async () => {
  log('compiling the agent (tsc -p tsconfig.build.json into a temp dir)');
  const [compiled, fast, held] = await Promise.all([
    compileAgent(),
    startBenchServer('postgres', { pollWaitS: 0.01 }),
    startBenchServer('postgres', { pollWaitS: 20 }),
  ]);
  const proxies = await Promise.all([startCountingProxy(fast.url), startCountingProxy(held.url)]);
  try {
    log(`start-up x ${STARTS} (server --poll-wait 20)`);
    const h = await startups(proxies[1], 'compiled', { count: STARTS, tasks: SLOTS, cli: compiled.cli });
    // The last one stays, its polls held: its idle window runs while the other agent makes its empty polls,
    // which adds no ticks to this one's count (it only shares the cores).
    const idle = idleCpu(h.last, SETTLE_S * 1000);
    log(`${POLLS} empty polls (server --poll-wait 0.01)`);
    const samples = await emptyPolls(proxies[0], compiled.cli);
    const idleCpuS = await idle;
    const idleRssKb = h.last.rssKb();
    log(`idle: ${(idleCpuS * 100).toFixed(2)} % CPU, RSS ${mib(idleRssKb)}`);
    await h.last.stop();

    const at = (k: number) => samples.find((s) => s.polls === k) as { rssKb: number };
    const peakKb = Math.max(...samples.map((s) => s.rssKb));
    const growthMib = (samples[samples.length - 1].rssKb - at(2000).rssKb) / 1024;
    const rssOk = peakKb / 1024 <= TARGET_RSS_MIB;
    const growthOk = growthMib <= GROWTH_TOLERANCE_MIB;
    const cpuPct = idleCpuS * 100;
    const startup = [...h.startupMs].sort((a, b) => a - b);
    const firstLine = [...h.firstLineMs].sort((a, b) => a - b);
    const pollRate = POLLS / samples[samples.length - 1].atS;
    const body = [
      `A \`taskrunner --tasks ${SLOTS}\` process, compiled as \`npm run build\` does and run with plain node ` +
        `(\`node agent/cli.js\`, what the installed command runs), against \`datapipe-server\` on PostgreSQL (a fresh ` +
        `database), through a counting HTTP forwarder in the benchmark process that notes each PollForTask as it ` +
        `arrives. RSS is the agent process's VmRSS.`,
      '',
      `**RSS over ${POLLS.toLocaleString('en')} empty polls.** Server --poll-wait 0.01 (10 ms holds) and the agent's ` +
        `shortest interval between empty polls cut from 1 s to 1 ms (the undocumented TASKRUNNER_MIN_POLL_INTERVAL_MS), ` +
        `so the ${POLLS.toLocaleString('en')} polls took ${samples[samples.length - 1].atS.toFixed(0)} s ` +
        `(${pollRate.toFixed(0)} polls/s; at the normal pace, 8 slots and a 90 s hold, that is over a day of idling).`,
      '',
      table(
        ['polls', ...samples.map((s) => s.polls.toLocaleString('en'))],
        [['RSS', ...samples.map((s) => mib(s.rssKb))]],
      ),
      '',
      `**CPU while idle**, with the normal hold (--poll-wait 20: each slot's poll held 20 s): ` +
        `${cpuPct.toFixed(2)} % of one core over ${IDLE_S} s (one whole hold, so every slot's poll ended and was sent ` +
        `again once), starting ${SETTLE_S} s after the first poll (past the GCs V8's memory reducer runs in the first ` +
        `half-minute, 20-70 ms of CPU each); from /proc/<pid>/stat in 10 ms ticks, while the other agent made its empty ` +
        `polls. RSS then ${mib(idleRssKb)}.`,
      '',
      `**Start-up**, spawn to the first PollForTask reaching the server, ${STARTS} starts: median ` +
        `${ms(percentile(startup, 50), 0)} (min ${ms(startup[0], 0)}, max ${ms(startup[startup.length - 1], 0)}); the ` +
        `first log line came after a median ${ms(percentile(firstLine, 50), 0)}.`,
      '',
      `Targets: RSS ${TARGET_RSS_MIB} MiB or less: ${rssOk ? 'met' : 'missed'} (peak ${mib(peakKb)}); no growth ` +
        `(at most ${GROWTH_TOLERANCE_MIB} MiB from 2,000 to ${POLLS.toLocaleString('en')} polls): ${growthOk ? 'met' : 'missed'} ` +
        `(${growthMib >= 0 ? '+' : ''}${growthMib.toFixed(1)} MiB); idle CPU about 0 % (under ${TARGET_IDLE_CPU_PCT} %): ` +
        `${cpuPct < TARGET_IDLE_CPU_PCT ? 'met' : 'missed'}.`,
    ].join('\n');
    return {
      name: 'agent-idle',
      title: 'At rest: memory over 10,000 polls, idle CPU, start-up',
      body,
      targets: [
        { what: `RSS ${TARGET_RSS_MIB} MiB or less over ${POLLS} empty polls (peak ${mib(peakKb)})`, met: rssOk },
        { what: `no RSS growth from 2,000 to ${POLLS} polls (${growthMib.toFixed(1)} MiB)`, met: growthOk },
        { what: `idle CPU about 0 % (${cpuPct.toFixed(2)} %)`, met: cpuPct < TARGET_IDLE_CPU_PCT },
      ],
    };
  } finally {
    await stopAllAgents();
    await Promise.all(proxies.map((p) => p.close()));
    await Promise.all([fast.stop(), held.stop()]);
    compiled.remove();
  }
});
