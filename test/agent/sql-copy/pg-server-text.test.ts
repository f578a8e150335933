/**
 * SQL -> S3 from PostgreSQL through the server's COPY text (agent/copy/pg-text.ts): byte-identical to the cursor
 * path (render.ts + escaped.ts) for every column type it allows, with the CSV and TSV layouts COPY can write;
 * the cursor path for the types, layouts and queries it does not allow.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { layoutProblem, serverTextPlan, unescapeTransform } from '../../../agent/copy/pg-text.js';
import type { Connection } from '../../../agent/sql/connection.js';
import type { DataFormat } from '../../../agent/formats/format.js';
import { dpCsv } from '../../../agent/formats/dp-csv.js';
import { failed, finished, s3Node } from '../copy/helpers.js';
import { copyDatabases, copyFixture, noAgentConnections, pgDb, sqlNodeOf } from './helpers.js';
import type { CopyDbs } from './helpers.js';
import { layoutFormat, renderedBytes, withSessionConn } from './server-text-helpers.js';


/** Every type the COPY path allows, and the values whose text or escaping could differ between the two paths. */
const VALS = `
create type mood as enum ('ok', 'sa,d');
create domain dtext as text;
create domain dfloat as float8;
create table vals (id int, t text, vc varchar(20), ch char(3), nm name, i2 smallint, i8 bigint, n numeric(20,6),
  b boolean, d date, ts timestamp(6), tm time(6), ttz timetz, iv interval, u uuid, j json, jb jsonb, ia int[],
  ta text[], ip inet, e mood, o oid, dt dtext);
insert into vals values
 (1, '', '', '', '', 0, 0, 0, false, '2026-01-02', '2026-01-02 03:04:05', '00:00:00', '00:00:00+00', '0', '00000000-0000-0000-0000-000000000000', '{}', '{}', '{}', '{}', '0.0.0.0', 'ok', 0, ''),
 (2, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null),
 (3, 'N', 'a,b', 'x,', 'n,m', -32768, -9223372036854775808, -0.000001, true, '0044-03-15 BC', '2026-01-02 03:04:05.120000', '12:34:56.500', '12:34:56.25-07:30', '1 day 02:03:04.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": "x\\ny", "b": [1, 2.50]}', '{"k": "v,\\\\w"}', '{1,NULL,3}', ARRAY['a"b', E'c\\\\d', null, 'e,f', ''], '2001:db8::1/64', 'sa,d', 4294967295, 'd,t'),
 (4, E'\\\\N', E'tab\\tx', E'\\t', E'n\\nl', 32767, 9223372036854775807, 123456789012.345678, false, 'infinity', '-infinity', '24:00:00', '23:59:59.999999+14', '-1 mons +2 days -00:00:01', null, '"s"', '[1, "\\\\u00e9"]', '{{1,2},{3,4}}', '{"x y"}', '10.1.2.3', null, 1, E'dt\\\\'),
 (5, E'back\\\\slash, comma\\nLF\\rCR\\tTAB\\bBS\\fFF\\x0bVT\\x01SOH\\x1fUS end\\\\', E'\\b\\f\\x0b', 'abc', E'\\\\t', 1, 1, 'NaN', true, '2000-02-29', '0001-01-01 00:00:00.000001', '00:00:00.000001', '00:00:00.1+00', '1 year 2 mons 3 days 04:05:06.789', null, '{"nl": "a\\nb"}', '{"t": "\\t"}', null, ARRAY[E'tab\\tq', E'nl\\nq', E'\\\\'], null, 'ok', null, E'\\t,\\n'),
 (6, 'unicode é 日本 🎉 | pipe', '|', ' sp ', ' ', 2, 2, 2.5, false, '2026-12-31', '2026-12-31 23:59:59.5', '23:59:59', '23:59:59+05:45', '00:00:00.000001', null, 'null', 'null', '{}', '{}', '255.255.255.255', 'ok', 2, 'é')`;

const SEPARATORS = [',', '\t', '|', ';', ' ', '\u0001', '"'];

const withConn = <T>(dbs: CopyDbs, fn: (c: Connection) => Promise<T>): Promise<T> => withSessionConn(dbs, 'postgres', fn);
const cursorBytes = (c: Connection, sql: string, format: DataFormat): Promise<Buffer> => renderedBytes(c, sql, format, 'postgres');

/** The COPY path's bytes, and the records it counted. */
async function copyBytes(c: Connection, sql: string, separator: string): Promise<{ bytes: Buffer; records: number }> {
  assert.ok(c.copyOut);
  let records = 0;
  const parts: Buffer[] = [];
  await pipeline(Readable.from(c.copyOut(sql, separator), { objectMode: false }), unescapeTransform(separator, (n) => (records += n)), async (src: AsyncIterable<Buffer>) => {
    for await (const b of src) parts.push(b);
  });
  return { bytes: Buffer.concat(parts), records };
}

async function collect(input: Buffer[], separator: string): Promise<string> {
  const parts: Buffer[] = [];
  await pipeline(Readable.from(input, { objectMode: false }), unescapeTransform(separator, () => {}), async (src: AsyncIterable<Buffer>) => {
    for await (const b of src) parts.push(b);
  });
  return Buffer.concat(parts).toString('latin1');
}

