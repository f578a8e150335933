/**
 * Figure: the agent at rest, compiled as users run it, against the control plane on PostgreSQL. (1) RSS over 10,000
 * empty polls: a `taskrunner --tasks 8` against a server whose --poll-wait is 10 ms, with the agent's shortest interval between empty polls cut to 1 ms
 * (TASKRUNNER_MIN_POLL_INTERVAL_MS) so the polls come quickly; RSS sampled every 1,000 polls, counted as they reach
 * the server (through a counting forwarder). (2) CPU while idle with the normal hold (--poll-wait 20): CPU seconds
 * over one 20 s hold, 25 s after start-up. (3) Start-up: spawn to the first PollForTask reaching the server, 5 times.
 * The comparison with tsx is agent-compiled.ts.
 */
import { compileAgent, startAgent, startCountingProxy, startSdkFloor, startups, stopAllAgents, until, wallMs } from './lib/agent-process.js';
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
/** At rest (every poll held) this long before RSS is read: past the agent's idle collection (idle-gc.ts, every 30 s). */
const REST_S = 35;
const STARTS = 5;
/** 60 MB, as the issue states it. */
const TARGET_RSS_MIB = 60e6 / 2 ** 20;
/** "No growth": RSS at rest after the last poll at most this much above RSS at rest after 2,000 (past warm-up: JIT). */
const GROWTH_TOLERANCE_MIB = 3;
const TARGET_IDLE_CPU_PCT = 0.5;

interface PollSample {
  polls: number;
  rssKb: number;
  atS: number;
}
interface EmptyPolls {
  /** While polling, every SAMPLE_EVERY polls. */
  samples: PollSample[];
  /** At rest (every poll held, REST_S in) before the polls, after 2,000 and after all of them. */
  rest: { polls: number; rssKb: number }[];
  /** The SDK alone, polling in the same windows, at rest at the same moments (sdk-floor-child.mjs). */
  floor: number[];
  /** Its polls by then. */
  floorPolls: number[];
  pollsPerS: number;
}

/**
 * The agent's polls, held by the forwarder at the rest points (the state of a deployed agent with no work), released
 * to run at full speed in between.
 */
