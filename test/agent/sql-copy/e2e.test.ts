/**
 * CopyActivity with SQL data nodes end to end: the real control plane, the in-process agent, the machine's
 * PostgreSQL and s3rver, with examples/ondemand-sql-copy.json (SQL -> S3 CSV, then S3 -> SQL back).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ActivatePipelineCommand, CreatePipelineCommand, DescribeObjectsCommand, PutPipelineDefinitionCommand, QueryObjectsCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestAgent } from '../../support/agent.js';
import type { TestAgent } from '../../support/agent.js';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { startTestServer, toPipelineObjects } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { copyDatabases } from './helpers.js';
import type { CopyDbs } from './helpers.js';
import { componentStates, until } from '../../support/wait.js';

const EXAMPLE = JSON.parse(readFileSync(new URL('../../../examples/ondemand-sql-copy.json', import.meta.url), 'utf8')) as {
  objects: Record<string, unknown>[];
  parameters: { id: string; type: string }[];
};

describe('agent e2e: CopyActivity SQL -> S3 -> SQL through the control plane', () => {
  let server: TestServer;
  let s3: TestS3;
  let agent: TestAgent;
  let dbs: CopyDbs;

  before(async () => {
    dbs = await copyDatabases();
    server = await startTestServer('pglite');
    s3 = await startTestS3();
    agent = await startTestAgent(server.url, 'wg-local', { resources: s3.resources() });
  });
  after(async () => {
    await agent?.stop();
    await s3?.close();
    await server?.close();
    await dbs?.drop();
  });

  it('runs the example: the orders export is FINISHED with the expected bytes, and loads back into orders_copy', async () => {
    await dbs.pg(`create table orders (order_id int primary key, customer text, total numeric(12,2), paid boolean, created_at timestamptz);
      insert into orders values (1, 'Zoë, Ltd', 12.50, true, '2026-04-01 10:00:00+02'), (2, null, 0, false, '2026-04-01 23:30:00.25-05')`);
    await s3.createBucket('shop');
    const c = server.client();
    const pipelineId = (await c.send(new CreatePipelineCommand({ name: 'sql-copy', uniqueId: 'sql-copy' }))).pipelineId as string;
    const values: Record<string, string> = { myDbUrl: dbs.pgUrl, myDbUser: 'postgres', '*myDbPassword': 'unused', myBucket: 'shop' };
    const put = await c.send(
      new PutPipelineDefinitionCommand({
        pipelineId,
        pipelineObjects: toPipelineObjects(EXAMPLE.objects as never),
        parameterObjects: EXAMPLE.parameters.map((p) => ({ id: p.id, attributes: [{ key: 'type', stringValue: p.type }] })),
        parameterValues: Object.entries(values).map(([id, stringValue]) => ({ id, stringValue })),
      }),
    );
    assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
    await c.send(new ActivatePipelineCommand({ pipelineId }));
    const s = await until(() => componentStates(c, pipelineId), (v) => v.LoadOrders === 'FINISHED' || v.ExportOrders === 'FAILED' || v.LoadOrders === 'FAILED', { ms: 30_000 });
    assert.equal(s.ExportOrders, 'FINISHED', JSON.stringify(s));
    assert.equal(s.LoadOrders, 'FINISHED', JSON.stringify(s));
    assert.equal(
      (await s3.getObject('shop', 'orders/part-00000.csv')).toString('utf8'),
      '1,Zoë\\, Ltd,12.50,t,2026-04-01 08:00:00\n2,\\N,0.00,f,2026-04-02 04:30:00.25\n',
    );
    assert.deepEqual(await dbs.pg(`select order_id, customer, total::text, paid, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') from orders_copy order by 1`), [
      [1, 'Zoë, Ltd', '12.50', true, '2026-04-01 08:00:00.000'],
      [2, null, '0.00', false, '2026-04-02 04:30:00.250'],
    ]);
  });
});
