/**
 * Dispatch under concurrent pollers: every task handed out once, and every run's end noticed, whether an attempt's
 * FINISHED takes the one-statement path (no dependents, another instance of the run still open) or the locked one.
 */
import assert from 'node:assert/strict';
import { ActivatePipelineCommand, SetTaskStatusCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import {
  STORES,
  ack,
  createAndActivate,
  describe1,
  field,
  finish,
  instanceStatus,
  ondemandDefault,
  poll,
  queryIds,
  shell,
  statusOf,
  uniq,
} from './helpers.js';

const POLLERS = 8;

/** Pollers that each take, ack and finish tasks until a poll comes back empty; returns the task ids seen. */
async function drain(c: DataPipelineClient, wg: string): Promise<string[]> {
  const seen: string[] = [];
  const ids = new Set<string>();
  await Promise.all(
    Array.from({ length: POLLERS }, async (_, i) => {
      for (;;) {
        const t = await poll(c, wg, `host-${i}`);
        if (!t?.taskId) return;
        assert.ok(!ids.has(t.taskId), `task ${t.attemptId} handed out twice`);
        ids.add(t.taskId);
        seen.push(`${t.pipelineId} ${t.attemptId}`);
        await finish(c, t.taskId);
      }
    }),
  );
  return seen;
}

for (const store of STORES) {
  describe(`Dispatch with concurrent pollers (${store})`, () => {
    let server: TestServer;
    let c: DataPipelineClient;
    before(async () => {
      server = await startTestServer(store);
      c = server.client();
    });
    after(async () => server?.close());

    it('independent activities: each attempt handed out once, each run ends and the queued run starts', async () => {
      const wg = uniq('wg');
      const objects = [ondemandDefault(wg), ...Array.from({ length: 12 }, (_, i) => shell(`A${i}`))];
      const pipelines = await Promise.all([0, 1].map(() => createAndActivate(c, objects)));
      // A second run of each waits behind the first (maxActiveInstances 1): it starts only if the first one's end is seen.
      for (const pipelineId of pipelines) await c.send(new ActivatePipelineCommand({ pipelineId }));
      const seen = await drain(c, wg);
      assert.equal(seen.length, 2 * 2 * 12, 'both runs of both pipelines');
      assert.equal(new Set(seen).size, seen.length, `no attempt handed out twice: ${seen.sort().slice(0, 4).join(', ')}`);
      for (const pipelineId of pipelines) {
        const ids = await queryIds(c, pipelineId, 'INSTANCE');
        assert.equal(ids.length, 24);
        assert.deepEqual(new Set(Object.values(await statusOf(c, pipelineId, ids))), new Set(['FINISHED']));
      }
    });

    it('a fan-in: its dependencies finished at once make it ready exactly once', async () => {
      const wg = uniq('wg');
      const deps = Array.from({ length: 6 }, (_, i) => `A${i}`);
      const pipelineId = await createAndActivate(c, [
        ondemandDefault(wg),
        ...deps.map((id) => shell(id)),
        shell('Solo'),
        shell('C', { dependsOn: deps.map((ref) => ({ ref })) }),
      ]);
      const tasks = await Promise.all(Array.from({ length: 7 }, () => poll(c, wg)));
      assert.equal(new Set(tasks.map((t) => t?.taskId)).size, 7);
      for (const t of tasks) assert.equal(await ack(c, t?.taskId as string), false);
      await Promise.all(tasks.map((t) => c.send(new SetTaskStatusCommand({ taskId: t?.taskId, taskStatus: 'FINISHED' }))));
      const seen = await drain(c, wg);
      assert.equal(seen.length, 1);
      assert.ok(seen[0].includes(' @C_'), `expected C, got ${seen[0]}`);
      const ids = await queryIds(c, pipelineId, 'INSTANCE');
      assert.deepEqual(new Set(Object.values(await statusOf(c, pipelineId, ids))), new Set(['FINISHED']));
    });

    it('a task whose fields cannot be evaluated fails for good at the claim, and the poll gets the next task', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A', { command: 'echo #{1/0}' }), shell('C')]);
      const t = await poll(c, wg);
      assert.ok(t?.attemptId?.startsWith('@C_'), `expected C, got ${t?.attemptId}`);
      const [a] = await queryIds(c, pipelineId, 'ATTEMPT', 'A');
      const attempt = await describe1(c, pipelineId, a);
      assert.equal(field(attempt, '@status'), 'FAILED');
      assert.equal(field(attempt, 'errorId'), 'Service_ExpressionError');
      assert.match(field(attempt, 'errorMessage') ?? '', /division by zero/);
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'FAILED');
      await finish(c, t?.taskId as string);
      assert.equal(await instanceStatus(c, pipelineId, 'C'), 'FINISHED');
      assert.equal(await poll(c, wg), undefined);
    });

    it('a repeated FINISHED is accepted; a different second status is refused; a late ack says canceled', async () => {
      const wg = uniq('wg');
      await createAndActivate(c, [ondemandDefault(wg), shell('A'), shell('B')]);
      const t = await poll(c, wg);
      assert.ok(t?.taskId);
      await finish(c, t.taskId);
      await c.send(new SetTaskStatusCommand({ taskId: t.taskId, taskStatus: 'FINISHED' }));
      await assert.rejects(c.send(new SetTaskStatusCommand({ taskId: t.taskId, taskStatus: 'FAILED' })), /already set to FINISHED/);
      assert.equal(await ack(c, t.taskId), true);
      const rest = await drain(c, wg);
      assert.equal(rest.length, 1);
    });
  });
}