async function emptyPolls(proxy: CountingProxy, floorProxy: CountingProxy, cli: string): Promise<EmptyPolls> {
  proxy.holding = true;
  const agent = startAgent({ url: proxy.url, workerGroup: 'bench-agent-idle-fast', tasks: SLOTS, cli, env: { TASKRUNNER_MIN_POLL_INTERVAL_MS: '1' } });
  // Held and released with the agent's: the floor makes the same kind of polls at the same times.
  floorProxy.holding = true;
  const floorProc = startSdkFloor(floorProxy.url, 'bench-agent-idle-floor', SLOTS);
  const samples: PollSample[] = [];
  const rest: EmptyPolls['rest'] = [];
  const floor: number[] = [];
  const floorPolls: number[] = [];
  let pollingS = 0;
  try {
    await until('the first polls', () => proxy.polls >= SLOTS && floorProxy.polls >= SLOTS, 30_000);
    const base = proxy.polls;
    const atRest = async (polls: number) => {
      proxy.holding = true;
      floorProxy.holding = true;
      await sleep(REST_S * 1000);
      rest.push({ polls, rssKb: agent.rssKb() });
      floor.push(floorProc.rssKb());
      floorPolls.push(floorProxy.polls);
      log(`at rest after ${polls} polls: RSS ${mib(rest[rest.length - 1].rssKb)} (SDK alone ${mib(floor[floor.length - 1])} after ${floorProxy.polls} polls)`);
    };
    await atRest(0);
    for (const upTo of [2000, POLLS]) {
      const t0 = Date.now();
      proxy.release();
      floorProxy.release();
      for (let k = Math.max(SAMPLE_EVERY, (samples[samples.length - 1]?.polls ?? 0) + SAMPLE_EVERY); k <= upTo; k += SAMPLE_EVERY) {
        await until(`${k} empty polls`, () => proxy.polls - base >= k, 40_000);
        samples.push({ polls: k, rssKb: agent.rssKb(), atS: pollingS + (Date.now() - t0) / 1000 });
      }
      pollingS += (Date.now() - t0) / 1000;
      await atRest(upTo);
    }
  } finally {
    await Promise.all([agent.stop(), floorProc.stop()]);
  }
  return { samples, rest, floor, floorPolls, pollsPerS: POLLS / pollingS };
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
  const proxies = await Promise.all([startCountingProxy(fast.url), startCountingProxy(held.url), startCountingProxy(fast.url)]);
  try {
    log(`start-up x ${STARTS} (server --poll-wait 20)`);
    const h = await startups(proxies[1], 'compiled', { count: STARTS, tasks: SLOTS, cli: compiled.cli });
    // The last one stays, its polls held: its idle window runs while the other agent makes its empty polls,
    // which adds no ticks to this one's count (it only shares the cores).
    const idle = idleCpu(h.last, SETTLE_S * 1000);
    log(`${POLLS} empty polls (server --poll-wait 0.01)`);
    const e = await emptyPolls(proxies[0], proxies[2], compiled.cli);
    const idleCpuS = await idle;
    const idleRssKb = h.last.rssKb();
    log(`idle: ${(idleCpuS * 100).toFixed(2)} % CPU, RSS ${mib(idleRssKb)}`);
    await h.last.stop();

    const restAt = (k: number) => (e.rest.find((r) => r.polls === k) as { rssKb: number }).rssKb;
    const peakKb = Math.max(...e.samples.map((s) => s.rssKb));
    const afterKb = restAt(POLLS);
    const growthMib = (afterKb - restAt(2000)) / 1024;
    const rssOk = afterKb / 1024 <= TARGET_RSS_MIB;
    const growthOk = growthMib <= GROWTH_TOLERANCE_MIB;
    const cpuPct = idleCpuS * 100;
    const startup = [...h.startupMs].sort((a, b) => a - b);
    const firstLine = [...h.firstLineMs].sort((a, b) => a - b);
    const floorAfterKb = e.floor[e.floor.length - 1];
    const floorGrowthMib = (floorAfterKb - e.floor[1]) / 1024;
    const body = [
      `A \`taskrunner --tasks ${SLOTS}\` process, compiled as \`npm run build\` does and run with plain node ` +
        `(\`node agent/cli.js\`, what the installed command runs, with systemd/taskrunner.service's node flags and ` +
        `MALLOC_ARENA_MAX), against \`datapipe-server\` on PostgreSQL (a fresh database), through a counting HTTP ` +
        `forwarder in the benchmark process that notes each PollForTask as it arrives. RSS is the agent process's VmRSS.`,
      '',
      `**RSS after ${POLLS.toLocaleString('en')} empty polls.** Server --poll-wait 0.01 (10 ms holds) and the agent's ` +
        `shortest interval between empty polls cut from 1 s to 1 ms (the undocumented TASKRUNNER_MIN_POLL_INTERVAL_MS), ` +
        `so the polls ran at ${e.pollsPerS.toFixed(0)} polls/s (at the normal pace, 8 slots and a 90 s hold, ` +
        `${POLLS.toLocaleString('en')} polls are over a day of idling). At rest: the forwarder holds every poll (the ` +
        `state of a deployed agent with no work) and RSS is read ${REST_S} s later, before the polls, after 2,000 and ` +
        `after ${POLLS.toLocaleString('en')}. Side by side, the floor: a node process with the same flags and environment ` +
        `that loads \`@aws-sdk/client-data-pipeline\` and keeps ${SLOTS} PollForTask calls going, nothing else ` +
        `(bench/lib/sdk-floor-child.mjs), through its own forwarder, held and released with the agent's: it made ` +
        `${e.floorPolls.map((n) => n.toLocaleString('en')).join(', ')} polls by the three rests.`,
      '',
      table(
        ['at rest', 'before the polls', 'after 2,000', `after ${POLLS.toLocaleString('en')}`],
        [
          ['agent RSS', ...e.rest.map((r) => mib(r.rssKb))],
          ['floor: node + the SDK client polling alike', ...e.floor.map((k) => mib(k))],
        ],
      ),
      '',
      `While polling at full speed (V8's heap at its working size; informative, not a target):`,
      '',
      table(
        ['polls', ...e.samples.map((s) => s.polls.toLocaleString('en'))],
        [['RSS', ...e.samples.map((s) => mib(s.rssKb))]],
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
      `Targets: RSS at rest after ${POLLS.toLocaleString('en')} polls 60 MB (${TARGET_RSS_MIB.toFixed(1)} MiB) or less: ` +
        `${rssOk ? 'met' : 'missed'} (${mib(afterKb)}; node and the SDK alone, polling alike: ${mib(floorAfterKb)}); no growth ` +
        `(at most ${GROWTH_TOLERANCE_MIB} MiB at rest from 2,000 to ${POLLS.toLocaleString('en')} polls): ${growthOk ? 'met' : 'missed'} ` +
        `(${growthMib >= 0 ? '+' : ''}${growthMib.toFixed(1)} MiB; the floor ${floorGrowthMib >= 0 ? '+' : ''}${floorGrowthMib.toFixed(1)} MiB); idle CPU about 0 % (under ${TARGET_IDLE_CPU_PCT} %): ` +
        `${cpuPct < TARGET_IDLE_CPU_PCT ? 'met' : 'missed'}.`,
    ].join('\n');
    return {
      name: 'agent-idle',
      title: 'At rest: memory over 10,000 polls, idle CPU, start-up',
      body,
      targets: [
        { what: `RSS 60 MB or less at rest after ${POLLS} empty polls (${mib(afterKb)}; node + SDK alone ${mib(floorAfterKb)}; peak while polling ${mib(peakKb)})`, met: rssOk },
        { what: `no RSS growth at rest from 2,000 to ${POLLS} polls (${growthMib.toFixed(1)} MiB; node + SDK alone ${floorGrowthMib.toFixed(1)} MiB)`, met: growthOk },
        { what: `idle CPU about 0 % (${cpuPct.toFixed(2)} %)`, met: cpuPct < TARGET_IDLE_CPU_PCT },
      ],
    };
  } finally {
    await stopAllAgents();
    await Promise.all(proxies.map((p) => p.close()));
    await Promise.all([fast.stop(), held.stop()]);
    compiled.remove();
  }
}, 200);
