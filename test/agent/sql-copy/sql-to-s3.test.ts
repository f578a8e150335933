/** SQL -> S3: PostgreSQL and MariaDB rows into dp-csv, TSV (gzip) and Custom files, byte-exact. */
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { failed, finished, s3Node } from '../copy/helpers.js';
import { copyFixture, myDb, noAgentConnections, pgDb, sqlNodeOf } from './helpers.js';

const PG_ITEMS = `
create table items (id int primary key, name text, price numeric(20,4), big bigint, ok boolean, at timestamp(6),
  atz timestamptz, d date, f float8, b bytea);
insert into items values
 (1, 'plain', 12.5, 9007199254740993, true, '2026-01-02 03:04:05', '2026-01-02 03:04:05+02', '2026-01-02', 0.1, '\\x00ff10'),
 (2, 'comma, and \\ backslash', -0.0001, -1, false, '2026-01-02 03:04:05.25', '2026-06-30 23:59:59.999999-07', '1999-12-31', 1e21, ''),
 (3, E'line1\\nline2\\ttab\\r', null, null, null, null, null, null, null, null),
 (4, 'unicode é 日本 🎉', 0, 0, true, '2026-01-02 00:00:00.000001', '2026-01-02 00:00:00+00', '2000-02-29', -2.5, '\\x5c'),
 (5, '', 123456789012.3456, -9223372036854775808, null, '0001-01-01 00:00:00', '2026-03-29 01:30:00+01', '2026-01-01', 'NaN', null),
 (6, 'N', null, null, null, null, null, null, null, null)`;

// Every byte chosen (docs/sql.md): NULL \\N; t/f; decimals as PostgreSQL prints them (scale kept); timestamptz
// in UTC without offset; fraction only when not zero; bytea as plain hex; `,` `\\` LF CR escaped, tab literal.
const PG_CSV =
  '1,plain,12.5000,9007199254740993,t,2026-01-02 03:04:05,2026-01-02 01:04:05,2026-01-02,0.1,00ff10\n' +
  '2,comma\\, and \\\\ backslash,-0.0001,-1,f,2026-01-02 03:04:05.25,2026-07-01 06:59:59.999999,1999-12-31,1e+21,\n' +
  '3,line1\\nline2\ttab\\r,\\N,\\N,\\N,\\N,\\N,\\N,\\N,\\N\n' +
  '4,unicode é 日本 🎉,0.0000,0,t,2026-01-02 00:00:00.000001,2026-01-02 00:00:00,2000-02-29,-2.5,5c\n' +
  '5,,123456789012.3456,-9223372036854775808,\\N,0001-01-01 00:00:00,2026-03-29 00:30:00,2026-01-01,NaN,\\N\n' +
  '6,N,\\N,\\N,\\N,\\N,\\N,\\N,\\N,\\N\n';

const MY_ITEMS = [
  `create table items (id int primary key, name varchar(100), price decimal(12,4), big bigint unsigned, ok tinyint(1),
    at datetime(6), ts timestamp(3) null, d date, f double, b varbinary(10), bits bit(10), t time(2))`,
  `insert into items values
    (1, 'tab\\there, comma', 12.5, 18446744073709551615, 1, '2026-01-02 03:04:05.120000', '2026-01-02 03:04:05.500', '2026-01-02', 0.1, x'00ff', b'1000000001', '12:34:56.50'),
    (2, 'back\\\\slash\\nnewline', -0.0001, 0, 0, '2026-01-02 03:04:05', '2026-06-30 00:00:00', '1999-12-31', 1e21, x'', b'0', '-01:00:00'),
    (3, null, null, null, null, null, null, null, null, null, null, null),
    (4, 'ünïcödé 日本', 0, 1, 1, '2026-01-02 00:00:00.000001', '2026-01-02 00:00:00', '2000-02-29', -2.5, x'5c', b'1', '00:00:00')`,
];

// ts is a TIMESTAMP written in a +02:00 session: stored as UTC, rendered in UTC. BIT(10) as its integer value.
const MY_TSV =
  '1\ttab\\there, comma\t12.5000\t18446744073709551615\t1\t2026-01-02 03:04:05.12\t2026-01-02 01:04:05.5\t2026-01-02\t0.1\t00ff\t513\t12:34:56.5\n' +
  '2\tback\\\\slash\\nnewline\t-0.0001\t0\t0\t2026-01-02 03:04:05\t2026-06-29 22:00:00\t1999-12-31\t1e+21\t\t0\t-01:00:00\n' +
  '3\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n' +
  '4\tünïcödé 日本\t0.0000\t1\t1\t2026-01-02 00:00:00.000001\t2026-01-01 22:00:00\t2000-02-29\t-2.5\t5c\t1\t00:00:00\n';

