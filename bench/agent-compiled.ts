/**
 * Figure: the compiled agent, as the installed `taskrunner` runs it (`tsc -p tsconfig.build.json`, then
 * `node agent/cli.js`, no tsx): start-up (spawn to the first PollForTask reaching the server) 5 times, and RSS and
 * idle CPU with every poll held (--poll-wait 20), next to the same through tsx. Compiled into a temp dir, so dist/
 * is neither needed nor touched.
 */
import { compileAgent, startCountingProxy, startups, stopAllAgents, wallMs } from './lib/agent-process.js';
import type { BenchAgent } from './lib/agent-process.js';
import { log, mib, ms, percentile, runFigure, sleep, table } from './lib/report.js';
import { startBenchServer } from './lib/server-process.js';

const STARTS = 5;
const SLOTS = 8;
const IDLE_S = 10;
const TARGET_RSS_MIB = 60;

void runFigure(async () => {
  log('compiling the agent (tsc -p tsconfig.build.json into a temp dir)');
  const compiled = await compileAgent();
  const server = await startBenchServer('pglite', { pollWaitS: 20 });
  const proxy = await startCountingProxy(server.url);
  try {
    const c = await startups(proxy, 'compiled', { count: STARTS, tasks: SLOTS, cli: compiled.cli });
    const t = await startups(proxy, 'tsx', { count: STARTS, tasks: SLOTS });
    // Both last agents idle with their polls held; measured once past V8's one-off GC some 8 s after start.
    await sleep(10_000);
    const at = (a: BenchAgent) => ({ cpu: a.cpuSeconds(), t: wallMs() });
    const c0 = at(c.last);
    const t0 = at(t.last);
    await sleep(IDLE_S * 1000);
    const pct = (a: BenchAgent, s: { cpu: number; t: number }) => ((a.cpuSeconds() - s.cpu) / ((wallMs() - s.t) / 1000)) * 100;
    const rows = [
      { label: 'compiled (`node agent/cli.js`)', s: c, rss: c.last.rssKb(), cpu: pct(c.last, c0) },
      { label: 'through tsx (`node --import tsx agent/cli.ts`)', s: t, rss: t.last.rssKb(), cpu: pct(t.last, t0) },
    ];
    for (const r of rows) log(`${r.label}: RSS ${mib(r.rss)}, idle CPU ${r.cpu.toFixed(2)} %`);
    const compiledRss = rows[0].rss;
    const body = [
      `\`taskrunner --tasks ${SLOTS}\` compiled as \`npm run build\` does (into a temp dir) and run with plain node, ` +
        `which is what the installed command runs, next to the same sources through tsx (as the other figures run it), ` +
        `against \`datapipe-server\` on the embedded store (--poll-wait 20) through the counting forwarder. Start-up ` +
        `is spawn to the first PollForTask reaching the server, ${STARTS} starts each; RSS (VmRSS) and CPU (10 ms ticks ` +
        `over ${IDLE_S} s) of the last of each, idle with every poll held, 10 s after its first poll.`,
      '',
      table(
        ['', 'start-up median', 'min', 'max', 'first log line (median)', 'RSS idle', 'CPU idle'],
        rows.map((r) => {
          const s = [...r.s.startupMs].sort((a, b) => a - b);
          return [
            r.label,
            ms(percentile(s, 50), 0),
            ms(s[0], 0),
            ms(s[s.length - 1], 0),
            ms(percentile([...r.s.firstLineMs].sort((a, b) => a - b), 50), 0),
            mib(r.rss),
            `${r.cpu.toFixed(2)} %`,
          ];
        }),
      ),
      '',
      `Target: RSS ${TARGET_RSS_MIB} MiB or less idle (compiled): ${compiledRss / 1024 <= TARGET_RSS_MIB ? 'met' : 'missed'}.`,
    ].join('\n');
    return {
      name: 'agent-compiled',
      title: 'The compiled agent: start-up and memory',
      body,
      targets: [{ what: `compiled agent idle RSS ${TARGET_RSS_MIB} MiB or less (got ${mib(compiledRss)})`, met: compiledRss / 1024 <= TARGET_RSS_MIB }],
    };
  } finally {
    await stopAllAgents();
    await proxy.close();
    await server.stop();
    compiled.remove();
  }
});
