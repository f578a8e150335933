/**
 * On PostgreSQL the wake-up for other servers' held polls is published with the activation's commit (the NOTIFYs
 * and COMMIT go in one round trip, store/postgres.ts): a poll held by another server sharing the database must be
 * answered at once, also for a worker group whose name needs quoting in SQL.
 */
import assert from 'node:assert/strict';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { createAndActivate, ondemandDefault, poll, shell, uniq } from './helpers.js';

describe('a poll held by another server on the same PostgreSQL database', function () {
  this.timeout(20_000);
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    a = await startTestServer('postgres');
    // Held far longer than the test may take: only a wake-up can answer it in time.
    b = await startTestServer('postgres', { databaseUrl: a.databaseUrl, pollWaitMs: 120_000 });
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  for (const [what, group] of [
    ['a plain worker group', uniq('wg')],
    ['a worker group with quotes and a backslash', `o'brien\\"${uniq('wg')}`],
  ] as const) {
    it(`is answered when another server activates work for it (${what})`, async () => {
      const held = poll(b.client(), group);
      while (b.services.dispatcher.held === 0) await new Promise((r) => setImmediate(r));
      const pipelineId = await createAndActivate(a.client(), [ondemandDefault(group), shell('A')]);
      const task = await held;
      assert.equal(task?.pipelineId, pipelineId);
    });
  }
});
