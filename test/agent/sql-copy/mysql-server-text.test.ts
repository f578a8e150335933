/**
 * SQL -> S3 from MariaDB through lines the server writes (agent/copy/mysql-text.ts): byte-identical to the row
 * path (render.ts + escaped.ts) for every column type it allows, with every separator it allows; the row path
 * for the types, layouts and queries it does not allow.
 */
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { lineChunks, mysqlLayoutProblem, mysqlTextPlan, sortsRows } from '../../../agent/copy/mysql-text.js';
import type { Connection } from '../../../agent/sql/connection.js';
import type { DataFormat } from '../../../agent/formats/format.js';
import { dpCsv } from '../../../agent/formats/dp-csv.js';
import { failed, finished, s3Node } from '../copy/helpers.js';
import { copyDatabases, copyFixture, myDb } from './helpers.js';
import type { CopyDbs } from './helpers.js';
import { layoutFormat, renderedBytes, withSessionConn } from './server-text-helpers.js';


/** Every type the server-text path allows, and the values whose text or escaping could differ between paths. */
const TABLE = `create table vals (id int primary key, t text, vc varchar(40), ch char(3), lat varchar(20) character set latin1,
  ti tinyint, bo boolean, si smallint unsigned, mi mediumint, i4 int unsigned, i8 bigint, u8 bigint unsigned, n decimal(20,6),
  d date, dt datetime, dt6 datetime(6), ts timestamp(3) null, tm time, tm6 time(6), e enum('ok','sa,d'), st set('a','b'), tt tinytext)`;
const ROWS = [
  `(1, '', '', '', '', 0, false, 0, 0, 0, 0, 0, 0, '2026-01-02', '2026-01-02 03:04:05', '2026-01-02 03:04:05', '2026-01-02 03:04:05', '00:00:00', '00:00:00', 'ok', '', '')`,
  `(2, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null)`,
  `(3, 'N', 'a,b', 'x,', 'n,m', -128, true, 65535, -8388608, 4294967295, -9223372036854775808, 18446744073709551615, -0.000001, '1000-01-01', '9999-12-31 23:59:59', '2026-01-02 03:04:05.120000', '2026-01-02 03:04:05.5', '-838:59:59', '-00:00:00.500000', 'sa,d', 'a,b', 'a-b:c.d 0')`,
  `(4, '\\\\N', 'tab\\tx', '\\t', 'n\\nl', 127, false, 1, 8388607, 1, 9223372036854775807, 1, 12345678901234.567890, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000', null, '838:59:59', '12:34:56.000001', null, 'b', '\\\\')`,
  `(5, 'back\\\\slash, comma\\nLF\\rCR\\tTAB\\bBS\\fFF\\vVT \\\\\\\\ end\\\\', 'x\\Zy\\0z', 'abc', 'é\\\\,', 1, true, 2, 3, 4, 5, 6, 1.5, '2000-02-29', '2000-02-29 12:00:00', '2000-02-29 12:00:00.000001', '2000-02-29 12:00:00.100', '01:02:03', '01:02:03.100000', 'ok', 'a', ' sp ')`,
  `(6, 'unicode é 日本 🎉 | pipe ; semi " quote - dash : colon . dot 0', '|;" -:.0', ' sp', 'é', 2, false, 3, 4, 5, 6, 7, -2.5, '2026-12-31', '2026-12-31 23:59:59', '2026-12-31 23:59:59.999999', '2038-01-19 03:14:07.999', '23:59:59', '23:59:59.999999', 'ok', 'a,b', 'é🎉')`,
];

/** (MariaDB has no `\f` or `\v` escapes: those values hold the letters.) */
const SEPARATORS = [',', '\t', '|', ';', ' ', '\u0001', '"', '-', ':', '.', '0', '\b'];

