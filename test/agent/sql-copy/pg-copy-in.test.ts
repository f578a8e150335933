/**
 * S3 -> PostgreSQL through COPY ... FROM STDIN (pg-copy-load.ts): the same rows as the insertQuery path (run
 * through an `on conflict do nothing` insertQuery, which keeps that path), the same failures with the same
 * line or record, and PassThroughText unchanged by where the chunks are cut.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { CopyTextMismatch, PassThroughText } from '../../../agent/copy/pg-copy-text.js';
import { failed, finished, runCopy, s3Node } from '../copy/helpers.js';
import type { CopyRun, Objects } from '../copy/helpers.js';
import { copyFixture, noAgentConnections, pgDb, sqlNodeOf } from './helpers.js';

// Every sequence whose reading could differ between escaped.ts and COPY's text format.
const TRICKY = [
  '1,plain,',
  '2,\\N,',
  '3,\\NX,X\\N',
  '4,\\N\\N,\\\\N',
  '5,comma\\, and \\\\ backslash,tab\there',
  '6,esc \\n \\r \\t,line\\\ncontinued',
  '7,\\b\\f\\v,\\x41\\x',
  '8,\\0\\1\\7\\8\\9,\\.',
  '9,\\a\\e\\z\\é,\\日本',
  '10,raw\rcr,esc\\\rcr',
  '11,unicode é 日本 🎉,',
  '\\.,\\.,\\.',
  '13,,',
  '14,ends\\\\,\\,',
].join('\n');

function sorted(rows: unknown[][]): unknown[][] {
  return rows.map((r) => r.map((v) => (v === null ? null : String(v)))).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function usedCopy(r: CopyRun, mode = ''): boolean {
  return r.ctx.lines.some((l) => /loading with COPY \.\.\. FROM STDIN/.test(l) && l.includes(mode));
}

describe('CopyActivity S3 -> PostgreSQL with COPY FROM STDIN', () => {
  const fx = copyFixture(async (s3) => {
    await s3.createBucket('src');
    // A last record without LF, and a second object after it (a LF must be added between them).
    await s3.putObject('src', 'tricky/a.csv', TRICKY);
    await s3.putObject('src', 'tricky/b.csv', '20,second object,x\n21,\\N,\n');
    await s3.putObject('src', 'gz/a.csv.gz', gzipSync(TRICKY));
    await s3.putObject('src', 'gz/b.csv.gz', gzipSync('20,second object,x\n21,\\N,\n'));
  });
  const { copy } = fx;

  /** Loads `objects`' In into `table` with COPY, and into `<table>_ins` with the insertQuery path; returns both. */
  async function both(objects: Objects, table: string, columns: string, make: string, mode = 'the bytes as they are'): Promise<[unknown[][], unknown[][]]> {
    await fx.dbs.pg(`create table ${table} ${make}; create table ${table}_ins ${make}`);
    const marks = columns.split(',').map(() => '?').join(', ');
    const viaCopy = await copy({ ...objects, Out: sqlNodeOf('Db', { table, insertQuery: `insert into ${table} (${columns}) values (${marks})` }) });
    finished(viaCopy);
    assert.ok(usedCopy(viaCopy, mode), viaCopy.ctx.lines.join('\n'));
    const viaInsert = await copy({ ...objects, Out: sqlNodeOf('Db', { table: `${table}_ins`, insertQuery: `insert into ${table}_ins (${columns}) values (${marks}) on conflict do nothing` }) });
    finished(viaInsert);
    assert.ok(!usedCopy(viaInsert));
    return [await fx.dbs.pg(`select * from ${table}`), await fx.dbs.pg(`select * from ${table}_ins`)];
  }

  it('the bytes as they are: the same rows as the insertQuery path for NULLs, empties, escapes, CR, unicode, two objects', async () => {
    const [a, b] = await both({ Db: pgDb(fx.dbs), In: s3Node('dir:s3://src/tricky/') }, 'tr', 'a, b, c', '(a text, b text, c text)');
    assert.equal(a.length, 16);
    assert.deepEqual(sorted(a), sorted(b));
    const byId = new Map(a.map((r) => [r[0], r]));
    assert.deepEqual(byId.get('2'), ['2', null, '']);
    assert.deepEqual(byId.get('3'), ['3', 'NX', 'XN']);
    assert.deepEqual(byId.get('7'), ['7', 'bfv', 'x41x']);
    assert.deepEqual(byId.get('8'), ['8', '01789', '.']);
    assert.deepEqual(byId.get('10'), ['10', 'raw\rcr', 'esc\rcr']);
    assert.deepEqual(byId.get('.'), ['.', '.', '.']);
    assert.deepEqual(byId.get('14'), ['14', 'ends\\', ',']);
  });

  it('gzip input: the same rows', async () => {
    const [a, b] = await both({ Db: pgDb(fx.dbs), In: s3Node('dir:s3://src/gz/', { compression: 'gzip' }) }, 'gz', 'a, b, c', '(a text, b text, c text)');
    assert.equal(a.length, 16);
    assert.deepEqual(sorted(a), sorted(b));
  });

  it('re-rendered records (a Custom format): the same rows', async () => {
    await fx.s3.putObject('src', 'custom.txt', '1|a\\b|\n2|tab\there|new\\n\n3||\\N\n');
    const [a, b] = await both(
      { Db: pgDb(fx.dbs), In: s3Node('file:s3://src/custom.txt', { dataFormat: { ref: 'F' } }), F: { type: 'Custom', columnSeparator: '|' } },
      'cu',
      'a, b, c',
      '(a text, b text, c text)',
      're-rendered records',
    );
    assert.deepEqual(sorted(a), sorted(b));
    assert.deepEqual(sorted(a), [['1', 'a\\b', ''], ['2', 'tab\there', 'new\\n'], ['3', '', '\\N']]);
  });

  it('createTableSql runs first, an insertQuery without a column list binds the first columns, typed values', async () => {
    await fx.s3.putObject('src', 'typed.csv', '1,2026-01-02 03:04:05.25,12.5,t\n2,\\N,\\N,\\N\n');
    const r = await copy({
      Db: pgDb(fx.dbs),
      In: s3Node('file:s3://src/typed.csv'),
      Out: sqlNodeOf('Db', { table: 'made', createTableSql: 'create table made (id int, at timestamp(6), p numeric(10,2), ok boolean, extra text default \'d\')', insertQuery: 'insert into made values (?, ?, ?, ?)' }),
    });
    finished(r);
    assert.ok(usedCopy(r));
    assert.deepEqual(await fx.dbs.pg(`select id, to_char(at, 'YYYY-MM-DD HH24:MI:SS.US'), p::text, ok, extra from made order by id`), [
      [1, '2026-01-02 03:04:05.250000', '12.50', true, 'd'],
      [2, null, null, null, 'd'],
    ]);
  });

  it('a view keeps the insertQuery path', async () => {
    await fx.dbs.pg('create table base (a text, b text, c text); create view v as select * from base');
    const r = await copy({ Db: pgDb(fx.dbs), In: s3Node('file:s3://src/tricky/b.csv'), Out: sqlNodeOf('Db', { table: 'v', insertQuery: 'insert into v (a, b, c) values (?, ?, ?)' }) });
    finished(r);
    assert.ok(!usedCopy(r));
    assert.deepEqual(await fx.dbs.pg('select count(*)::int from base'), [[2]]);
  });

  it('a GENERATED ALWAYS identity column or row-level security keeps the insertQuery path and its outcome', async () => {
    await fx.dbs.pg('create table ident (id int generated always as identity, b text, c text)');
    const refused = await copy({ Db: pgDb(fx.dbs), In: s3Node('file:s3://src/tricky/b.csv'), Out: sqlNodeOf('Db', { table: 'ident', insertQuery: 'insert into ident (id, b, c) values (?, ?, ?)' }) });
    assert.equal(refused.outcome.status, 'FAILED');
    assert.ok(!usedCopy(refused));
    assert.deepEqual(await fx.dbs.pg('select count(*)::int from ident'), [[0]]);
    await fx.dbs.pg('create table rls (a text, b text, c text); alter table rls enable row level security');
    const r = await copy({ Db: pgDb(fx.dbs), In: s3Node('file:s3://src/tricky/b.csv'), Out: sqlNodeOf('Db', { table: 'rls', insertQuery: 'insert into rls (a, b, c) values (?, ?, ?)' }) });
    finished(r);
    assert.ok(!usedCopy(r));
    assert.ok(r.ctx.lines.some((l) => /row-level security/.test(l)), r.ctx.lines.join('\n'));
    assert.deepEqual(await fx.dbs.pg('select count(*)::int from rls'), [[2]]);
  });

  it('an abort mid-load stops the COPY, commits nothing and closes the connection', async () => {
    await fx.dbs.pg('create table ab (a int, b text)');
    await fx.s3.putObject('src', 'many.csv', Array.from({ length: 200_000 }, (_, i) => `${i},row ${i}\n`).join(''));
    let aborted = false;
    const r = await runCopy(
      fx.dir,
      fx.s3.resources(),
      { Db: pgDb(fx.dbs), In: s3Node('file:s3://src/many.csv'), Out: sqlNodeOf('Db', { table: 'ab', insertQuery: 'insert into ab (a, b) values (?, ?)' }) },
      5,
      (line, ctx) => {
        if (aborted || !/^info: copy In -> Out: .* records/.test(line)) return;
        aborted = true;
        ctx.controller.abort(new Error('test abort'));
      },
    );
    assert.ok(aborted, 'no progress line came before the copy ended');
    // Whichever side sees the abort first words it (the S3 read, or the COPY); task.ts reports aborts its own way.
    assert.equal(r.outcome.status, 'FAILED');
    const o = r.outcome as { errorId?: string };
    assert.ok(['Aborted', 'S3Error', 'SqlCanceled'].includes(o.errorId ?? ''), o.errorId);
    assert.ok(usedCopy(r));
    assert.deepEqual(await fx.dbs.pg('select count(*)::int from ab'), [[0]]);
    await noAgentConnections(fx.dbs);
  });

  describe('failures name the line or record and leave the table unchanged', () => {
    const rows = (n: number, bad: number, text: string) => `${Array.from({ length: n }, (_, i) => (i + 1 === bad ? text : `${i + 1},x`)).join('\n')}\n`;
    async function fails(key: string, body: string, make: string, errorId: string, message: RegExp, extra: Objects = {}, inExtra = {}): Promise<void> {
      const table = key.replace(/\W/g, '_');
      await fx.dbs.pg(`create table ${table} ${make}; insert into ${table} (a) values (0)`);
      await fx.s3.putObject('src', key, body);
      const r = await copy({ Db: pgDb(fx.dbs), In: s3Node(`file:s3://src/${key}`, inExtra), Out: sqlNodeOf('Db', { table, insertQuery: `insert into ${table} (a, b) values (?, ?)` }), ...extra });
      failed(r, errorId, message);
      assert.ok(usedCopy(r), 'the COPY path was tried first');
      assert.deepEqual(await fx.dbs.pg(`select count(*)::int from ${table}`), [[1]]);
    }

    it('a record with a wrong column count', () =>
      fails('f1.csv', rows(1200, 1100, '1100,x,extra'), '(a int, b text)', 'ColumnCountMismatch', /^Out\.insertQuery: record 1100 of s3:\/\/src\/f1\.csv has 3 values but the insertQuery has 2/));

    it('a record with a wrong column count against declared columns', () =>
      fails('f2.csv', rows(1200, 1100, '1100'), '(a int, b text)', 'MalformedRecord', /^In\.filePath \(s3:\/\/src\/f2\.csv\): line 1100: the record has 1 value but the data format declares 2 columns/, { F: { type: 'CSV', column: ['a INT', 'b STRING'] } }, { dataFormat: { ref: 'F' } }));

    it('a value the database rejects', () =>
      fails('f3.csv', rows(1200, 700, 'seven,x'), '(a int, b text)', 'SqlStatementFailed', /^Out: insertQuery for record 700 of s3:\/\/src\/f3\.csv on postgres .* failed: invalid input syntax for type integer: "seven"/));

    it('CR LF record ends', () => fails('f4.csv', '1,a\n2,b\r\n3,c\n', '(a int, b text)', 'CrlfRecordEnd', /^In\.filePath \(s3:\/\/src\/f4\.csv\): line 2: CRLF record ends/));

    it('a dangling escape at the end', () => fails('f5.csv', '1,a\n2,b\\', '(a int, b text)', 'MalformedRecord', /line 2: the data ends with a dangling escape/));

    it('bytes that are not UTF-8', () => fails('f6.csv', Buffer.concat([Buffer.from('1,a\n2,'), Buffer.of(0xff), Buffer.from('\n')]) as unknown as string, '(a int, b text)', 'InvalidEncoding', /: the data is not valid UTF-8/));
  });
});

