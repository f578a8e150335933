import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ActivatePipelineCommand, CreatePipelineCommand, DescribeObjectsCommand, PutPipelineDefinitionCommand, QueryObjectsCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestAgent } from '../../support/agent.js';
import type { TestAgent } from '../../support/agent.js';
import { startTestServer, toPipelineObjects } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { fromDefinitionFile } from '../../../protocol/definition-file.js';
import { freshDatabases } from './fresh-dbs.js';
import type { FreshDbs } from './fresh-dbs.js';
import { until } from '../../support/wait.js';

const SECRET = 'Pipeline-Secret-913';

interface Row {
  component: string;
  status?: string;
  errorId?: string;
  errorMessage?: string;
}

async function objects(c: DataPipelineClient, pipelineId: string, sphere: 'INSTANCE' | 'ATTEMPT'): Promise<Row[]> {
  const q = await c.send(new QueryObjectsCommand({ pipelineId, sphere }));
  if (!q.ids?.length) return [];
  const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: q.ids }));
  return (d.pipelineObjects ?? []).map((o) => {
    const f = (k: string) => o.fields?.find((x) => x.key === k);
    return { component: f('@componentParent')?.refValue as string, status: f('@status')?.stringValue, errorId: f('errorId')?.stringValue, errorMessage: f('errorMessage')?.stringValue };
  });
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('SQL end to end: control plane + agent + real databases', () => {
  let server: TestServer;
  let agent: TestAgent;
  let dbs: FreshDbs;
  before(async () => {
    [server, dbs] = await Promise.all([startTestServer('pglite'), freshDatabases()]);
    agent = await startTestAgent(server.url, 'wg-sql');
  });
  after(async () => {
    await agent?.stop();
    await server?.close();
    await dbs?.drop();
  });

  async function run(objs: Record<string, unknown>[], done: (rows: Row[]) => boolean): Promise<{ pipelineId: string; rows: Row[] }> {
    const c = server.client();
    const pipelineId = (await c.send(new CreatePipelineCommand({ name: 'sql', uniqueId: `sql-${Math.random()}` }))).pipelineId as string;
    const put = await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: toPipelineObjects(objs) }));
    assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
    await c.send(new ActivatePipelineCommand({ pipelineId }));
    const rows = await until(() => objects(c, pipelineId, 'INSTANCE'), done, { ms: 30_000, pauseMs: 20 });
    return { pipelineId, rows };
  }

  const statusOf = (rows: Row[], id: string) => rows.find((r) => r.component === id)?.status;

  it('runs a script with arguments across statements, guarded by SqlPrecondition and Exists on a SqlDataNode (PostgreSQL)', async () => {
    await dbs.pg('create table src (id int)');
    const script = `-- load; the comments and quotes hold semicolons
create table events (id int, label text, note text);
insert into events values (?, ?, 'a;b');
insert into events values (?, ?, $$ x; 'y' $$);
/* done; */ update events set label = label || ? where id = ?`;
    const { pipelineId, rows } = await run(
      [
        { id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg-sql', failureAndRerunMode: 'cascade', maximumRetries: '0' },
        { id: 'PgDb', type: 'JdbcDatabase', connectionString: dbs.pgUrl, jdbcDriverClass: 'org.postgresql.Driver', username: 'postgres', '*password': SECRET },
        { id: 'Ready', type: 'SqlPrecondition', database: { ref: 'PgDb' }, query: "select count(*) from information_schema.tables where table_name = ?", scriptArgument: 'src' },
        { id: 'Load', type: 'SqlActivity', database: { ref: 'PgDb' }, script, scriptArgument: ['1', 'one', '2', 'two', '!', '2'], precondition: { ref: 'Ready' }, output: { ref: 'Events' } },
        { id: 'TableThere', type: 'Exists' },
        // A SqlPrecondition on a data node is routed to the worker group too.
        { id: 'HasRows', type: 'SqlPrecondition', database: { ref: 'PgDb' }, query: 'select count(*) from events' },
        { id: 'Events', type: 'SqlDataNode', table: 'events', database: { ref: 'PgDb' }, precondition: [{ ref: 'TableThere' }, { ref: 'HasRows' }] },
        { id: 'Count', type: 'SqlActivity', database: { ref: 'PgDb' }, script: 'insert into src select count(*) from events', input: { ref: 'Events' }, dependsOn: { ref: 'Load' } },
      ],
      (r) => ['Load', 'Count'].every((id) => ['FINISHED', 'FAILED', 'CASCADE_FAILED'].includes(statusOf(r, id) ?? '')),
    );
    assert.equal(statusOf(rows, 'Load'), 'FINISHED', JSON.stringify(await objects(server.client(), pipelineId, 'ATTEMPT')));
    assert.equal(statusOf(rows, 'Count'), 'FINISHED', JSON.stringify(await objects(server.client(), pipelineId, 'ATTEMPT')));
    for (const p of ['Ready', 'TableThere', 'HasRows']) assert.equal(statusOf(rows, p), 'FINISHED', p);
    assert.deepEqual(await dbs.pg('select id, label, note from events order by id'), [
      [1, 'one', 'a;b'],
      [2, 'two!', " x; 'y' "],
    ]);
    assert.deepEqual(await dbs.pg('select id from src'), [[2]]);
  });

  it('runs examples/ondemand-sql.json (SqlActivity + SqlPrecondition + Exists) against a local PostgreSQL', async () => {
    const file = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'ondemand-sql.json'), 'utf8')) as { objects: Record<string, unknown>[]; values?: Record<string, string> };
    file.values = { myDbUrl: dbs.pgUrl, myLabel: 'from the test' };
    // The example's worker group is wg-local; this agent polls wg-sql.
    const def = fromDefinitionFile({ ...file, objects: file.objects.map((o) => (o.id === 'Default' ? { ...o, workerGroup: 'wg-sql' } : o)) });
    const c = server.client();
    const pipelineId = (await c.send(new CreatePipelineCommand({ name: 'example', uniqueId: 'example-sql' }))).pipelineId as string;
    const put = await c.send(new PutPipelineDefinitionCommand({ pipelineId, ...def }));
    assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
    await c.send(new ActivatePipelineCommand({ pipelineId }));
    const rows = await until(() => objects(c, pipelineId, 'INSTANCE'), (r) => ['FINISHED', 'FAILED', 'CASCADE_FAILED'].includes(statusOf(r, 'KeepThirtyDays') ?? ''), { ms: 30_000, pauseMs: 20 });
    assert.equal(statusOf(rows, 'KeepThirtyDays'), 'FINISHED', JSON.stringify(await objects(c, pipelineId, 'ATTEMPT')));
    assert.deepEqual(
      (await dbs.pg('select label, note from datapipe_example_runs')).map((r) => r.join('|')),
      ['from the test|semicolons; in quotes are fine'],
    );
  });

  it('reports a failing statement, a wrong password, an unreachable host and a failing SqlPrecondition, never the password', async () => {
    const { pipelineId, rows } = await run(
      [
        { id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg-sql', failureAndRerunMode: 'cascade', maximumRetries: '0' },
        { id: 'PgDb', type: 'JdbcDatabase', connectionString: dbs.pgUrl, jdbcDriverClass: 'org.postgresql.Driver', username: 'postgres', '*password': SECRET },
        { id: 'BadPw', type: 'JdbcDatabase', connectionString: dbs.myUrl, jdbcDriverClass: 'com.mysql.jdbc.Driver', username: 'root', '*password': SECRET },
        { id: 'Nowhere', type: 'JdbcDatabase', connectionString: 'jdbc:mysql://127.0.0.1:1/x', jdbcDriverClass: 'com.mysql.jdbc.Driver', username: 'root', '*password': SECRET },
        { id: 'Failing', type: 'SqlActivity', database: { ref: 'PgDb' }, script: 'select 1;\ninsert into missing_table\n values (1);\nselect 3' },
        { id: 'WrongPassword', type: 'SqlActivity', database: { ref: 'BadPw' }, script: 'select 1' },
        { id: 'Unreachable', type: 'SqlActivity', database: { ref: 'Nowhere' }, script: 'select 1' },
        { id: 'BrokenCheck', type: 'SqlPrecondition', database: { ref: 'PgDb' }, query: 'select nope from nowhere' },
        { id: 'Guarded', type: 'SqlActivity', database: { ref: 'PgDb' }, script: 'select 1', precondition: { ref: 'BrokenCheck' } },
      ],
      (r) => ['Failing', 'WrongPassword', 'Unreachable', 'BrokenCheck'].every((id) => ['FAILED', 'CASCADE_FAILED'].includes(statusOf(r, id) ?? '')),
    );
    const attempts = await objects(server.client(), pipelineId, 'ATTEMPT');
    const a = (id: string) => attempts.find((x) => x.component === id);
    assert.equal(a('Failing')?.errorId, 'SqlStatementFailed');
    assert.match(a('Failing')?.errorMessage ?? '', /statement 2 of 3 failed \(database error 42P01\): relation "missing_table" does not exist/);
    assert.match(a('Failing')?.errorMessage ?? '', /statement 2: insert into missing_table$/m);
    assert.equal(a('WrongPassword')?.errorId, 'SqlAuthFailed');
    assert.match(a('WrongPassword')?.errorMessage ?? '', new RegExp(`127\\.0\\.0\\.1:3306/${dbs.name} as user "root" \\(object BadPw\\)`));
    assert.equal(a('Unreachable')?.errorId, 'SqlConnectFailed');
    assert.match(a('Unreachable')?.errorMessage ?? '', /127\.0\.0\.1:1\/x .*connection refused/);
    assert.equal(a('BrokenCheck')?.errorId, 'SqlStatementFailed');
    assert.notEqual(statusOf(rows, 'Guarded'), 'FINISHED');
    for (const x of attempts) assert.doesNotMatch(`${x.errorMessage ?? ''}`, new RegExp(SECRET));
    // Nor in any log line or file the agent wrote.
    assert.ok(agent.lines.length > 0, "the agent log was captured");
    assert.doesNotMatch(agent.lines.join("\n"), new RegExp(SECRET));
    for (const f of allFiles(agent.outputDir)) assert.doesNotMatch(readFileSync(f, 'utf8'), new RegExp(SECRET), f);
  });
});
