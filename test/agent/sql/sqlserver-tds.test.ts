import assert from 'node:assert/strict';
import { openConnection } from '../../../agent/sql/database.js';
import type { Connection } from '../../../agent/sql/connection.js';
import { parseJdbcUrl, toConnectOptions } from '../../../agent/sql/jdbc-url.js';
import type { ConnectOptions } from '../../../agent/sql/options.js';
import { checkQuery, runStatements, bindScript } from '../../../agent/sql/run-script.js';
import { quietLogger } from '../../support/agent.js';
import { startTdsMock } from '../../support/tds-mock.js';
import type { TdsMock } from '../../support/tds-mock.js';

describe('SQL Server through the TDS mock (tedious 19)', () => {
  let mock: TdsMock;
  let opts: ConnectOptions;
  const lines: string[] = [];
  const log = quietLogger(lines);
  before(async () => {
    mock = await startTdsMock({ users: { sa: 'S3cret!pw' } });
    const url = parseJdbcUrl('MsDb', `jdbc:sqlserver://127.0.0.1:${mock.port};databaseName=shop;encrypt=false;applicationName=dp-test`);
    opts = toConnectOptions(url, { objectId: 'MsDb', username: 'sa', password: 'S3cret!pw' }, () => {});
  });
  after(async () => mock?.close());

  async function withConn<T>(fn: (c: Connection) => Promise<T>, signal = new AbortController().signal): Promise<T> {
    const c = await openConnection(opts, signal, log);
    try {
      return await fn(c);
    } finally {
      await c.close();
    }
  }

  it('logs in with the user and database of the URL and runs a query with parameters bound as @pN', async () => {
    const r = await withConn((c) => c.query("select 1 as a, N'it''s' as b, ? as c, ? as d", ['hello ?', 42]));
    assert.deepEqual(r.columns.map((c) => c.name), ['a', 'b', 'c', 'd']);
    assert.deepEqual(r.rows, [[1, "it's", 'hello ?', 42]]);
    const last = mock.requests.at(-1);
    assert.equal(last?.kind, 'rpc');
    assert.match(last?.sql ?? '', /@p1 as c, @p2 as d/);
    assert.deepEqual(last?.params, { p1: 'hello ?', p2: 42 });
    assert.deepEqual(mock.logins.at(-1), { user: 'sa', database: 'shop' });
  });

  it('sends long strings as NVARCHAR(MAX) and statements without parameters as a batch', async () => {
    const long = 'z'.repeat(5000);
    await withConn(async (c) => {
      const r = await c.query('select ? as v', [long]);
      assert.equal(r.rows[0][0], long);
      await c.query('select 5');
    });
    assert.equal(mock.requests.at(-1)?.kind, 'batch');
  });

  it('streams rows', async () => {
    const got: unknown[] = [];
    await withConn(async (c) => {
      const s = c.stream('select 7 as x, ? as y', ['q']);
      for await (const row of s) got.push(row);
      assert.deepEqual(s.columns?.map((x) => x.name), ['x', 'y']);
    });
    assert.deepEqual(got, [[7, 'q']]);
  });

  it('reports a failing statement with its number and the server error number', async () => {
    await withConn(async (c) => {
      const st = bindScript("select 1; raiserror('boom', 16, 1); select 2", 'sqlserver', [], 'MsAct');
      await assert.rejects(runStatements(c, st, "MsAct"), (e: Error & { errorId?: string }) => {
        assert.equal(e.errorId, 'SqlStatementFailed');
        assert.match(e.message, /statement 2 of 3 failed \(database error 50000\)/);
        assert.match(e.message, /raiserror\('boom', 16, 1\)/);
        return true;
      });
      // The connection is still usable after a statement error.
      assert.deepEqual((await checkQuery(c, 'select 1', [], 'X')).met, true);
    });
  });

  it('a wrong password is SqlAuthFailed naming host, port, database and user, not the password', async () => {
    await assert.rejects(openConnection({ ...opts, password: 'wrong-pass' }, new AbortController().signal, log), (e: Error & { errorId?: string }) => {
      assert.equal(e.errorId, 'SqlAuthFailed');
      assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${mock.port}/shop as user "sa" \\(object MsDb\\)`));
      assert.match(e.message, /Login failed/);
      assert.doesNotMatch(e.message, /wrong-pass|S3cret/);
      return true;
    });
  });

  it('aborting a running statement sends ATTENTION and closes the connection', async () => {
    const ac = new AbortController();
    const before = mock.attentions;
    await withConn(async (c) => {
      const p = c.query('waitfor delay 10');
      await new Promise((r) => setTimeout(r, 50)); // let the request reach the mock
      ac.abort(new Error('test abort'));
      await assert.rejects(p, (e: Error & { errorId?: string }) => e.errorId === 'SqlCanceled');
    }, ac.signal);
    assert.equal(mock.attentions, before + 1);
  });
});
