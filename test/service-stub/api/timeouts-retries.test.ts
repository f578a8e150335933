/** Time-based transitions (driven by the ManualClock + tick), retries, failure and cascade, seen through the SDK. */
import assert from 'node:assert/strict';
import { SetTaskStatusCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import {
  MINUTE,
  STORES,
  ack,
  createAndActivate,
  describe1,
  expectError,
  fail,
  field,
  finish,
  instanceOf,
  instanceStatus,
  ondemandDefault,
  pipelineField,
  poll,
  pollFor,
  shell,
  uniq,
} from './helpers.js';

for (const store of STORES) {
  describe(`API timeouts and retries (${store})`, () => {
    let server: TestServer;
    let c: DataPipelineClient;
    before(async () => {
      server = await startTestServer(store);
      c = server.client();
    });
    after(async () => server?.close());

    /** Move the server's clock and run its time-based transitions. */
    async function advance(ms: number): Promise<void> {
      server.clock.advance(ms);
      await server.tick();
    }

    it('silent longer than reportProgressTimeout: attempt FAILED, retried as _Attempt=2 after retryDelay', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [
        ondemandDefault(wg),
        shell('A', { reportProgressTimeout: '5 minutes', retryDelay: '3 minutes', maximumRetries: '2' }),
      ]);
      const t1 = await pollFor(c, wg, 'A');
      assert.match(t1.attemptId, /_Attempt=1$/);
      await ack(c, t1.taskId);
      await advance(4 * MINUTE);
      assert.equal(await ack(c, t1.taskId), false, 'reporting keeps it alive');
      await advance(4 * MINUTE);
      assert.equal(field(await describe1(c, pipelineId, t1.attemptId), '@status'), 'RUNNING');
      await advance(2 * MINUTE);
      const a1 = await describe1(c, pipelineId, t1.attemptId);
      assert.equal(field(a1, '@status'), 'FAILED');
      assert.equal(field(a1, 'errorId'), 'Service_ReportProgressTimeout');
      assert.equal(await ack(c, t1.taskId), true, 'the presumed-gone runner is told to stop');
      assert.equal(await poll(c, wg), undefined, 'the retry waits for retryDelay');
      await advance(3 * MINUTE + 1000);
      const t2 = await pollFor(c, wg, 'A');
      assert.equal(t2.attemptId, t1.attemptId.replace(/_Attempt=1$/, '_Attempt=2'));
      await finish(c, t2.taskId);
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'FINISHED');
    });

    it('attemptTimeout: FAILED although progress is reported, then retried', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [
        ondemandDefault(wg),
        shell('A', { attemptTimeout: '10 minutes', retryDelay: '1 minutes', maximumRetries: '1' }),
      ]);
      const t1 = await pollFor(c, wg, 'A');
      for (let i = 0; i < 3; i++) {
        assert.equal(await ack(c, t1.taskId), false);
        await advance(4 * MINUTE);
      }
      const a1 = await describe1(c, pipelineId, t1.attemptId);
      assert.equal(field(a1, '@status'), 'FAILED');
      assert.equal(field(a1, 'errorId'), 'Service_AttemptTimeout');
      assert.equal(await ack(c, t1.taskId), true);
      await advance(MINUTE);
      const t2 = await pollFor(c, wg, 'A');
      assert.match(t2.attemptId, /_Attempt=2$/);
      await finish(c, t2.taskId);
    });

    it('SetTaskStatus FAILED carries errorId, errorMessage and errorStackTrace onto the attempt', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A', { maximumRetries: '0' })]);
      const t = await pollFor(c, wg, 'A');
      await ack(c, t.taskId);
      const longMessage = 'm'.repeat(5000); // errorMessage is unbounded (api.md 2)
      await c.send(
        new SetTaskStatusCommand({ taskId: t.taskId, taskStatus: 'FAILED', errorId: 'MyErr', errorMessage: longMessage, errorStackTrace: 'at x()' }),
      );
      const a = await describe1(c, pipelineId, t.attemptId);
      assert.equal(field(a, '@status'), 'FAILED');
      assert.equal(field(a, 'errorId'), 'MyErr');
      assert.equal(field(a, 'errorMessage'), longMessage);
      assert.equal(field(a, 'errorStackTrace'), 'at x()');
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'FAILED');
      assert.equal(await pipelineField(c, pipelineId, '@healthStatus'), 'ERROR');
    });

    it('SetTaskStatus input errors: Service_ errorId, long errorId/stack trace, bad status, a different second status', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      const t = await pollFor(c, wg, 'A');
      await ack(c, t.taskId);
      const send = (x: Partial<ConstructorParameters<typeof SetTaskStatusCommand>[0]>) =>
        c.send(new SetTaskStatusCommand({ taskId: t.taskId, taskStatus: 'FAILED', ...x }));
      await expectError(send({ errorId: 'Service_Fake' }), 'InvalidRequestException');
      await expectError(send({ errorId: 'e'.repeat(1025) }), 'InvalidRequestException');
      await expectError(send({ errorStackTrace: 's'.repeat(1025) }), 'InvalidRequestException');
      await expectError(send({ taskStatus: 'DONE' as 'FINISHED' }), 'InvalidRequestException');
      assert.equal(field(await describe1(c, pipelineId, t.attemptId), '@status'), 'RUNNING', 'refused reports change nothing');
      await c.send(new SetTaskStatusCommand({ taskId: t.taskId, taskStatus: 'FINISHED' }));
      await expectError(send({}), 'InvalidRequestException');
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'FINISHED');
      assert.equal(await pipelineField(c, pipelineId, '@healthStatus'), 'HEALTHY');
    });

    it('FALSE from an activity (only preconditions may say FALSE) fails the attempt', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A', { maximumRetries: '0' })]);
      const t = await pollFor(c, wg, 'A');
      await c.send(new SetTaskStatusCommand({ taskId: t.taskId, taskStatus: 'FALSE' }));
      const a = await describe1(c, pipelineId, t.attemptId);
      assert.equal(field(a, '@status'), 'FAILED');
      assert.match(field(a, 'errorMessage') ?? '', /FALSE/);
    });

    it('maximumRetries exhausted: instance FAILED; without cascade the dependent keeps waiting', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [
        ondemandDefault(wg),
        shell('A', { maximumRetries: '1', retryDelay: '1 minutes' }),
        shell('B', { dependsOn: { ref: 'A' } }),
      ]);
      const t1 = await pollFor(c, wg, 'A');
      await fail(c, t1.taskId);
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'WAITING_FOR_RUNNER', 'one retry left');
      await advance(MINUTE);
      const t2 = await pollFor(c, wg, 'A');
      assert.match(t2.attemptId, /_Attempt=2$/);
      await fail(c, t2.taskId);
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'FAILED');
      assert.equal(await instanceStatus(c, pipelineId, 'B'), 'WAITING_ON_DEPENDENCIES');
      await advance(10 * MINUTE);
      assert.equal(await poll(c, wg), undefined, 'no third attempt');
    });

    it("failureAndRerunMode cascade: dependents become CASCADE_FAILED", async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [
        ondemandDefault(wg, { failureAndRerunMode: 'cascade' }),
        shell('A', { maximumRetries: '0' }),
        shell('B', { dependsOn: { ref: 'A' } }),
        shell('C', { dependsOn: { ref: 'B' } }),
        shell('D'),
      ]);
      const first = [await poll(c, wg), await poll(c, wg)];
      const tA = first.find((t) => t?.attemptId?.startsWith('@A_'));
      const tD = first.find((t) => t?.attemptId?.startsWith('@D_'));
      assert.ok(tA?.taskId && tD?.taskId);
      await fail(c, tA.taskId);
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'FAILED');
      assert.equal(await instanceStatus(c, pipelineId, 'B'), 'CASCADE_FAILED');
      assert.equal(await instanceStatus(c, pipelineId, 'C'), 'CASCADE_FAILED');
      const b = await describe1(c, pipelineId, await instanceOf(c, pipelineId, 'B'));
      assert.equal(field(b, '@cascadeFailedOn'), await instanceOf(c, pipelineId, 'A'));
      assert.equal(await ack(c, tD.taskId), false, 'an independent branch runs on');
      await finish(c, tD.taskId);
      assert.equal(await instanceStatus(c, pipelineId, 'D'), 'FINISHED');
    });
  });
}
