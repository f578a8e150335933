import { compileAgent, startAgent, stopAllAgents } from '/work/main/bench/lib/agent-process.js';
import { sleep } from '/work/main/bench/lib/report.js';
import { startBenchServer, stopAllServers } from '/work/main/bench/lib/server-process.js';
const server = await startBenchServer('pglite', { pollWaitS: 60 });
const compiled = process.env.C ? await compileAgent() : undefined;
const agent = startAgent({ url: server.url, workerGroup: 'idle', tasks: 8, cli: compiled?.cli });
let prev = 0; const row: number[] = [];
for (let i = 0; i < 25; i++) { await sleep(1000); const c = agent.cpuSeconds(); row.push(Math.round((c - prev) * 100)); prev = c; }
console.log('ticks per second:', row.join(' '));
await stopAllAgents(); await stopAllServers(); compiled?.remove(); process.exit(0);
