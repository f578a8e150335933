/** The real control plane + the in-process agent + s3rver: a staged pipeline end to end. */
import assert from 'node:assert/strict';
import { ActivatePipelineCommand, CreatePipelineCommand, DescribeObjectsCommand, PutPipelineDefinitionCommand, QueryObjectsCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestAgent } from '../../support/agent.js';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { startTestServer, toPipelineObjects } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { until } from '../../support/wait.js';

type Obj = { id: string; fields: Record<string, string> };

async function instances(c: DataPipelineClient, pipelineId: string, sphere: 'INSTANCE' | 'ATTEMPT'): Promise<Obj[]> {
  const q = await c.send(new QueryObjectsCommand({ pipelineId, sphere }));
  if (!q.ids?.length) return [];
  const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: q.ids }));
  return (d.pipelineObjects ?? []).map((o) => ({ id: o.id ?? '', fields: Object.fromEntries((o.fields ?? []).map((f) => [f.key, f.stringValue ?? f.refValue ?? ''])) }));
}

describe('agent e2e: S3 staging, preconditions and pipelineLogUri against the control plane', () => {
  let server: TestServer;
  let s3: TestS3;
  before(async () => {
    server = await startTestServer('pglite');
    s3 = await startTestS3();
    for (const b of ['e2e-in', 'e2e-out', 'e2e-logs']) await s3.createBucket(b);
    await s3.putObject('e2e-in', 'ready/_SUCCESS', '');
    await s3.putObject('e2e-in', 'data/one.txt', 'one\n');
    await s3.putObject('e2e-in', 'data/two.txt', 'two\n');
    await s3.putObject('e2e-in', 'lookup.txt', 'lookup\n');
  });
  after(async () => {
    await server?.close();
    await s3?.close();
  });

  it('stages two inputs in and an output out, checks S3 preconditions, uploads attempt logs', async () => {
    const c = server.client();
    const pipelineId = (await c.send(new CreatePipelineCommand({ name: 's3-e2e', uniqueId: 's3-e2e-1' }))).pipelineId as string;
    const put = await c.send(
      new PutPipelineDefinitionCommand({
        pipelineId,
        pipelineObjects: toPipelineObjects([
          { id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg-s3', failureAndRerunMode: 'cascade', maximumRetries: '0', pipelineLogUri: 's3://e2e-logs/pl/' },
          { id: 'Ready', type: 'S3KeyExists', s3Key: 's3://e2e-in/ready/_SUCCESS', role: 'DataPipelineDefaultRole' },
          { id: 'HasData', type: 'S3PrefixNotEmpty', s3Prefix: 's3://e2e-in/data/', role: 'DataPipelineDefaultRole' },
          { id: 'InputExists', type: 'Exists' },
          { id: 'In', type: 'S3DataNode', directoryPath: 's3://e2e-in/data', precondition: { ref: 'InputExists' } },
          { id: 'Lookup', type: 'S3DataNode', filePath: 's3://e2e-in/lookup.txt' },
          { id: 'Out', type: 'S3DataNode', directoryPath: 's3://e2e-out/result/' },
          {
            id: 'Transform',
            type: 'ShellCommandActivity',
            stage: 'true',
            input: [{ ref: 'In' }, { ref: 'Lookup' }],
            output: { ref: 'Out' },
            precondition: [{ ref: 'Ready' }, { ref: 'HasData' }],
            command: 'cat ${INPUT1_STAGING_DIR}/*.txt | tr a-z A-Z > ${OUTPUT1_STAGING_DIR}/upper.txt && cp ${INPUT2_STAGING_DIR}/lookup.txt ${OUTPUT1_STAGING_DIR}/ && echo staged',
          },
        ]),
      }),
    );
    assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
    const agent = await startTestAgent(server.url, 'wg-s3', { resources: s3.resources() });
    try {
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      const done = await until(() => instances(c, pipelineId, 'INSTANCE'), (v) => v.some((o) => o.fields['@componentParent'] === 'Transform' && ['FINISHED', 'FAILED', 'CASCADE_FAILED'].includes(o.fields['@status'])), { ms: 20_000 });
      const status = Object.fromEntries(done.map((o) => [o.fields['@componentParent'], o.fields['@status']]));
      const attempts = await instances(c, pipelineId, 'ATTEMPT');
      assert.equal(status.Transform, 'FINISHED', JSON.stringify({ status, attempts: attempts.map((a) => [a.id, a.fields.errorId, a.fields.errorMessage]) }));
      assert.equal(status.Ready, 'FINISHED');
      assert.equal(status.HasData, 'FINISHED');
      assert.deepEqual(await s3.listKeys('e2e-out'), ['result/lookup.txt', 'result/upper.txt']);
      assert.equal((await s3.getObject('e2e-out', 'result/upper.txt')).toString(), 'ONE\nTWO\n');
      const t = attempts.find((a) => a.fields['@componentParent'] === 'Transform');
      assert.ok(t);
      const prefix = `pl/${pipelineId}/Transform/${t.fields['@instanceParent']}/${t.id}/`;
      assert.deepEqual(await s3.listKeys('e2e-logs', prefix), [`${prefix}StdError`, `${prefix}StdOutput`]);
      assert.equal((await s3.getObject('e2e-logs', `${prefix}StdOutput`)).toString(), 'staged\n');
    } finally {
      await agent.stop();
    }
  });
});