describe('CopyActivity SQL -> S3', () => {
  const fx = copyFixture(async (s3, dbs) => {
    await s3.createBucket('out');
    await dbs.pg(PG_ITEMS);
    for (const s of MY_ITEMS) await dbs.my(s);
  });
  const { copy } = fx;

  it('PostgreSQL -> CSV file: every value rendered as documented, byte-exact', async () => {
    const r = await copy({
      Db: pgDb(fx.dbs),
      In: sqlNodeOf('Db', { table: 'items', selectQuery: 'select * from items order by id' }),
      Out: s3Node('file:s3://out/pg/items.csv'),
    });
    finished(r);
    assert.equal((await fx.s3.getObject('out', 'pg/items.csv')).toString('utf8'), PG_CSV);
    assert.ok(r.ctx.lines.some((l) => /6 rows of In written to s3:\/\/out\/pg\/items\.csv/.test(l)), r.ctx.lines.join('\n'));
  });

  it('MariaDB -> TSV gzip under a directoryPath: part-00000.tsv.gz, byte-exact after gunzip', async () => {
    const r = await copy({
      Db: myDb(fx.dbs),
      In: { type: 'MySqlDataNode', database: { ref: 'Db' }, table: 'items', selectQuery: 'select * from items order by id' },
      Out: s3Node('dir:s3://out/my/', { dataFormat: { ref: 'T' }, compression: 'gzip' }),
      T: { type: 'TSV' },
    });
    finished(r);
    assert.deepEqual(await fx.s3.listKeys('out', 'my/'), ['my/part-00000.tsv.gz']);
    const gz = await fx.s3.getObject('out', 'my/part-00000.tsv.gz');
    assert.equal(gunzipSync(gz).toString('utf8'), MY_TSV);
  });

  it('MariaDB JSON values: the server text, not a parsed object', async () => {
    const r = await copy({
      Db: myDb(fx.dbs),
      In: { type: 'MySqlDataNode', database: { ref: 'Db' }, table: 'items', selectQuery: `select json_object('a', 'é', 'n', 1.50), json_extract('{"x": [1, 2]}', '$.x')` },
      Out: s3Node('file:s3://out/my/json.csv'),
    });
    finished(r);
    assert.equal((await fx.s3.getObject('out', 'my/json.csv')).toString('utf8'), '{"a": "é"\\, "n": 1.50},[1\\, 2]\n');
  });

  it('no selectQuery: select * from schemaName.table; a Custom format; the inline legacy connection form', async () => {
    await fx.dbs.pg('create schema if not exists sales; create table if not exists sales.t (a int, b text); truncate sales.t; insert into sales.t values (1, $$x$$), (2, null)');
    const r = await copy({
      In: { type: 'SqlDataNode', connectionString: fx.dbs.pgUrl, username: 'postgres', '*password': 'x', table: 't', schemaName: 'sales' },
      Out: s3Node('file:s3://out/custom.txt', { dataFormat: { ref: 'C' } }),
      C: { type: 'Custom', columnSeparator: '|' },
    });
    finished(r);
    const text = (await fx.s3.getObject('out', 'custom.txt')).toString('utf8');
    assert.deepEqual(text.split('\n').sort(), ['', '1|x', '2|']);
  });

  it('an empty result writes an empty object; a failing selectQuery names the node, query and database and writes nothing', async () => {
    finished(await copy({ Db: pgDb(fx.dbs), In: sqlNodeOf('Db', { table: 'items', selectQuery: 'select * from items where false' }), Out: s3Node('file:s3://out/empty.csv') }));
    assert.equal((await fx.s3.getObject('out', 'empty.csv')).length, 0);
    const msg = failed(
      await copy({ Db: pgDb(fx.dbs), In: sqlNodeOf('Db', { table: 'items', selectQuery: 'select nope from items' }), Out: s3Node('file:s3://out/bad.csv') }),
      'SqlStatementFailed',
      /^In: selectQuery "select nope from items" on postgres 127\.0\.0\.1:5432\/dp_copy_\w+ as user "postgres" \(object Db\) failed: column "nope" does not exist/,
    );
    assert.doesNotMatch(msg, /unused/);
    assert.deepEqual(await fx.s3.listKeys('out', 'bad'), []);
  });

  it('an output bucket that does not exist fails naming the output node; the database connection is closed', async () => {
    failed(
      await copy({ Db: pgDb(fx.dbs), In: sqlNodeOf('Db', { table: 'items' }), Out: s3Node('file:s3://no-such-bucket/x.csv') }),
      'S3NoSuchBucket',
      /^Out\.filePath: .*s3:\/\/no-such-bucket\/x\.csv.*does not exist/,
    );
    await noAgentConnections(fx.dbs);
  });

  it('a value the Custom format cannot hold fails the copy with no object', async () => {
    failed(
      await copy({ Db: pgDb(fx.dbs), In: sqlNodeOf('Db', { table: 'items', selectQuery: 'select name from items order by id' }), Out: s3Node('file:s3://out/c2.txt', { dataFormat: { ref: 'C' } }), C: { type: 'Custom', columnSeparator: ',' } }),
      'MalformedRecord',
      /^Out\.dataFormat \(s3:\/\/out\/c2\.txt\): output record 2, value 1: contains the columnSeparator/,
    );
    assert.deepEqual(await fx.s3.listKeys('out', 'c2'), []);
  });
});
