/**
 * `kill -9` of the real `taskrunner` mid-task, then a restart on the same --output: the journal's leftover
 * process group is killed, the attempt is reported FAILED (TaskRunnerRestarted), the service's retry runs and
 * finishes exactly once, and no process of the first attempt is left.
 */
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { killAllAgents, spawnAgent, until } from './spawn-agent.js';
import { alive, attempts, blockingCommand, killRecorded, pids, runs, startShellPipeline, tempDir } from './support.js';

describe('agent faults: kill -9 and restart (real process)', function () {
  this.timeout(40_000);
  let server: TestServer;
  let c: DataPipelineClient;
  const dirs: string[] = [];

  before(async () => {
    server = await startTestServer('pglite', { pollWaitMs: 200 });
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

  it('kills the leftover group, reports FAILED TaskRunnerRestarted, and the retry runs once and finishes', async () => {
    const wg = 'wg-crash';
    const dir = tempDir('crash');
    const out = tempDir('crash-out');
    dirs.push(dir, out);
    const first = spawnAgent({ url: server.url, workerGroup: wg, outputDir: out });
    // Attempt 1 blocks; attempt 2 finds one line in `runs` already and finishes.
    const pipelineId = await startShellPipeline(c, {
      workerGroup: wg,
      command: blockingCommand({ finishOnRun: 2 }),
      dir,
      extra: { maximumRetries: '1', retryDelay: '1 seconds' },
    });
    await until(() => pids(dir).length === 2, 20_000, 'attempt 1 started', () => first.output());
    const attempt1 = pids(dir);

    first.signal('SIGKILL');
    assert.equal((await first.waitExit()).signal, 'SIGKILL');
    // The agent is gone but its attempt runs on (own process group): the crash journal must remember it.
    for (const pid of attempt1) assert.equal(alive(pid), true, `pid ${pid} should have outlived the agent`);
    assert.equal(readdirSync(join(out, 'journal', 'attempts')).length, 1);
    assert.equal((await attempts(c, pipelineId))[0].status, 'RUNNING');

    const second = spawnAgent({ url: server.url, workerGroup: wg, outputDir: out });
    await second.waitFor(/was running when the agent stopped unexpectedly; killed its leftover process group/);
    await until(async () => (await attempts(c, pipelineId))[0]?.status === 'FAILED', 10_000, 'attempt 1 reported FAILED', () => second.output());
    for (const pid of attempt1) await until(() => !alive(pid), 5_000, `pid ${pid} of attempt 1 killed`);
    const [a1] = await attempts(c, pipelineId);
    assert.equal(a1.errorId, 'TaskRunnerRestarted');
    assert.deepEqual(readdirSync(join(out, 'journal', 'attempts')), []);

    // The retry is the service's, after retryDelay.
    server.clock.advance(2000);
    await server.tick();
    await until(async () => (await attempts(c, pipelineId))[1]?.status === 'FINISHED', 15_000, 'attempt 2 FINISHED', () => second.output());
    const all = await attempts(c, pipelineId);
    assert.deepEqual(
      all.map((a) => [a.id.replace(/^.*_Attempt=/, ''), a.status]),
      [
        ['1', 'FAILED'],
        ['2', 'FINISHED'],
      ],
    );
    assert.deepEqual(
      runs(dir).map((r) => r.replace(/^.*_Attempt=/, '')),
      ['1', '2'],
      'each attempt ran exactly once',
    );
    assert.deepEqual(pids(dir), attempt1, 'attempt 2 finished without blocking');
    second.signal('SIGTERM');
    assert.deepEqual(await second.waitExit(), { code: 0, signal: null });
    assert.deepEqual(runs(dir).length, 2);
  });
});
