/**
 * The real `taskrunner` process with S3: credentials shared by the control plane and s3rver (the server is given
 * the S3RVER key too), an s3:// scriptUri with stdout to S3, and --logUri pushing the runner log at shutdown.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ActivatePipelineCommand, CreatePipelineCommand, DescribeObjectsCommand, PutPipelineDefinitionCommand, QueryObjectsCommand } from '@aws-sdk/client-data-pipeline';
import { killAllAgents, spawnAgent, until } from '../faults/spawn-agent.js';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { startTestServer, TEST_KEY, toPipelineObjects } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';

describe('taskrunner process with S3 (scriptUri, stdout to S3, --logUri)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let s3: TestS3;
  let out: string;
  before(async () => {
    server = await startTestServer('pglite', { keys: { [TEST_KEY.accessKeyId]: TEST_KEY.secretAccessKey, S3RVER: 'S3RVER' } });
    s3 = await startTestS3();
    await s3.createBucket('rp-bkt');
    await s3.putObject('rp-bkt', 'scripts/run.sh', 'echo "ran from s3 with $#"\n');
  });
  after(async () => {
    await server?.close();
    await s3?.close();
  });
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'dp-s3-proc-'));
  });
  afterEach(async () => {
    await killAllAgents();
    rmSync(out, { recursive: true, force: true });
  });

  it('runs an s3:// script, uploads its stdout, and pushes the runner log to --logUri at exit', async () => {
    const c = server.client();
    const pipelineId = (await c.send(new CreatePipelineCommand({ name: 'rp', uniqueId: 'rp-1' }))).pipelineId as string;
    const put = await c.send(
      new PutPipelineDefinitionCommand({
        pipelineId,
        pipelineObjects: toPipelineObjects([
          { id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg-rp', maximumRetries: '0' },
          { id: 'Run', type: 'ShellCommandActivity', scriptUri: 's3://rp-bkt/scripts/run.sh', stdout: 's3://rp-bkt/out/stdout.txt' },
        ]),
      }),
    );
    assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
    const agent = spawnAgent({
      url: server.url,
      workerGroup: 'wg-rp',
      outputDir: out,
      keys: false,
      args: ['--accessId=S3RVER', '--secretKey=S3RVER', '--logUri=s3://rp-bkt/runner-logs/', '--taskrunnerId=tr-rp'],
      env: s3.env,
    });
    await c.send(new ActivatePipelineCommand({ pipelineId }));
    let status = '';
    await until(
      async () => {
        const q = await c.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE' }));
        const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: q.ids ?? [] }));
        status = d.pipelineObjects?.[0]?.fields?.find((f) => f.key === '@status')?.stringValue ?? '';
        return status === 'FINISHED' || status === 'FAILED';
      },
      30_000,
      'the activity to end',
      () => agent.output(),
    );
    assert.equal(status, 'FINISHED', agent.output());
    assert.equal((await s3.getObject('rp-bkt', 'out/stdout.txt')).toString(), 'ran from s3 with 0\n');
    agent.signal('SIGTERM');
    assert.equal((await agent.waitExit(20_000)).code, 0, agent.output());
    assert.deepEqual(await s3.listKeys('rp-bkt', 'runner-logs/'), ['runner-logs/tr-rp/TaskRunner.log.gz']);
    const log = gunzipSync(await s3.getObject('rp-bkt', 'runner-logs/tr-rp/TaskRunner.log.gz')).toString();
    assert.match(log, /task runner stopped/);
    assert.doesNotMatch(log, /S3RVER.*secret|secretKey=S3RVER/);
  });
});
