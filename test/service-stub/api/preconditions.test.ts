/** Runner-checked preconditions (ShellCommandPrecondition): FALSE re-checks, FINISHED releases, preconditionTimeout fails. */
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
  field,
  finish,
  instanceOf,
  instanceStatus,
  ondemandDefault,
  poll,
  pollFor,
  shell,
  uniq,
} from './helpers.js';

const PRE = { id: 'P', type: 'ShellCommandPrecondition', command: 'test -f /tmp/ready', retryDelay: '2 minutes', preconditionTimeout: '10 minutes' };

for (const store of STORES) {
  describe(`API preconditions (${store})`, () => {
    let server: TestServer;
    let c: DataPipelineClient;
    before(async () => {
      server = await startTestServer(store);
      c = server.client();
    });
    after(async () => server?.close());

    async function advance(ms: number): Promise<void> {
      server.clock.advance(ms);
      await server.tick();
    }

    async function setup(): Promise<{ wg: string; pipelineId: string }> {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [ondemandDefault(wg), PRE, shell('A', { precondition: { ref: 'P' } })]);
      return { wg, pipelineId };
    }

    it('the precondition is handed out first; FINISHED releases the activity', async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [
        ondemandDefault(wg),
        { ...PRE, command: 'test -f /tmp/#{node.myFile}-#{node.@scheduledStartTime}' },
        shell('A', { precondition: { ref: 'P' }, myFile: 'ready' }),
      ]);
      const p = await pollFor(c, wg, 'P');
      const start = (await instanceOf(c, pipelineId, 'A')).slice('@A_'.length);
      assert.equal(field(p.objects?.[p.attemptId], 'command'), `test -f /tmp/ready-${start}`, 'node is the guarded object');
      assert.equal(field(p.objects?.[p.attemptId], 'node'), 'A', 'the precondition knows what it guards');
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'WAITING_ON_DEPENDENCIES');
      assert.equal(await poll(c, wg), undefined, 'the activity waits for its precondition');
      await finish(c, p.taskId);
      assert.equal(await instanceStatus(c, pipelineId, 'P'), 'FINISHED');
      const a = await poll(c, wg);
      const aInst = await describe1(c, pipelineId, await instanceOf(c, pipelineId, 'A'));
      assert.ok(a?.taskId, `expected a task of A: ${JSON.stringify(aInst.fields?.filter((f) => f.key?.startsWith('error') || f.key === '@status'))}`);
      assert.match(a.attemptId ?? '', /^@A_/);
      await finish(c, a.taskId);
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'FINISHED');
    });

    it("a data node's precondition sees the data node as node, also inside the consumer's task", async () => {
      const wg = uniq('wg');
      const pipelineId = await createAndActivate(c, [
        ondemandDefault(wg),
        { id: 'In', type: 'S3DataNode', directoryPath: 's3://b/in', precondition: { ref: 'Ready' } },
        { id: 'Ready', type: 'ShellCommandPrecondition', command: 'test -e #{node.directoryPath}' },
        shell('A', { input: { ref: 'In' } }),
      ]);
      const p = await pollFor(c, wg, 'Ready');
      assert.equal(field(p.objects?.[p.attemptId], 'command'), 'test -e s3://b/in');
      await finish(c, p.taskId);
      const a = await poll(c, wg);
      assert.ok(a?.taskId && a.attemptId?.startsWith('@A_'), JSON.stringify((await describe1(c, pipelineId, await instanceOf(c, pipelineId, 'A'))).fields));
      assert.equal(field(a.objects?.Ready, 'command'), 'test -e s3://b/in');
      await finish(c, a.taskId);
    });

    it('FALSE: checked again after its retryDelay without using a retry; the activity keeps waiting', async () => {
      const { wg, pipelineId } = await setup();
      const p1 = await pollFor(c, wg, 'P');
      await ack(c, p1.taskId);
      const pInst = await instanceOf(c, pipelineId, 'P');
      const triesBefore = field(await describe1(c, pipelineId, pInst), '@triesLeft');
      await c.send(new SetTaskStatusCommand({ taskId: p1.taskId, taskStatus: 'FALSE' }));
      assert.equal(await poll(c, wg), undefined, 'not before retryDelay');
      await advance(MINUTE);
      assert.equal(await poll(c, wg), undefined, 'not before retryDelay');
      await advance(MINUTE + 1000);
      const p2 = await pollFor(c, wg, 'P');
      assert.notEqual(p2.taskId, p1.taskId);
      assert.match(p2.attemptId, /_Attempt=1$/, 'a FALSE check is not a failed attempt');
      assert.equal(field(await describe1(c, pipelineId, pInst), '@triesLeft'), triesBefore);
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'WAITING_ON_DEPENDENCIES');
      await finish(c, p2.taskId);
      const a = await pollFor(c, wg, 'A');
      await finish(c, a.taskId);
    });

    it('preconditionTimeout: the precondition FAILS and the activity is CASCADE_FAILED', async () => {
      const { wg, pipelineId } = await setup();
      const p1 = await pollFor(c, wg, 'P');
      await c.send(new SetTaskStatusCommand({ taskId: p1.taskId, taskStatus: 'FALSE' }));
      await advance(5 * MINUTE);
      const p2 = await pollFor(c, wg, 'P');
      await c.send(new SetTaskStatusCommand({ taskId: p2.taskId, taskStatus: 'FALSE' }));
      assert.equal(await instanceStatus(c, pipelineId, 'P'), 'WAITING_FOR_RUNNER', 'still within preconditionTimeout');
      await advance(6 * MINUTE);
      const p3 = await pollFor(c, wg, 'P');
      await c.send(new SetTaskStatusCommand({ taskId: p3.taskId, taskStatus: 'FALSE' }));
      assert.equal(await instanceStatus(c, pipelineId, 'P'), 'FAILED');
      assert.equal(await instanceStatus(c, pipelineId, 'A'), 'CASCADE_FAILED');
      await advance(10 * MINUTE);
      assert.equal(await poll(c, wg), undefined, 'nothing more to hand out');
    });
  });
}
