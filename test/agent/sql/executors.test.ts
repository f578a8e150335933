import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exists } from '../../../agent/executors/exists.js';
import { executorFor } from '../../../agent/executors/registry.js';
import { sqlActivity } from '../../../agent/executors/sql-activity.js';
import { sqlPrecondition } from '../../../agent/executors/sql-precondition.js';
import { freshDatabases } from './fresh-dbs.js';
import type { FreshDbs } from './fresh-dbs.js';
import { sqlContext } from './task-context.js';

describe('SQL executors (SqlActivity, SqlPrecondition, Exists on SqlDataNode)', () => {
  let dbs: FreshDbs;
  before(async () => {
    dbs = await freshDatabases();
    await dbs.pg('create table batches (day date, state text)');
    await dbs.pg("insert into batches values ('2026-04-01', 'CLOSED'), ('2026-04-02', 'OPEN')");
    await dbs.my('create table batches (day date, state text)');
    await dbs.my("insert into batches values ('2026-04-01', 'CLOSED'), ('2026-04-02', 'OPEN')");
  });
  after(async () => dbs?.drop());

  it('are registered for their types', () => {
    assert.equal(executorFor('SqlActivity'), sqlActivity);
    assert.equal(executorFor('SqlPrecondition'), sqlPrecondition);
  });

  const engines = [
    { name: 'PostgreSQL', db: () => ({ id: 'Db', type: 'JdbcDatabase', connectionString: dbs.pgUrl, jdbcDriverClass: 'org.postgresql.Driver', username: 'postgres', '*password': 'unused-pw' }) },
    { name: 'MariaDB', db: () => ({ id: 'Db', type: 'JdbcDatabase', connectionString: dbs.myUrl, jdbcDriverClass: 'com.mysql.jdbc.Driver', username: 'root' }) },
  ];
  for (const e of engines) {
    describe(e.name, () => {
      const pre = (query: string, args: string[] = []) =>
        sqlPrecondition.execute(sqlContext([{ id: 'Ready', type: 'SqlPrecondition', database: { ref: 'Db' }, query, scriptArgument: args }, e.db()]));

      it('SqlPrecondition: met, not met, and an error', async () => {
        assert.deepEqual(await pre("select count(*) from batches where day = ? and state = 'CLOSED'", ['2026-04-01']), { status: 'FINISHED' });
        const no = await pre("select count(*) from batches where day = ? and state = 'CLOSED'", ['2026-04-02']);
        assert.equal(no.status, 'FALSE');
        assert.match(no.status === 'FALSE' ? (no.message ?? '') : '', /Precondition not met: .*false\/0\/NULL first column/);
        const err = await pre('select count(*) from no_such_table');
        assert.equal(err.status, 'FAILED');
        assert.equal(err.status === 'FAILED' && err.errorId, 'SqlStatementFailed');
        const mismatch = await pre('select ?', []);
        assert.equal(mismatch.status === 'FAILED' && mismatch.errorId, 'SqlArgumentMismatch');
      });

      it('Exists on a SqlDataNode: the table exists or not (FINISHED / FALSE)', async () => {
        const run = (table: string, schema?: string) =>
          exists.execute(sqlContext([{ id: 'TableThere', type: 'Exists', node: { ref: 'Node' } }, { id: 'Node', type: 'SqlDataNode', table, ...(schema ? { schemaName: schema } : {}), database: { ref: 'Db' } }, e.db()]));
        assert.deepEqual(await run('batches'), { status: 'FINISHED' });
        const missing = await run('missing_table');
        assert.equal(missing.status, 'FALSE');
        assert.equal((await run('batches', e.name === 'PostgreSQL' ? 'public' : dbs.name)).status, 'FINISHED');
        assert.equal((await run('batches', 'no_such_schema')).status, 'FALSE');
      });

      it('SqlActivity from a file:// scriptUri, with queue ignored outside Redshift', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'dp-sqlscript-'));
        const file = join(dir, 'script.sql');
        writeFileSync(file, 'create table from_file (v text);\n-- the value comes from scriptArgument\ninsert into from_file values (?);\n');
        const ctx = sqlContext([{ id: 'Load', type: 'SqlActivity', database: { ref: 'Db' }, scriptUri: pathToFileURL(file).href, scriptArgument: "o'brien; drop table x", queue: 'etl' }, e.db()]);
        assert.deepEqual(await sqlActivity.execute(ctx), { status: 'FINISHED' });
        const rows = e.name === 'PostgreSQL' ? await dbs.pg('select v from from_file') : await dbs.my('select v from from_file');
        assert.deepEqual(rows, [["o'brien; drop table x"]]);
        assert.match(ctx.lines.join('\n'), /queue etl is ignored: it applies to Redshift only/);
      });
    });
  }

  it('SqlActivity: aborting the attempt cancels the running statement on the server at once', async () => {
    const ctx = sqlContext([{ id: 'Slow', type: 'SqlActivity', database: { ref: 'Db' }, script: 'select 1; select pg_sleep(30)' }, engines[0].db()]);
    const t0 = Date.now();
    const p = sqlActivity.execute(ctx);
    setTimeout(() => ctx.controller.abort(new Error('attemptTimeout reached')), 300);
    const out = await p;
    assert.equal(out.status === 'FAILED' && out.errorId, 'SqlCanceled');
    assert.ok(Date.now() - t0 < 10_000);
    assert.deepEqual(await dbs.pg("select count(*)::int from pg_stat_activity where query = 'select pg_sleep(30)' and state = 'active'"), [[0]]);
  });

  it('the legacy inline form on a MySqlDataNode (connectionString, username, *password on the node)', async () => {
    const out = await exists.execute(sqlContext([{ id: 'E', type: 'Exists', node: { ref: 'Node' } }, { id: 'Node', type: 'MySqlDataNode', table: 'batches', connectionString: dbs.myUrl, username: 'root' }]));
    assert.deepEqual(out, { status: 'FINISHED' });
  });

  it('a MySqlDataNode pointing at a PostgreSQL database, a missing database and an unknown type fail clearly', async () => {
    const wrong = await exists.execute(sqlContext([{ id: 'E', type: 'Exists', node: { ref: 'Node' } }, { id: 'Node', type: 'MySqlDataNode', table: 't', database: { ref: 'Db' } }, engines[0].db()]));
    assert.equal(wrong.status === 'FAILED' && wrong.errorId, 'InvalidDatabase');
    const none = await sqlActivity.execute(sqlContext([{ id: 'A', type: 'SqlActivity', script: 'select 1' }]));
    assert.equal(none.status === 'FAILED' && none.errorId, 'InvalidDatabase');
    const oracle = await sqlActivity.execute(sqlContext([{ id: 'A', type: 'SqlActivity', script: 'select 1', database: { ref: 'Db' } }, { id: 'Db', type: 'JdbcDatabase', connectionString: 'jdbc:oracle:thin:@h:1521:X', username: 'u', '*password': 'p' }]));
    assert.equal(oracle.status === 'FAILED' && oracle.errorId, 'UnsupportedDatabase');
    const both = await sqlActivity.execute(sqlContext([{ id: 'A', type: 'SqlActivity', database: { ref: 'Db' } }, engines[0].db()]));
    assert.equal(both.status === 'FAILED' && both.errorId, 'InvalidSqlScript');
  });
});
