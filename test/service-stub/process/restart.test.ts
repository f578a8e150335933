/**
 * State survives `kill -9`: pipelines, definitions, runs and pending tasks are in the store, not in the process.
 * A task handed out before the crash can still be finished with its task id afterwards.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribePipelinesCommand,
  GetPipelineDefinitionCommand,
  PollForTaskCommand,
  ReportTaskProgressCommand,
  SetTaskStatusCommand,
} from '@aws-sdk/client-data-pipeline';
import type { TaskObject } from '@aws-sdk/client-data-pipeline';
import { freshPostgresDatabase, TEST_KEY } from '../../support/server.js';
import { activeShellPipeline, field, queryAll, statuses } from './fixtures.js';
import { killAllServers, removeTempDirs, spawnServer, tempDir, writeKeysFile } from './spawn-server.js';
import type { ServerProcess } from './spawn-server.js';

type Key = { accessKeyId: string; secretAccessKey: string };
const TASKS = 5;

/** Create + activate, take one task and ack it, kill -9, restart, and check everything is still there and runs on. */
async function crashAndResume(start: () => Promise<ServerProcess>, key: () => Key): Promise<ServerProcess[]> {
  const first = await start();
  const c1 = first.client(key());
  const pipelineId = await activeShellPipeline(c1, 'restart', TASKS);
  const before = await c1.send(new GetPipelineDefinitionCommand({ pipelineId }));
  const taken = (await c1.send(new PollForTaskCommand({ workerGroup: 'wg', hostname: 'h1' }))).taskObject as TaskObject;
  assert.ok(taken?.taskId, 'no task before the crash');
  assert.equal((await c1.send(new ReportTaskProgressCommand({ taskId: taken.taskId }))).canceled, false);

  const gone = await first.stop('SIGKILL');
  assert.equal(gone.signal, 'SIGKILL');

  const second = await start();
  const c2 = second.client(key());
  const described = await c2.send(new DescribePipelinesCommand({ pipelineIds: [pipelineId] }));
  const p = described.pipelineDescriptionList?.[0];
  assert.equal(p?.name, 'restart');
  assert.equal(field({ fields: p?.fields }, '@pipelineState'), 'SCHEDULED');
  const after = await c2.send(new GetPipelineDefinitionCommand({ pipelineId }));
  assert.deepEqual(after.pipelineObjects, before.pipelineObjects);

  // The run: every instance, the taken one still RUNNING, the others waiting for a runner.
  const instances = await queryAll(c2, pipelineId, 'INSTANCE');
  assert.equal(instances.length, TASKS);
  const st = await statuses(c2, pipelineId, instances);
  const running = [...st].filter(([, s]) => s === 'RUNNING').map(([id]) => id);
  assert.equal(running.length, 1, JSON.stringify([...st]));
  assert.ok(taken.attemptId!.startsWith(running[0] + '_Attempt='), `${taken.attemptId} is not an attempt of ${running[0]}`);
  assert.deepEqual([...st].filter(([, s]) => s !== 'RUNNING').map(([, s]) => s), Array(TASKS - 1).fill('WAITING_FOR_RUNNER'));

  // The task id from before the crash still works.
  assert.equal((await c2.send(new ReportTaskProgressCommand({ taskId: taken.taskId }))).canceled, false);
  await c2.send(new SetTaskStatusCommand({ taskId: taken.taskId, taskStatus: 'FINISHED' }));

  // The rest are handed out, each once, and never the finished one.
  const rest: string[] = [];
  for (;;) {
    const t = (await c2.send(new PollForTaskCommand({ workerGroup: 'wg', hostname: 'h2' }))).taskObject;
    if (!t) break;
    assert.ok(rest.length < TASKS, 'more tasks than instances');
    rest.push(t.attemptId!);
    await c2.send(new SetTaskStatusCommand({ taskId: t.taskId!, taskStatus: 'FINISHED' }));
  }
  assert.equal(new Set(rest).size, TASKS - 1, JSON.stringify(rest));
  assert.ok(!rest.includes(taken.attemptId!));
  const end = await statuses(c2, pipelineId, instances);
  assert.deepEqual([...end.values()], Array(TASKS).fill('FINISHED'));
  return [first, second];
}

describe('datapipe-server restart after kill -9', function () {
  this.timeout(90_000); // two embedded-store start-ups (initdb, then recovery) are slow on a loaded machine
  after(async () => {
    await killAllServers();
    removeTempDirs();
  });

  it('embedded store: generated keys (0600, secret never logged), pipelines, runs and tasks survive', async () => {
    const dataDir = join(tempDir(), 'data');
    const keysPath = join(dataDir, 'keys.json');
    let key: Key | undefined;
    const start = () => spawnServer(['--data-dir', dataDir, '--poll-wait', '1', '--relaxed-limits']);
    const readKey = () => {
      if (key) return key;
      const keys = JSON.parse(readFileSync(keysPath, 'utf8')) as Record<string, string>;
      const [accessKeyId, secretAccessKey] = Object.entries(keys)[0];
      return (key = { accessKeyId, secretAccessKey });
    };
    const [first, second] = await crashAndResume(start, readKey);

    // kill -9 left the first server's pid file behind; the restart took the data dir over.
    assert.equal(readFileSync(join(dataDir, 'datapipe-server.pid'), 'utf8').trim(), String(second.pid));
    assert.equal(statSync(keysPath).mode & 0o777, 0o600);
    // PGlite writes its files 0666: only a private directory keeps other local users out of the store.
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    const k = readKey();
    assert.match(k.accessKeyId, /^AKID[A-Z2-7]{16}$/);
    assert.ok(k.secretAccessKey.length >= 30);
    assert.match(first.stdout(), new RegExp(`generated access key ${k.accessKeyId}\\b`));
    assert.match(second.stdout(), new RegExp(`using access key ${k.accessKeyId}\\b`), 'the restart made a new key pair');
    for (const s of [first, second]) {
      assert.ok(!s.stdout().includes(k.secretAccessKey) && !s.stderr().includes(k.secretAccessKey), 'the secret was logged');
    }
    await second.stop();
  });

  it('PostgreSQL: pipelines, runs and tasks survive', async () => {
    const db = await freshPostgresDatabase();
    try {
      const keys = writeKeysFile(tempDir());
      const start = () => spawnServer(['--database-url', db.url, '--keys', keys, '--poll-wait', '1', '--relaxed-limits']);
      const [, second] = await crashAndResume(start, () => TEST_KEY);
      await second.stop();
    } finally {
      await killAllServers();
      await db.drop();
    }
  });
});
