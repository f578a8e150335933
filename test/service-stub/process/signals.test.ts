/**
 * Shutdown on SIGTERM / SIGINT: a held PollForTask answers at once with no task (the runner polls again elsewhere),
 * the process exits 0 well within its 10 s limit, and nothing it logged carries a secret. Also: one server per
 * embedded data dir.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListPipelinesCommand, PollForTaskCommand } from '@aws-sdk/client-data-pipeline';
import type { PollForTaskCommandOutput } from '@aws-sdk/client-data-pipeline';
import { freshPostgresDatabase, TEST_KEY } from '../../support/server.js';
import { killAllServers, removeTempDirs, runServerCommand, spawnServer, tempDir, writeKeysFile } from './spawn-server.js';
import type { ServerProcess } from './spawn-server.js';

type Key = { accessKeyId: string; secretAccessKey: string };

/** Hold a poll, send `signal`, and check the poll's answer, the exit and the log. */
async function signalDuringHeldPoll(s: ServerProcess, key: Key, signal: NodeJS.Signals): Promise<void> {
  const c = s.client(key);
  await c.send(new ListPipelinesCommand({})); // connected and authenticated before the poll goes out
  let answered = false;
  const poll = c.send(new PollForTaskCommand({ workerGroup: 'nobody', hostname: 'h' })).then(
    (r): { r: PollForTaskCommandOutput; at: number } => ((answered = true), { r, at: Date.now() }),
    (e: unknown) => {
      answered = true;
      throw e;
    },
  );
  // Round trips on another connection, sent after the poll, come back after the server has taken the poll in.
  const other = s.client(key);
  for (let i = 0; i < 3; i++) await other.send(new ListPipelinesCommand({}));
  other.destroy();
  assert.equal(answered, false, 'the poll was answered before the signal; --poll-wait 30 should hold it');

  const sent = Date.now();
  s.child.kill(signal);
  const { r, at } = await poll;
  assert.equal(r.taskObject, undefined);
  assert.ok(at - sent < 2000, `the held poll took ${at - sent} ms to answer after ${signal}`);
  const exit = await s.exited;
  const took = Date.now() - sent;
  assert.deepEqual(exit, { code: 0, signal: null }, s.stdout() + s.stderr());
  assert.ok(took < 5000, `exit took ${took} ms after ${signal}`);
  assert.match(s.stdout(), new RegExp(`${signal}: shutting down`));
  assert.equal(s.stdout().match(/^datapipe-server listening on /gm)?.length, 1, 'the ready line is printed exactly once');
  const log = s.stdout() + s.stderr();
  assert.ok(!log.includes(key.secretAccessKey), 'the secret key is in the log');
  assert.ok(!/Signature=|Authorization/i.test(log), 'request signatures are in the log');
}

describe('datapipe-server signals', function () {
  this.timeout(60_000);
  after(async () => {
    await killAllServers();
    removeTempDirs();
  });

  describe('embedded store', () => {
    let dataDir: string;
    let server: ServerProcess;
    let key: Key;
    before(async () => {
      dataDir = join(tempDir(), 'data');
      // debug: every request is logged, so the secret check below sees as much as the server ever writes.
      server = await spawnServer(['--data-dir', dataDir, '--poll-wait', '30', '--log-level', 'debug']);
      const [accessKeyId, secretAccessKey] = Object.entries(JSON.parse(readFileSync(join(dataDir, 'keys.json'), 'utf8')) as Record<string, string>)[0];
      key = { accessKeyId, secretAccessKey };
    });

    it('a second server on a data dir a live server holds refuses to start, naming it', async () => {
      const second = await runServerCommand(['--port', '0', '--data-dir', dataDir, '--poll-wait', '1']);
      assert.equal(second.code, 2, second.stdout + second.stderr);
      assert.match(second.stderr, new RegExp(`data dir .*data is in use by another datapipe-server \\(pid ${server.pid}\\)`));
      assert.doesNotMatch(second.stdout, /listening on/);
      assert.doesNotMatch(second.stderr, /\n\s+at /, 'a stack trace instead of a message');
      // The first one is unharmed.
      await server.client(key).send(new ListPipelinesCommand({}));
    });

    it('SIGTERM answers a held PollForTask with no task and exits 0; the data dir is released', async () => {
      await signalDuringHeldPoll(server, key, 'SIGTERM');
      assert.equal(existsSync(join(dataDir, 'datapipe-server.pid')), false, 'the pid file outlived the server');
    });
  });

  it('SIGINT (PostgreSQL store) answers a held PollForTask with no task and exits 0', async () => {
    const db = await freshPostgresDatabase();
    try {
      const keys = writeKeysFile(tempDir());
      const s = await spawnServer(['--database-url', db.url, '--keys', keys, '--poll-wait', '30', '--log-level', 'debug']);
      await signalDuringHeldPoll(s, TEST_KEY, 'SIGINT');
    } finally {
      await killAllServers();
      await db.drop();
    }
  });
});
