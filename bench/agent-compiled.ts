/**
 * Figure: the compiled agent, as the installed `taskrunner` runs it (`tsc -p tsconfig.build.json`, then
 * `node agent/cli.js`, no tsx): start-up (spawn to the first PollForTask reaching the server) 5 times, and RSS with
 * every poll held (--poll-wait 20), next to the same through tsx. Compiled into a temp dir, so dist/
 * is neither needed nor touched.
 */
import { compileAgent, startCountingProxy, startSdkFloor, startups, stopAllAgents } from './lib/agent-process.js';
import { log, mib, ms, percentile, runFigure, sleep, table } from './lib/report.js';
import { startBenchServer } from './lib/server-process.js';

const STARTS = 5;
const SLOTS = 8;
const SETTLE_MS = 10_000;
/** 60 MB, as the issue states it. */
const TARGET_RSS_MIB = 60e6 / 2 ** 20;

void runFigure(async () => {
  log('compiling the agent (tsc -p tsconfig.build.json into a temp dir)');
  const compiled = await compileAgent();
  const server = await startBenchServer('postgres', { pollWaitS: 20 });
  // One forwarder each: the compiled agent left running re-sends its polls as their holds end, and those must not
  // count as the first poll of a tsx start.
  const proxies = await Promise.all([startCountingProxy(server.url), startCountingProxy(server.url)]);
  // The floor, side by side: node with the agent's flags, the SDK client loaded and 8 polls held, nothing else.
  const floor = startSdkFloor(server.url, 'bench-agent-compiled-floor');
  try {
    const c = await startups(proxies[0], 'compiled', { count: STARTS, tasks: SLOTS, cli: compiled.cli });
    const t = await startups(proxies[1], 'tsx', { count: STARTS, tasks: SLOTS });
    // Both last agents idle with their polls held; RSS read once past V8's first memory-reducer GC (some 8 s in).
    await sleep(SETTLE_MS);
    const rows = [
      { label: 'compiled (`node agent/cli.js`)', s: c, rss: c.last.rssKb() },
      { label: 'through tsx (`node --import tsx agent/cli.ts`)', s: t, rss: t.last.rssKb() },
    ];
    const floorRss = floor.rssKb();
    for (const r of rows) log(`${r.label}: RSS ${mib(r.rss)}`);
    log(`node + the SDK client only: RSS ${mib(floorRss)}`);
    const compiledRss = rows[0].rss;
    const body = [
      `\`taskrunner --tasks ${SLOTS}\` compiled as \`npm run build\` does (into a temp dir) and run with plain node, ` +
        `which is what the installed command runs (and what the other figures run), next to the same sources through ` +
        `tsx (\`node --import tsx agent/cli.ts\`, as a developer runs them), against \`datapipe-server\` on PostgreSQL ` +
        `(--poll-wait 20) through a counting forwarder (one for each). Start-up ` +
        `is spawn to the first PollForTask reaching the server, ${STARTS} starts each; RSS (VmRSS) of the last of each, ` +
        `idle with every poll held, ${SETTLE_MS / 1000} s after its first poll.`,
      '',
      table(
        ['', 'start-up median', 'min', 'max', 'first log line (median)', 'RSS idle'],
        rows.map((r) => {
          const s = [...r.s.startupMs].sort((a, b) => a - b);
          return [
            r.label,
            ms(percentile(s, 50), 0),
            ms(s[0], 0),
            ms(s[s.length - 1], 0),
            ms(percentile([...r.s.firstLineMs].sort((a, b) => a - b), 50), 0),
            mib(r.rss),
          ];
        }),
      ),
      '',
      `Side by side, the floor of any runner on the same stack: node with the same flags and environment, ` +
        `\`@aws-sdk/client-data-pipeline\` loaded and ${SLOTS} PollForTask calls held, nothing else ` +
        `(bench/lib/sdk-floor-child.mjs): RSS ${mib(floorRss)}.`,
      '',
      `Target: RSS 60 MB (${TARGET_RSS_MIB.toFixed(1)} MiB) or less idle (compiled): ${compiledRss / 1024 <= TARGET_RSS_MIB ? 'met' : 'missed'}.`,
    ].join('\n');
    return {
      name: 'agent-compiled',
      title: 'The compiled agent: start-up and memory',
      body,
      targets: [{ what: `compiled agent idle RSS 60 MB or less (got ${mib(compiledRss)}; node + SDK alone ${mib(floorRss)})`, met: compiledRss / 1024 <= TARGET_RSS_MIB }],
    };
  } finally {
    await Promise.all([stopAllAgents(), floor.stop()]);
    await Promise.all(proxies.map((p) => p.close()));
    await server.stop();
    compiled.remove();
  }
});