describe('PostgreSQL COPY text for SQL -> S3', () => {
  describe('unescapeTransform', () => {
    const input = 'a\\tb\\bc\\fd\\ve\\\\tf\\,g\\nh\\N\\\\\n';
    it('turns \\t \\b \\f \\v into the raw byte and keeps every other escape, whatever the chunk boundaries', async () => {
      const want = 'a\tb\bc\fd\ve\\\\tf\\,g\\nh\\N\\\\\n';
      assert.equal(await collect([Buffer.from(input, 'latin1')], ','), want);
      // One byte per chunk: every escape is split across two chunks.
      assert.equal(await collect([...Buffer.from(input, 'latin1')].map((b) => Buffer.of(b)), ','), want);
    });
    it('keeps \\t when TAB is the separator', async () => {
      assert.equal(await collect([Buffer.from(input, 'latin1')], '\t'), 'a\\tb\bc\fd\ve\\\\tf\\,g\\nh\\N\\\\\n');
    });
    it('counts records by their LF', async () => {
      let n = 0;
      await pipeline(Readable.from([Buffer.from('1\n2\\n\n'), Buffer.from('3\n')], { objectMode: false }), unescapeTransform(',', (k) => (n += k)), async (s: AsyncIterable<Buffer>) => {
        for await (const _ of s);
      });
      assert.equal(n, 3);
    });
  });

  describe('layouts', () => {
    it('CSV and TSV with escape \\ and LF records; not other escapes, record separators or separators COPY cannot write', () => {
      const l = (separator: string, escape = '\\', recordSeparator = '\n') => layoutProblem({ separator, escape, recordSeparator });
      for (const s of SEPARATORS) assert.equal(l(s), undefined, s);
      assert.match(l(',', '!') ?? '', /escapeChar/);
      assert.match(l(',', '\\', '|') ?? '', /recordSeparator/);
      for (const s of ['.', 'x', '7', '\b', '\f', '\v', 'é']) assert.match(l(s) ?? '', /columnSeparator/, s);
      assert.match(layoutProblem(undefined) ?? '', /not CSV or TSV/);
    });
  });

  describe('on the real PostgreSQL', () => {
    let dbs: CopyDbs;
    before(async () => {
      dbs = await copyDatabases();
      await dbs.pg(VALS);
    });
    after(async () => dbs?.drop());

    for (const sep of SEPARATORS) {
      it(`separator ${JSON.stringify(sep)}: the COPY text is byte-identical to the rendered rows for every allowed type`, async () => {
        await withConn(dbs, async (c) => {
          const sql = 'select * from vals order by id';
          const format = layoutFormat(sep);
          const { plan, reason } = await serverTextPlan(c, `${sql} ;\n`, { format, compression: 'none' });
          assert.ok(plan, reason);
          assert.equal(plan.query, sql);
          const fast = await copyBytes(c, plan.query, sep);
          const slow = await cursorBytes(c, sql, format);
          assert.equal(fast.bytes.toString('utf8'), slow.toString('utf8'));
          assert.ok(fast.bytes.equals(slow));
          assert.equal(fast.records, 6);
        });
      });
    }

    it('many rows (escapes across socket reads): still byte-identical', async () => {
      await withConn(dbs, async (c) => {
        const sql = `select g, repeat(E'\\\\t\\t\\b,', g % 9) || g, (g * 1.5)::numeric(12,2), timestamp '2026-01-01' + g * interval '1.25 second' from generate_series(1, 30000) g`;
        const format = layoutFormat(',');
        assert.ok((await serverTextPlan(c, sql, { format, compression: 'none' })).plan);
        const fast = await copyBytes(c, sql, ',');
        const slow = await cursorBytes(c, sql, format);
        assert.ok(fast.bytes.equals(slow), 'the bytes differ');
        assert.equal(fast.records, 30000);
      });
    });

    it('falls back for float, bytea and timestamptz columns, other layouts, declared columns of another count, and queries it cannot describe', async () => {
      await withConn(dbs, async (c) => {
        const csv = { format: dpCsv(), compression: 'none' as const };
        for (const [sql, why] of [
          ['select 1::float4', /float, bytea or timestamptz/],
          ['select 1::float8 as f', /column f is float/],
          ["select '\\x00'::bytea", /bytea/],
          ['select now()', /timestamptz/],
          ['select 1; -- the end', /could not be described/],
          ['select ?', /could not be described/],
          ['insert into vals (id) values (9) returning id', /could not be described/],
        ] as const) {
          const r = await serverTextPlan(c, sql, csv);
          assert.equal(r.plan, undefined, sql);
          assert.match(r.reason ?? '', why, sql);
        }
        assert.deepEqual(await dbs.pg('select count(*)::int from vals where id = 9'), [[0]]);
        const declared = { ...dpCsv(), columns: [{ name: 'a' }] };
        assert.match((await serverTextPlan(c, 'select 1, 2', { format: declared, compression: 'none' })).reason ?? '', /number of columns/);
        const otherEscape = { ...dpCsv(), escaped: { separator: ',', recordSeparator: '\n', escape: '!' } };
        assert.match((await serverTextPlan(c, 'select 1', { format: otherEscape, compression: 'none' })).reason ?? '', /escapeChar/);
        // A domain is described as its base type (so both paths treat it the same).
        assert.match((await serverTextPlan(c, 'select 1::dfloat as df', csv)).reason ?? '', /column df is float/);
        assert.ok((await serverTextPlan(c, 'select dt from vals', csv)).plan);
      });
    });
  });

  describe('CopyActivity', () => {
    const fx = copyFixture(async (s3, dbs) => {
      await s3.createBucket('out');
      await dbs.pg(VALS);
    });
    const { copy } = fx;
    const serverWrote = (lines: string[]) => lines.some((l) => /^info: In: PostgreSQL writes the (CSV|TSV) text itself \(COPY \.\.\. TO STDOUT\)/.test(l));

    it('CSV through COPY: the documented bytes, the row count in the log', async () => {
      const r = await copy({ Db: pgDb(fx.dbs), In: sqlNodeOf('Db', { table: 'vals', selectQuery: 'select id, t, b, n, ts, tm from vals where id in (2, 3, 5) order by id' }), Out: s3Node('file:s3://out/v.csv') });
      finished(r);
      assert.ok(serverWrote(r.ctx.lines), r.ctx.lines.join('\n'));
      assert.equal(
        (await fx.s3.getObject('out', 'v.csv')).toString('utf8'),
        '2,\\N,\\N,\\N,\\N,\\N\n' +
          '3,N,t,-0.000001,2026-01-02 03:04:05.12,12:34:56.5\n' +
          '5,back\\\\slash\\, comma\\nLF\\rCR\tTAB\bBS\fFF\vVT\x01SOH\x1fUS end\\\\,t,NaN,0001-01-01 00:00:00.000001,00:00:00.000001\n',
      );
      assert.ok(r.ctx.lines.some((l) => /3 rows of In written to s3:\/\/out\/v\.csv/.test(l)), r.ctx.lines.join('\n'));
    });

    it('TSV gzip through COPY', async () => {
      const r = await copy({
        Db: pgDb(fx.dbs),
        In: sqlNodeOf('Db', { table: 'vals', selectQuery: "select id, t from vals where id in (4, 6) order by id" }),
        Out: s3Node('file:s3://out/v.tsv.gz', { dataFormat: { ref: 'T' }, compression: 'gzip' }),
        T: { type: 'TSV' },
      });
      finished(r);
      assert.ok(serverWrote(r.ctx.lines));
      assert.equal(gunzipSync(await fx.s3.getObject('out', 'v.tsv.gz')).toString('utf8'), '4\t\\\\N\n6\tunicode é 日本 🎉 | pipe\n');
    });

    // ~20 MB: more than two 8 MiB parts, so the COPY is still running when the upload or the statement fails.
    const BIG = `select g, repeat('x', 60), g * 1.5 from generate_series(1, 300000) g`;

    it('an upload that fails mid-COPY: the output node error, the connection closed', async () => {
      const r = await copy({ Db: pgDb(fx.dbs), In: sqlNodeOf('Db', { table: 't', selectQuery: BIG }), Out: s3Node('file:s3://no-such-bucket/x.csv') });
      failed(r, 'S3NoSuchBucket', /^Out\.filePath: .*s3:\/\/no-such-bucket\/x\.csv.*does not exist/);
      assert.ok(serverWrote(r.ctx.lines));
      await noAgentConnections(fx.dbs);
    });

    it('a statement that fails mid-COPY: SqlStatementFailed with the database message, no object', async () => {
      const r = await copy({ Db: pgDb(fx.dbs), In: sqlNodeOf('Db', { table: 't', selectQuery: 'select g, 1 / (g - 250000) from generate_series(1, 300000) g' }), Out: s3Node('file:s3://out/div.csv') });
      failed(r, 'SqlStatementFailed', /^In: selectQuery "select g, 1 \/ \(g - 250000\).*" on postgres .* failed: division by zero/);
      assert.ok(serverWrote(r.ctx.lines));
      assert.deepEqual(await fx.s3.listKeys('out', 'div'), []);
      await noAgentConnections(fx.dbs);
    });

    it('a float column: the cursor path, saying why', async () => {
      const r = await copy({ Db: pgDb(fx.dbs), In: sqlNodeOf('Db', { table: 'vals', selectQuery: 'select id, 1e15::float8 as f from vals where id = 1' }), Out: s3Node('file:s3://out/f.csv') });
      finished(r);
      assert.ok(!serverWrote(r.ctx.lines));
      assert.ok(r.ctx.lines.some((l) => /^debug: In: rows read through a cursor and rendered by the agent \(column f is float/.test(l)), r.ctx.lines.join('\n'));
      assert.equal((await fx.s3.getObject('out', 'f.csv')).toString('utf8'), '1,1000000000000000\n');
    });
  });
});
