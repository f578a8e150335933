/**
 * SIGTERM drains the real `taskrunner`: polling stops at once (a held poll is abandoned, not waited out), a
 * running task finishes and is reported, and the process exits 0. Past --shutdownTimeout, or on a second signal,
 * the task's whole process group is killed and the attempt is reported FAILED (TaskRunnerShutdown) so the
 * service retries it. Nothing the task started outlives the agent.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { killAllAgents, spawnAgent, until } from './spawn-agent.js';
import type { AgentProcess } from './spawn-agent.js';
import { alive, attempts, blockingCommand, killRecorded, pids, release, runs, startShellPipeline, tempDir } from './support.js';

/** Longer than any test here: an agent that waited for a held poll to end could not pass. */
const POLL_HOLD_MS = 60_000;

describe('agent faults: SIGTERM drain (real process)', function () {
  this.timeout(40_000);
  let server: TestServer;
  let c: DataPipelineClient;
  const dirs: string[] = [];
  let wgSeq = 0;

  before(async () => {
    server = await startTestServer('pglite', { pollWaitMs: POLL_HOLD_MS });
    c = server.client();
  });
  after(async () => server?.close());
  afterEach(async () => {
    await killAllAgents();
    for (const d of dirs.splice(0)) {
      killRecorded(d);
      rmSync(d, { recursive: true, force: true });
    }
  });

  /** A fresh worker group, work dir and agent with one task blocked in its command. */
  async function agentWithBlockedTask(args: string[] = [], extra?: Record<string, string>) {
    const wg = `wg-drain-${++wgSeq}`;
    const dir = tempDir('drain');
    const out = tempDir('drain-out');
    dirs.push(dir, out);
    const agent = spawnAgent({ url: server.url, workerGroup: wg, outputDir: out, tasks: 2, args });
    const pipelineId = await startShellPipeline(c, { workerGroup: wg, command: blockingCommand(), dir, extra });
    await until(() => pids(dir).length === 2, 20_000, 'the command started', () => agent.output());
    return { wg, dir, agent, pipelineId };
  }

  async function sigterm(agent: AgentProcess): Promise<void> {
    agent.signal('SIGTERM');
    await agent.waitFor(/SIGTERM received: no new tasks/);
  }

  it('stops polling at once, lets the running task finish and report FINISHED, exits 0', async () => {
    const { wg, dir, agent, pipelineId } = await agentWithBlockedTask();
    await sigterm(agent);
    // The second slot was in a held poll; if polling went on, it would take this new task.
    const late = tempDir('drain-late');
    dirs.push(late);
    await startShellPipeline(c, { workerGroup: wg, command: blockingCommand(), dir: late });
    assert.equal(agent.child.exitCode, null, 'the agent waits for its running task');

    release(dir);
    // Exit long before the 60 s hold: the held poll was aborted, not waited out.
    const exit = await agent.waitExit(20_000);
    assert.deepEqual(exit, { code: 0, signal: null }, agent.output());
    const [a] = await attempts(c, pipelineId);
    assert.equal(a.status, 'FINISHED');
    // Had a slot taken it, the drain would have run it to the end: its command records every start.
    assert.deepEqual(runs(late), [], 'no task was taken after SIGTERM');
    for (const pid of pids(dir)) assert.equal(alive(pid), false, `pid ${pid} of the task survived`);
    assert.match(agent.output(), /task runner stopped/);
  });

  it('past --shutdownTimeout kills the whole process group and reports FAILED TaskRunnerShutdown; the service retries', async () => {
    const { dir, agent, pipelineId } = await agentWithBlockedTask(['--shutdownTimeout=0.5'], { maximumRetries: '1', retryDelay: '1 seconds' });
    await sigterm(agent);
    const exit = await agent.waitExit(20_000);
    assert.deepEqual(exit, { code: 0, signal: null }, agent.output());
    const [pid1, pid2] = pids(dir);
    assert.equal(alive(pid1), false, 'the background grandchild survived');
    assert.equal(alive(pid2), false, 'the command survived');
    const [a] = await attempts(c, pipelineId);
    assert.equal(a.status, 'FAILED');
    assert.equal(a.errorId, 'TaskRunnerShutdown');
    // The retry is the service's: a second attempt appears after the retry delay.
    server.clock.advance(2000);
    await server.tick();
    const all = await attempts(c, pipelineId);
    assert.equal(all.length, 2, JSON.stringify(all));
    assert.equal(all[1].status, 'WAITING_FOR_RUNNER');
    assert.equal(runs(dir).length, 1);
  });

  it('a second SIGTERM kills running work at once and still reports it', async () => {
    const { dir, agent, pipelineId } = await agentWithBlockedTask(['--shutdownTimeout=300']);
    await sigterm(agent);
    agent.signal('SIGTERM');
    await agent.waitFor(/again: stopping running tasks now/);
    // Well inside the 300 s drain: the second signal skipped it.
    const exit = await agent.waitExit(20_000);
    assert.deepEqual(exit, { code: 0, signal: null }, agent.output());
    for (const pid of pids(dir)) assert.equal(alive(pid), false, `pid ${pid} of the task survived`);
    const [a] = await attempts(c, pipelineId);
    assert.equal(a.status, 'FAILED');
    assert.equal(a.errorId, 'TaskRunnerShutdown');
  });
});
