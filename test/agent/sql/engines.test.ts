import assert from 'node:assert/strict';
import { openConnection } from '../../../agent/sql/database.js';
import type { Connection, SqlValue } from '../../../agent/sql/connection.js';
import { parseJdbcUrl, toConnectOptions } from '../../../agent/sql/jdbc-url.js';
import { checkQuery, tableExists } from '../../../agent/sql/run-script.js';
import { quietLogger } from '../../support/agent.js';
import { freshDatabases } from './fresh-dbs.js';
import type { FreshDbs } from './fresh-dbs.js';

const log = quietLogger();

describe('SQL engines on the real PostgreSQL and MariaDB', () => {
  let dbs: FreshDbs;
  before(async () => {
    dbs = await freshDatabases();
    await dbs.pg('create schema sales');
    await dbs.pg('create table sales.orders (id int primary key, note text, amount numeric(14,2), at timestamptz, ok boolean, big bigint, raw bytea)');
    await dbs.my('create table orders (id int primary key, note text, amount decimal(14,2), at datetime(3), ok tinyint(1), big bigint, raw blob)');
  });
  after(async () => dbs?.drop());

  const engines = [
    { name: 'PostgreSQL', url: () => `${dbs.pgUrl}?currentSchema=sales`, user: 'postgres' },
    { name: 'MariaDB', url: () => dbs.myUrl, user: 'root' },
  ];

  for (const e of engines) {
    describe(e.name, () => {
      async function withConn<T>(fn: (c: Connection) => Promise<T>, signal = new AbortController().signal): Promise<T> {
        const o = toConnectOptions(parseJdbcUrl('Db', e.url()), { objectId: 'Db', username: e.user }, () => {});
        const c = await openConnection(o, signal, log);
        try {
          return await fn(c);
        } finally {
          await c.close();
        }
      }

      it('binds ? parameters (not inside literals) and returns values without loss', async () => {
        await withConn(async (c) => {
          await c.query('delete from orders');
          const ins = await c.query("insert into orders (id, note, amount, at, ok, big, raw) values (?, ?, ?, '2026-04-01 12:34:56.789', ?, ?, ?)", [1, "it's ? here", '12345678901.25', true, '9007199254740993', Buffer.from([0, 255])]);
          assert.equal(ins.rowCount, 1);
          const r = await c.query("select id, note, amount, big, raw, '?' as q from orders where id = ?", [1]);
          assert.deepEqual(r.columns.map((x) => x.name), ['id', 'note', 'amount', 'big', 'raw', 'q']);
          assert.deepEqual(r.rows[0].slice(0, 4), [1, "it's ? here", '12345678901.25', '9007199254740993']);
          assert.deepEqual(r.rows[0][4], Buffer.from([0, 255]));
          assert.equal(r.rows[0][5], '?');
        });
      });

      it('streams many rows through a cursor and can stop early', async () => {
        await withConn(async (c) => {
          const gen = c.kind === 'mysql' ? 'select seq as n from seq_1_to_2500' : 'select n from generate_series(1, 2500) n';
          let count = 0;
          let sum = 0;
          const s = c.stream(gen);
          for await (const row of s) {
            count++;
            sum += Number(row[0]);
          }
          assert.equal(count, 2500);
          assert.equal(sum, (2500 * 2501) / 2);
          assert.equal(s.columns?.[0]?.name, 'n');
        });
        // Breaking out early closes the cursor without hanging.
        await withConn(async (c) => {
          const gen = c.kind === 'mysql' ? 'select seq as n from seq_1_to_5000' : 'select n from generate_series(1, 5000) n';
          const got: SqlValue[] = [];
          for await (const row of c.stream(gen)) {
            got.push(row[0]);
            if (got.length === 3) break;
          }
          assert.deepEqual(got.map(Number), [1, 2, 3]);
        });
      });

      it('commits and rolls back transactions', async () => {
        await withConn(async (c) => {
          await c.query('delete from orders');
          await c.begin();
          await c.query('insert into orders (id) values (?)', [10]);
          await c.rollback();
          await c.begin();
          await c.query('insert into orders (id) values (?)', [11]);
          await c.commit();
          const r = await c.query('select id from orders order by id');
          assert.deepEqual(r.rows, [[11]]);
        });
      });

      it('checks a precondition query: met, not met, no rows, and a statement error', async () => {
        await withConn(async (c) => {
          assert.equal((await checkQuery(c, 'select count(*) from orders where id = ?', ['11'], 'P')).met, true);
          assert.equal((await checkQuery(c, 'select count(*) from orders where id = ?', ['12'], 'P')).met, false);
          assert.equal((await checkQuery(c, 'select id from orders where id = ?', ['12'], 'P')).detail, 'the query returned no rows');
          assert.equal((await checkQuery(c, 'select ? = ?', ['a', 'a'], 'P')).met, true);
          assert.equal((await checkQuery(c, 'select null', [], 'P')).met, false);
          await assert.rejects(checkQuery(c, 'select * from no_such_table', [], 'P'), (err: Error & { errorId?: string }) => {
            assert.equal(err.errorId, 'SqlStatementFailed');
            assert.match(err.message, c.kind === 'mysql' ? /database error 1146\).*no_such_table/s : /database error 42P01\).*no_such_table/s);
            return true;
          });
        });
      });

      it('tells whether a table exists, in the current or a named schema', async () => {
        await withConn(async (c) => {
          assert.equal(await tableExists(c, 'orders'), true);
          assert.equal(await tableExists(c, 'ORDERS'.toLowerCase()), true);
          assert.equal(await tableExists(c, 'nope'), false);
          const schema = c.kind === 'mysql' ? dbs.name : 'sales';
          assert.equal(await tableExists(c, 'orders', schema), true);
          assert.equal(await tableExists(c, `${schema}.orders`), true);
          assert.equal(await tableExists(c, 'orders', 'other_schema'), false);
        });
      });

      it('aborting cancels the running statement on the server and closes the connection', async () => {
        const ac = new AbortController();
        const t0 = Date.now();
        await withConn(async (c) => {
          const p = c.query(c.kind === 'mysql' ? 'select sleep(30)' : 'select pg_sleep(30)');
          setTimeout(() => ac.abort(new Error('test abort')), 200);
          await assert.rejects(p, (err: Error & { errorId?: string }) => err.errorId === 'SqlCanceled' && /test abort/.test(err.message));
        }, ac.signal);
        assert.ok(Date.now() - t0 < 10_000, 'the abort took effect quickly');
        // Nothing of ours is still running on the server.
        const running = e.name === 'PostgreSQL' ? await dbs.pg("select count(*) from pg_stat_activity where query like 'select pg_sleep(30)%' and state = 'active'") : await dbs.my("select count(*) from information_schema.processlist where info like 'select sleep(30)%'");
        assert.equal(Number(running[0][0]), 0);
      });
    });
  }

  it('socketTimeout bounds a statement that gets no answer (PostgreSQL, seconds)', async () => {
    const o = toConnectOptions(parseJdbcUrl('PgDb', `${dbs.pgUrl}?socketTimeout=0.3`), { objectId: 'PgDb', username: 'postgres' }, () => {});
    const c = await openConnection(o, new AbortController().signal, log);
    try {
      await assert.rejects(c.query('select pg_sleep(3)'), /timeout/i);
    } finally {
      await c.close();
    }
  });

  it('a wrong password is SqlAuthFailed naming host, port, database and user, never the password (MariaDB)', async () => {
    const o = toConnectOptions(parseJdbcUrl('MyDb', dbs.myUrl), { objectId: 'MyDb', username: 'root', password: 'Very-Secret-42' }, () => {});
    await assert.rejects(openConnection(o, new AbortController().signal, log), (err: Error & { errorId?: string }) => {
      assert.equal(err.errorId, 'SqlAuthFailed');
      assert.match(err.message, new RegExp(`mysql 127\\.0\\.0\\.1:3306/${dbs.name} as user "root" \\(object MyDb\\)`));
      assert.match(err.message, /1045/);
      assert.doesNotMatch(err.message, /Very-Secret-42/);
      return true;
    });
  });

  it('an unreachable port is SqlConnectFailed at once; an unanswering host hits the connect timeout', async () => {
    const o = toConnectOptions(parseJdbcUrl('PgDb', 'jdbc:postgresql://127.0.0.1:1/x'), { objectId: 'PgDb', username: 'u', password: 'pw-xyz' }, () => {});
    await assert.rejects(openConnection(o, new AbortController().signal, log), (err: Error & { errorId?: string }) => err.errorId === 'SqlConnectFailed' && /connection refused/.test(err.message) && /127\.0\.0\.1:1\/x as user "u"/.test(err.message));
    // A listener that never answers: the connect timeout (from the URL, in seconds for PostgreSQL) applies.
    const net = await import('node:net');
    const socks: import('node:net').Socket[] = [];
    const silent = net.createServer((s) => socks.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    try {
      const q = toConnectOptions(parseJdbcUrl('PgDb', `jdbc:postgresql://127.0.0.1:${port}/x?connectTimeout=0.3`), { objectId: 'PgDb', username: 'u' }, () => {});
      await assert.rejects(openConnection(q, new AbortController().signal, log), (err: Error & { errorId?: string }) => err.errorId === 'SqlConnectFailed' && /connect timeout of 0.3 s/.test(err.message));
    } finally {
      for (const s of socks) s.destroy();
      silent.close();
    }
  });
});