describe('PassThroughText', () => {
  const whole = (input: Buffer) => {
    const t = new PassThroughText();
    const out = Buffer.concat([t.push(input), t.end() ?? Buffer.alloc(0)]);
    return { out: out.toString('utf8'), records: t.records };
  };

  it('rewrites only the sequences COPY reads otherwise, and ends an open record', () => {
    assert.deepEqual(whole(Buffer.from('a\\,b\\N\\n\\\\\\b\\x\\1\\.\r\\\rz')), { out: 'a\\,b\\N\\n\\\\bx1.\\r\\rz\n', records: 0 });
    assert.deepEqual(whole(Buffer.from('a\\\nb\n')), { out: 'a\\\nb\n', records: 1 });
    assert.deepEqual(whole(Buffer.from('a\\\n')), { out: 'a\\\n\n', records: 0 });
    assert.deepEqual(whole(Buffer.from('')), { out: '', records: 0 });
  });

  it('gives the same text wherever the chunks are cut', () => {
    const input = Buffer.from(`${TRICKY}\r`, 'utf8');
    const expected = whole(input);
    for (let size = 1; size < input.length; size++) {
      const t = new PassThroughText();
      const parts: Buffer[] = [];
      for (let k = 0; k < input.length; k += size) parts.push(t.push(input.subarray(k, Math.min(input.length, k + size))));
      parts.push(t.end() ?? Buffer.alloc(0));
      assert.deepEqual({ out: Buffer.concat(parts).toString('utf8'), records: t.records }, expected, `chunks of ${size}`);
    }
  });

  it('refuses what escaped.ts refuses', () => {
    assert.throws(() => whole(Buffer.from('a\r\n')), CopyTextMismatch);
    assert.throws(() => whole(Buffer.from('a\\')), CopyTextMismatch);
    assert.throws(() => whole(Buffer.from([0x61, 0xe6, 0x97])), CopyTextMismatch);
    assert.throws(() => whole(Buffer.from([0x61, 0xc0, 0x80, 0x0a])), CopyTextMismatch);
  });
});
