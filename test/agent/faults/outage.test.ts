/**
 * The control plane goes away while the real `taskrunner` runs a task, and comes back on the same data dir and
 * port. The task's FINISHED status waits on disk (output/journal/outbox/) and is delivered once the service is
 * back, also across an agent restart. Each failure streak is logged once, then "reconnected" once.
 * While the service is "down", a TCP listener on its port accepts and drops every connection: that counts the
 * agent's retries (so the test knows several happened) without any wall-clock wait.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { killAllAgents, spawnAgent, until } from './spawn-agent.js';
import type { AgentProcess } from './spawn-agent.js';
import { attempts, blockingCommand, killRecorded, pids, release, runs, startShellPipeline, tempDir } from './support.js';

interface Blackhole {
  connections: number;
  close(): Promise<void>;
}

/** Listens on `port` and resets every connection: a service that is down but whose address still answers. */
async function blackhole(port: number): Promise<Blackhole> {
  const sockets = new Set<net.Socket>();
  const bh = { connections: 0, close: async () => {} };
  const srv = net.createServer((s) => {
    bh.connections++;
    sockets.add(s);
    s.on('error', () => {});
    s.resetAndDestroy();
  });
  await new Promise<void>((r) => srv.listen({ port, host: '127.0.0.1' }, r));
  bh.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      srv.close(() => r());
    });
  return bh;
}

const outbox = (out: string) => readdirSync(join(out, 'journal', 'outbox')).filter((f) => f.endsWith('.json'));

describe('agent faults: control plane outage (real process)', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const servers: TestServer[] = [];
  let hole: Blackhole | undefined;
  let template: string;

  // A fresh on-disk store takes seconds to initialise; each test starts from a copy of a closed, migrated one.
  before(async () => {
    template = tempDir('outage-template');
    await (await startTestServer('pglite', { dataDir: template })).close();
  });
  after(() => rmSync(template, { recursive: true, force: true }));

  afterEach(async () => {
    await killAllAgents();
    await hole?.close();
    hole = undefined;
    for (const s of servers.splice(0)) await s.close();
    for (const d of dirs.splice(0)) {
      killRecorded(d);
      rmSync(d, { recursive: true, force: true });
    }
  });

  /** A server on disk, an agent (one slot, so one poll error streak) and a task blocked in its command. */
  async function setup() {
    const dataDir = tempDir('outage-data');
    const dir = tempDir('outage');
    const out = tempDir('outage-out');
    dirs.push(dataDir, dir, out);
    cpSync(template, dataDir, { recursive: true });
    const first = await startTestServer('pglite', { dataDir, pollWaitMs: 200 });
    servers.push(first);
    const agent = spawnAgent({ url: first.url, workerGroup: 'wg-outage', outputDir: out, tasks: 1 });
    const pipelineId = await startShellPipeline(first.client(), { workerGroup: 'wg-outage', command: blockingCommand(), dir });
    await until(() => pids(dir).length === 2, 20_000, 'the command started', () => agent.output());
    return { dataDir, dir, out, first, agent, pipelineId };
  }

  /** Take the server down (its port then drops connections) and let the task finish during the outage. */
  async function outageWhileTaskFinishes(s: Awaited<ReturnType<typeof setup>>): Promise<void> {
    await s.first.close();
    servers.splice(servers.indexOf(s.first), 1);
    hole = await blackhole(s.first.port);
    release(s.dir);
    await s.agent.waitFor(/SetTaskStatus FINISHED for .* failed, will keep trying/);
    assert.equal(outbox(s.out).length, 1, 'the FINISHED status is kept on disk');
  }

  async function comeBack(s: Awaited<ReturnType<typeof setup>>): Promise<TestServer> {
    await hole?.close();
    hole = undefined;
    const again = await startTestServer('pglite', { dataDir: s.dataDir, port: s.first.port, pollWaitMs: 200 });
    servers.push(again);
    return again;
  }

  const count = (a: AgentProcess, re: RegExp) => a.lines(re).length;

  it('keeps the FINISHED status on disk during the outage and delivers it once the service is back', async () => {
    const s = await setup();
    await outageWhileTaskFinishes(s);
    await s.agent.waitFor(/PollForTask failed/);
    // Several retries of polls, reports and heartbeats hit the dead port before it comes back.
    await until(() => (hole?.connections ?? 0) >= 8, 10_000, 'retries during the outage', () => s.agent.output());

    const again = await comeBack(s);
    const c = again.client();
    await until(async () => (await attempts(c, s.pipelineId))[0]?.status === 'FINISHED', 15_000, 'FINISHED delivered', () => s.agent.output());
    await s.agent.waitFor(/PollForTask reconnected/);
    await until(() => outbox(s.out).length === 0, 5_000, 'the outbox emptied');
    await s.agent.waitFor(/SetTaskStatus FINISHED for .* delivered after retries/);

    // One line per failure streak, not one per retry.
    assert.equal(count(s.agent, /PollForTask failed/), 1, s.agent.output());
    assert.equal(count(s.agent, /PollForTask reconnected/), 1, s.agent.output());
    assert.equal(count(s.agent, /SetTaskStatus FINISHED .* failed, will keep trying/), 1, s.agent.output());
    assert.ok(count(s.agent, /runner heartbeat failed/) <= 1, s.agent.output());
    assert.ok(count(s.agent, /progress report for .* failed/) <= 1, s.agent.output());
    assert.deepEqual(runs(s.dir).length, 1);

    s.agent.signal('SIGTERM');
    assert.deepEqual(await s.agent.waitExit(), { code: 0, signal: null });
  });

  it('keeps an undelivered status across an agent restart and delivers it at the next start', async () => {
    const s = await setup();
    await outageWhileTaskFinishes(s);
    s.agent.signal('SIGTERM');
    await s.agent.waitFor(/waiting up to \d+ s to deliver 1 final status/);
    s.agent.signal('SIGTERM'); // do not wait for a service that is down
    assert.deepEqual(await s.agent.waitExit(), { code: 0, signal: null }, s.agent.output());
    assert.match(s.agent.output(), /kept on disk and sent at the next start/);
    assert.equal(outbox(s.out).length, 1);

    const again = await comeBack(s);
    const c = again.client();
    assert.equal((await attempts(c, s.pipelineId))[0].status, 'RUNNING', 'nothing was delivered while the agent was down');
    const next = spawnAgent({ url: again.url, workerGroup: 'wg-outage', outputDir: s.out, tasks: 1 });
    await until(async () => (await attempts(c, s.pipelineId))[0]?.status === 'FINISHED', 15_000, 'FINISHED delivered', () => next.output());
    await until(() => outbox(s.out).length === 0, 5_000, 'the outbox emptied');
    assert.equal(runs(s.dir).length, 1, 'the task did not run again');
    assert.doesNotMatch(next.output(), /stopped unexpectedly/, 'a finished task is not mistaken for a crashed one');
    next.signal('SIGTERM');
    assert.deepEqual(await next.waitExit(), { code: 0, signal: null });
  });
});
