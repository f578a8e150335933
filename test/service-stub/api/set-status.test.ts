/** SetStatus (TRY_CANCEL, RERUN, MARK_FINISHED, PAUSE/RESUME) and DeactivatePipeline through the SDK. */
import assert from 'node:assert/strict';
import { ActivatePipelineCommand, DeactivatePipelineCommand, SetStatusCommand, SetTaskStatusCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import {
  STORES,
  ack,
  createAndActivate,
  expectError,
  fail,
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
  describe(`API SetStatus / DeactivatePipeline (${store})`, () => {
    let server: TestServer;
    let c: DataPipelineClient;
    before(async () => {
      server = await startTestServer(store);
      c = server.client();
    });
    after(async () => server?.close());

    const set = (pipelineId: string, objectIds: string[], status: string) => c.send(new SetStatusCommand({ pipelineId, objectIds, status }));

    it('TRY_CANCEL of a waiting instance: CANCELED and never handed out', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      const r = await set(pipelineId, [await instanceOf(c, pipelineId, 'A')], 'TRY_CANCEL');
      assert.equal(r.$metadata.httpStatusCode, 200);
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'CANCELED');
      assert.equal(await poll(c, wg), undefined);
    });

    it('TRY_CANCEL of a running instance (lowercase status accepted): the runner is told', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      const t = await pollFor(c, wg, 'A');
      await ack(c, t.taskId);
      await set(pipelineId, [await instanceOf(c, pipelineId, 'A')], 'try_cancel');
      assert.equal(await ack(c, t.taskId), true);
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'CANCELED');
    });

    it('RERUN of a FAILED instance: a new attempt whose number continues', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A', { maximumRetries: '0' })]);
      const t1 = await pollFor(c, wg, 'A');
      await fail(c, t1.taskId);
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'FAILED');
      await set(pipelineId, [await instanceOf(c, pipelineId, 'A')], 'RERUN');
      const t2 = await pollFor(c, wg, 'A');
      assert.match(t2.attemptId, /_Attempt=2$/);
      await finish(c, t2.taskId);
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'FINISHED');
      // Waiting/running instances cannot be rerun.
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      const second = await instanceOf(c, pipelineId, 'A');
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'WAITING_FOR_RUNNER');
      await expectError(set(pipelineId, [second], 'RERUN'), 'InvalidRequestException');
    });

    it('RERUN of a CASCADE_FAILED instance is refused while its dependency is still failed', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [
        ondemandDefault(wg, { failureAndRerunMode: 'cascade' }),
        shell('A', { maximumRetries: '0' }),
        shell('B', { dependsOn: { ref: 'A' } }),
      ]);
      const t1 = await pollFor(c, wg, 'A');
      await fail(c, t1.taskId);
      const b = await instanceOf(c, pipelineId, 'B');
      assert.equal(await instanceStatus(c, pipelineId, 'B'), 'CASCADE_FAILED');
      await expectError(set(pipelineId, [b], 'RERUN'), 'InvalidRequestException');
      assert.equal(await instanceStatus(c, pipelineId, 'B'), 'CASCADE_FAILED');
      // Rerunning the origin reaches the cascaded consumer in cascade mode.
      await set(pipelineId, [await instanceOf(c, pipelineId, 'A')], 'RERUN');
      assert.equal(await instanceStatus(c, pipelineId, 'B'), 'WAITING_ON_DEPENDENCIES');
      await finish(c, (await pollFor(c, wg, 'A')).taskId);
      await finish(c, (await pollFor(c, wg, 'B')).taskId);
      assert.equal(await instanceStatus(c, pipelineId, 'B'), 'FINISHED');
    });

    it('TRY_CANCEL and MARK_FINISHED named by attempt id act on its instance; the runner is told', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A'), shell('B', { dependsOn: { ref: 'A' } })]);
      const t = await pollFor(c, wg, 'A');
      await ack(c, t.taskId);
      await set(pipelineId, [t.attemptId], 'MARK_FINISHED');
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'FINISHED');
      assert.equal(await ack(c, t.taskId), true, 'the running attempt is canceled');
      const tb = await pollFor(c, wg, 'B');
      await ack(c, tb.taskId);
      await set(pipelineId, [tb.attemptId], 'TRY_CANCEL');
      assert.equal(await instanceStatus(c, pipelineId, 'B'), 'CANCELED');
      assert.equal(await ack(c, tb.taskId), true);
      // The runner's late final word changes nothing.
      await c.send(new SetTaskStatusCommand({ taskId: tb.taskId, taskStatus: 'FINISHED' }));
      assert.equal(await instanceStatus(c, pipelineId, 'B'), 'CANCELED');
    });

    it('RERUN after retries: attempt numbers continue past the earlier ones', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A', { maximumRetries: '1', retryDelay: '1 seconds' })]);
      await fail(c, (await pollFor(c, wg, 'A')).taskId);
      server.clock.advance(2000);
      await server.tick();
      const t2 = await pollFor(c, wg, 'A');
      assert.match(t2.attemptId, /_Attempt=2$/);
      await fail(c, t2.taskId);
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'FAILED');
      await set(pipelineId, [await instanceOf(c, pipelineId, 'A')], 'RERUN');
      const t3 = await pollFor(c, wg, 'A');
      assert.match(t3.attemptId, /_Attempt=3$/);
      await finish(c, t3.taskId);
    });

    it('MARK_FINISHED on a failed instance lets its dependents proceed', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [
        ondemandDefault(wg),
        shell('A', { maximumRetries: '0' }),
        shell('B', { dependsOn: { ref: 'A' } }),
      ]);
      await fail(c, (await pollFor(c, wg, 'A')).taskId);
      assert.equal(await instanceStatus(c, pipelineId, 'B'), 'WAITING_ON_DEPENDENCIES');
      await set(pipelineId, [await instanceOf(c, pipelineId, 'A')], 'MARK_FINISHED');
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'FINISHED');
      await finish(c, (await pollFor(c, wg, 'B')).taskId);
    });

    it('PAUSE / RESUME of a component: waiting attempts are held while paused', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      await set(pipelineId, ['A'], 'PAUSE');
      assert.equal(await poll(c, wg), undefined, 'a paused component hands nothing out');
      await set(pipelineId, ['A'], 'RESUME');
      const t = await pollFor(c, wg, 'A');
      await finish(c, t.taskId);
    });

    it('PAUSE before the instance is ready: it stays held once its dependency finishes', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A'), shell('B', { dependsOn: { ref: 'A' } })]);
      await set(pipelineId, ['B'], 'PAUSE');
      await finish(c, (await pollFor(c, wg, 'A')).taskId);
      assert.equal(await poll(c, wg), undefined);
      await set(pipelineId, ['B'], 'RESUME');
      await finish(c, (await pollFor(c, wg, 'B')).taskId);
      assert.equal(await instanceStatus(c, pipelineId, 'B'), 'FINISHED');
    });

    it('refuses bad statuses, mixes, unknown objects and pipelines', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      const inst = await instanceOf(c, pipelineId, 'A');
      await expectError(set(pipelineId, [inst], 'CANCEL'), 'InvalidRequestException');
      await expectError(set(pipelineId, ['A', inst], 'PAUSE'), 'InvalidRequestException');
      await expectError(set(pipelineId, ['A', inst], 'TRY_CANCEL'), 'InvalidRequestException');
      await expectError(set(pipelineId, ['A'], 'TRY_CANCEL'), 'InvalidRequestException');
      await expectError(set(pipelineId, [inst], 'PAUSE'), 'InvalidRequestException');
      await expectError(set(pipelineId, ['NoSuch'], 'PAUSE'), 'InvalidRequestException');
      await expectError(set(pipelineId, ['@NoSuch_2020-01-01T00:00:00'], 'TRY_CANCEL'), 'InvalidRequestException');
      await expectError(set(pipelineId, [], 'PAUSE'), 'InvalidRequestException');
      await expectError(set('df-NOSUCHPIPELINE0000', ['A'], 'PAUSE'), 'PipelineNotFoundException');
      await finish(c, (await pollFor(c, wg, 'A')).taskId);
    });

    it('DeactivatePipeline (cancelActive default true): running attempts canceled, INACTIVE', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A'), shell('B', { dependsOn: { ref: 'A' } })]);
      const t = await pollFor(c, wg, 'A');
      await ack(c, t.taskId);
      await c.send(new DeactivatePipelineCommand({ pipelineId }));
      assert.equal(await pipelineField(c, pipelineId, '@pipelineState'), 'INACTIVE');
      assert.equal(await ack(c, t.taskId), true);
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'CANCELED');
      assert.equal(await instanceStatus(c, pipelineId, 'B'), 'CANCELED');
      // Reactivating starts a new run.
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      assert.equal(await pipelineField(c, pipelineId, '@pipelineState'), 'SCHEDULED');
      await finish(c, (await pollFor(c, wg, 'A')).taskId);
    });

    it('DeactivatePipeline cancelActive false: DEACTIVATING until the running attempt ends, then INACTIVE', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A'), shell('B', { dependsOn: { ref: 'A' } })]);
      const t = await pollFor(c, wg, 'A');
      await ack(c, t.taskId);
      await c.send(new DeactivatePipelineCommand({ pipelineId, cancelActive: false }));
      assert.equal(await pipelineField(c, pipelineId, '@pipelineState'), 'DEACTIVATING');
      assert.equal(await ack(c, t.taskId), false, 'the running attempt may finish');
      await expectError(c.send(new ActivatePipelineCommand({ pipelineId })), 'InvalidRequestException');
      await c.send(new SetTaskStatusCommand({ taskId: t.taskId, taskStatus: 'FINISHED' }));
      assert.equal(await pipelineField(c, pipelineId, '@pipelineState'), 'INACTIVE');
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'FINISHED');
      assert.notEqual(await instanceStatus(c, pipelineId, 'B'), 'WAITING_FOR_RUNNER');
      assert.equal(await poll(c, wg), undefined, 'nothing new starts');
      // Deactivating an inactive pipeline is a no-op.
      await c.send(new DeactivatePipelineCommand({ pipelineId }));
    });
  });
}
