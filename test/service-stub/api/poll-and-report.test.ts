/** PollForTask, ReportTaskProgress, ReportTaskRunnerHeartbeat and the ack timeout, through the SDK. */
import assert from 'node:assert/strict';
import {
  ActivatePipelineCommand,
  DeactivatePipelineCommand,
  DeletePipelineCommand,
  PollForTaskCommand,
  ReportTaskProgressCommand,
  ReportTaskRunnerHeartbeatCommand,
  SetStatusCommand,
  SetTaskStatusCommand,
} from '@aws-sdk/client-data-pipeline';
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
  field,
  fieldValues,
  finish,
  instanceOf,
  ondemandDefault,
  poll,
  pollFor,
  queryIds,
  shell,
  statusOf,
  uniq,
} from './helpers.js';

for (const store of STORES) {
  describe(`API PollForTask / ReportTaskProgress (${store})`, () => {
    let server: TestServer;
    let c: DataPipelineClient;
    before(async () => {
      server = await startTestServer(store);
      c = server.client();
    });
    after(async () => server?.close());

    it('answers {} after the hold when there is no work', async () => {
      const r = await c.send(new PollForTaskCommand({ workerGroup: uniq('idle'), hostname: 'h' }));
      assert.equal(r.taskObject, undefined);
      assert.equal(r.$metadata.httpStatusCode, 200);
    });

    it('hands a task to exactly one of several concurrent pollers', async () => {
      const wg = uniq('wg');
      const polls = () => Promise.all(Array.from({ length: 5 }, () => c.send(new PollForTaskCommand({ workerGroup: wg, hostname: 'h' }))));
      // Already waiting: five pollers race for it.
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      const raced = (await polls()).filter((r) => r.taskObject);
      assert.equal(raced.length, 1, 'exactly one poller gets the task');
      await finish(c, raced[0].taskObject?.taskId as string);
      // Arriving while they are held (a new run): at most one is woken with it. Under load the 200 ms hold
      // may end before the activation commits; then the task must still be there for the next poll.
      const held = polls();
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      const woken = (await held).filter((r) => r.taskObject);
      assert.ok(woken.length <= 1, `${woken.length} pollers got the same task`);
      const t = woken[0]?.taskObject ?? (await pollFor(c, wg, 'A'));
      await finish(c, t.taskId as string);
      assert.equal(await poll(c, wg), undefined);
    });

    it('hands several tasks to concurrent pollers without duplicates', async () => {
      const wg = uniq('wg');
      await createAndActivate(c, [ondemandDefault(wg), shell('A'), shell('B'), shell('C')]);
      const results = await Promise.all(Array.from({ length: 6 }, () => c.send(new PollForTaskCommand({ workerGroup: wg }))));
      const attempts = results.flatMap((r) => (r.taskObject?.attemptId ? [r.taskObject.attemptId] : []));
      assert.equal(attempts.length, 3);
      assert.equal(new Set(attempts).size, 3);
    });

    it('concurrent runners drain a fan-out/fan-in pipeline, each attempt handed out once', async () => {
      const wg = uniq('wg');
      const mids = Array.from({ length: 8 }, (_, i) => shell(`M${i}`, { dependsOn: { ref: 'Start' } }));
      const pipelineId = await createAndActivate(c, [
        ondemandDefault(wg),
        shell('Start'),
        ...mids,
        shell('End', { dependsOn: mids.map((m) => ({ ref: m.id as string })) }),
      ]);
      const handed: string[] = [];
      const runner = async () => {
        // Stop after two empty polls in a row: the work is drained (or stuck, which the asserts below catch).
        for (let empty = 0; empty < 2; ) {
          const t = await poll(c, wg);
          if (!t?.taskId) {
            empty++;
            continue;
          }
          empty = 0;
          handed.push(t.attemptId as string);
          await finish(c, t.taskId);
        }
      };
      await Promise.all(Array.from({ length: 4 }, runner));
      assert.equal(handed.length, 10, handed.join(' '));
      assert.equal(new Set(handed).size, 10);
      assert.match(handed[0], /^@Start_/);
      assert.match(handed[9], /^@End_/);
      const st = await statusOf(c, pipelineId, await queryIds(c, pipelineId, 'INSTANCE'));
      assert.deepEqual(new Set(Object.values(st)), new Set(['FINISHED']));
    });

    it("never hands out another worker group's task (case-sensitive)", async () => {
      const wg = uniq('Group');
      await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      assert.equal(await poll(c, wg.toLowerCase()), undefined);
      assert.equal(await poll(c, `${wg}x`), undefined);
      const t = await pollFor(c, wg, 'A');
      await finish(c, t.taskId);
    });

    it('the task object: merged attempt fields, evaluated expressions, referenced objects', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(
        c,
        [
          ondemandDefault(wg, { myGreeting: 'hi' }),
          { id: 'In', type: 'S3DataNode', directoryPath: "s3://bucket/#{format(@scheduledStartTime,'YYYY-MM-dd')}" },
          { id: 'Db', type: 'JdbcDatabase', connectionString: 'jdbc:postgresql://db/x', jdbcDriverClass: 'org.postgresql.Driver', username: 'u', '*password': 'p' },
          {
            id: 'Q',
            type: 'SqlActivity',
            input: { ref: 'In' },
            database: { ref: 'Db' },
            script: 'select 1 -- #{myParam} #{@scheduledStartTime} #{myGreeting}',
            scriptArgument: ['#{myParam}', 'two'],
          },
        ],
        {
          parameterObjects: [{ id: 'myParam', attributes: [{ key: 'type', stringValue: 'String' }] }],
          parameterValues: [{ id: 'myParam', stringValue: 'value-1' }],
        },
      );
      const t = await pollFor(c, wg, 'Q');
      assert.equal(t.pipelineId, pipelineId);
      assert.match(t.attemptId, /^@Q_\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d_Attempt=1$/);
      assert.ok(t.taskId.length > 0 && t.taskId.length <= 2048);
      const objs = t.objects ?? {};
      const attempt = objs[t.attemptId];
      assert.ok(attempt, 'the attempt object is keyed by its id');
      const start = field(attempt, '@scheduledStartTime') as string;
      const inst = await instanceOf(c, pipelineId, 'Q');
      assert.equal(field(attempt, '@instanceParent'), inst);
      assert.equal(field(attempt, '@componentParent'), 'Q');
      assert.equal(field(attempt, 'type'), 'SqlActivity');
      assert.equal(field(attempt, 'workerGroup'), wg, 'Default fields are merged in');
      assert.equal(field(attempt, 'script'), `select 1 -- value-1 ${start} hi`);
      assert.deepEqual(fieldValues(attempt, 'scriptArgument'), ['value-1', 'two']);
      assert.equal(field(attempt, 'input'), 'In');
      assert.equal(field(attempt, 'database'), 'Db');
      assert.equal(field(objs.In, 'directoryPath'), `s3://bucket/${start.slice(0, 10)}`);
      assert.equal(field(objs.In, 'type'), 'S3DataNode');
      assert.equal(field(objs.Db, 'connectionString'), 'jdbc:postgresql://db/x');
      assert.equal(field(objs.Db, '*password'), 'p');
      await finish(c, t.taskId);
    });

    it('expressions follow references and array parameters become repeated fields', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(
        c,
        [
          ondemandDefault(wg),
          { id: 'In', type: 'S3DataNode', directoryPath: "s3://b/#{format(@scheduledStartTime,'YYYY')}/#{myDir}" },
          shell('A', { input: { ref: 'In' }, command: 'ls #{input.directoryPath} #{parent.@id} #{@id}', scriptArgument: '#{myArgs}' }),
        ],
        {
          parameterObjects: [
            { id: 'myDir', attributes: [{ key: 'type', stringValue: 'String' }, { key: 'default', stringValue: 'd' }] },
            { id: 'myArgs', attributes: [{ key: 'type', stringValue: 'String' }, { key: 'isArray', stringValue: 'true' }] },
          ],
          parameterValues: [
            { id: 'myArgs', stringValue: 'x' },
            { id: 'myArgs', stringValue: 'y' },
          ],
        },
      );
      const t = await pollFor(c, wg, 'A');
      const attempt = t.objects?.[t.attemptId];
      const inst = await instanceOf(c, pipelineId, 'A');
      const year = inst.slice(3, 7);
      assert.equal(field(attempt, 'command'), `ls s3://b/${year}/d A ${t.attemptId}`);
      assert.deepEqual(fieldValues(attempt, 'scriptArgument'), ['x', 'y']);
      await finish(c, t.taskId);
    });

    it("an onFail SnsAlarm using #{node...} is sent along, evaluated for the activity", async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [
        ondemandDefault(wg, { onFail: { ref: 'Alarm' } }),
        { id: 'Alarm', type: 'SnsAlarm', topicArn: 'arn:aws:sns:us-east-1:1:t', role: 'r', subject: '#{node.name} failed', message: 'at #{node.@scheduledStartTime}' },
        shell('A'),
      ]);
      const t = await poll(c, wg);
      assert.ok(t?.taskId && t.attemptId, JSON.stringify((await describe1(c, pipelineId, await instanceOf(c, pipelineId, 'A'))).fields));
      const start = field(t.objects?.[t.attemptId], '@scheduledStartTime');
      assert.equal(field(t.objects?.[t.attemptId], 'onFail'), 'Alarm');
      assert.equal(field(t.objects?.Alarm, 'subject'), 'A failed');
      assert.equal(field(t.objects?.Alarm, 'message'), `at ${start}`);
      await finish(c, t.taskId);
    });

    it('ReportTaskProgress acks; SetTaskStatus finishes; unknown task ids are TaskNotFoundException', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      const t = await pollFor(c, wg, 'A');
      const r = await c.send(new ReportTaskProgressCommand({ taskId: t.taskId, fields: [{ key: 'myProgress', stringValue: '50%' }] }));
      assert.equal(r.canceled, false);
      const a = await describe1(c, pipelineId, t.attemptId);
      assert.equal(field(a, '@status'), 'RUNNING');
      assert.equal(field(a, 'hostname'), 'host-1');
      assert.equal(field(a, 'myProgress'), '50%');
      await c.send(new SetTaskStatusCommand({ taskId: t.taskId, taskStatus: 'FINISHED' }));
      // A repeat of the same status is accepted (a lost response retried), a different one refused.
      await c.send(new SetTaskStatusCommand({ taskId: t.taskId, taskStatus: 'FINISHED' }));
      await expectError(c.send(new SetTaskStatusCommand({ taskId: t.taskId, taskStatus: 'FAILED' })), 'InvalidRequestException');
      assert.equal(field(await describe1(c, pipelineId, t.attemptId), '@status'), 'FINISHED');
      assert.equal(await ack(c, t.taskId), true, 'an ended attempt is reported canceled');
      await expectError(c.send(new ReportTaskProgressCommand({ taskId: 'no-such-task' })), 'TaskNotFoundException');
      await expectError(c.send(new SetTaskStatusCommand({ taskId: 'no-such-task', taskStatus: 'FINISHED' })), 'TaskNotFoundException');
      await expectError(c.send(new ReportTaskProgressCommand({ taskId: 'x'.repeat(2049) })), 'InvalidRequestException');
    });

    it('canceled: true after TRY_CANCEL of the instance', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      const t = await pollFor(c, wg, 'A');
      assert.equal(await ack(c, t.taskId), false);
      const inst = await instanceOf(c, pipelineId, 'A');
      await c.send(new SetStatusCommand({ pipelineId, objectIds: [inst], status: 'TRY_CANCEL' }));
      assert.equal(await ack(c, t.taskId), true);
      assert.equal(field(await describe1(c, pipelineId, inst), '@status'), 'CANCELED');
    });

    it('canceled: true after DeactivatePipeline', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      const t = await pollFor(c, wg, 'A');
      await ack(c, t.taskId);
      await c.send(new DeactivatePipelineCommand({ pipelineId }));
      assert.equal(await ack(c, t.taskId), true);
    });

    it('canceled: true after DeletePipeline, and SetTaskStatus then says PipelineDeletedException', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      const t = await pollFor(c, wg, 'A');
      await ack(c, t.taskId);
      await c.send(new DeletePipelineCommand({ pipelineId }));
      assert.equal(await ack(c, t.taskId), true);
      await expectError(c.send(new SetTaskStatusCommand({ taskId: t.taskId, taskStatus: 'FINISHED' })), 'PipelineDeletedException');
    });

    it('unacknowledged for 2 minutes: handed out again under a new task id, the old one is unknown', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      const t1 = await pollFor(c, wg, 'A');
      server.clock.advance(MINUTE);
      await server.tick();
      assert.equal(await poll(c, wg), undefined, 'not yet: the ack window is 2 minutes');
      server.clock.advance(MINUTE + 1000);
      assert.ok((await server.tick()) >= 1);
      const t2 = await pollFor(c, wg, 'A');
      assert.equal(t2.attemptId, t1.attemptId, 'the same attempt: no retry is used up');
      assert.notEqual(t2.taskId, t1.taskId);
      await expectError(c.send(new ReportTaskProgressCommand({ taskId: t1.taskId })), 'TaskNotFoundException');
      await expectError(c.send(new SetTaskStatusCommand({ taskId: t1.taskId, taskStatus: 'FINISHED' })), 'TaskNotFoundException');
      await finish(c, t2.taskId);
      assert.equal(field(await describe1(c, pipelineId, t2.attemptId), '@status'), 'FINISHED');
    });

    it('an acked task is not handed out again after 2 minutes', async () => {
      const wg = uniq('wg');
      await createAndActivate(c, [ondemandDefault(wg), shell('A')]);
      const t = await pollFor(c, wg, 'A');
      await ack(c, t.taskId);
      server.clock.advance(3 * MINUTE);
      await server.tick();
      assert.equal(await poll(c, wg), undefined);
      assert.equal(await ack(c, t.taskId), false);
      await finish(c, t.taskId);
    });

    it('ReportTaskRunnerHeartbeat answers terminate false', async () => {
      const r = await c.send(new ReportTaskRunnerHeartbeatCommand({ taskrunnerId: uniq('runner'), workerGroup: 'wg', hostname: 'h' }));
      assert.equal(r.terminate, false);
      const again = await c.send(new ReportTaskRunnerHeartbeatCommand({ taskrunnerId: 'r2' }));
      assert.equal(again.terminate, false);
      await expectError(c.send(new ReportTaskRunnerHeartbeatCommand({ taskrunnerId: '' })), 'InvalidRequestException');
    });

    it('PollForTask validates its input', async () => {
      await expectError(c.send(new PollForTaskCommand({ workerGroup: 'w'.repeat(1025) })), 'InvalidRequestException');
      await expectError(c.send(new PollForTaskCommand({ workerGroup: 'wg', hostname: 'h'.repeat(1025) })), 'InvalidRequestException');
    });
  });
}
