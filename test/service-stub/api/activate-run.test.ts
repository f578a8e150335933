/** ActivatePipeline on on-demand pipelines: runs, their instances' runtime fields, queuing by maxActiveInstances. */
import assert from 'node:assert/strict';
import {
  ActivatePipelineCommand,
  DeactivatePipelineCommand,
  DeletePipelineCommand,
  DescribeObjectsCommand,
  PutPipelineDefinitionCommand,
} from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestServer, toPipelineObjects } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import {
  STORES,
  createAndActivate,
  createPipeline,
  expectError,
  field,
  finish,
  ondemandDefault,
  pipelineField,
  poll,
  pollFor,
  queryIds,
  shell,
  statusOf,
  uniq,
} from './helpers.js';

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;

for (const store of STORES) {
  describe(`API ActivatePipeline (${store})`, () => {
    let server: TestServer;
    let c: DataPipelineClient;
    before(async () => {
      server = await startTestServer(store);
      c = server.client();
    });
    after(async () => server?.close());

    it('creates instances @<id>_<time> carrying the fields list-runs needs', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A'), shell('B', { dependsOn: { ref: 'A' } })]);
      assert.equal(await pipelineField(c, pipelineId, '@pipelineState'), 'SCHEDULED');
      const ids = await queryIds(c, pipelineId, 'INSTANCE');
      assert.equal(ids.length, 2);
      const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: ids }));
      for (const o of d.pipelineObjects ?? []) {
        const comp = field(o, '@componentParent');
        assert.ok(comp === 'A' || comp === 'B');
        const start = field(o, '@scheduledStartTime') ?? '';
        assert.match(start, TIME);
        assert.equal(o.id, `@${comp}_${start}`);
        assert.match(field(o, '@actualStartTime') ?? '', TIME, 'waiting instances carry @actualStartTime (api.md 6.4)');
        assert.equal(field(o, '@sphere'), 'INSTANCE');
        assert.equal(field(o, '@pipelineId'), pipelineId);
      }
      const st = await statusOf(c, pipelineId, ids);
      const a = ids.find((i) => i.startsWith('@A_')) as string;
      const b = ids.find((i) => i.startsWith('@B_')) as string;
      assert.equal(st[a], 'WAITING_FOR_RUNNER');
      assert.equal(st[b], 'WAITING_ON_DEPENDENCIES');
      const bObj = d.pipelineObjects?.find((o) => o.id === b);
      assert.equal(field(bObj, '@waitingOn'), a);
    });

    it('activating again makes a new run, queued until the first ends (maxActiveInstances 1)', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      const ids = await queryIds(c, pipelineId, 'INSTANCE');
      assert.equal(ids.length, 2, 'a second run with its own instance');
      assert.notEqual(ids[0], ids[1]);
      const t1 = await pollFor(c, wg, 'A');
      assert.equal(await poll(c, wg), undefined, 'the second run waits for the first');
      await finish(c, t1.taskId);
      const t2 = await pollFor(c, wg, 'A');
      assert.notEqual(t2.attemptId, t1.attemptId);
      assert.ok(t2.attemptId.startsWith(ids[1]), `${t2.attemptId} is of the second run ${ids[1]}`);
      await finish(c, t2.taskId);
      const st = await statusOf(c, pipelineId, ids);
      assert.deepEqual(Object.values(st), ['FINISHED', 'FINISHED']);
    });

    it('concurrent activations make distinct runs', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      await Promise.all([1, 2, 3].map(() => c.send(new ActivatePipelineCommand({ pipelineId }))));
      const ids = await queryIds(c, pipelineId, 'INSTANCE');
      assert.equal(ids.length, 4);
      assert.equal(new Set(ids).size, 4);
      await c.send(new DeactivatePipelineCommand({ pipelineId }));
      const st = await statusOf(c, pipelineId, ids);
      assert.deepEqual(new Set(Object.values(st)), new Set(['CANCELED']));
      assert.equal(await poll(c, wg), undefined);
    });

    it('DeactivatePipeline of a never-activated pipeline is a no-op', async () => {
      const pipelineId = await createPipeline(c);
      await c.send(new DeactivatePipelineCommand({ pipelineId }));
      assert.equal(await pipelineField(c, pipelineId, '@pipelineState'), 'PENDING');
    });

    it('a new definition applies to the next run; the running one keeps its own', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A', { command: 'echo v1' })]);
      await c.send(
        new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: toPipelineObjects([ondemandDefault(wg), shell('A', { command: 'echo v2' })]) }),
      );
      const t1 = await pollFor(c, wg, 'A');
      assert.equal(field(t1.objects?.[t1.attemptId], 'command'), 'echo v1');
      await finish(c, t1.taskId);
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      const t2 = await pollFor(c, wg, 'A');
      assert.equal(field(t2.objects?.[t2.attemptId], 'command'), 'echo v2');
      await finish(c, t2.taskId);
    });

    it('maxActiveInstances 2 runs two at once', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg, { maxActiveInstances: '2' }), shell('A')]);
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      const t1 = await pollFor(c, wg, 'A');
      const t2 = await pollFor(c, wg, 'A');
      assert.notEqual(t1.attemptId, t2.attemptId);
      assert.equal(await poll(c, wg), undefined, 'the third run is queued');
      await finish(c, t1.taskId);
      const t3 = await pollFor(c, wg, 'A');
      await finish(c, t2.taskId);
      await finish(c, t3.taskId);
    });

    it('refuses cron and timeseries pipelines with a clear message', async () => {
      for (const scheduleType of ['cron', 'timeseries']) {
        const pipelineId = await createPipeline(c);
        const put = await c.send(
          new PutPipelineDefinitionCommand({
            pipelineId,
            pipelineObjects: toPipelineObjects([
              { id: 'Default', scheduleType, workerGroup: 'wg', schedule: { ref: 'S' } },
              { id: 'S', type: 'Schedule', period: '1 day', startAt: 'FIRST_ACTIVATION_DATE_TIME' },
              shell('A'),
            ]),
          }),
        );
        assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
        const err = await expectError(c.send(new ActivatePipelineCommand({ pipelineId })), 'InvalidRequestException');
        assert.match(err.message, /on-demand|ondemand/);
        assert.match(err.message, new RegExp(scheduleType));
      }
    });

    it('refuses a pipeline without a definition, unknown and deleted ones', async () => {
      const pipelineId = await createPipeline(c);
      await expectError(c.send(new ActivatePipelineCommand({ pipelineId })), 'InvalidRequestException');
      await expectError(c.send(new ActivatePipelineCommand({ pipelineId: 'df-NOSUCHPIPELINE0000' })), 'PipelineNotFoundException');
      await c.send(new DeletePipelineCommand({ pipelineId }));
      await expectError(c.send(new ActivatePipelineCommand({ pipelineId })), 'PipelineDeletedException');
    });

    it('startTimestamp sets the scheduled start of the run', async () => {
      const wg = uniq('wg');
      const pipelineId = await createPipeline(c);
      await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: toPipelineObjects([ondemandDefault(wg), shell('A')]) }));
      await c.send(new ActivatePipelineCommand({ pipelineId, startTimestamp: new Date('2030-05-06T07:08:09Z') }));
      const ids = await queryIds(c, pipelineId, 'INSTANCE');
      assert.deepEqual(ids, ['@A_2030-05-06T07:08:09']);
      const t = await pollFor(c, wg, 'A');
      await finish(c, t.taskId);
    });

    it('parameterValues given at activation override the stored ones for that run only', async () => {
      const wg = uniq('wg');
      const pipelineId = await createPipeline(c);
      const put = await c.send(
        new PutPipelineDefinitionCommand({
          pipelineId,
          pipelineObjects: toPipelineObjects([ondemandDefault(wg), shell('A', { command: 'echo #{myWord} #{myCount}' })]),
          parameterObjects: [
            { id: 'myWord', attributes: [{ key: 'type', stringValue: 'String' }] },
            { id: 'myCount', attributes: [{ key: 'type', stringValue: 'Integer' }, { key: 'default', stringValue: '1' }] },
          ],
          parameterValues: [{ id: 'myWord', stringValue: 'stored' }],
        }),
      );
      assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
      await expectError(
        c.send(new ActivatePipelineCommand({ pipelineId, parameterValues: [{ id: 'myCount', stringValue: 'many' }] })),
        'InvalidRequestException',
      );
      await c.send(new ActivatePipelineCommand({ pipelineId, parameterValues: [{ id: 'myWord', stringValue: 'given' }] }));
      const t1 = await pollFor(c, wg, 'A');
      assert.equal(field(t1.objects?.[t1.attemptId], 'command'), 'echo given 1');
      await finish(c, t1.taskId);
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      const t2 = await pollFor(c, wg, 'A');
      assert.equal(field(t2.objects?.[t2.attemptId], 'command'), 'echo stored 1');
      await finish(c, t2.taskId);
    });

    it('DescribeObjects takes 100 ids in one call', async () => {
      const wg = uniq('wg');
      const objects = [ondemandDefault(wg), ...Array.from({ length: 99 }, (_, i) => shell(`A${String(i).padStart(2, '0')}`))];
      const pipelineId = await createAndActivate(c, objects);
      const ids = await queryIds(c, pipelineId, 'INSTANCE');
      assert.equal(ids.length, 99);
      const all = [...ids, 'A00'];
      const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: all }));
      assert.equal(d.pipelineObjects?.length, 100);
      assert.deepEqual(d.pipelineObjects?.map((o) => o.id), all, 'answered in the order asked');
      assert.ok(!d.marker);
      await expectError(c.send(new DescribeObjectsCommand({ pipelineId, objectIds: ['@nope_2020-01-01T00:00:00'] })), 'InvalidRequestException');
      await expectError(c.send(new DescribeObjectsCommand({ pipelineId, objectIds: Array(1001).fill('A00') })), 'InvalidRequestException');
    });
  });
}
