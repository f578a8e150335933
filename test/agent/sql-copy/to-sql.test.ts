/** S3 -> SQL and SQL -> SQL: records into insertQuery, createTableSql, one transaction, errors with line numbers. */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { failed, finished, s3Node } from '../copy/helpers.js';
import type { Objects } from '../copy/helpers.js';
import { copyFixture, myDb, pgDb, sqlNodeOf } from './helpers.js';

// NULL, an escaped comma and backslash, a newline inside a value, unicode, timestamps with and without zones.
const CSV =
  '1,plain,12.5000,t,2026-01-02 03:04:05,2026-01-02 03:04:05\n' +
  '2,comma\\, and \\\\ backslash,-0.0001,f,2026-01-02 03:04:05.25,2026-06-30 23:59:59.999999-07\n' +
  '3,line1\\nline2,\\N,\\N,\\N,\\N\n' +
  '4,unicode é 日本 🎉,0,1,2026-01-02 00:00:00.000001,2026-01-02 00:00:00+05:30\n';

describe('CopyActivity S3 -> SQL and SQL -> SQL', () => {
  const fx = copyFixture(async (s3, dbs) => {
    await s3.createBucket('src');
    await s3.putObject('src', 'rows.csv', CSV);
    await s3.putObject('src', 'gz/a.csv.gz', gzipSync('1,a\n2,b\n'));
    await s3.putObject('src', 'gz/b.csv.gz', gzipSync('3,\\N\n'));
  });
  const { copy } = fx;

  it('S3 CSV -> PostgreSQL: values bound in order, NULLs, escapes, zones (UTC session)', async () => {
    await fx.dbs.pg('create table t1 (id int primary key, name text, price numeric(20,4), ok boolean, at timestamp(6), atz timestamptz)');
    finished(
      await copy({
        Db: pgDb(fx.dbs),
        In: s3Node('file:s3://src/rows.csv'),
        Out: sqlNodeOf('Db', { table: 't1', insertQuery: 'insert into t1 (id, name, price, ok, at, atz) values (?, ?, ?, ?, ?, ?)' }),
      }),
    );
    const rows = await fx.dbs.pg(`select id, name, price::text, ok, to_char(at, 'YYYY-MM-DD HH24:MI:SS.US'), to_char(atz at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') from t1 order by id`);
    assert.deepEqual(rows, [
      [1, 'plain', '12.5000', true, '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000'],
      [2, 'comma, and \\ backslash', '-0.0001', false, '2026-01-02 03:04:05.250000', '2026-07-01 06:59:59.999999'],
      [3, 'line1\nline2', null, null, null, null],
      [4, 'unicode é 日本 🎉', '0.0000', true, '2026-01-02 00:00:00.000001', '2026-01-01 18:30:00.000000'],
    ]);
  });

  it('S3 gzip directory -> MariaDB: createTableSql runs when the table is missing, then every object in key order', async () => {
    const objects: Objects = {
      Db: myDb(fx.dbs),
      In: s3Node('dir:s3://src/gz/', { compression: 'gzip' }),
      Out: sqlNodeOf('Db', { table: 'made', createTableSql: 'create table made (id int primary key, v varchar(10))', insertQuery: 'insert into made (id, v) values (?, ?)' }),
    };
    const r = await copy(objects);
    finished(r);
    assert.ok(r.ctx.lines.some((l) => /table made does not exist; running createTableSql/.test(l)));
    assert.deepEqual(await fx.dbs.my('select id, v from made order by id'), [[1, 'a'], [2, 'b'], [3, null]]);
    // The table exists now: createTableSql is skipped, the upsert form of insertQuery works.
    const again = await copy({ ...objects, Out: { ...objects.Out, insertQuery: 'insert into made (id, v) values (?, ?) on duplicate key update v = concat(values(v), \'!\')' } });
    finished(again);
    assert.ok(!again.ctx.lines.some((l) => /running createTableSql/.test(l)));
    assert.deepEqual(await fx.dbs.my('select id, v from made order by id'), [[1, 'a!'], [2, 'b!'], [3, null]]);
  });

  it('S3 -> MariaDB: CSV text into DATETIME(6), DECIMAL, TINYINT', async () => {
    await fx.dbs.my('create table t2 (id int primary key, name varchar(100), price decimal(20,4), ok tinyint(1), at datetime(6), atz varchar(40))');
    const csv = '1,x\\,y,1.5,1,2026-01-02 03:04:05.25,a\n2,\\N,\\N,0,\\N,\\N\n';
    await fx.s3.putObject('src', 'my.csv', csv);
    finished(await copy({ Db: myDb(fx.dbs), In: s3Node('file:s3://src/my.csv'), Out: sqlNodeOf('Db', { table: 't2', insertQuery: 'insert into t2 values (?, ?, ?, ?, ?, ?)' }) }));
    assert.deepEqual(await fx.dbs.my('select id, name, price, ok, at, atz from t2 order by id'), [
      [1, 'x,y', '1.5000', 1, '2026-01-02 03:04:05.250000', 'a'],
      [2, null, null, 0, null, null],
    ]);
  });

  it('a malformed record fails with its line number and nothing is committed', async () => {
    await fx.dbs.pg('create table t3 (a text, b text, c text)');
    const lines = Array.from({ length: 1200 }, (_, i) => `${i},x,y`);
    lines[1099] = '1099,only-two';
    await fx.s3.putObject('src', 'bad.csv', `${lines.join('\n')}\n`);
    failed(
      await copy({
        Db: pgDb(fx.dbs),
        In: s3Node('file:s3://src/bad.csv', { dataFormat: { ref: 'F' } }),
        Out: sqlNodeOf('Db', { table: 't3', insertQuery: 'insert into t3 values (?, ?, ?)' }),
        F: { type: 'CSV', column: ['a STRING', 'b STRING', 'c STRING'] },
      }),
      'MalformedRecord',
      /^In\.filePath \(s3:\/\/src\/bad\.csv\): line 1100: the record has 2 values but the data format declares 3 columns/,
    );
    // 1099 rows had been inserted before: the transaction was rolled back.
    assert.deepEqual(await fx.dbs.pg('select count(*)::int from t3'), [[0]]);
  });

  it('a column count that differs from the insertQuery placeholders names both counts', async () => {
    await fx.s3.putObject('src', 'two.csv', 'a,b\n');
    failed(
      await copy({ Db: pgDb(fx.dbs), In: s3Node('file:s3://src/two.csv'), Out: sqlNodeOf('Db', { table: 't3', insertQuery: 'insert into t3 values (?, ?, ?)' }) }),
      'ColumnCountMismatch',
      /^Out\.insertQuery: record 1 of s3:\/\/src\/two\.csv has 2 values but the insertQuery has 3 \? placeholders$/,
    );
  });

  it('a row the database rejects names the record and rolls everything back', async () => {
    await fx.dbs.pg('create table t4 (id int primary key)');
    await fx.s3.putObject('src', 'dup.csv', '1\n2\n3\n2\n');
    failed(
      await copy({ Db: pgDb(fx.dbs), In: s3Node('file:s3://src/dup.csv'), Out: sqlNodeOf('Db', { table: 't4', insertQuery: 'insert into t4 values (?)' }) }),
      'SqlStatementFailed',
      /^Out: insertQuery for record 4 of s3:\/\/src\/dup\.csv on postgres .* failed: duplicate key value violates unique constraint/,
    );
    assert.deepEqual(await fx.dbs.pg('select count(*)::int from t4'), [[0]]);
  });

  it('no insertQuery is an error naming the node and field', async () => {
    failed(await copy({ Db: pgDb(fx.dbs), In: s3Node('file:s3://src/two.csv'), Out: sqlNodeOf('Db', { table: 't3' }) }), 'InvalidDataNode', /^Out\.insertQuery: a SqlDataNode written by a CopyActivity needs an insertQuery/);
  });

  it('PostgreSQL -> MariaDB: booleans, decimals, timestamptz (UTC), bytea, NULLs and unicode across engines', async () => {
    await fx.dbs.pg(`create table src (id int, name text, price numeric(20,4), ok boolean, atz timestamptz, at timestamp(6), b bytea, big bigint);
      insert into src values (1, E'a,b\\\\c\\nd 日本', 12.5, true, '2026-01-02 03:04:05.5+02', '2026-01-02 03:04:05.000001', '\\x00ff', 9007199254740993),
                             (2, null, null, false, null, null, null, null)`);
    await fx.dbs.my('create table dst (id int, name varchar(50), price decimal(20,4), ok tinyint(1), atz datetime(6), at datetime(6), b varbinary(10), big bigint)');
    const r = await copy({
      Pg: pgDb(fx.dbs),
      My: myDb(fx.dbs),
      In: sqlNodeOf('Pg', { table: 'src', selectQuery: 'select * from src order by id' }),
      Out: sqlNodeOf('My', { table: 'dst', insertQuery: 'insert into dst values (?, ?, ?, ?, ?, ?, ?, ?)' }),
    });
    finished(r);
    assert.deepEqual(await fx.dbs.my('select id, name, price, ok, atz, at, hex(b), big from dst order by id'), [
      [1, 'a,b\\c\nd 日本', '12.5000', 1, '2026-01-02 01:04:05.500000', '2026-01-02 03:04:05.000001', '00FF', '9007199254740993'],
      [2, null, null, 0, null, null, null, null],
    ]);
  });

  it('MariaDB -> PostgreSQL with createTableSql', async () => {
    await fx.dbs.my('create table src2 (id int, v varchar(10), at datetime(3))');
    await fx.dbs.my(`insert into src2 values (1, 'x', '2026-01-02 03:04:05.120'), (2, null, null)`);
    finished(
      await copy({
        Pg: pgDb(fx.dbs),
        My: myDb(fx.dbs),
        In: sqlNodeOf('My', { table: 'src2' }),
        Out: sqlNodeOf('Pg', { table: 'dst2', createTableSql: 'create table dst2 (id int, v text, at timestamp(3))', insertQuery: 'insert into dst2 values (?, ?, ?)' }),
      }),
    );
    assert.deepEqual(await fx.dbs.pg(`select id, v, to_char(at, 'YYYY-MM-DD HH24:MI:SS.MS') from dst2 order by id`), [
      [1, 'x', '2026-01-02 03:04:05.120'],
      [2, null, null],
    ]);
  });
});
