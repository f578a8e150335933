/** CopyActivity end to end: the real control plane, the in-process agent and s3rver, with examples/ondemand-s3-copy.json. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ActivatePipelineCommand, CreatePipelineCommand, DescribeObjectsCommand, PutPipelineDefinitionCommand, QueryObjectsCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestAgent } from '../../support/agent.js';
import type { TestAgent } from '../../support/agent.js';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { startTestServer, toPipelineObjects } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { componentStates, until } from '../../support/wait.js';

const EXAMPLE = JSON.parse(readFileSync(new URL('../../../examples/ondemand-s3-copy.json', import.meta.url), 'utf8')) as {
  objects: Record<string, unknown>[];
};

describe('agent e2e: CopyActivity S3 -> S3 through the control plane', () => {
  let server: TestServer;
  let s3: TestS3;
  let agent: TestAgent;
  before(async () => {
    server = await startTestServer('pglite');
    s3 = await startTestS3();
    agent = await startTestAgent(server.url, 'wg-local', { resources: s3.resources() });
  });
  after(async () => {
    await agent?.stop();
    await s3?.close();
    await server?.close();
  });

  async function activate(name: string, objects: Record<string, unknown>[], bucket: string): Promise<string> {
    const c = server.client();
    const pipelineId = (await c.send(new CreatePipelineCommand({ name, uniqueId: name }))).pipelineId as string;
    const put = await c.send(
      new PutPipelineDefinitionCommand({
        pipelineId,
        pipelineObjects: toPipelineObjects(objects as never),
        parameterObjects: [{ id: 'myBucket', attributes: [{ key: 'type', stringValue: 'String' }] }],
        parameterValues: [{ id: 'myBucket', stringValue: bucket }],
      }),
    );
    assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
    await c.send(new ActivatePipelineCommand({ pipelineId }));
    return pipelineId;
  }

  it('runs the example: CSV -> gzip TSV record by record, then a server-side archive copy', async () => {
    await s3.createBucket('example');
    await s3.putObject('example', 'incoming/people.csv', '1,Zoë,likes a\\, b and c\n2,\\N,tab\there\n');
    const pipelineId = await activate('s3-copy', EXAMPLE.objects, 'example');
    const s = await until(() => componentStates(server.client(), pipelineId), (v) => v.ArchiveCopy === 'FINISHED' || v.CsvToTsv === 'FAILED' || v.ArchiveCopy === 'FAILED', { ms: 20_000 });
    assert.equal(s.CsvToTsv, 'FINISHED', JSON.stringify(s));
    assert.equal(s.ArchiveCopy, 'FINISHED', JSON.stringify(s));
    const tsv = '1\tZoë\tlikes a, b and c\n2\t\\N\ttab\\there\n';
    assert.equal(gunzipSync(await s3.getObject('example', 'converted/people.csv.gz')).toString(), tsv);
    assert.equal(gunzipSync(await s3.getObject('example', 'archive/people.csv.gz')).toString(), tsv);
    const copyPut = s3.requests.find((q) => q.method === 'PUT' && q.url.split('?')[0] === '/example/archive/people.csv.gz');
    assert.equal(copyPut?.headers['x-amz-copy-source'], 'example/converted/people.csv.gz', 'the archive copy is server-side');
  });

  it('CRLF input: the attempt FAILS with CrlfRecordEnd naming the node, the object and the line', async () => {
    await s3.createBucket('crlf');
    await s3.putObject('crlf', 'incoming/people.csv', '1,a,b\r\n');
    const noRetry = EXAMPLE.objects.map((o) => (o.id === 'Default' ? { ...o, maximumRetries: '0' } : o));
    const pipelineId = await activate('s3-copy-crlf', noRetry, 'crlf');
    const s = await until(() => componentStates(server.client(), pipelineId), (v) => v.CsvToTsv === 'FAILED' && v['CsvToTsv.error'] !== undefined, { ms: 20_000 });
    assert.match(s['CsvToTsv.error'], /^CrlfRecordEnd: Incoming\.filePath \(s3:\/\/crlf\/incoming\/people\.csv\): line 1: CRLF record ends are not supported/);
    assert.equal(s.ArchiveCopy, 'CASCADE_FAILED');
    assert.deepEqual(await s3.listKeys('crlf', 'converted/'), []);
  });
});
