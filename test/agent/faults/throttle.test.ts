/**
 * Request throttling (api.md 1.8): the server's optional token buckets, and the real `taskrunner` working through
 * ThrottlingException answers: tasks still finish, throttled calls are retried with backoff (counted at the
 * server: a hot loop would pile up hundreds of refusals per success), and each streak is logged once, then
 * "reconnected".
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ListPipelinesCommand } from '@aws-sdk/client-data-pipeline';
import { AWS_LIMITS } from '../../../service-stub/core/limits.js';
import { AWS_THROTTLE_RATES, Throttle } from '../../../service-stub/http/throttle.js';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { killAllAgents, spawnAgent, until } from './spawn-agent.js';
import { attempts, runs, startShellPipeline, tempDir } from './support.js';

describe('server: request throttling', () => {
  it('refuses past the burst and refills at the rate, per operation', () => {
    let t = 0;
    const th = new Throttle({ PollForTask: { perSecond: 2, burst: 3 } }, () => t);
    for (let i = 0; i < 3; i++) th.take('acct', 'PollForTask');
    assert.throws(() => th.take('acct', 'PollForTask'), { name: 'ThrottlingException', status: 400 });
    t += 499; // 0.998 tokens: not yet
    assert.throws(() => th.take('acct', 'PollForTask'), { name: 'ThrottlingException' });
    t += 1;
    th.take('acct', 'PollForTask');
    t += 60_000; // a long pause refills to the burst, no further
    for (let i = 0; i < 3; i++) th.take('acct', 'PollForTask');
    assert.throws(() => th.take('acct', 'PollForTask'));
    for (let i = 0; i < 1000; i++) th.take('acct', 'ListPipelines'); // not listed: never throttled
    th.take('other', 'PollForTask'); // another account has its own bucket
  });

  it('has the documented AWS rates', () => {
    assert.deepEqual(AWS_THROTTLE_RATES.PollForTask, { perSecond: 2, burst: 100 });
    assert.deepEqual(AWS_THROTTLE_RATES.SetTaskStatus, { perSecond: 10, burst: 100 });
    assert.deepEqual(AWS_THROTTLE_RATES.CreatePipeline, { perSecond: 1, burst: 100 });
  });

  it('is off by default', () => {
    assert.equal(AWS_LIMITS.throttle, undefined);
  });
});

describe('agent faults: throttled by the service (real process)', function () {
  this.timeout(60_000);
  let server: TestServer;
  const calls = new Map<string, { ok: number; throttled: number }>();
  const dirs: string[] = [];

  before(async () => {
    server = await startTestServer('pglite', {
      pollWaitMs: 200,
      // A tiny burst and slow refill on every call the runner makes; the test's own calls are not limited.
      limits: {
        throttle: {
          PollForTask: { perSecond: 1, burst: 1 },
          ReportTaskProgress: { perSecond: 2, burst: 1 },
          SetTaskStatus: { perSecond: 1, burst: 1 },
          ReportTaskRunnerHeartbeat: { perSecond: 1, burst: 1 },
          ListPipelines: { perSecond: 0.001, burst: 2 },
        },
      },
      onRequest(op, status, code) {
        const n = calls.get(op) ?? { ok: 0, throttled: 0 };
        if (code === 'ThrottlingException') n.throttled++;
        else if (status === 200) n.ok++;
        calls.set(op, n);
      },
    });
  });
  after(async () => {
    await killAllAgents();
    await server?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('answers ThrottlingException (400) as the SDK expects it', async () => {
    const c = server.client();
    await c.send(new ListPipelinesCommand({}));
    await c.send(new ListPipelinesCommand({}));
    await assert.rejects(c.send(new ListPipelinesCommand({})), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(e.name, 'ThrottlingException');
      assert.equal(e.$metadata?.httpStatusCode, 400);
      return true;
    });
  });

  it('keeps working: tasks finish, throttled calls back off, each streak is logged once then "reconnected"', async () => {
    const dir = tempDir('throttle');
    const out = tempDir('throttle-out');
    dirs.push(dir, out);
    const slots = 3;
    const agent = spawnAgent({
      url: server.url,
      workerGroup: 'wg-throttle',
      outputDir: out,
      tasks: slots,
      // Backoff from 200 ms up to 2 s: quick enough for a test, slow enough to tell from a loop.
      env: { TASKRUNNER_BACKOFF_BASE_MS: '200', TASKRUNNER_BACKOFF_MAX_MS: '2000' },
    });
    const c = server.client();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push(await startShellPipeline(c, { workerGroup: 'wg-throttle', command: 'echo "$DATAPIPE_ATTEMPT_ID" >> "$1/runs"', dir }));
    }
    const finished = async () => (await Promise.all(ids.map((id) => attempts(c, id)))).every((a) => a[0]?.status === 'FINISHED');
    await until(finished, 40_000, 'all tasks FINISHED', () => `${agent.output()}\n${JSON.stringify([...calls])}`);
    assert.equal(runs(dir).length, 4, 'each task ran once');
    // Throttled before it stops, so the last streak ends in a success.
    await until(() => (calls.get('PollForTask')?.throttled ?? 0) >= 3 * slots, 20_000, 'polls throttled');
    agent.signal('SIGTERM');
    assert.deepEqual(await agent.waitExit(), { code: 0, signal: null }, agent.output());

    const polls = calls.get('PollForTask') ?? { ok: 0, throttled: 0 };
    if (process.env.DATAPIPE_TEST_LOG) console.log(JSON.stringify([...calls]));
    // With backoff a throttled slot waits longer each time; without it, refusals outnumber successes by hundreds.
    assert.ok(polls.throttled <= 20 * polls.ok, `PollForTask: ${JSON.stringify(polls)}`);

    // Per slot (the thread name), lines alternate "failed" / "reconnected": one line per streak, not per retry.
    const byThread = new Map<string, string[]>();
    for (const line of agent.lines(/PollForTask (failed|reconnected)/)) {
      const thread = /\(([^)]+)\)/.exec(line)?.[1] ?? '?';
      byThread.set(thread, [...(byThread.get(thread) ?? []), /reconnected/.test(line) ? 'R' : 'F']);
      if (/failed/.test(line)) assert.match(line, /ThrottlingException|Rate exceeded/);
    }
    assert.ok(byThread.size > 0, 'some poll was throttled and logged');
    for (const [thread, seq] of byThread) assert.match(seq.join(''), /^(FR)*F?$/, `${thread}: ${seq.join('')}`);
    const failedLines = agent.lines(/PollForTask failed/).length;
    assert.ok(failedLines < polls.throttled, `${failedLines} error lines for ${polls.throttled} throttled polls`);
    assert.doesNotMatch(agent.output(), /TaskRunnerError|Unhandled|TypeError/);
  });
});
