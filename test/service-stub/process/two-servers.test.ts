/**
 * Two server processes sharing one PostgreSQL database hand each task out exactly once: 8 pollers (4 per server)
 * race for 200 tasks through the real HTTP + SigV4 + claim path (FOR UPDATE SKIP LOCKED across processes).
 */
import assert from 'node:assert/strict';
import { PollForTaskCommand, ReportTaskProgressCommand, SetTaskStatusCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { freshPostgresDatabase } from '../../support/server.js';
import { activeShellPipeline, queryAll, statuses } from './fixtures.js';
import { killAllServers, removeTempDirs, spawnServer, tempDir, writeKeysFile } from './spawn-server.js';
import type { ServerProcess } from './spawn-server.js';

const PIPELINES = 4;
const PER_PIPELINE = 50;
const TOTAL = PIPELINES * PER_PIPELINE;

describe('two datapipe-server processes on one PostgreSQL database', function () {
  this.timeout(60_000);
  let db: { url: string; drop: () => Promise<void> } | undefined;
  let servers: ServerProcess[] = [];

  before(async () => {
    db = await freshPostgresDatabase();
    const keys = writeKeysFile(tempDir());
    const args = ['--database-url', db.url, '--keys', keys, '--poll-wait', '1', '--max-objects', '100', '--relaxed-limits'];
    // Sequentially: both would race the migration otherwise (that race has its own advisory lock; not the subject here).
    servers = [await spawnServer(args), await spawnServer(args)];
  });

  afterEach(function () {
    // The servers' own account of what happened is the first thing to read when this fails.
    if (this.currentTest?.state === 'failed') {
      for (const s of servers) console.error(`--- server ${s.pid} ---\n${s.stdout().slice(-6000)}\n${s.stderr()}`);
    }
  });

  after(async () => {
    await killAllServers();
    await db?.drop();
    removeTempDirs();
  });

  it('hands each of 200 attempts to exactly one of 8 pollers, and every instance finishes', async () => {
    const admin = servers[0].client();
    const pipelineIds: string[] = [];
    for (let i = 0; i < PIPELINES; i++) {
      // Alternate servers so both write definitions and runs.
      pipelineIds.push(await activeShellPipeline(servers[i % 2].client(), `two-servers-${i}`, PER_PIPELINE));
    }

    const received: { key: string; server: number }[] = [];
    const distinct = new Set<string>();
    const deadline = Date.now() + 40_000;
    const poller = async (c: DataPipelineClient, server: number, name: string) => {
      for (;;) {
        assert.ok(Date.now() < deadline, `${name}: still polling at the deadline; ${distinct.size}/${TOTAL} tasks seen`);
        const r = await c.send(new PollForTaskCommand({ workerGroup: 'wg', hostname: name }));
        const t = r.taskObject;
        if (!t) {
          // An empty poll after all tasks were seen is the end; before that, others are still claiming.
          if (distinct.size >= TOTAL) return;
          continue;
        }
        // Attempt ids are unique per pipeline only (pipelines activated in the same second share them).
        const key = `${t.pipelineId}/${t.attemptId}`;
        received.push({ key, server });
        distinct.add(key);
        const p = await c.send(new ReportTaskProgressCommand({ taskId: t.taskId! }));
        assert.equal(p.canceled, false);
        await c.send(new SetTaskStatusCommand({ taskId: t.taskId!, taskStatus: 'FINISHED' }));
      }
    };
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => poller(servers[i % 2].client(), i % 2, `poller-${i}`)),
    );

    const dupes = received.map((r) => r.key).filter((id, i, all) => all.indexOf(id) !== i);
    assert.deepEqual(dupes, [], 'attempts handed out more than once');
    assert.equal(received.length, TOTAL);
    // Both processes served work (otherwise the test would not exercise cross-process claiming).
    assert.ok(received.some((r) => r.server === 0) && received.some((r) => r.server === 1), 'one server handed out no task');

    const expected = new Set<string>();
    for (const pid of pipelineIds) {
      const attempts = await queryAll(admin, pid, 'ATTEMPT');
      assert.equal(attempts.length, PER_PIPELINE, `attempts of ${pid}`);
      attempts.forEach((a) => expected.add(`${pid}/${a}`));
      const instances = await queryAll(admin, pid, 'INSTANCE');
      assert.equal(instances.length, PER_PIPELINE, `instances of ${pid}`);
      const st = await statuses(admin, pid, instances);
      const notFinished = [...st].filter(([, s]) => s !== 'FINISHED');
      assert.deepEqual(notFinished, [], `instances of ${pid} not FINISHED`);
      const ast = await statuses(admin, pid, attempts);
      assert.deepEqual([...ast].filter(([, s]) => s !== 'FINISHED'), [], `attempts of ${pid} not FINISHED`);
    }
    assert.deepEqual([...distinct].sort(), [...expected].sort(), 'handed-out attempts differ from the stored ones');
    for (const s of servers) assert.equal(s.child.exitCode, null, `server ${s.pid} died:\n${s.stderr()}`);
  });
});