const withConn = <T>(dbs: CopyDbs, fn: (c: Connection) => Promise<T>): Promise<T> => withSessionConn(dbs, 'mysql', fn);
const rowBytes = (c: Connection, sql: string, format: DataFormat): Promise<Buffer> => renderedBytes(c, sql, format, 'mysql');

/** The server-text path's bytes, and the records it counted. */
async function serverBytes(c: Connection, sql: string, format: DataFormat): Promise<{ bytes: Buffer; records: number }> {
  const { plan, reason } = await mysqlTextPlan(c, sql, { format, compression: 'none' });
  assert.ok(plan, reason);
  let records = 0;
  const parts: Buffer[] = [];
  for await (const b of lineChunks(c.stream(plan.query), (n) => (records += n))) parts.push(b);
  return { bytes: Buffer.concat(parts), records };
}

describe('MySQL server text for SQL -> S3', () => {
  describe('layouts and queries', () => {
    it('CSV and TSV with escape \\ and LF records, one ASCII separator', () => {
      const l = (separator: string, escape = '\\', recordSeparator = '\n') => mysqlLayoutProblem({ separator, escape, recordSeparator });
      for (const s of SEPARATORS) assert.equal(l(s), undefined, s);
      assert.match(l(',', '!') ?? '', /escapeChar/);
      assert.match(l(',', '\\', '|') ?? '', /recordSeparator/);
      for (const s of ['é', '\u0000', '\u007f', 'ab']) assert.match(l(s) ?? '', /columnSeparator/, s);
      assert.match(mysqlLayoutProblem(undefined) ?? '', /not CSV or TSV/);
    });
    it('queries that sort or group, in code or in /*! */ comments, not in strings, identifiers or comments', () => {
      assert.ok(sortsRows('select * from t order by id'));
      assert.ok(sortsRows('select a, count(*) from t GROUP\nBY a'));
      assert.ok(sortsRows('select * from t /*!50000 ORDER BY id */'));
      assert.ok(sortsRows('select row_number() over (order by a) from t'));
      assert.ok(!sortsRows("select 'order by', `group`, order_id, \"group\" from t -- order by x\n # group by"));
      assert.ok(!sortsRows('select * from t /* order by id */'));
      // Without backslash escapes `'a\'` ends at its second quote: any mention counts.
      assert.ok(sortsRows("select 'a\\' order by 1 -- '", false));
      assert.ok(!sortsRows('select * from t', false));
    });
  });

  describe('on the real MariaDB', () => {
    let dbs: CopyDbs;
    before(async () => {
      dbs = await copyDatabases();
      await dbs.my(TABLE);
      await dbs.my("set sql_mode = ''");
      await dbs.my(`insert into vals values ${ROWS.join(',\n')}`);
      await dbs.my('create table fb (id int, f float, g double, b bit(5), y year, bin varbinary(4), bl blob, z int(4) zerofill, zd decimal(6,2) zerofill, j json, lt longtext, u uuid, ip inet6)');
      await dbs.my(`insert into fb values (1, 1.5, 1e21, 5, 2026, x'00ff', x'01', 7, 1.5, '{"a": 1}', 'x', '00000000-0000-0000-0000-000000000001', '::1')`);
    });
    after(async () => dbs?.drop());

    for (const sep of SEPARATORS) {
      it(`separator ${JSON.stringify(sep)}: the server's lines are byte-identical to the rendered rows for every allowed type`, async () => {
        await withConn(dbs, async (c) => {
          const sql = 'select * from vals';
          const format = layoutFormat(sep);
          const fast = await serverBytes(c, `${sql} ;\n`, format);
          const slow = await rowBytes(c, sql, format);
          assert.equal(fast.bytes.toString('utf8'), slow.toString('utf8'));
          assert.ok(fast.bytes.equals(slow));
          assert.equal(fast.records, ROWS.length);
        });
      });
    }

    it('many rows and expressions (several batches): still byte-identical', async () => {
      await withConn(dbs, async (c) => {
        const sql = `with x as (select seq from seq_1_to_30000)
          select seq, cast(repeat('\\\\t\\t,\\n\\ré', seq % 9) as char(90)), seq * 1.25, if(seq % 3 = 0, null, 'v'),
            timestamp'2026-01-01 00:00:00' + interval seq second + interval (seq % 8) * 125000 microsecond, cast(seq as date) - interval 0 day is null,
            maketime(seq % 800, 1, 2), null, cast(-seq as signed) from x -- trailing comment`;
        const format = layoutFormat(',');
        const fast = await serverBytes(c, sql, format);
        const slow = await rowBytes(c, sql, format);
        assert.ok(fast.bytes.equals(slow), 'the bytes differ');
        assert.equal(fast.records, 30000);
      });
    });

    it('falls back for float, bit, year, binary, zerofill, JSON, long text and extended types, sorting queries, other layouts, and queries it cannot describe', async () => {
      await withConn(dbs, async (c) => {
        const csv = { format: dpCsv(), compression: 'none' as const };
        const reason = async (sql: string) => (await mysqlTextPlan(c, sql, csv)).reason ?? '';
        for (const [col, why] of [
          ['f', /column f: it is float/],
          ['g', /column g: it is float/],
          ['b', /column b: it is float, bit/],
          ['y', /column y: it is float, bit, year/],
          ['bin', /column bin: it is binary/],
          ['bl', /column bl: it is binary/],
          ['z', /column z: it is ZEROFILL/],
          ['zd', /column zd: it is ZEROFILL/],
          ['j', /column j: its type is json/],
          ['lt', /max_allowed_packet/],
          ['u', /column u: its type is uuid/],
          ['ip', /column ip: its type is inet6/],
        ] as const) {
          assert.match(await reason(`select id, ${col} from fb`), why, col);
        }
        assert.match(await reason('select * from vals order by id'), /ORDER BY or GROUP BY/);
        assert.match(await reason('select count(*) from vals group by e'), /ORDER BY or GROUP BY/);
        assert.match(await reason('select 1; -- the end'), /could not be described/);
        assert.match(await reason('select ?'), /could not be described/);
        assert.match(await reason('select id, id from vals'), /could not be described/);
        assert.match(await reason('insert into vals (id) values (99)'), /could not be described/);
        assert.deepEqual(await dbs.my('select count(*) from vals where id = 99'), [['0']]);
        const declared = { ...dpCsv(), columns: [{ name: 'a' }] };
        assert.match((await mysqlTextPlan(c, 'select 1, 2', { format: declared, compression: 'none' })).reason ?? '', /number of columns/);
        const otherEscape = { ...dpCsv(), escaped: { separator: ',', recordSeparator: '\n', escape: '!' } };
        assert.match((await mysqlTextPlan(c, 'select 1', { format: otherEscape, compression: 'none' })).reason ?? '', /escapeChar/);
        assert.ok((await mysqlTextPlan(c, "select 1, now(), 'x', cast(null as char)", csv)).plan);
      });
    });

    it('a session in another character set, or without backslash escapes and a sorting word anywhere: the row path', async () => {
      await withConn(dbs, async (c) => {
        const csv = { format: dpCsv(), compression: 'none' as const };
        await c.query("set sql_mode = concat(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
        assert.match((await mysqlTextPlan(c, "select vc from vals where vc <> 'a\\' order by id -- '", csv)).reason ?? '', /ORDER BY/);
        assert.ok((await mysqlTextPlan(c, 'select vc from vals', csv)).plan);
        await c.query('set character_set_results = latin1');
        assert.match((await mysqlTextPlan(c, 'select vc from vals', csv)).reason ?? '', /utf8mb4/);
      });
    });

    it('a row whose line the server cannot make (NULL): an error, not a missing line', async () => {
      await withConn(dbs, async (c) => {
        const rows = c.stream('select x from (select _binary\'a\' as x union all select null) s');
        await assert.rejects(async () => {
          for await (const _ of lineChunks(rows, () => {}));
        }, /returned no text for row 2/);
      });
    });
  });

  describe('CopyActivity', () => {
    const fx = copyFixture(async (s3, dbs) => {
      await s3.createBucket('out');
      await dbs.my(TABLE);
      await dbs.my("set sql_mode = ''");
      await dbs.my(`insert into vals values ${ROWS.join(',\n')}`);
    });
    const { copy } = fx;
    const serverWrote = (lines: string[]) => lines.some((l) => /^info: In: MySQL writes each (CSV|TSV) line itself/.test(l));
    const myNode = (selectQuery: string) => ({ type: 'MySqlDataNode', database: { ref: 'Db' }, table: 'vals', selectQuery });

    it('CSV through server lines: the documented bytes, the row count in the log', async () => {
      const r = await copy({ Db: myDb(fx.dbs), In: myNode('select id, t, bo, n, dt6, tm6, ts from vals where id in (2, 3, 5)'), Out: s3Node('file:s3://out/v.csv') });
      finished(r);
      assert.ok(serverWrote(r.ctx.lines), r.ctx.lines.join('\n'));
      assert.equal(
        (await fx.s3.getObject('out', 'v.csv')).toString('utf8'),
        '2,\\N,\\N,\\N,\\N,\\N,\\N\n' +
          '3,N,1,-0.000001,2026-01-02 03:04:05.12,-00:00:00.5,2026-01-02 01:04:05.5\n' +
          '5,back\\\\slash\\, comma\\nLF\\rCR\tTAB\bBSfFFvVT \\\\\\\\ end\\\\,1,1.500000,2000-02-29 12:00:00.000001,01:02:03.1,2000-02-29 10:00:00.1\n',
      );
      assert.ok(r.ctx.lines.some((l) => /3 rows of In written to s3:\/\/out\/v\.csv/.test(l)), r.ctx.lines.join('\n'));
    });

    it('TSV gzip through server lines', async () => {
      const r = await copy({ Db: myDb(fx.dbs), In: myNode('select id, t from vals where id in (4, 6)'), Out: s3Node('file:s3://out/v.tsv.gz', { dataFormat: { ref: 'T' }, compression: 'gzip' }), T: { type: 'TSV' } });
      finished(r);
      assert.ok(serverWrote(r.ctx.lines));
      assert.equal(gunzipSync(await fx.s3.getObject('out', 'v.tsv.gz')).toString('utf8'), '4\t\\\\N\n6\tunicode é 日本 🎉 | pipe ; semi " quote - dash : colon . dot 0\n');
    });

    it('a statement that fails mid-stream: SqlStatementFailed with the database message, no object', async () => {
      const r = await copy({ Db: myDb(fx.dbs), In: myNode('select x.seq, (select s2.seq from seq_1_to_2 s2 where x.seq = 250000 or s2.seq = 1) from seq_1_to_300000 x'), Out: s3Node('file:s3://out/sub.csv') });
      failed(r, 'SqlStatementFailed', /^In: selectQuery "select x\.seq, .*" on mysql .* failed: Subquery returns more than 1 row \[MySQL error 1242/);
      assert.ok(serverWrote(r.ctx.lines), r.ctx.lines.join('\n'));
      assert.deepEqual(await fx.s3.listKeys('out', 'sub'), []);
    });

    it('a float column: the row path, saying why', async () => {
      const r = await copy({ Db: myDb(fx.dbs), In: myNode('select id, 1e15 as f from vals where id = 1'), Out: s3Node('file:s3://out/f.csv') });
      finished(r);
      assert.ok(!serverWrote(r.ctx.lines));
      assert.ok(r.ctx.lines.some((l) => /^debug: In: rows read through a cursor and rendered by the agent \(column f: it is float/.test(l)), r.ctx.lines.join('\n'));
      assert.equal((await fx.s3.getObject('out', 'f.csv')).toString('utf8'), '1,1000000000000000\n');
    });
  });
});
