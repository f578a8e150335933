import assert from 'node:assert/strict';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  PollForTaskCommand,
  PutPipelineDefinitionCommand,
  ReportTaskProgressCommand,
  SetTaskStatusCommand,
  DescribeObjectsCommand,
  QueryObjectsCommand,
} from '@aws-sdk/client-data-pipeline';
import { startTestServer, toPipelineObjects } from '../support/server.js';
import type { TestServer } from '../support/server.js';

describe('smoke', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('pglite');
  });
  after(async () => server?.close());

  it('runs a two-step on-demand pipeline', async () => {
    const c = server.client();
    const { pipelineId } = await c.send(new CreatePipelineCommand({ name: 'p', uniqueId: 'u1' }));
    const put = await c.send(
      new PutPipelineDefinitionCommand({
        pipelineId,
        pipelineObjects: toPipelineObjects([
          { id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg' },
          { id: 'A', type: 'ShellCommandActivity', command: 'echo a' },
          { id: 'B', type: 'ShellCommandActivity', command: 'echo b', dependsOn: { ref: 'A' } },
        ]),
      }),
    );
    assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
    await c.send(new ActivatePipelineCommand({ pipelineId }));
    const t1 = await c.send(new PollForTaskCommand({ workerGroup: 'wg', hostname: 'h1' }));
    assert.match(t1.taskObject?.attemptId ?? '', /^@A_.*_Attempt=1$/);
    await c.send(new ReportTaskProgressCommand({ taskId: t1.taskObject!.taskId }));
    await c.send(new SetTaskStatusCommand({ taskId: t1.taskObject!.taskId, taskStatus: 'FINISHED' }));
    const t2 = await c.send(new PollForTaskCommand({ workerGroup: 'wg', hostname: 'h1' }));
    assert.match(t2.taskObject?.attemptId ?? '', /^@B_/);
    await c.send(new SetTaskStatusCommand({ taskId: t2.taskObject!.taskId, taskStatus: 'FINISHED' }));
    const q = await c.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE' }));
    const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: q.ids }));
    const statuses = d.pipelineObjects!.map((o) => o.fields!.find((f) => f.key === '@status')?.stringValue);
    assert.deepEqual(statuses, ['FINISHED', 'FINISHED']);
  });
});
