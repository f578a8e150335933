/**
 * ActivatePipeline writes a run that may start at once already started (scheduler/activate.ts): its roots must end
 * up as startQueuedRuns/makeReady would leave them, and the pipeline's row and definition are read in one locking
 * statement that must not miss a definition committed while it waited for the lock.
 */
import assert from 'node:assert/strict';
import { ActivatePipelineCommand, DeactivatePipelineCommand, SetStatusCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import pg from 'pg';
import { lockLivePipelineWithDefinition } from '../../../service-stub/store/pipelines.js';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { STORES, createAndActivate, finish, ondemandDefault, poll, pollFor, shell, uniq } from './helpers.js';

for (const store of STORES) {
  describe(`API ActivatePipeline starting its run (${store})`, () => {
    let server: TestServer;
    let c: DataPipelineClient;
    before(async () => {
      server = await startTestServer(store);
      c = server.client();
    });
    after(async () => server?.close());

    async function statuses(pipelineId: string, runId: number): Promise<Record<string, [string, number]>> {
      const rows = await server.services.db.query<{ component_id: string; status: string; attempt_no: number }>(
        `SELECT component_id, status, attempt_no FROM objects WHERE pipeline_id = $1 AND run_id = $2 AND sphere = 'INSTANCE'`,
        [pipelineId, runId],
      );
      return Object.fromEntries(rows.map((r) => [r.component_id, [r.status, r.attempt_no]]));
    }

    it('roots: runnable ones get attempt 1, data nodes finish (their consumers advance), paused components stay held', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [
        ondemandDefault(wg),
        { id: 'In', type: 'S3DataNode', directoryPath: 's3://b/in' },
        shell('A', { input: { ref: 'In' } }),
        shell('B'),
        shell('C', { dependsOn: { ref: 'B' } }),
      ]);
      assert.deepEqual(await statuses(pipelineId, 1), {
        In: ['FINISHED', 0],
        A: ['WAITING_FOR_RUNNER', 1],
        B: ['WAITING_FOR_RUNNER', 1],
        C: ['WAITING_ON_DEPENDENCIES', 0],
      });
      await c.send(new SetStatusCommand({ pipelineId, objectIds: ['B', 'In'], status: 'PAUSE' }));
      await c.send(new DeactivatePipelineCommand({ pipelineId }));
      server.clock.advance(2000);
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      const paused = await server.services.db.query<{ fields: { pausedFrom?: string } }>(
        `SELECT fields FROM objects WHERE pipeline_id = $1 AND run_id = 2 AND component_id IN ('B', 'In')`,
        [pipelineId],
      );
      assert.deepEqual(paused.map((r) => r.fields.pausedFrom), ['READY', 'READY']);
      assert.deepEqual(await statuses(pipelineId, 2), {
        In: ['PAUSED', 0],
        A: ['WAITING_ON_DEPENDENCIES', 0],
        B: ['PAUSED', 0],
        C: ['WAITING_ON_DEPENDENCIES', 0],
      });
      assert.equal(await poll(c, wg), undefined);
      await c.send(new SetStatusCommand({ pipelineId, objectIds: ['B', 'In'], status: 'RESUME' }));
      const first = await pollFor(c, wg, 'A');
      const second = await pollFor(c, wg, 'B');
      await finish(c, first.taskId);
      await finish(c, second.taskId);
      await finish(c, (await pollFor(c, wg, 'C')).taskId);
      assert.deepEqual(await statuses(pipelineId, 2), {
        In: ['FINISHED', 0],
        A: ['FINISHED', 1],
        B: ['FINISHED', 1],
        C: ['FINISHED', 1],
      });
    });
  });
}

describe('lockLivePipelineWithDefinition (postgres)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('postgres');
  });
  after(async () => server?.close());

  it('returns the definition committed while it waited for the lock', async () => {
    const db = server.services.db;
    await db.query(`INSERT INTO pipelines (pipeline_id, account_id, name, unique_id, created_at, latest_def) VALUES ('df-LOCK', 'a', 'n', 'u', now(), 1)`);
    await db.query(`INSERT INTO definitions (pipeline_id, version, objects, errored, created_at) VALUES ('df-LOCK', 1, '[{"v":1}]', false, now())`);
    const holder = new pg.Client({ connectionString: server.databaseUrl });
    const waiter = new pg.Client({ connectionString: server.databaseUrl });
    await holder.connect();
    await waiter.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM pipelines WHERE pipeline_id = 'df-LOCK' FOR UPDATE`);
      const pid = (await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await waiter.query('BEGIN');
      const pending = lockLivePipelineWithDefinition({ query: async (sql, params) => (await waiter.query(sql, params as unknown[])).rows }, 'df-LOCK');
      // The waiter's statement must have taken its snapshot before the new version commits.
      for (;;) {
        const r = await db.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [pid]);
        if (r.length) break;
      }
      await holder.query(`INSERT INTO definitions (pipeline_id, version, objects, errored, created_at) VALUES ('df-LOCK', 2, '[{"v":2}]', false, now())`);
      await holder.query(`UPDATE pipelines SET latest_def = 2 WHERE pipeline_id = 'df-LOCK'`);
      await holder.query('COMMIT');
      const got = await pending;
      await waiter.query('COMMIT');
      assert.equal(got.pipeline.latest_def, 2);
      assert.equal(got.definition?.version, 2);
      assert.deepEqual(got.definition?.objects, [{ v: 2 }]);
      assert.equal('latest_definition' in got.pipeline, false);
    } finally {
      await holder.end();
      await waiter.end();
    }
  });
});
